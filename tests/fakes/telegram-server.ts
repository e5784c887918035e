// A local fake of the Telegram Bot API (core.telegram.org/bots/api) for sendMessage: checks the
// bot token, the parse_mode HTML markup and the inline keyboard the way Telegram does, answers
// in Telegram's envelope, and records what was sent.
import type { IncomingMessage, ServerResponse } from "node:http";
import { listenLocal, readText, sendJson } from "./http-server";

export interface TelegramSentMessage {
  chatId: string;
  /** `text` exactly as posted (HTML markup included). */
  text: string;
  /** What the customer sees: tags removed, entities decoded. */
  plainText: string;
  parseMode?: string;
  replyMarkup?: { inline_keyboard: Array<Array<Record<string, unknown>>> };
}

export interface FakeTelegram {
  baseUrl: string;
  sent: TelegramSentMessage[];
  /** Every request, including refused ones. */
  requestCount(): number;
  blockChat(chatId: string): void;
  rateLimitNext(retryAfterSeconds: number): void;
  close(): Promise<void>;
}

type TelegramReply = { status: number; body: Record<string, unknown> };

const ALLOWED_TAGS = new Set([
  "b",
  "strong",
  "i",
  "em",
  "u",
  "ins",
  "s",
  "strike",
  "del",
  "span",
  "tg-spoiler",
  "a",
  "code",
  "pre",
  "blockquote",
  "tg-emoji",
]);

function telegramError(
  status: number,
  description: string,
  extra: Record<string, unknown> = {},
): TelegramReply {
  return { status, body: { ok: false, error_code: status, description, ...extra } };
}

