import { parseRange, rollupReadPlan, todayIn } from "@/lib/analytics/range";
import { describe, expect, it } from "vitest";

const NOW = new Date("2026-03-10T23:30:00Z"); // already 03-11 in Paris

describe("analytics date ranges", () => {
  it("cuts presets in the merchant's time zone and compares with the period before", () => {
    expect(todayIn("Europe/Paris", NOW)).toBe("2026-03-11");
    const r = parseRange({ range: "7d" }, "Europe/Paris", NOW);
    expect(r).toMatchObject({
      ok: true,
      range: {
        from: "2026-03-05",
        to: "2026-03-11",
        days: 7,
        previous: { from: "2026-02-26", to: "2026-03-04" },
      },
    });
    expect(parseRange({}, "UTC", NOW).range).toMatchObject({
      preset: "30d",
      from: "2026-02-09",
      to: "2026-03-10",
    });
  });

  it("takes a custom range and refuses bad ones with a clear message", () => {
    expect(
      parseRange({ range: "custom", from: "2026-01-01", to: "2026-01-31" }, "UTC", NOW),
    ).toMatchObject({
      ok: true,
      range: { days: 31, previous: { from: "2025-12-01", to: "2025-12-31" } },
    });
    const bad = (p: Record<string, string>) => {
      const r = parseRange(p, "Europe/Paris", NOW);
      expect(r.ok).toBe(false);
      expect(r.range.preset).toBe("30d"); // the page still shows the default
      return r.ok ? "" : r.message;
    };
    expect(bad({ range: "custom", from: "2026-02-01", to: "2026-01-01" })).toMatch(/reversed/);
    expect(bad({ range: "custom", from: "2020-01-01", to: "2026-01-01" })).toMatch(/3 years/);
    expect(bad({ range: "custom", from: "2026-02-30", to: "2026-03-01" })).toMatch(/real days/);
    expect(bad({ range: "custom", from: "2026-02-01" })).toMatch(/both/);
    expect(bad({ range: "12y" })).toMatch(/not a range/);
    expect(bad({ range: "7d", tz: "Mars/Olympus" })).toMatch(/not a time zone/);
    expect(bad({ range: "7d", tz: "Asia/Tokyo" })).toMatch(/Europe\/Paris/);
  });

  it("plans a range read as whole months plus or minus the fewest days", () => {
    // The bench's 365 days: December 2025 is mostly inside (the month less its first 3 days),
    // December 2026 mostly outside (its first 3 days).
    expect(rollupReadPlan("2025-12-04", "2026-12-03")).toEqual({
      months: [{ from: "2025-12-01", to: "2026-11-01" }],
      days: [
        { from: "2025-12-01", to: "2025-12-03", sign: -1 },
        { from: "2026-12-01", to: "2026-12-03", sign: 1 },
      ],
    });
    // Whole months at both ends, and a leap February.
    expect(rollupReadPlan("2028-02-01", "2028-03-31")).toEqual({
      months: [{ from: "2028-02-01", to: "2028-03-01" }],
      days: [],
    });
    expect(rollupReadPlan("2028-01-31", "2028-02-29")).toEqual({
      months: [{ from: "2028-02-01", to: "2028-02-01" }],
      days: [{ from: "2028-01-31", to: "2028-01-31", sign: 1 }],
    });
    // Inside one month: days, or the month less both ends.
    expect(rollupReadPlan("2026-03-05", "2026-03-11")).toEqual({
      months: [],
      days: [{ from: "2026-03-05", to: "2026-03-11", sign: 1 }],
    });
    expect(rollupReadPlan("2026-03-02", "2026-03-30")).toEqual({
      months: [{ from: "2026-03-01", to: "2026-03-01" }],
      days: [
        { from: "2026-03-01", to: "2026-03-01", sign: -1 },
        { from: "2026-03-31", to: "2026-03-31", sign: -1 },
      ],
    });
    // A 30-day range across two months: 27 of November's 30 days, 3 of December's.
    expect(rollupReadPlan("2026-11-04", "2026-12-03")).toEqual({
      months: [{ from: "2026-11-01", to: "2026-11-01" }],
      days: [
        { from: "2026-11-01", to: "2026-11-03", sign: -1 },
        { from: "2026-12-01", to: "2026-12-03", sign: 1 },
      ],
    });
    // Half in, half out: days (a tie reads the days).
    expect(rollupReadPlan("2026-04-16", "2026-04-30").days).toEqual([
      { from: "2026-04-16", to: "2026-04-30", sign: 1 },
    ]);
  });
});
