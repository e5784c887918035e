// WhatsApp Cloud API: whatsapp_business_account webhooks in, POST /{phone-number-id}/messages out.
import { formatMoney } from "@/lib/money";
import { z } from "zod";
import { fillTemplateParameter } from "../settings";
import { postJson, resolveBaseUrl } from "./http";
import {
  DEFAULT_GRAPH_BASE_URL,
  graphApiVersion,
  graphErrorToChannelError,
  metaWebhookChecks,
} from "./meta";
import { parseJsonBody } from "./parse-body";
import { renderForChannel, type RenderedMessage } from "./render";
import { sanitizeInboundText, truncateText } from "./sanitize";
import {
  ChannelError,
  type ChannelAdapter,
  type ChannelCapabilities,
  type InboundMessage,
  type OutboundMessage,
  type SendOptions,
} from "./types";

export const whatsappConfigSchema = z.object({
  accessToken: z.string().min(1),
  appSecret: z.string().min(1),
  verifyToken: z.string().min(1),
  phoneNumberId: z.string().regex(/^\d+$/, "The numeric phone number ID from WhatsApp Manager"),
  apiVersion: graphApiVersion,
  baseUrl: z.url().optional(),
});
export type WhatsAppConfig = z.infer<typeof whatsappConfigSchema>;

// Interactive messages reference: ≤ 3 reply buttons (title ≤ 20, id ≤ 256); list messages
// ≤ 10 rows (title ≤ 24, id ≤ 200) behind a ≤ 20-character button; interactive body ≤ 1024.
const MAX_REPLY_BUTTONS = 3;
const BUTTON_TITLE_MAX = 20;
const LIST_ROW_TITLE_MAX = 24;
const INTERACTIVE_BODY_MAX = 1024;

export const whatsappCapabilities: ChannelCapabilities = {
  buttons: true,
  wallets: false,
  richCards: true,
  maxTextLength: 4096,
  buttonLimits: { maxButtons: 10, maxValueBytes: 200, maxTextLength: INTERACTIVE_BODY_MAX },
};

const waMessage = z.object({
  id: z.string(),
  from: z.string(),
  timestamp: z.string().regex(/^\d+$/),
  type: z.string(),
  text: z.object({ body: z.string() }).optional(),
  interactive: z
    .object({
      type: z.string(),
      button_reply: z.object({ id: z.string(), title: z.string() }).optional(),
      list_reply: z.object({ id: z.string(), title: z.string() }).optional(),
    })
    .optional(),
  // Quick-reply buttons of a template message arrive as type "button".
  button: z.object({ payload: z.string().optional(), text: z.string() }).optional(),
});
const changeValue = z.object({
  metadata: z.object({ phone_number_id: z.string() }),
  messages: z.array(z.unknown()).optional(),
});
const businessAccountWebhook = z.object({
  object: z.literal("whatsapp_business_account"),
  entry: z.array(
    z.object({ changes: z.array(z.object({ field: z.string(), value: z.unknown() })) }),
  ),
});

function toInbound(raw: unknown): InboundMessage | null {
  const parsed = waMessage.safeParse(raw);
  if (!parsed.success) return null;
  const m = parsed.data;
  const base = {
    platformMessageId: m.id,
    externalUserId: m.from,
    externalChatId: m.from,
    receivedAt: new Date(Number(m.timestamp) * 1000),
  };
  if (m.type === "text" && m.text) {
    const text = sanitizeInboundText(m.text.body);
    return text ? { ...base, text } : null;
  }
  const reply =
    m.type === "interactive"
      ? (m.interactive?.button_reply ?? m.interactive?.list_reply)
      : undefined;
  if (reply) return { ...base, text: sanitizeInboundText(reply.title), choiceValue: reply.id };
  if (m.type === "button" && m.button) {
    return {
      ...base,
      text: sanitizeInboundText(m.button.text),
      choiceValue: m.button.payload ?? m.button.text,
    };
  }
  // Images, locations, reactions, "unsupported"…: nothing the flow can read.
  return null;
}

