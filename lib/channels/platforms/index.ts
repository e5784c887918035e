// The channel registry: the webhook route and the sender look adapters up by kind.
import { messengerAdapter } from "./messenger";
import { slackAdapter } from "./slack";
import { telegramAdapter } from "./telegram";
import type { ChannelAdapter, ChannelKind } from "./types";
import { webAdapter } from "./web";
import { whatsappAdapter } from "./whatsapp";

const adapters = {
  web: webAdapter,
  telegram: telegramAdapter,
  messenger: messengerAdapter,
  whatsapp: whatsappAdapter,
  slack: slackAdapter,
} satisfies { [K in ChannelKind]: ChannelAdapter<unknown> };

export type ChannelAdapters = typeof adapters;

/**
 * The adapter for a channel. With a kind read from storage, parse the stored config with the
 * adapter's own configSchema and pass the result back to the same adapter.
 */
export function getChannelAdapter<K extends ChannelKind>(kind: K): ChannelAdapters[K];
export function getChannelAdapter(kind: ChannelKind): ChannelAdapter<unknown>;
export function getChannelAdapter(kind: ChannelKind): ChannelAdapter<unknown> {
  const adapter = adapters[kind] as ChannelAdapter<unknown> | undefined;
  if (!adapter) throw new Error(`Unknown channel kind "${kind}"`);
  return adapter;
}

export type { MessengerConfig } from "./messenger";
export { parseNumberedChoice, renderForChannel, type RenderedMessage } from "./render";
export type { SlackConfig } from "./slack";
export type { TelegramConfig } from "./telegram";
export * from "./types";
export type { WebConfig, WebInbound } from "./web";
export type { WhatsAppConfig } from "./whatsapp";
