import { CHANNEL_KINDS, getChannelAdapter, type ChannelKind } from "@/lib/channels/platforms";
import { describe, expect, it } from "vitest";

describe("channel registry", () => {
  it("has an adapter of the right kind for every channel", () => {
    for (const kind of CHANNEL_KINDS) {
      const adapter = getChannelAdapter(kind);
      expect(adapter.kind).toBe(kind);
      expect(adapter.capabilities.maxTextLength).toBeGreaterThan(0);
    }
  });

  it("exposes the Meta and Slack handshakes and none for Telegram or the widget", () => {
    const withHandshake = CHANNEL_KINDS.filter(
      (kind) => getChannelAdapter(kind).handshake !== undefined,
    );
    expect(withHandshake.sort()).toEqual(["messenger", "slack", "whatsapp"]);
  });

  it("parses stored config through the adapter's own schema", () => {
    const adapter = getChannelAdapter("telegram" as ChannelKind);
    expect(adapter.configSchema.safeParse({ botToken: "1:short", secretToken: "s" }).success).toBe(
      false,
    );
    expect(
      adapter.configSchema.safeParse({
        botToken: "123:AAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        secretToken: "s",
      }).success,
    ).toBe(true);
  });

  it("refuses unknown kinds", () => {
    expect(() => getChannelAdapter("sms" as ChannelKind)).toThrow(/Unknown channel kind/);
  });
});