function interactivePayload(rendered: RenderedMessage): Record<string, unknown> {
  if (rendered.kind === "choices" && rendered.options.length <= MAX_REPLY_BUTTONS) {
    return {
      type: "interactive",
      interactive: {
        type: "button",
        body: { text: rendered.text },
        action: {
          buttons: rendered.options.map((o) => ({
            type: "reply",
            reply: { id: o.value, title: truncateText(o.label, BUTTON_TITLE_MAX) },
          })),
        },
      },
    };
  }
  if (rendered.kind === "choices") {
    return {
      type: "interactive",
      interactive: {
        type: "list",
        body: { text: rendered.text },
        action: {
          button: "Choose",
          sections: [
            {
              rows: rendered.options.map((o) => ({
                id: o.value,
                title: truncateText(o.label, LIST_ROW_TITLE_MAX),
              })),
            },
          ],
        },
      },
    };
  }
  if (rendered.kind === "link") {
    return {
      type: "interactive",
      interactive: {
        type: "cta_url",
        body: { text: rendered.text },
        action: {
          name: "cta_url",
          parameters: {
            display_text: truncateText(rendered.label, BUTTON_TITLE_MAX),
            url: rendered.url,
          },
        },
      },
    };
  }
  // WhatsApp has no escape for *bold* or _italic_; customer text may render styled, never as links.
  return { type: "text", text: { body: rendered.text, preview_url: false } };
}

/**
 * A reminder outside the 24-hour customer service window: only an approved template may go out
 * (Cloud API messages, type "template", with the body's parameters in order).
 */
function templatePayload(
  outbound: Extract<OutboundMessage, { kind: "payment_link" }>,
  opts: SendOptions,
): Record<string, unknown> {
  const template = opts.reminderTemplate;
  if (!template)
    throw new ChannelError(
      "Outside the 24-hour window WhatsApp only delivers an approved template, and none is set",
      "whatsapp",
      "recipient_unavailable",
    );
  const values = {
    amount: formatMoney(outbound.amountMinor, outbound.currency, opts.locale ?? "en"),
    link: outbound.url,
    merchant: opts.merchantName ?? "",
  };
  const parameters = template.parameters.map((p) => ({
    type: "text",
    text: fillTemplateParameter(p, values),
  }));
  return {
    type: "template",
    template: {
      name: template.name,
      language: { code: template.language },
      ...(parameters.length > 0 ? { components: [{ type: "body", parameters }] } : {}),
    },
  };
}

const sendResponse = z.object({ messages: z.array(z.object({ id: z.string() })).min(1) });

export const whatsappAdapter: ChannelAdapter<WhatsAppConfig> = {
  kind: "whatsapp",
  configSchema: whatsappConfigSchema,
  capabilities: whatsappCapabilities,
  ...metaWebhookChecks,

  parseInbound(cfg, rawBody) {
    const body = parseJsonBody(rawBody, businessAccountWebhook, "WhatsApp webhook");
    const inbound: InboundMessage[] = [];
    for (const change of body.entry.flatMap((e) => e.changes)) {
      // "messages" changes also carry delivery statuses, which have no `messages` array.
      if (change.field !== "messages") continue;
      const value = changeValue.safeParse(change.value);
      // One business account can hold several numbers; each connection answers for its own.
      if (!value.success || value.data.metadata.phone_number_id !== cfg.phoneNumberId) continue;
      for (const raw of value.data.messages ?? []) {
        const message = toInbound(raw);
        if (message) inbound.push(message);
      }
    }
    return inbound;
  },

  async send(cfg, chatId, outbound, opts = {}) {
    const content =
      outbound.kind === "payment_link" && outbound.viaTemplate
        ? templatePayload(outbound, opts)
        : interactivePayload(
            renderForChannel(outbound, whatsappCapabilities, { locale: opts.locale }),
          );
    const payload = {
      messaging_product: "whatsapp",
      recipient_type: "individual",
      to: chatId,
      ...content,
    };
    const base = resolveBaseUrl(DEFAULT_GRAPH_BASE_URL, cfg.baseUrl, opts.baseUrl);
    const url = `${base}/${cfg.apiVersion}/${cfg.phoneNumberId}/messages`;
    const response = await postJson("whatsapp", url, payload, {
      ...opts,
      headers: { authorization: `Bearer ${cfg.accessToken}` },
    });
    const parsed = sendResponse.safeParse(response.body);
    if (response.status === 200 && parsed.success)
      return { platformMessageId: parsed.data.messages[0].id };
    throw graphErrorToChannelError("whatsapp", response);
  },
};
