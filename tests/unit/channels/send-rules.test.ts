import { CHANNEL_SEND_RULES, checkAgentSend } from "@/lib/channels/limits";
import type { ChannelKind } from "@/lib/channels/platforms/types";
import { describe, expect, it } from "vitest";

const NOW = new Date("2026-12-02T12:00:00Z");
const HOURS = (h: number) => new Date(NOW.getTime() - h * 3_600_000);

// channel, text length, customer's last message (hours ago; null: never), outcome
const TABLE: [ChannelKind, number, number | null, "ok" | "too_long" | "window_closed" | "empty"][] =
  [
    ["web", 4000, null, "ok"],
    ["web", 4001, null, "too_long"],
    ["telegram", 4096, 500, "ok"],
    ["telegram", 4097, 1, "too_long"],
    ["slack", 3000, 1000, "ok"],
    ["slack", 3001, 1, "too_long"],
    ["whatsapp", 4096, 23.9, "ok"],
    ["whatsapp", 10, 24.1, "window_closed"],
    ["whatsapp", 10, null, "window_closed"],
    ["whatsapp", 4097, 1, "too_long"],
    ["messenger", 2000, 1, "ok"],
    ["messenger", 2001, 1, "too_long"],
    ["messenger", 10, 25, "window_closed"],
    ["telegram", 0, 1, "empty"],
  ];

describe("what an agent may send on each channel", () => {
  it.each(TABLE)(
    "%s, %i characters, last customer message %s h ago → %s",
    (channel, length, ago, outcome) => {
      const check = checkAgentSend({
        channel,
        text: length === 0 ? "   " : "a".repeat(length),
        lastCustomerMessageAt: ago === null ? null : HOURS(ago),
        now: NOW,
      });
      expect(check.ok ? "ok" : check.code).toBe(outcome);
      if (!check.ok) expect(check.reason.length).toBeGreaterThan(10);
    },
  );

  it("only WhatsApp and Messenger have a 24-hour window", () => {
    const windows = Object.entries(CHANNEL_SEND_RULES)
      .filter(([, rules]) => rules.windowMs !== null)
      .map(([kind, rules]) => [kind, rules.windowMs]);
    expect(windows).toEqual([
      ["whatsapp", 24 * 3_600_000],
      ["messenger", 24 * 3_600_000],
    ]);
  });

  it("says the limit in the refusal", () => {
    const check = checkAgentSend({
      channel: "messenger",
      text: "a".repeat(2500),
      lastCustomerMessageAt: NOW,
      now: NOW,
    });
    expect(check).toMatchObject({
      ok: false,
      reason: expect.stringContaining("at most 2000 characters"),
    });
  });
});
