import { parsePriceInput, priceInputText } from "@/components/flows/inspector/price";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

describe("price input", () => {
  it.each([
    ["12.50", "EUR", 1250],
    ["12,5", "EUR", 1250],
    ["1 200.00", "EUR", 120000],
    ["0.01", "USD", 1],
    ["1200", "JPY", 1200],
    ["185000", "IDR", 18500000],
    ["1.250", "KWD", 1250],
    ["3", "KWD", 3000],
  ])("reads %s %s as %i minor units", (text, currency, minor) => {
    expect(parsePriceInput(text, currency)).toEqual({ ok: true, minor });
  });

  it("refuses more decimals than the currency has, saying how many it allows", () => {
    const eur = parsePriceInput("12.505", "EUR");
    expect(eur).toMatchObject({ ok: false });
    expect(!eur.ok && eur.message).toMatch(/at most 2 decimals/);
    const jpy = parsePriceInput("12.5", "JPY");
    expect(!jpy.ok && jpy.message).toMatch(/JPY has no decimals/);
    const kwd = parsePriceInput("1.2505", "KWD");
    expect(!kwd.ok && kwd.message).toMatch(/at most 3 decimals/);
  });

  it("refuses text that is not an amount, empty boxes and negative amounts", () => {
    for (const text of ["", "  ", "abc", "12.5.0", "-3", "1e3", "€12"]) {
      expect(parsePriceInput(text, "EUR").ok).toBe(false);
    }
  });

  it("refuses zero unless asked to allow it", () => {
    expect(parsePriceInput("0", "EUR").ok).toBe(false);
    expect(parsePriceInput("0.00", "EUR", { allowZero: true })).toEqual({ ok: true, minor: 0 });
  });

  it("shows a stored amount as text that reads back to the same minor units (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 40 }),
        fc.constantFrom("EUR", "JPY", "KWD", "IDR", "USD"),
        (minor, currency) => {
          expect(parsePriceInput(priceInputText(minor, currency), currency)).toEqual({
            ok: true,
            minor,
          });
        },
      ),
    );
    expect(priceInputText(1290, "EUR")).toBe("12.90");
    expect(priceInputText(1290, "JPY")).toBe("1290");
    expect(priceInputText(undefined, "EUR")).toBe("");
  });
});
