import { constantTimeEqual, hashToken, hmacSha256Hex, randomToken } from "@/lib/crypto/tokens";
import fc from "fast-check";
import { createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";

describe("randomToken", () => {
  it("returns base64url of the requested number of random bytes", () => {
    const token = randomToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, "base64url")).toHaveLength(32);
    expect(Buffer.from(randomToken(48), "base64url")).toHaveLength(48);
    expect(new Set(Array.from({ length: 50 }, () => randomToken())).size).toBe(50);
  });

  it("refuses sizes too small to be unguessable", () => {
    expect(() => randomToken(8)).toThrow(RangeError);
    expect(() => randomToken(16.5)).toThrow(RangeError);
  });
});

describe("hashToken and hmacSha256Hex", () => {
  it("hash a known vector", () => {
    expect(hashToken("abc")).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
    // RFC 4231 test case 2.
    expect(hmacSha256Hex("Jefe", "what do ya want for nothing?")).toBe(
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    );
  });

  it("agree with node:crypto for any input", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (key, data) => {
        expect(hashToken(data)).toBe(createHash("sha256").update(data).digest("hex"));
        expect(hmacSha256Hex(key, data)).toBe(createHmac("sha256", key).update(data).digest("hex"));
      }),
      { numRuns: 100 },
    );
  });
});

describe("constant-time comparisons", () => {
  it("compare strings of any length exactly", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        expect(constantTimeEqual(a, b)).toBe(a === b);
        expect(constantTimeEqual(a, a)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
