import {
  checkEvidenceFile,
  maxUploadBytes,
  nameMatchesContent,
  sniffContentType,
} from "@/lib/disputes/evidence/file-rules";
import { describe, expect, it } from "vitest";

const MB = 1024 * 1024;
const PDF = Buffer.from("%PDF-1.7\n", "latin1");
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]);
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]);

describe("sniffContentType", () => {
  it("reads the type from the magic bytes", () => {
    expect(sniffContentType(PDF)).toBe("application/pdf");
    expect(sniffContentType(PNG)).toBe("image/png");
    expect(sniffContentType(JPEG)).toBe("image/jpeg");
  });

  it("knows nothing else, however it is named", () => {
    expect(sniffContentType(Buffer.from("hello"))).toBeNull();
    expect(sniffContentType(Buffer.from("GIF89a"))).toBeNull();
    expect(sniffContentType(Buffer.from("%PD"))).toBeNull();
    expect(sniffContentType(new Uint8Array())).toBeNull();
  });

  it("matches names to content", () => {
    expect(nameMatchesContent("receipt.PDF", "application/pdf")).toBe(true);
    expect(nameMatchesContent("photo.jpeg", "image/jpeg")).toBe(true);
    expect(nameMatchesContent("photo.png", "image/jpeg")).toBe(false);
    expect(nameMatchesContent("no-extension", "image/png")).toBe(true);
  });
});

describe("checkEvidenceFile per provider", () => {
  const file = (name: string, head: Buffer, sizeBytes: number) => ({ name, head, sizeBytes });

  it("refuses a file that is not what its name says", () => {
    expect(checkEvidenceFile("stripe", file("receipt.pdf", Buffer.from("text"), 4))).toMatchObject({
      ok: false,
      message: expect.stringContaining("is not a PDF, PNG or JPEG"),
    });
    expect(checkEvidenceFile("stripe", file("receipt.pdf", PNG, 10))).toMatchObject({
      ok: false,
      message: expect.stringContaining("whose name says otherwise"),
    });
  });

  it("Stripe: 5 MB per file", () => {
    expect(checkEvidenceFile("stripe", file("a.pdf", PDF, 5 * MB))).toEqual({
      ok: true,
      contentType: "application/pdf",
    });
    expect(checkEvidenceFile("stripe", file("a.pdf", PDF, 5 * MB + 1))).toMatchObject({
      ok: false,
      message: expect.stringContaining("the limit is 5 MB"),
    });
    expect(maxUploadBytes("stripe")).toBe(5 * MB);
  });

  it("PayPal: 10 MB per file and 50 MB per submission", () => {
    expect(checkEvidenceFile("paypal", file("a.png", PNG, 10 * MB)).ok).toBe(true);
    expect(checkEvidenceFile("paypal", file("a.png", PNG, 10 * MB + 1)).ok).toBe(false);
    expect(checkEvidenceFile("paypal", file("a.png", PNG, 9 * MB), 42 * MB)).toMatchObject({
      ok: false,
      message: expect.stringContaining("the limit is 50 MB"),
    });
    expect(maxUploadBytes("paypal")).toBe(10 * MB);
  });

  it("Adyen: PDF up to 2 MB, JPEG up to 10 MB, no PNG", () => {
    expect(checkEvidenceFile("adyen", file("a.pdf", PDF, 2 * MB)).ok).toBe(true);
    expect(checkEvidenceFile("adyen", file("a.pdf", PDF, 2 * MB + 1)).ok).toBe(false);
    expect(checkEvidenceFile("adyen", file("a.jpg", JPEG, 10 * MB)).ok).toBe(true);
    expect(checkEvidenceFile("adyen", file("a.png", PNG, 1000))).toMatchObject({
      ok: false,
      message: expect.stringContaining("does not take PNG"),
    });
  });

  it("a 50 MB upload is over every provider's per-file limit", () => {
    for (const provider of ["stripe", "paypal", "adyen", "sandbox"] as const)
      expect(maxUploadBytes(provider)).toBeLessThan(50 * MB);
  });
});
