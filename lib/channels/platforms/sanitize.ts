// Text hygiene at the channel boundary: what customers send in, and what Parley sends out
// in each platform's markup. Customer text is always data, never markup.
import { InboundRejectedError } from "./types";

export const MAX_INBOUND_BODY_BYTES = 100 * 1024;
export const MAX_INBOUND_TEXT_LENGTH = 4_000;

// C0 and C1 control characters and DEL, except tab and newline.
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

export function inboundBodyTooLarge(rawBody: string): boolean {
  // Cheap check first: a string's UTF-8 size is at most 3 bytes per UTF-16 unit.
  if (rawBody.length * 3 <= MAX_INBOUND_BODY_BYTES) return false;
  return Buffer.byteLength(rawBody, "utf8") > MAX_INBOUND_BODY_BYTES;
}

export function assertInboundBodySize(rawBody: string): void {
  if (inboundBodyTooLarge(rawBody)) {
    throw new InboundRejectedError(
      `Request body is larger than ${MAX_INBOUND_BODY_BYTES / 1024} KB`,
      413,
    );
  }
}

/** Strips control characters (keeping \n and \t), folds \r\n to \n, normalizes to NFC, trims. */
export function cleanInboundText(text: string): string {
  return text.replace(/\r\n?/g, "\n").replace(CONTROL_CHARACTERS, "").normalize("NFC").trim();
}

/** cleanInboundText, then capped at MAX_INBOUND_TEXT_LENGTH. */
export function sanitizeInboundText(text: string): string {
  return truncateText(cleanInboundText(text), MAX_INBOUND_TEXT_LENGTH);
}

/**
 * Shortens to at most `max` UTF-16 code units, ending with "…" when cut, never splitting a
 * surrogate pair. Code units over-count astral characters, which keeps every platform's own
 * count (characters or code units) within its limit.
 */
export function truncateText(text: string, max: number, ellipsis = "…"): string {
  if (text.length <= max) return text;
  if (max <= ellipsis.length) return sliceWhole(text, max);
  return sliceWhole(text, max - ellipsis.length).trimEnd() + ellipsis;
}

function sliceWhole(text: string, max: number): string {
  let end = max;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return text.slice(0, end);
}

/**
 * Truncates `text` so that `escape(truncated)` fits in `max`: for platforms that count the
 * escaped form (Slack's block text limits count "&amp;" as five characters).
 */
export function truncateEscaped(text: string, max: number, escape: (s: string) => string): string {
  const whole = escape(text);
  if (whole.length <= max) return whole;
  // Largest plain-text budget whose escaped form fits: binary search, escaping only grows text.
  let fits = "";
  let low = 1;
  let high = Math.min(max, text.length);
  while (low <= high) {
    const budget = Math.floor((low + high) / 2);
    const escaped = escape(truncateText(text, budget));
    if (escaped.length <= max) {
      fits = escaped;
      low = budget + 1;
    } else {
      high = budget - 1;
    }
  }
  return fits;
}

/** Telegram parse_mode HTML: "<", ">" and "&" outside tags and entities must be entities. */
export function escapeTelegramHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

/** Slack mrkdwn control characters (api.slack.com "Escaping text"): only &, < and >. */
export function escapeSlackText(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Inbound Slack text arrives escaped the same way; customers typed the plain characters. */
export function unescapeSlackText(text: string): string {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

export function utf8Length(text: string): number {
  return Buffer.byteLength(text, "utf8");
}
