import { eventPayload, parseEventPayload, type ConsoleEvent } from "@/lib/events/bus";
import { parseLastEventId } from "@/lib/events/console-stream";
import { describe, expect, it } from "vitest";

const event: ConsoleEvent = { kind: "payment", merchantId: "mer_1", mode: "test", id: "pay_1" };

describe("console event payloads", () => {
  it("round-trips and carries ids only", () => {
    expect(JSON.parse(eventPayload(event))).toEqual(event);
    expect(parseEventPayload(eventPayload(event))).toEqual(event);
  });

  it("matches the text the webhook batch builds in SQL (so Postgres folds duplicates)", () => {
    expect(eventPayload(event)).toBe(
      '{"kind":"payment","merchantId":"mer_1","mode":"test","id":"pay_1"}',
    );
  });

  it("rejects anything that is not a console event", () => {
    for (const bad of [
      "",
      "null",
      "{",
      '{"kind":"refund","merchantId":"m","mode":"test","id":"x"}',
      '{"kind":"payment","merchantId":"m","mode":"both","id":"x"}',
      '{"kind":"payment","mode":"test","id":"x"}',
    ]) {
      expect(parseEventPayload(bad)).toBeNull();
    }
  });
});

describe("Last-Event-ID", () => {
  const now = 1_800_000_000_000;
  it("accepts an id this server could have sent in the last day", () => {
    expect(parseLastEventId(String(now - 60_000), now)).toBe(now - 60_000);
  });
  it("ignores garbage, forged and stale ids", () => {
    for (const bad of [
      null,
      undefined,
      "",
      "abc",
      "12.5",
      "-1",
      "1e12",
      " 1",
      String(now + 3_600_000),
      String(now - 2 * 86_400_000),
      "9".repeat(30),
    ]) {
      expect(parseLastEventId(bad, now)).toBeNull();
    }
  });
});
