// Telegram Bot API (core.telegram.org/bots/api): webhook Updates in, sendMessage out.
import { constantTimeEqual } from "@/lib/crypto/tokens";
import { z } from "zod";
import { postJson, resolveBaseUrl, unexpectedBodyError } from "./http";
import { parseJsonBody } from "./parse-body";
import { renderForChannel } from "./render";
import {
  escapeTelegramHtml,
  inboundBodyTooLarge,
  sanitizeInboundText,
  truncateText,
} from "./sanitize";
import {
  ChannelError,
  type ChannelAdapter,
  type ChannelCapabilities,
  type InboundMessage,
} from "./types";

const DEFAULT_BASE_URL = "https://api.telegram.org";
const SECRET_HEADER = "x-telegram-bot-api-secret-token";

export const telegramConfigSchema = z.object({
  botToken: z.string().regex(/^\d+:[A-Za-z0-9_-]{20,}$/, "Not a Telegram bot token (123456:ABC…)"),
  // setWebhook's secret_token: 1-256 characters, A-Z a-z 0-9 _ -.
  secretToken: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,256}$/, "1-256 characters: letters, digits, _ and -"),
  baseUrl: z.url().optional(),
});
export type TelegramConfig = z.infer<typeof telegramConfigSchema>;

export const telegramCapabilities: ChannelCapabilities = {
  buttons: true,
  wallets: false,
  richCards: false,
  maxTextLength: 4096,
  // callback_data is 1-64 bytes; 100 buttons is the documented keyboard ceiling.
  buttonLimits: { maxButtons: 100, maxValueBytes: 64, maxTextLength: 4096 },
};

const user = z.object({
  id: z.number().int(),
  is_bot: z.boolean(),
  language_code: z.string().optional(),
});
const chat = z.object({ id: z.number().int() });
const message = z.object({
  message_id: z.number().int(),
  from: user.optional(),
  chat,
  date: z.number().int(),
  text: z.string().optional(),
  caption: z.string().optional(),
});
const button = z.object({ text: z.string(), callback_data: z.string().optional() });
const callbackQuery = z.object({
  id: z.string(),
  from: user,
  message: z
    .object({
      chat,
      date: z.number().int(),
      reply_markup: z.object({ inline_keyboard: z.array(z.array(button)) }).optional(),
    })
    .optional(),
  data: z.string().optional(),
});
// Other update kinds (edited_message, channel_post, my_chat_member…) are stripped unread.
const update = z.object({
  update_id: z.number().int(),
  message: z.unknown().optional(),
  callback_query: z.unknown().optional(),
});

function parseUpdate(rawBody: string, now: Date): InboundMessage[] {
  const body = parseJsonBody(rawBody, update, "Telegram Update");
  const platformMessageId = String(body.update_id);

  const msg = message.safeParse(body.message);
  if (body.message !== undefined && msg.success) {
    const { from, chat: msgChat, date } = msg.data;
    const text = sanitizeInboundText(msg.data.text ?? msg.data.caption ?? "");
    // Messages from other bots and media without a caption are not customer text.
    if (!from || from.is_bot || !text) return [];
    return [
      {
        platformMessageId,
        externalUserId: String(from.id),
        externalChatId: String(msgChat.id),
        text,
        lang: from.language_code,
        receivedAt: new Date(date * 1000),
      },
    ];
  }

  const query = callbackQuery.safeParse(body.callback_query);
  if (body.callback_query !== undefined && query.success) {
    const { from, data } = query.data;
    const chatId = query.data.message?.chat.id;
    if (from.is_bot || !data || chatId === undefined) return [];
    // The callback carries only the value; the label the customer saw is on the keyboard.
    const tapped = query.data.message?.reply_markup?.inline_keyboard
      .flat()
      .find((b) => b.callback_data === data);
    return [
      {
        platformMessageId,
        externalUserId: String(from.id),
        externalChatId: String(chatId),
        text: sanitizeInboundText(tapped?.text ?? data),
        lang: from.language_code,
        choiceValue: data,
        receivedAt: now,
      },
    ];
  }
  return [];
}

const sendResponse = z.union([
  z.object({ ok: z.literal(true), result: z.object({ message_id: z.number().int() }) }),
  z.object({
    ok: z.literal(false),
    error_code: z.number().int(),
    description: z.string(),
    parameters: z.object({ retry_after: z.number().optional() }).optional(),
  }),
]);

export const telegramAdapter: ChannelAdapter<TelegramConfig> = {
  kind: "telegram",
  configSchema: telegramConfigSchema,
  capabilities: telegramCapabilities,

  verifyRequest(cfg, req) {
    if (inboundBodyTooLarge(req.rawBody))
      return { ok: false, status: 413, reason: "Body too large" };
    const presented = req.headers.get(SECRET_HEADER);
    if (!presented)
      return { ok: false, status: 401, reason: "Missing X-Telegram-Bot-Api-Secret-Token" };
    if (!constantTimeEqual(presented, cfg.secretToken)) {
      return { ok: false, status: 401, reason: "Secret token does not match" };
    }
    return { ok: true };
  },

  parseInbound(_cfg, rawBody, now = new Date()) {
    return parseUpdate(rawBody, now);
  },

  async send(cfg, chatId, outbound, opts = {}) {
    const rendered = renderForChannel(outbound, telegramCapabilities, { locale: opts.locale });
    // Length counts after entity parsing, so cut the plain text first, then escape.
    const payload: Record<string, unknown> = {
      chat_id: chatId,
      text: escapeTelegramHtml(truncateText(rendered.text, telegramCapabilities.maxTextLength)),
      parse_mode: "HTML",
    };
    if (rendered.kind === "choices") {
      payload.reply_markup = {
        inline_keyboard: rendered.options.map((o) => [
          { text: truncateText(o.label, 64), callback_data: o.value },
        ]),
      };
    } else if (rendered.kind === "link") {
      payload.reply_markup = { inline_keyboard: [[{ text: rendered.label, url: rendered.url }]] };
    }

    const base = resolveBaseUrl(DEFAULT_BASE_URL, cfg.baseUrl, opts.baseUrl);
    const response = await postJson(
      "telegram",
      `${base}/bot${cfg.botToken}/sendMessage`,
      payload,
      opts,
    );
    const parsed = sendResponse.safeParse(response.body);
    if (!parsed.success) throw unexpectedBodyError("telegram", response.status);
    if (parsed.data.ok) return { platformMessageId: String(parsed.data.result.message_id) };
    const { error_code: code, description, parameters } = parsed.data;
    throw new ChannelError(
      `Telegram sendMessage failed (${code}): ${description}`,
      "telegram",
      telegramErrorKind(code),
      {
        status: response.status,
        platformCode: String(code),
        retryAfterSeconds: parameters?.retry_after,
      },
    );
  },
};

function telegramErrorKind(code: number): ChannelError["kind"] {
  // 401 Unauthorized for a revoked token, 404 Not Found for a malformed one.
  if (code === 401 || code === 404) return "invalid_credentials";
  if (code === 403) return "recipient_unavailable";
  if (code === 429) return "rate_limited";
  if (code === 400) return "invalid_request";
  return "platform_error";
}
