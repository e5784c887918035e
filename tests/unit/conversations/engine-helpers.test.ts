import { pickLanguage } from "@/components/chat/strings";
import { PAYMENT_STATUSES } from "@/lib/connections/providers/types";
import { conversationPaymentStatus } from "@/lib/conversations/checkout/payment-events";
import { langFromTag } from "@/lib/conversations/engine";
import { takeRateLimit } from "@/lib/http/rate-limit";
import { describe, expect, it } from "vitest";

describe("conversationPaymentStatus", () => {
  it("tells the chat about outcomes the customer is waiting for, and nothing else", () => {
    const mapped = Object.fromEntries(
      PAYMENT_STATUSES.map((status) => [status, conversationPaymentStatus(status)]),
    );
    expect(mapped).toEqual({
      created: null,
      pending: "opened",
      requires_action: "opened",
      succeeded: "succeeded",
      failed: "failed",
      canceled: "failed",
      expired: "expired",
      partially_refunded: null,
      refunded: null,
      disputed: null,
    });
  });
});

describe("languages", () => {
  it("reads a platform's language tag as one of the bot's languages", () => {
    expect(langFromTag("fr-CA")).toBe("fr");
    expect(langFromTag("zh_Hans")).toBe("zh");
    expect(langFromTag("ID")).toBe("id");
    expect(langFromTag("pt-BR")).toBeUndefined();
    expect(langFromTag(undefined)).toBeUndefined();
  });

  it("picks the first wanted language the flow speaks, else its default", () => {
    expect(pickLanguage(["fr", "en"], "fr", null, "en-US")).toBe("en");
    expect(pickLanguage(["fr", "en"], "fr", "zh", "de-DE")).toBe("fr");
    expect(pickLanguage(["fr", "en", "zh"], "fr", "zh-CN", "en")).toBe("zh");
  });
});

describe("takeRateLimit", () => {
  it("allows the limit per window, then refuses until the window passes", async () => {
    const rule = { limit: 3, windowMs: 1_000 };
    const key = `test:${Math.random()}`;
    const results: boolean[] = [];
    for (const i of [0, 1, 2, 3, 4]) results.push(await takeRateLimit(key, rule, 10_000 + i));
    expect(results).toEqual([true, true, true, false, false]);
    expect(await takeRateLimit(key, rule, 11_001)).toBe(true);
    expect(await takeRateLimit(`${key}:other`, rule, 10_005)).toBe(true);
  });
});
