import { dateTimeFormat, numberFormat } from "@/lib/format/intl-cache";
import { formatShortDateTime } from "@/lib/format/time";
import { formatMoney } from "@/lib/money";
import { describe, expect, it } from "vitest";

describe("cached Intl formatters", () => {
  it("hands back one formatter per locale and options, and another for other options", () => {
    const eur = numberFormat("en", { style: "currency", currency: "EUR" });
    expect(numberFormat("en", { style: "currency", currency: "EUR" })).toBe(eur);
    expect(numberFormat("fr", { style: "currency", currency: "EUR" })).not.toBe(eur);
    expect(numberFormat("en", { style: "currency", currency: "JPY" })).not.toBe(eur);
    const utc = dateTimeFormat("en", { timeZone: "UTC" });
    expect(dateTimeFormat("en", { timeZone: "UTC" })).toBe(utc);
    expect(dateTimeFormat("en", { timeZone: "Asia/Jakarta" })).not.toBe(utc);
  });

  it("formats as a fresh formatter would, in any order of calls", () => {
    const at = new Date("2026-03-14T12:05:00Z");
    for (let i = 0; i < 3; i++) {
      expect(formatMoney(2880, "EUR")).toBe("€28.80");
      expect(formatMoney(1200, "JPY")).toBe("¥1,200");
      expect(formatMoney(1250, "KWD")).toBe(
        new Intl.NumberFormat("en", {
          style: "currency",
          currency: "KWD",
          minimumFractionDigits: 3,
        }).format(1.25),
      );
      expect(formatMoney(1250, "KWD")).toContain("1.250");
      expect(formatMoney(2880, "EUR", "fr")).toBe(
        new Intl.NumberFormat("fr", { style: "currency", currency: "EUR" }).format(28.8),
      );
      expect(formatShortDateTime(at)).toBe("Mar 14, 12:05 UTC");
    }
  });

  it("still refuses what Intl refuses, every time", () => {
    expect(() => numberFormat("en", { style: "currency", currency: "EURO" })).toThrow(RangeError);
    expect(() => numberFormat("en", { style: "currency", currency: "EURO" })).toThrow(RangeError);
    expect(() => dateTimeFormat("en", { timeZone: "Mars/Olympus" })).toThrow(RangeError);
  });
});