/** Parses Telegram's HTML style; returns the visible text or the error Telegram would give. */
export function parseTelegramHtml(
  html: string,
): { ok: true; plain: string } | { ok: false; error: string } {
  let plain = "";
  const open: string[] = [];
  for (let i = 0; i < html.length;) {
    const ch = html[i];
    if (ch === "<") {
      const tag = /^<(\/?)([a-zA-Z][a-zA-Z0-9-]*)(\s[^<>]*)?>/.exec(html.slice(i));
      if (!tag)
        return {
          ok: false,
          error: `Bad Request: can't parse entities: Unexpected character at byte offset ${i}`,
        };
      const [whole, closing, name] = tag;
      if (!ALLOWED_TAGS.has(name.toLowerCase())) {
        return {
          ok: false,
          error: `Bad Request: can't parse entities: Unsupported start tag "${name}" at byte offset ${i}`,
        };
      }
      if (closing) {
        if (open.pop() !== name.toLowerCase()) {
          return {
            ok: false,
            error: `Bad Request: can't parse entities: Unmatched end tag at byte offset ${i}, expected "</${open.at(-1) ?? ""}>"`,
          };
        }
      } else {
        open.push(name.toLowerCase());
      }
      i += whole.length;
    } else if (ch === ">") {
      return {
        ok: false,
        error: `Bad Request: can't parse entities: Unexpected end tag at byte offset ${i}`,
      };
    } else if (ch === "&") {
      const entity = /^&(lt|gt|amp|quot|#\d{1,7}|#x[0-9a-fA-F]{1,6});/.exec(html.slice(i));
      if (!entity)
        return {
          ok: false,
          error: `Bad Request: can't parse entities: Character entity expected at byte offset ${i}`,
        };
      const named: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"' };
      const code = entity[1];
      plain +=
        named[code] ??
        String.fromCodePoint(
          code.startsWith("#x") ? parseInt(code.slice(2), 16) : Number(code.slice(1)),
        );
      i += entity[0].length;
    } else {
      plain += ch;
      i += 1;
    }
  }
  if (open.length)
    return {
      ok: false,
      error: `Bad Request: can't parse entities: Can't find end tag corresponding to start tag "${open.at(-1)}"`,
    };
  return { ok: true, plain };
}

function validateKeyboard(markup: unknown): string | null {
  const keyboard = (markup as { inline_keyboard?: unknown } | undefined)?.inline_keyboard;
  if (!Array.isArray(keyboard) || !keyboard.every(Array.isArray))
    return 'Bad Request: field "inline_keyboard" must be an Array of Arrays';
  for (const button of keyboard.flat() as Array<Record<string, unknown>>) {
    if (typeof button.text !== "string" || !button.text)
      return "Bad Request: text buttons are unallowed in the inline keyboard";
    const hasData = typeof button.callback_data === "string";
    const hasUrl = typeof button.url === "string";
    if (hasData === hasUrl)
      return "Bad Request: can't parse inline keyboard button: exactly one of the optional fields must be present";
    if (hasData) {
      const bytes = Buffer.byteLength(button.callback_data as string);
      if (bytes < 1 || bytes > 64) return "Bad Request: BUTTON_DATA_INVALID";
    }
    if (hasUrl && !/^(https?|tg):\/\//.test(button.url as string)) {
      return `Bad Request: inline keyboard button URL '${button.url as string}' is invalid: Wrong HTTP URL`;
    }
  }
  return null;
}

export async function startFakeTelegram(opts: { botToken: string }): Promise<FakeTelegram> {
  const sent: TelegramSentMessage[] = [];
  const blocked = new Set<string>();
  let requests = 0;
  let rateLimitSeconds: number | null = null;
  let nextMessageId = 100;

  function sendMessage(params: Record<string, unknown>): TelegramReply {
    const chatId = params.chat_id;
    if (chatId === undefined || chatId === "")
      return telegramError(400, "Bad Request: chat_id is empty");
    if (typeof params.text !== "string" || !params.text.trim())
      return telegramError(400, "Bad Request: message text is empty");
    let plain = params.text;
    if (params.parse_mode === "HTML") {
      const parsed = parseTelegramHtml(params.text);
      if (!parsed.ok) return telegramError(400, parsed.error);
      plain = parsed.plain;
    } else if (params.parse_mode !== undefined) {
      return telegramError(
        400,
        `Bad Request: unsupported parse_mode "${String(params.parse_mode)}"`,
      );
    }
    if (plain.length > 4096) return telegramError(400, "Bad Request: message is too long");
    if (params.reply_markup !== undefined) {
      const error = validateKeyboard(params.reply_markup);
      if (error) return telegramError(400, error);
    }
    if (blocked.has(String(chatId)))
      return telegramError(403, "Forbidden: bot was blocked by the user");

    sent.push({
      chatId: String(chatId),
      text: params.text,
      plainText: plain,
      parseMode: params.parse_mode,
      replyMarkup: params.reply_markup as TelegramSentMessage["replyMarkup"],
    });
    const message_id = nextMessageId++;
    return {
      status: 200,
      body: {
        ok: true,
        result: {
          message_id,
          date: Math.floor(Date.now() / 1000),
          chat: { id: Number(chatId), type: "private" },
          text: plain,
        },
      },
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    requests += 1;
    const raw = await readText(req);
    const route = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(
      new URL(req.url ?? "/", "http://fake").pathname,
    );
    if (!route) return reply(res, telegramError(404, "Not Found"));
    if (route[1] !== opts.botToken) return reply(res, telegramError(401, "Unauthorized"));
    if (route[2] !== "sendMessage")
      return reply(res, telegramError(404, "Not Found: method not found"));
    if (rateLimitSeconds !== null) {
      const retry_after = rateLimitSeconds;
      rateLimitSeconds = null;
      return reply(
        res,
        telegramError(429, `Too Many Requests: retry after ${retry_after}`, {
          parameters: { retry_after },
        }),
      );
    }
    let params: unknown;
    try {
      params = JSON.parse(raw);
    } catch {
      return reply(res, telegramError(400, "Bad Request: can't parse JSON object"));
    }
    if (typeof params !== "object" || params === null)
      return reply(res, telegramError(400, "Bad Request: can't parse JSON object"));
    reply(res, sendMessage(params as Record<string, unknown>));
  }

  const server = await listenLocal(handle, (res) =>
    reply(res, telegramError(500, "Internal Server Error")),
  );

  return {
    baseUrl: server.url,
    sent,
    requestCount: () => requests,
    blockChat: (chatId) => blocked.add(chatId),
    rateLimitNext: (seconds) => {
      rateLimitSeconds = seconds;
    },
    close: server.close,
  };
}

function reply(res: ServerResponse, { status, body }: TelegramReply): void {
  sendJson(res, status, body);
}
