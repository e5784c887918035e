import {
  telegramAdapter,
  telegramConfigSchema,
  type TelegramConfig,
} from "@/lib/channels/platforms/telegram";
import { ChannelError, InboundRejectedError } from "@/lib/channels/platforms/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closedPortUrl } from "../../../fakes/http-server";
import { startFakeTelegram, type FakeTelegram } from "../../../fakes/telegram-server";
import { caught, channelRequest } from "./helpers";

const BOT_TOKEN = "123456789:AAH3ykq0tT-example_token_abcdefghij";
const cfg: TelegramConfig = telegramConfigSchema.parse({
  botToken: BOT_TOKEN,
  secretToken: "whk_s3cret-Token",
});
const now = new Date("2025-03-01T12:00:00Z");

function textUpdate(overrides: Record<string, unknown> = {}) {
  return {
    update_id: 918273645,
    message: {
      message_id: 77,
      from: { id: 5550001, is_bot: false, first_name: "Ana", language_code: "pt-BR" },
      chat: { id: 5550001, first_name: "Ana", type: "private" },
      date: 1740830400,
      text: "I'd like the large box",
      ...overrides,
    },
  };
}

const callbackUpdate = {
  update_id: 918273646,
  callback_query: {
    id: "4382bfdwdsb323b2d9",
    from: { id: 5550001, is_bot: false, first_name: "Ana", language_code: "pt-BR" },
    chat_instance: "-8167371811478710911",
    data: "size_l",
    message: {
      message_id: 78,
      date: 1740830410,
      chat: { id: 5550001, type: "private" },
      text: "Which size?",
      reply_markup: {
        inline_keyboard: [
          [{ text: "Small", callback_data: "size_s" }],
          [{ text: "Large", callback_data: "size_l" }],
        ],
      },
    },
  },
};

describe("Telegram webhook verification", () => {
  const body = JSON.stringify(textUpdate());

  it("accepts the configured secret token", () => {
    const result = telegramAdapter.verifyRequest(
      cfg,
      channelRequest(body, { "X-Telegram-Bot-Api-Secret-Token": cfg.secretToken }),
      now,
    );
    expect(result).toEqual({ ok: true });
  });

  it("refuses a wrong, a truncated and a missing secret token with 401", () => {
    const attempts: Record<string, string>[] = [
      { "X-Telegram-Bot-Api-Secret-Token": "whk_s3cret-Tokem" },
      { "X-Telegram-Bot-Api-Secret-Token": cfg.secretToken.slice(0, -1) },
      {},
    ];
    for (const headers of attempts) {
      const result = telegramAdapter.verifyRequest(cfg, channelRequest(body, headers), now);
      expect(result.ok).toBe(false);
      expect(!result.ok && result.status).toBe(401);
    }
  });

  it("refuses bodies over 100 KB with 413 before anything else", () => {
    const huge = JSON.stringify(textUpdate({ text: "x".repeat(110_000) }));
    const result = telegramAdapter.verifyRequest(
      cfg,
      channelRequest(huge, { "X-Telegram-Bot-Api-Secret-Token": cfg.secretToken }),
      now,
    );
    expect(!result.ok && result.status).toBe(413);
  });

  it("validates the config", () => {
    expect(
      telegramConfigSchema.safeParse({ botToken: "not-a-token", secretToken: "x" }).success,
    ).toBe(false);
    expect(
      telegramConfigSchema.safeParse({ botToken: BOT_TOKEN, secretToken: "has spaces" }).success,
    ).toBe(false);
  });
});

