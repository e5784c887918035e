import { prepareInbound } from "@/lib/conversations/engine/inbound";
import {
  CVV_PLACEHOLDER,
  EXPIRY_PLACEHOLDER,
  luhnValid,
  PAN_PLACEHOLDER,
  redactCardData,
} from "@/lib/flows/redact";
import { describe, expect, it } from "vitest";

/** `prefix` completed with the Luhn check digit. */
function withCheckDigit(prefix: string): string {
  for (let d = 0; d <= 9; d++) if (luhnValid(`${prefix}${d}`)) return `${prefix}${d}`;
  throw new Error("unreachable");
}

const toFullWidth = (text: string) =>
  text.replace(/[0-9]/g, (d) => String.fromCharCode(0xff10 + Number(d)));

const CARD13 = "4222222222222";
const CARD19 = withCheckDigit("621234567890123456");
const AMEX = "378282246310005";

function digitsLeft(text: string): string {
  return text.replace(/\D/g, "");
}

describe("card numbers in every shape people type them", () => {
  it.each([
    ["plain", "4242424242424242"],
    ["spaces", "4242 4242 4242 4242"],
    ["double spaces", "4242  4242  4242  4242"],
    ["dashes", "4242-4242-4242-4242"],
    ["spaced dashes", "4242 - 4242 - 4242 - 4242"],
    ["dots", "4242.4242.4242.4242"],
    ["no-break spaces", "4242\u00a04242\u00a04242\u00a04242"],
    ["tabs", "4242\t4242\t4242\t4242"],
    ["mixed", "4242 4242-4242.4242"],
    ["full-width", toFullWidth("4242424242424242")],
    ["full-width with ideographic spaces", toFullWidth("4242\u30004242\u30004242\u30004242")],
    ["full-width mixed with ASCII", `${toFullWidth("4242 4242")} 4242 4242`],
    ["13 digits", CARD13],
    ["19 digits", CARD19],
    ["19 digits grouped", CARD19.replace(/(\d{4})(?=\d)/g, "$1 ")],
    ["amex 15", AMEX],
    ["amex 4-6-5", "3782 822463 10005"],
    ["mastercard 2-series", "2223003122003222"],
    ["discover dotted", "6011.1111.1111.1117"],
  ])("%s", (_name, card) => {
    const result = redactCardData(`my card: ${card} thanks`);
    expect(result.text).toBe(`my card: ${PAN_PLACEHOLDER} thanks`);
    expect(result.kinds).toContain("pan");
  });
});

describe("expiry dates and security codes next to a removed number", () => {
  it.each([
    ["4242424242424242 12/26 123", `${PAN_PLACEHOLDER} ${EXPIRY_PLACEHOLDER} ${CVV_PLACEHOLDER}`],
    ["4242 4242 4242 4242 12/2026", `${PAN_PLACEHOLDER} ${EXPIRY_PLACEHOLDER}`],
    ["4242-4242-4242-4242 01-27", `${PAN_PLACEHOLDER} ${EXPIRY_PLACEHOLDER}`],
    [
      "4242424242424242, exp 09/28, cvv 321",
      `${PAN_PLACEHOLDER}, exp ${EXPIRY_PLACEHOLDER}, cvv ${CVV_PLACEHOLDER}`,
    ],
    [
      "4242424242424242 exp: 9/28 code 4567",
      `${PAN_PLACEHOLDER} exp: ${EXPIRY_PLACEHOLDER} code ${CVV_PLACEHOLDER}`,
    ],
    [
      "4242424242424242 cvc 999 exp 11/29",
      `${PAN_PLACEHOLDER} cvc ${CVV_PLACEHOLDER} exp ${EXPIRY_PLACEHOLDER}`,
    ],
    [`${AMEX} 0427 1234`, `${PAN_PLACEHOLDER} ${CVV_PLACEHOLDER} ${CVV_PLACEHOLDER}`],
    [
      toFullWidth("4242424242424242 12/26 123"),
      `${PAN_PLACEHOLDER} ${EXPIRY_PLACEHOLDER} ${CVV_PLACEHOLDER}`,
    ],
    ["4242424242424242 123 12/26", `${PAN_PLACEHOLDER} ${CVV_PLACEHOLDER} ${EXPIRY_PLACEHOLDER}`],
  ])("%j", (input, expected) => {
    const result = redactCardData(input);
    expect(result.text).toBe(expected);
    expect(digitsLeft(result.text)).toBe("");
  });

  it("reports the kinds it removed", () => {
    expect(redactCardData("4242424242424242 12/26 123").kinds.sort()).toEqual([
      "cvv",
      "expiry",
      "pan",
    ]);
  });

  it("takes an expiry and code sent alone right after a card as its details", () => {
    const after = { lastHadCard: true };
    expect(redactCardData("12/26 123", after).text).toBe(
      `${EXPIRY_PLACEHOLDER} ${CVV_PLACEHOLDER}`,
    );
    expect(redactCardData("exp 12/26", after).text).toBe(`exp ${EXPIRY_PLACEHOLDER}`);
    expect(redactCardData("12/26 123").redacted).toBe(false);
    expect(redactCardData("see you on 12/26", after).redacted).toBe(false);
  });
});

describe("numbers that are not cards stay", () => {
  it.each([
    "call me on +33 6 12 34 56 78",
    "+62 812 3456 7890",
    "+1 (415) 555-0132",
    "+44 20 7946 0958",
    "0812-3456-7890",
    "order 4242424242424241 please",
    "order #4242-4242-4242-4241",
    "order id 2024.1107.0042.17",
    "invoice INV-2024-000123",
    "tracking 1Z999AA10123456784",
    "I paid 1.234.567,89 IDR",
    "total 1 299,00 € on 12/03/2024",
    "amount 12.50 for 3 items, code 123",
    "ref 12345678901234567890123",
    toFullWidth("order 4242424242424241"),
    "meet at 12/26 10:30",
  ])("%j", (input) => {
    expect(redactCardData(input)).toEqual({ text: input, redacted: false, kinds: [] });
  });
});

describe("button values", () => {
  it("redacts a tapped button's value before it is stored", () => {
    const { inbound, input } = prepareInbound({
      platformMessageId: "m1",
      text: "Pay now",
      choiceValue: "4242 4242 4242 4242 12/26 123",
    });
    expect(inbound.body).toEqual({
      kind: "text",
      text: "Pay now",
      choiceValue: `${PAN_PLACEHOLDER} ${EXPIRY_PLACEHOLDER} ${CVV_PLACEHOLDER}`,
    });
    expect(inbound.redacted).toBe(true);
    expect(JSON.stringify(inbound)).not.toContain("4242");
    // The runtime reads the value and redacts it with the conversation's context.
    expect(input).toMatchObject({ kind: "message" });
  });

  it("redacts a button value sent without text", () => {
    const { inbound } = prepareInbound({
      platformMessageId: "m2",
      text: "",
      choiceValue: toFullWidth("4242424242424242"),
    });
    expect(JSON.stringify(inbound)).not.toMatch(/[4４]{4}/);
    expect(inbound.redacted).toBe(true);
  });

  it("keeps ordinary button values", () => {
    const { inbound } = prepareInbound({
      platformMessageId: "m3",
      text: "",
      choiceValue: "size_42",
    });
    expect(inbound.body).toMatchObject({ choiceValue: "size_42" });
    expect(inbound.redacted).toBe(false);
  });
});
