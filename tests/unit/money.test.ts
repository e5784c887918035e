import {
  currencyExponent,
  formatMoney,
  minorToMajorString,
  multiplyMinor,
  parseMajorToMinor,
  sumMinor,
} from "@/lib/money";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const EXPONENTS = [
  ["EUR", 2],
  ["USD", 2],
  ["JPY", 0],
  ["KWD", 3],
  ["IDR", 2],
] as const;

const amount = fc.maxSafeNat();
const notMinorUnits = fc.oneof(
  fc.double({ noInteger: true, noNaN: true }),
  fc.constantFrom(Number.NaN, Infinity, -Infinity, Number.MAX_SAFE_INTEGER + 1, -(2 ** 60)),
);

describe("currency exponents", () => {
  it.each(EXPONENTS)("%s has %i decimals, whatever the case of the code", (currency, exponent) => {
    expect(currencyExponent(currency)).toBe(exponent);
    expect(currencyExponent(currency.toLowerCase())).toBe(exponent);
  });
});

describe("parseMajorToMinor and minorToMajorString", () => {
  it.each(EXPONENTS)("round-trip every safe amount in %s", (currency, exponent) => {
    fc.assert(
      fc.property(amount, (minor) => {
        const major = minorToMajorString(minor, currency);
        expect(major).toMatch(exponent === 0 ? /^\d+$/ : new RegExp(`^\\d+\\.\\d{${exponent}}$`));
        expect(parseMajorToMinor(major, currency)).toBe(minor);
      }),
      { numRuns: 300 },
    );
  });

  it("accepts what people type", () => {
    expect(parseMajorToMinor("12.5", "EUR")).toBe(1250);
    expect(parseMajorToMinor("12,50", "EUR")).toBe(1250);
    expect(parseMajorToMinor(" 1 200 ", "USD")).toBe(120000);
    expect(parseMajorToMinor("1'200.05", "CHF")).toBe(120005);
    expect(parseMajorToMinor("1200", "JPY")).toBe(1200);
    expect(parseMajorToMinor("1.250", "KWD")).toBe(1250);
    expect(parseMajorToMinor("0.001", "KWD")).toBe(1);
  });

  it.each([
    ["12.5", "JPY"],
    ["1.2345", "KWD"],
    ["0.001", "EUR"],
    ["-1", "EUR"],
    ["1.", "EUR"],
    [".5", "EUR"],
    ["1.2.3", "EUR"],
    ["", "EUR"],
    ["12€", "EUR"],
    ["1e3", "USD"],
    ["90071992547409.92", "USD"],
  ])("refuses %j in %s instead of rounding or guessing", (input, currency) => {
    expect(() => parseMajorToMinor(input, currency)).toThrow(RangeError);
  });

  it("never turns more decimals than the currency has into an amount", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...EXPONENTS),
        fc.nat(),
        fc.integer({ min: 1, max: 9 }),
        ([currency, exponent], whole, digit) => {
          const tooPrecise = `${whole}.${"0".repeat(exponent)}${digit}`;
          expect(() => parseMajorToMinor(tooPrecise, currency)).toThrow(RangeError);
        },
      ),
    );
  });

  it("writes negative amounts with a sign", () => {
    expect(minorToMajorString(-5, "USD")).toBe("-0.05");
    expect(minorToMajorString(-1250, "KWD")).toBe("-1.250");
    expect(minorToMajorString(-7, "JPY")).toBe("-7");
  });

  it("refuses anything that is not a safe integer of minor units", () => {
    fc.assert(
      fc.property(notMinorUnits, (bad) => {
        expect(() => minorToMajorString(bad, "EUR")).toThrow(RangeError);
      }),
    );
  });
});

describe("formatMoney", () => {
  it.each(EXPONENTS)(
    "shows exactly the %s exponent's decimals, with every digit intact",
    (currency, exponent) => {
      fc.assert(
        fc.property(amount, (minor) => {
          const formatted = formatMoney(minor, currency, "en-US");
          const decimals = /\.(\d+)/.exec(formatted)?.[1] ?? "";
          expect(decimals).toHaveLength(exponent);
          expect(formatted.replace(/\D/g, "")).toBe(
            minorToMajorString(minor, currency).replace(/\D/g, ""),
          );
        }),
        { numRuns: 300 },
      );
    },
  );

  it("formats in the reader's locale", () => {
    expect(formatMoney(123456, "EUR", "en-US")).toBe("€1,234.56");
    expect(formatMoney(123456, "EUR", "de-DE")).toBe("1.234,56\u00a0€");
    expect(formatMoney(1200, "JPY", "en-US")).toBe("¥1,200");
    expect(formatMoney(1250, "KWD", "en-US")).toBe("KWD\u00a01.250");
    expect(formatMoney(-550, "USD", "en-US")).toBe("-$5.50");
  });
});

describe("sumMinor and multiplyMinor", () => {
  it("sum exactly while the total stays a safe integer", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), { maxLength: 50 }),
        (amounts) => {
          expect(BigInt(sumMinor(amounts))).toBe(
            amounts.reduce((total, a) => total + BigInt(a), 0n),
          );
        },
      ),
    );
  });

  it("refuse floats, NaN and totals past the safe range", () => {
    fc.assert(
      fc.property(notMinorUnits, (bad) => {
        expect(() => sumMinor([100, bad])).toThrow(RangeError);
      }),
    );
    expect(() => sumMinor([Number.MAX_SAFE_INTEGER, 1])).toThrow(RangeError);
    expect(() => sumMinor([Number.MIN_SAFE_INTEGER, -1])).toThrow(RangeError);
    expect(sumMinor([])).toBe(0);
  });

  it("multiply exactly or refuse", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.integer({ min: 0, max: 2 ** 31 }),
        (unit, quantity) => {
          const exact = BigInt(unit) * BigInt(quantity);
          if (exact <= BigInt(Number.MAX_SAFE_INTEGER))
            expect(BigInt(multiplyMinor(unit, quantity))).toBe(exact);
          else expect(() => multiplyMinor(unit, quantity)).toThrow(RangeError);
        },
      ),
    );
  });

  it("refuse fractional or negative quantities and fractional unit prices", () => {
    expect(() => multiplyMinor(100, 1.5)).toThrow(RangeError);
    expect(() => multiplyMinor(100, -1)).toThrow(RangeError);
    expect(() => multiplyMinor(100, Number.NaN)).toThrow(RangeError);
    fc.assert(
      fc.property(notMinorUnits, (bad) => {
        expect(() => multiplyMinor(bad, 2)).toThrow(RangeError);
      }),
    );
  });
});