describe("Telegram inbound", () => {
  it("normalizes a text message", () => {
    const [message, ...rest] = telegramAdapter.parseInbound(cfg, JSON.stringify(textUpdate()), now);
    expect(rest).toHaveLength(0);
    expect(message).toEqual({
      platformMessageId: "918273645",
      externalUserId: "5550001",
      externalChatId: "5550001",
      text: "I'd like the large box",
      lang: "pt-BR",
      receivedAt: new Date(1740830400 * 1000),
    });
  });

  it("gives a redelivered update the same platformMessageId", () => {
    const body = JSON.stringify(textUpdate());
    const first = telegramAdapter.parseInbound(cfg, body, now)[0];
    const again = telegramAdapter.parseInbound(cfg, body, new Date(now.getTime() + 60_000))[0];
    expect(again.platformMessageId).toBe(first.platformMessageId);
  });

  it("reads a button tap as the option's value with its label as text", () => {
    const [message] = telegramAdapter.parseInbound(cfg, JSON.stringify(callbackUpdate), now);
    expect(message.choiceValue).toBe("size_l");
    expect(message.text).toBe("Large");
    expect(message.externalChatId).toBe("5550001");
    expect(message.platformMessageId).toBe("918273646");
  });

  it("ignores edits, other bots, captionless media and unknown update kinds", () => {
    const edited = { update_id: 1, edited_message: textUpdate().message };
    const fromBot = textUpdate({ from: { id: 42, is_bot: true, first_name: "OtherBot" } });
    const photo = textUpdate({
      text: undefined,
      photo: [{ file_id: "AgAD", width: 90, height: 90 }],
    });
    const membership = { update_id: 3, my_chat_member: { chat: { id: 1 }, date: 1 } };
    for (const update of [edited, fromBot, photo, membership]) {
      expect(telegramAdapter.parseInbound(cfg, JSON.stringify(update), now)).toEqual([]);
    }
  });

  it("uses a photo's caption as text and strips control characters", () => {
    const [message] = telegramAdapter.parseInbound(
      cfg,
      JSON.stringify(textUpdate({ text: undefined, caption: "receipt\u0000 attached\u0007" })),
      now,
    );
    expect(message.text).toBe("receipt attached");
  });

  it("rejects bodies that are not an Update with 400, and oversized ones with 413", async () => {
    const notJson = await caught(() => telegramAdapter.parseInbound(cfg, "{nope", now));
    expect(notJson).toBeInstanceOf(InboundRejectedError);
    expect((notJson as InboundRejectedError).status).toBe(400);
    const noId = await caught(() =>
      telegramAdapter.parseInbound(cfg, JSON.stringify({ message: {} }), now),
    );
    expect((noId as InboundRejectedError).status).toBe(400);
    const huge = await caught(() =>
      telegramAdapter.parseInbound(
        cfg,
        JSON.stringify(textUpdate({ text: "é".repeat(60_000) })),
        now,
      ),
    );
    expect((huge as InboundRejectedError).status).toBe(413);
  });
});

