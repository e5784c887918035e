import { csvCell, csvLine } from "@/lib/analytics/csv";
import { describe, expect, it } from "vitest";

describe("analytics CSV cells", () => {
  it("quotes commas, quotes and line breaks, and guards formulas", () => {
    expect(csvLine(["Bistro, Paris", 'say "hi"', "two\nlines", 3])).toBe(
      '"Bistro, Paris","say ""hi""","two\nlines",3\r\n',
    );
    for (const risky of ["=SUM(A1)", "+1", "-2", "@cmd", "\tx"])
      expect(csvCell(risky)).toBe(`'${risky}`);
    expect(csvCell('=HYPERLINK("x",1)')).toBe(`"'=HYPERLINK(""x"",1)"`);
  });

  it("writes amounts with each currency's exponent", () => {
    expect(csvCell({ minor: 1500, currency: "JPY" })).toBe("1500");
    expect(csvCell({ minor: 12345, currency: "KWD" })).toBe("12.345");
    expect(csvCell({ minor: 15_000_000, currency: "IDR" })).toBe("150000.00");
    expect(csvCell(null)).toBe("");
  });
});
