import { auditActionGroups } from "@/lib/audit/catalog";
import { isCalendarDay, nextDay, zonedDayStart } from "@/lib/audit/dates";
import { describe, expect, it } from "vitest";

describe("audit day boundaries", () => {
  it("starts a day at local midnight, across DST changes", () => {
    expect(zonedDayStart("2025-01-15", "UTC").toISOString()).toBe("2025-01-15T00:00:00.000Z");
    expect(zonedDayStart("2025-01-15", "Europe/Paris").toISOString()).toBe(
      "2025-01-14T23:00:00.000Z",
    );
    expect(zonedDayStart("2025-07-01", "Europe/Paris").toISOString()).toBe(
      "2025-06-30T22:00:00.000Z",
    );
    // Paris springs forward at 02:00 on 30 March 2025 and falls back on 26 October.
    expect(zonedDayStart("2025-03-30", "Europe/Paris").toISOString()).toBe(
      "2025-03-29T23:00:00.000Z",
    );
    expect(zonedDayStart("2025-03-31", "Europe/Paris").toISOString()).toBe(
      "2025-03-30T22:00:00.000Z",
    );
    expect(zonedDayStart("2025-10-27", "Europe/Paris").toISOString()).toBe(
      "2025-10-26T23:00:00.000Z",
    );
    expect(zonedDayStart("2025-11-02", "America/New_York").toISOString()).toBe(
      "2025-11-02T04:00:00.000Z",
    );
    expect(zonedDayStart("2025-06-01", "Asia/Kolkata").toISOString()).toBe(
      "2025-05-31T18:30:00.000Z",
    );
  });

  it("knows real calendar days and the day after", () => {
    expect(isCalendarDay("2024-02-29")).toBe(true);
    expect(isCalendarDay("2025-02-29")).toBe(false);
    expect(isCalendarDay("2025-13-01")).toBe(false);
    expect(isCalendarDay("25-01-01")).toBe(false);
    expect(nextDay("2024-02-28")).toBe("2024-02-29");
    expect(nextDay("2025-12-31")).toBe("2026-01-01");
  });

  it("groups filter actions by domain, including actions it has never heard of", () => {
    const groups = auditActionGroups(["refund.created", "invite.created"]);
    const domains = groups.map((g) => g.domain);
    expect(domains).toEqual([...new Set(domains)].sort());
    expect(domains).toEqual(expect.arrayContaining(["auth", "invite", "member", "refund"]));
    expect(groups.find((g) => g.domain === "invite")?.actions).toEqual([
      "invite.accepted",
      "invite.created",
      "invite.revoked",
    ]);
    expect(groups.find((g) => g.domain === "refund")?.actions).toEqual(["refund.created"]);
  });
});