describe("Telegram send (against the fake Bot API)", () => {
  let fake: FakeTelegram;
  let live: TelegramConfig;
  beforeAll(async () => {
    fake = await startFakeTelegram({ botToken: BOT_TOKEN });
    live = { ...cfg, baseUrl: fake.baseUrl };
  });
  afterAll(() => fake.close());

  it("sends text with parse_mode HTML and returns Telegram's message id", async () => {
    const result = await telegramAdapter.send(live, "5550001", { kind: "text", text: "Hello Ana" });
    const sent = fake.sent.at(-1)!;
    expect(sent).toMatchObject({ chatId: "5550001", text: "Hello Ana", parseMode: "HTML" });
    expect(result.platformMessageId).toMatch(/^\d+$/);
  });

  it("escapes HTML in text so the customer sees it literally", async () => {
    const echoed = 'You said: <b>cheap</b> & <a href="https://evil.test">free</a>';
    await telegramAdapter.send(live, "5550001", { kind: "text", text: echoed });
    const sent = fake.sent.at(-1)!;
    expect(sent.plainText).toBe(echoed);
    expect(sent.text).not.toContain("<b>");
  });

  it("the fake refuses raw markup like Telegram does (so the escaping test means something)", async () => {
    const response = await fetch(`${fake.baseUrl}/bot${BOT_TOKEN}/sendMessage`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ chat_id: 1, text: "<script>x</script>", parse_mode: "HTML" }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ ok: false, error_code: 400 });
  });

  it("sends choices as an inline keyboard whose callback data are the option values", async () => {
    await telegramAdapter.send(live, "5550001", {
      kind: "choices",
      text: "Which size?",
      options: [
        { value: "size_s", label: "Small" },
        { value: "size_l", label: "Large" },
      ],
    });
    const keyboard = fake.sent.at(-1)!.replyMarkup!.inline_keyboard;
    expect(keyboard.flat()).toEqual([
      { text: "Small", callback_data: "size_s" },
      { text: "Large", callback_data: "size_l" },
    ]);
  });

  it("falls back to a numbered list when a value exceeds callback_data's 64 bytes", async () => {
    await telegramAdapter.send(live, "5550001", {
      kind: "choices",
      text: "Pick",
      options: [
        { value: "v".repeat(70), label: "First" },
        { value: "b", label: "Second" },
      ],
    });
    const sent = fake.sent.at(-1)!;
    expect(sent.replyMarkup).toBeUndefined();
    expect(sent.plainText).toBe("Pick\n\n1. First\n2. Second");
  });

  it("sends a payment link as a URL button labelled with the amount", async () => {
    await telegramAdapter.send(live, "5550001", {
      kind: "payment_link",
      text: "Ready when you are.",
      url: "https://pay.parley.test/c/cs_123",
      amountMinor: 2599,
      currency: "EUR",
      methods: ["card", "apple_pay"],
    });
    const sent = fake.sent.at(-1)!;
    expect(sent.plainText).toBe("Ready when you are.");
    expect(sent.replyMarkup!.inline_keyboard).toEqual([
      [{ text: "Pay €25.99", url: "https://pay.parley.test/c/cs_123" }],
    ]);
  });

  it("truncates text over 4096 characters (counted after entities) so Telegram accepts it", async () => {
    await telegramAdapter.send(live, "5550001", { kind: "text", text: "<&>".repeat(2000) });
    const sent = fake.sent.at(-1)!;
    expect(sent.plainText.length).toBeLessThanOrEqual(4096);
    expect(sent.plainText.startsWith("<&><&>")).toBe(true);
  });

  it("throws invalid_credentials with Telegram's description for a wrong token, without leaking it", async () => {
    const wrong = { ...live, botToken: "123456789:AAH3ykq0tT-wrong_token_abcdefghijk" };
    const error = await caught(() =>
      telegramAdapter.send(wrong, "5550001", { kind: "text", text: "hi" }),
    );
    expect(error).toBeInstanceOf(ChannelError);
    expect((error as ChannelError).kind).toBe("invalid_credentials");
    expect((error as ChannelError).message).toContain("Unauthorized");
    expect((error as ChannelError).message).not.toContain("wrong_token");
  });

  it("maps a blocked chat to recipient_unavailable and a 429 to rate_limited with retry_after", async () => {
    fake.blockChat("999");
    const blocked = (await caught(() =>
      telegramAdapter.send(live, "999", { kind: "text", text: "hi" }),
    )) as ChannelError;
    expect(blocked.kind).toBe("recipient_unavailable");
    expect(blocked.message).toContain("bot was blocked by the user");

    fake.rateLimitNext(7);
    const limited = (await caught(() =>
      telegramAdapter.send(live, "5550001", { kind: "text", text: "hi" }),
    )) as ChannelError;
    expect(limited.kind).toBe("rate_limited");
    expect(limited.details.retryAfterSeconds).toBe(7);
  });

  it("reports an unreachable API as unreachable", async () => {
    const error = (await caught(() =>
      telegramAdapter.send(
        cfg,
        "1",
        { kind: "text", text: "hi" },
        { baseUrl: undefined, fetch: () => Promise.reject(new TypeError("fetch failed")) },
      ),
    )) as ChannelError;
    expect(error.kind).toBe("unreachable");
    const dead = (await caught(async () =>
      telegramAdapter.send(
        cfg,
        "1",
        { kind: "text", text: "hi" },
        { baseUrl: await closedPortUrl() },
      ),
    )) as ChannelError;
    expect(dead.kind).toBe("unreachable");
    expect(dead.message).not.toContain(BOT_TOKEN);
  });
});
