import { CVV_PLACEHOLDER, luhnValid, PAN_PLACEHOLDER, redactCardData } from "@/lib/flows/redact";
import { describe, expect, it } from "vitest";

describe("luhnValid", () => {
  it("accepts the scheme test numbers and rejects a changed digit", () => {
    expect(luhnValid("4242424242424242")).toBe(true);
    expect(luhnValid("5555555555554444")).toBe(true);
    expect(luhnValid("378282246310005")).toBe(true);
    expect(luhnValid("4242424242424241")).toBe(false);
  });
});

describe("redactCardData", () => {
  it.each([
    ["my card is 4242424242424242 thanks", "my card is [card number removed] thanks"],
    ["5555 5555 5555 4444", PAN_PLACEHOLDER],
    ["amex 378282246310005", `amex ${PAN_PLACEHOLDER}`],
    ["3782 822463 10005 is my amex", `${PAN_PLACEHOLDER} is my amex`],
    ["4000-0566-5566-5556", PAN_PLACEHOLDER],
    ["6011111111111117.", `${PAN_PLACEHOLDER}.`],
  ])("removes the card number in %j", (input, expected) => {
    const result = redactCardData(input);
    expect(result.text).toBe(expected);
    expect(result.redacted).toBe(true);
    expect(result.kinds).toEqual(["pan"]);
    expect(result.text).not.toMatch(/\d{4}/);
  });

  it.each([
    "order 4242424242424241 please", // one digit off: not Luhn-valid
    "call me on +33 6 12 34 56 78",
    "+62 812 3456 7890",
    "invoice INV-2024-000123",
    "tracking 1Z999AA10123456784",
    "ref 12345678901234567890123", // 23 digits: no card is that long
    "I paid 1200 euros on 12/03/2024",
  ])("leaves %j untouched", (input) => {
    expect(redactCardData(input)).toEqual({ text: input, redacted: false, kinds: [] });
  });

  it("does not flag a Luhn-valid number outside the card ranges (e.g. an order number starting with 9)", () => {
    const candidates = Array.from({ length: 10 }, (_, d) => `900000000000000${d}`).filter(
      luhnValid,
    );
    expect(candidates).toHaveLength(1);
    expect(redactCardData(`order ${candidates[0]}`).redacted).toBe(false);
  });

  it("removes a security code typed after the card in the same message", () => {
    const result = redactCardData("4242 4242 4242 4242 123");
    expect(result.text).toBe(`${PAN_PLACEHOLDER} ${CVV_PLACEHOLDER}`);
    expect(result.kinds.sort()).toEqual(["cvv", "pan"]);
  });

  it("finds two cards in one message", () => {
    const result = redactCardData("4242424242424242 or 5555555555554444");
    expect(result.text).toBe(`${PAN_PLACEHOLDER} or ${PAN_PLACEHOLDER}`);
  });

  it.each([
    "cvv 123",
    "CVC: 1234",
    "my cvv is 456",
    "code de sécurité : 789",
    "安全码 321",
    "kode keamanan 654",
  ])("removes a labelled security code in %j", (input) => {
    const result = redactCardData(input);
    expect(result.kinds).toEqual(["cvv"]);
    expect(result.text).not.toMatch(/\d{3}/);
    expect(result.text).toContain(CVV_PLACEHOLDER);
  });

  it("treats a bare 3–4 digit reply as a CVV only right after a card number", () => {
    expect(redactCardData("123", { lastHadCard: true })).toEqual({
      text: CVV_PLACEHOLDER,
      redacted: true,
      kinds: ["cvv"],
    });
    expect(redactCardData(" 1234 ", { lastHadCard: true }).kinds).toEqual(["cvv"]);
    expect(redactCardData("123", { lastHadCard: false }).redacted).toBe(false);
    expect(redactCardData("123").redacted).toBe(false);
    expect(redactCardData("12345", { lastHadCard: true }).redacted).toBe(false);
  });

  it("does not take words containing cid/csc as security-code labels", () => {
    expect(redactCardData("acid 123").redacted).toBe(false);
  });
});
