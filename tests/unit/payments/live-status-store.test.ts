import {
  announceLiveStatus,
  liveStatusOf,
  newerStatus,
  subscribeLiveStatus,
} from "@/components/transactions/live-status-store";
import { describe, expect, it } from "vitest";

const T = Date.parse("2030-03-10T12:00:00.000Z");

describe("newerStatus", () => {
  it("shows the live status only when it is newer than the server's render", () => {
    const rendered = { status: "pending" as const, updatedAt: T };
    expect(newerStatus(rendered, undefined)).toBe("pending");
    expect(newerStatus(rendered, { status: "succeeded", updatedAt: T + 1 })).toBe("succeeded");
    expect(newerStatus(rendered, { status: "succeeded", updatedAt: T })).toBe("pending");
    expect(newerStatus(rendered, { status: "failed", updatedAt: T - 1 })).toBe("pending");
  });
});

describe("the live status store", () => {
  it("keeps the newest event per payment and tells listeners only of a change", () => {
    let calls = 0;
    const off = subscribeLiveStatus(() => calls++);
    announceLiveStatus("pay_1", "requires_action", new Date(T).toISOString());
    announceLiveStatus("pay_1", "succeeded", new Date(T + 2_000).toISOString());
    // Out of order: an older event after a newer one changes nothing.
    announceLiveStatus("pay_1", "requires_action", new Date(T + 1_000).toISOString());
    announceLiveStatus("pay_1", "succeeded", "not a date");
    expect(liveStatusOf("pay_1")).toEqual({ status: "succeeded", updatedAt: T + 2_000 });
    expect(calls).toBe(2);
    off();
    announceLiveStatus("pay_1", "refunded", new Date(T + 3_000).toISOString());
    expect(calls).toBe(2);
    expect(liveStatusOf("pay_2")).toBeUndefined();
  });
});
