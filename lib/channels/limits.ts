// What a person may send on each channel, as plain rules: the longest message (the adapters'
// own limits, lib/channels/platforms/*) and the customer-service window. WhatsApp Business and
// Messenger let a business send free-form messages only within 24 hours of the customer's last
// message (outside it WhatsApp needs an approved template, Messenger a message tag); web chat,
// Telegram and Slack have no window. The bot's replies answer a message and so are always
// inside it; an agent's reply or payment request may come later and is checked here first.
import { messengerCapabilities } from "./platforms/messenger";
import { slackCapabilities } from "./platforms/slack";
import { telegramCapabilities } from "./platforms/telegram";
import type { ChannelKind } from "./platforms/types";
import { webCapabilities } from "./platforms/web";
import { whatsappCapabilities } from "./platforms/whatsapp";

const HOUR_MS = 60 * 60 * 1000;

export interface ChannelSendRules {
  /** Longest text of one message, in UTF-16 code units (over-counts emoji: always safe). */
  maxTextLength: number;
  /** Free-form messages only this long after the customer's last message; null: no window. */
  windowMs: number | null;
}

export const CHANNEL_SEND_RULES: Record<ChannelKind, ChannelSendRules> = {
  web: { maxTextLength: webCapabilities.maxTextLength, windowMs: null },
  telegram: { maxTextLength: telegramCapabilities.maxTextLength, windowMs: null },
  slack: { maxTextLength: slackCapabilities.maxTextLength, windowMs: null },
  whatsapp: { maxTextLength: whatsappCapabilities.maxTextLength, windowMs: 24 * HOUR_MS },
  messenger: { maxTextLength: messengerCapabilities.maxTextLength, windowMs: 24 * HOUR_MS },
};

const CHANNEL_NAMES: Record<ChannelKind, string> = {
  web: "Web chat",
  telegram: "Telegram",
  slack: "Slack",
  whatsapp: "WhatsApp",
  messenger: "Messenger",
};

export type SendCheck =
  { ok: true } | { ok: false; code: "empty" | "too_long" | "window_closed"; reason: string };

export interface SendCheckInput {
  channel: ChannelKind;
  /** What goes out, as the platform counts it (a payment link's text and URL together). */
  text: string;
  /** When the customer last wrote; null if never. */
  lastCustomerMessageAt: Date | null;
  now: Date;
}

/** Whether a person's message may go out on this channel now, and if not, why in words. */
export function checkAgentSend(input: SendCheckInput): SendCheck {
  const rules = CHANNEL_SEND_RULES[input.channel];
  const name = CHANNEL_NAMES[input.channel];
  if (input.text.trim().length === 0)
    return { ok: false, code: "empty", reason: "Write a message first." };
  if (input.text.length > rules.maxTextLength) {
    return {
      ok: false,
      code: "too_long",
      reason: `${name} takes at most ${rules.maxTextLength} characters in one message; this one has ${input.text.length}. Shorten it or send it in parts.`,
    };
  }
  if (rules.windowMs !== null) {
    const last = input.lastCustomerMessageAt?.getTime();
    if (last === undefined || input.now.getTime() - last > rules.windowMs) {
      const hours = rules.windowMs / HOUR_MS;
      return {
        ok: false,
        code: "window_closed",
        reason: `${name} allows messages only within ${hours} hours of the customer's last message${
          last === undefined ? ", and this customer has not written yet" : ""
        }. Wait for the customer to write again.`,
      };
    }
  }
  return { ok: true };
}
