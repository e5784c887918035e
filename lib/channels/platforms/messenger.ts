// Facebook Messenger Platform: page webhooks in, Send API (POST /me/messages) out.
import { z } from "zod";
import { postJson, resolveBaseUrl } from "./http";
import {
  DEFAULT_GRAPH_BASE_URL,
  graphApiVersion,
  graphErrorToChannelError,
  metaWebhookChecks,
} from "./meta";
import { parseJsonBody } from "./parse-body";
import { renderForChannel } from "./render";
import { sanitizeInboundText, truncateText } from "./sanitize";
import type { ChannelAdapter, ChannelCapabilities, InboundMessage } from "./types";

export const messengerConfigSchema = z.object({
  pageAccessToken: z.string().min(1),
  appSecret: z.string().min(1),
  verifyToken: z.string().min(1),
  apiVersion: graphApiVersion,
  baseUrl: z.url().optional(),
});
export type MessengerConfig = z.infer<typeof messengerConfigSchema>;

// Send API reference: text ≤ 2000 characters, ≤ 13 quick replies with 20-character titles and
// 1000-character payloads; the button template's text is limited to 640 characters.
const QUICK_REPLY_TITLE_MAX = 20;
const BUTTON_TEMPLATE_TEXT_MAX = 640;

export const messengerCapabilities: ChannelCapabilities = {
  buttons: true,
  wallets: false,
  richCards: true,
  maxTextLength: 2000,
  buttonLimits: { maxButtons: 13, maxValueBytes: 1000, maxTextLength: BUTTON_TEMPLATE_TEXT_MAX },
};

const messagingEvent = z.object({
  sender: z.object({ id: z.string() }),
  recipient: z.object({ id: z.string() }),
  timestamp: z.number(),
  message: z
    .object({
      mid: z.string(),
      text: z.string().optional(),
      is_echo: z.boolean().optional(),
      quick_reply: z.object({ payload: z.string() }).optional(),
    })
    .optional(),
  postback: z
    .object({ mid: z.string().optional(), title: z.string().optional(), payload: z.string() })
    .optional(),
});
const pageWebhook = z.object({
  object: z.string(),
  entry: z.array(z.object({ messaging: z.array(z.unknown()).optional() })),
});

function toInbound(raw: unknown): InboundMessage | null {
  const parsed = messagingEvent.safeParse(raw);
  // Deliveries, reads, reactions and unknown event kinds carry no customer message.
  if (!parsed.success) return null;
  const { sender, timestamp, message, postback } = parsed.data;
  const base = {
    externalUserId: sender.id,
    externalChatId: sender.id,
    receivedAt: new Date(timestamp),
  };

  if (message) {
    // Echoes are the page's own outgoing messages, including Parley's replies.
    if (message.is_echo) return null;
    const text = sanitizeInboundText(message.text ?? "");
    if (!text) return null;
    return {
      ...base,
      platformMessageId: message.mid,
      text,
      choiceValue: message.quick_reply?.payload,
    };
  }
  if (postback) {
    return {
      ...base,
      platformMessageId: postback.mid ?? `postback:${sender.id}:${timestamp}`,
      text: sanitizeInboundText(postback.title ?? postback.payload),
      choiceValue: postback.payload,
    };
  }
  return null;
}

const sendResponse = z.object({ recipient_id: z.string().optional(), message_id: z.string() });

export const messengerAdapter: ChannelAdapter<MessengerConfig> = {
  kind: "messenger",
  configSchema: messengerConfigSchema,
  capabilities: messengerCapabilities,
  ...metaWebhookChecks,

  parseInbound(_cfg, rawBody) {
    const body = parseJsonBody(rawBody, pageWebhook, "Messenger webhook");
    // The same app may be subscribed to Instagram; only page objects are Messenger.
    if (body.object !== "page") return [];
    return body.entry
      .flatMap((entry) => (entry.messaging ?? []).map(toInbound))
      .filter((m) => m !== null);
  },

  async send(cfg, chatId, outbound, opts = {}) {
    const rendered = renderForChannel(outbound, messengerCapabilities, { locale: opts.locale });
    let message: Record<string, unknown>;
    if (rendered.kind === "choices") {
      message = {
        text: rendered.text,
        quick_replies: rendered.options.map((o) => ({
          content_type: "text",
          title: truncateText(o.label, QUICK_REPLY_TITLE_MAX),
          payload: o.value,
        })),
      };
    } else if (rendered.kind === "link") {
      message = {
        attachment: {
          type: "template",
          payload: {
            template_type: "button",
            text: rendered.text,
            buttons: [
              {
                type: "web_url",
                url: rendered.url,
                title: truncateText(rendered.label, QUICK_REPLY_TITLE_MAX),
              },
            ],
          },
        },
      };
    } else {
      message = { text: rendered.text };
    }

    const base = resolveBaseUrl(DEFAULT_GRAPH_BASE_URL, cfg.baseUrl, opts.baseUrl);
    const url = `${base}/${cfg.apiVersion}/me/messages?access_token=${encodeURIComponent(cfg.pageAccessToken)}`;
    // RESPONSE: a reply inside the 24-hour window opened by the customer's message.
    const payload = { recipient: { id: chatId }, messaging_type: "RESPONSE", message };
    const response = await postJson("messenger", url, payload, opts);
    const parsed = sendResponse.safeParse(response.body);
    if (response.status === 200 && parsed.success)
      return { platformMessageId: parsed.data.message_id };
    throw graphErrorToChannelError("messenger", response);
  },
};
