// What a merchant types to connect a chat platform: the fields each kind's config needs, the
// inputs of the channel actions, and the next step on the platform once connected. Pure and
// client-safe: the form, the server actions and the services share it.
import type { ChannelKind } from "@/lib/channels/platforms/types";
import { z } from "zod";

export const CONNECTABLE_KINDS = ["telegram", "messenger", "whatsapp", "slack"] as const;
export type ConnectableKind = (typeof CONNECTABLE_KINDS)[number];

const id = z.string().trim().min(1).max(80);

export const CreateChannelSchema = z.object({
  flowId: id,
  kind: z.enum(CONNECTABLE_KINDS, { error: "Pick a chat platform" }),
  label: z.string().trim().min(1).max(120).optional(),
  /** Points the channel at another API origin (local fakes in tests and demos). */
  apiBaseUrl: z.url().optional(),
});

export interface ChannelConfigField {
  /** The key in the adapter's configSchema. */
  name: string;
  label: string;
  /** Shown as a password input and only ever displayed masked afterwards. */
  secret: boolean;
  hint: string;
  /** A value Parley can make up (the merchant then pastes it into the platform). */
  generate?: boolean;
  inputMode?: "numeric";
}

export const CHANNEL_CONFIG_FIELDS: Record<ConnectableKind, readonly ChannelConfigField[]> = {
  telegram: [
    {
      name: "botToken",
      label: "Bot token",
      secret: true,
      hint: "From @BotFather, like 123456:ABC-DEF…",
    },
    {
      name: "secretToken",
      label: "Secret token",
      secret: true,
      generate: true,
      hint: "Telegram sends it with every update. 1-256 letters, digits, _ and -.",
    },
  ],
  messenger: [
    {
      name: "pageAccessToken",
      label: "Page access token",
      secret: true,
      hint: "Messenger → Settings → Access tokens, for the page customers write to.",
    },
    {
      name: "appSecret",
      label: "App secret",
      secret: true,
      hint: "App settings → Basic. Parley checks every webhook's signature with it.",
    },
    {
      name: "verifyToken",
      label: "Verify token",
      secret: true,
      generate: true,
      hint: "Any phrase you choose; Meta sends it back when you save the webhook.",
    },
  ],
  whatsapp: [
    {
      name: "accessToken",
      label: "Access token",
      secret: true,
      hint: "A system user's permanent token with whatsapp_business_messaging.",
    },
    {
      name: "phoneNumberId",
      label: "Phone number ID",
      secret: false,
      inputMode: "numeric",
      hint: "WhatsApp → API setup: the numeric ID, not the phone number.",
    },
    {
      name: "appSecret",
      label: "App secret",
      secret: true,
      hint: "App settings → Basic. Parley checks every webhook's signature with it.",
    },
    {
      name: "verifyToken",
      label: "Verify token",
      secret: true,
      generate: true,
      hint: "Any phrase you choose; Meta sends it back when you save the webhook.",
    },
  ],
  slack: [
    {
      name: "botToken",
      label: "Bot token",
      secret: true,
      hint: "OAuth & Permissions → Bot User OAuth Token (xoxb-…).",
    },
    {
      name: "signingSecret",
      label: "Signing secret",
      secret: true,
      hint: "Basic Information → App Credentials.",
    },
  ],
};

export function isConnectableKind(kind: string): kind is ConnectableKind {
  return (CONNECTABLE_KINDS as readonly string[]).includes(kind);
}

export function configFieldLabel(kind: ChannelKind, name: string): string {
  if (!isConnectableKind(kind)) return name;
  return CHANNEL_CONFIG_FIELDS[kind].find((f) => f.name === name)?.label ?? name;
}

export interface PlatformNextStep {
  /** One sentence saying where the webhook URL goes. */
  summary: string;
  steps: string[];
  /** A command to run as is, once the placeholders in <…> are filled in. */
  command?: string;
}

/** Where the merchant pastes the webhook URL; each platform's own setup docs name these places. */
export function platformNextStep(kind: ConnectableKind, webhookUrl: string): PlatformNextStep {
  switch (kind) {
    case "telegram":
      // Bot API, setWebhook: Telegram then sends secret_token in X-Telegram-Bot-Api-Secret-Token.
      return {
        summary: "Call setWebhook with this URL and your secret token.",
        command: `curl -F "url=${webhookUrl}" -F "secret_token=<your secret token>" "https://api.telegram.org/bot<your bot token>/setWebhook"`,
        steps: ['Telegram answers {"ok":true,…}; then message your bot to try it.'],
      };
    case "messenger":
      return {
        summary: "Paste the URL and verify token in your app's Webhooks settings.",
        steps: [
          "Meta app dashboard → Messenger → Settings → Webhooks: Callback URL = this URL, Verify token = the one you entered.",
          "Subscribe your page to messages and messaging_postbacks.",
        ],
      };
    case "whatsapp":
      return {
        summary: "Paste the URL and verify token in your app's Webhooks settings.",
        steps: [
          "Meta app dashboard → WhatsApp → Configuration → Webhook: Callback URL = this URL, Verify token = the one you entered.",
          "Subscribe to the messages webhook field.",
        ],
      };
    case "slack":
      return {
        summary: "Event Subscriptions → Request URL: paste this URL.",
        steps: [
          "Slack app settings → Event Subscriptions: turn events on, Request URL = this URL (Slack checks it at once), subscribe to the message.im bot event.",
          "Interactivity & Shortcuts → Request URL: the same URL, so buttons work.",
        ],
      };
  }
}

const blankToUndefined = (value: unknown) =>
  typeof value === "string" && value.trim() === "" ? undefined : value;

/** Flat strings only, a handful of them: every channel config is a few tokens and ids. */
const ConfigInputSchema = z
  .record(z.string().max(64), z.string().trim().max(4_096))
  .refine((config) => Object.keys(config).length <= 12, "Too many settings");

const channelId = z.string().trim().min(1).max(80);

export const ConnectChannelSchema = CreateChannelSchema.extend({
  label: z.preprocess(blankToUndefined, CreateChannelSchema.shape.label),
  apiBaseUrl: z.preprocess(blankToUndefined, CreateChannelSchema.shape.apiBaseUrl),
  config: ConfigInputSchema.default({}),
});

export const ListChannelsSchema = z.object({ flowId: z.string().trim().min(1).max(80) });

export const SetChannelEnabledSchema = z.object({ channelId, enabled: z.boolean() });

export const RotateChannelSchema = z.object({ channelId, config: ConfigInputSchema });

/**
 * The connect action's outer check: shapes only. connectFlowChannel then checks the platform,
 * label, URL and the config together, so the form shows every error at once.
 */
export const ConnectChannelRequestSchema = z.object({
  flowId: z.string().max(80),
  kind: z.string().max(20),
  label: z.string().max(200).optional(),
  apiBaseUrl: z.string().max(2_000).optional(),
  config: ConfigInputSchema.optional(),
});
export type ConnectChannelRequest = z.input<typeof ConnectChannelRequestSchema>;
