// How conversation messages are stored (conversation_messages.body), shown to the chat
// widget and the simulator, and handed to a channel adapter. Customer text stays plain text
// from end to end; nothing here produces markup.
import { PAYMENT_METHODS, type PaymentMethod } from "@/lib/connections/providers/types";
import type { Lang } from "@/lib/flows/graph";
import { NUMBER_LOCALES } from "@/lib/flows/i18n";
import type { OutboundMessage } from "@/lib/flows/runtime/types";
import { z } from "zod";

const choiceOption = z.object({ value: z.string(), label: z.string() });

/**
 * Whether a reply was sent through its channel. Stored under the body's `delivery` key (a name
 * rows already carry); in code it is the send status, not a webhook delivery.
 */
export const SendStatusSchema = z.object({
  status: z.enum(["pending", "sent", "failed", "not_needed"]),
  error: z.string().optional(),
  at: z.string().optional(),
});
export type SendStatus = z.infer<typeof SendStatusSchema>;

/** What the customer sent, after redaction. `choiceValue` is the tapped button's value. */
export const InboundBodySchema = z.object({
  kind: z.literal("text"),
  text: z.string(),
  choiceValue: z.string().optional(),
});
export type InboundBody = z.infer<typeof InboundBodySchema>;

/** A reply a person wrote in the Inbox (absent: the bot's). The console shows who; the chat shows "team". */
export const MessageAuthorSchema = z.object({
  kind: z.literal("agent"),
  userId: z.string(),
  name: z.string(),
});
export type MessageAuthor = z.infer<typeof MessageAuthorSchema>;

export const OutboundBodySchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("text"),
    text: z.string(),
    delivery: SendStatusSchema.optional(),
    author: MessageAuthorSchema.optional(),
  }),
  z.object({
    kind: z.literal("choices"),
    text: z.string(),
    options: z.array(choiceOption),
    delivery: SendStatusSchema.optional(),
  }),
  z.object({
    kind: z.literal("payment_link"),
    text: z.string(),
    url: z.string(),
    amountMinor: z.number().int(),
    currency: z.string(),
    methods: z.array(z.string()),
    /** A reminder outside WhatsApp's 24-hour window: sent as the channel's approved template. */
    viaTemplate: z.boolean().optional(),
    delivery: SendStatusSchema.optional(),
    author: MessageAuthorSchema.optional(),
    /** An agent's payment request: the payment it links to. */
    paymentId: z.string().optional(),
  }),
  z.object({
    kind: z.literal("receipt"),
    text: z.string(),
    amountMinor: z.number().int(),
    currency: z.string(),
    reference: z.string(),
    delivery: SendStatusSchema.optional(),
  }),
]);
export type OutboundBody = z.infer<typeof OutboundBodySchema>;

/** One message as the widget and simulator render it. */
export interface ChatMessageView {
  id: string;
  direction: "inbound" | "outbound";
  kind: "text" | "choices" | "payment_link" | "receipt";
  text: string;
  options?: { value: string; label: string }[];
  url?: string;
  amountMinor?: number;
  currency?: string;
  reference?: string;
  /** The inbound text had card data removed. */
  redacted?: boolean;
  /** A person from the team wrote it (not the bot). */
  fromTeam?: boolean;
  createdAt: string;
}

export function outboundBody(message: OutboundMessage, send: SendStatus): OutboundBody {
  switch (message.kind) {
    case "text":
      return { kind: "text", text: message.text, delivery: send };
    case "choices":
      return {
        kind: "choices",
        text: message.text,
        options: message.options.map((o) => ({ value: o.value, label: o.label })),
        delivery: send,
      };
    case "payment_link":
      return {
        kind: "payment_link",
        text: message.text,
        url: message.url,
        amountMinor: message.amountMinor,
        currency: message.currency,
        methods: [...message.methods],
        ...(message.viaTemplate ? { viaTemplate: true } : {}),
        delivery: send,
      };
    case "receipt":
      return {
        kind: "receipt",
        text: message.text,
        amountMinor: message.amountMinor,
        currency: message.currency,
        reference: message.reference,
        delivery: send,
      };
  }
}

/** The channel adapter's shape of a stored outbound message (send status dropped). */
export function toChannelMessage(body: OutboundBody): OutboundMessage {
  if (body.kind === "text") return { kind: "text", text: body.text };
  if (body.kind !== "payment_link") {
    const { delivery: _delivery, ...message } = body;
    return message;
  }
  // Stored bodies keep methods as plain strings (the runtime wrote them); adapters only show the link.
  return {
    kind: "payment_link",
    text: body.text,
    url: body.url,
    amountMinor: body.amountMinor,
    currency: body.currency,
    methods: body.methods.filter(isPaymentMethod),
    // A reminder outside WhatsApp's 24-hour window goes out as the channel's approved template.
    ...(body.viaTemplate ? { viaTemplate: true } : {}),
  };
}

function isPaymentMethod(method: string): method is PaymentMethod {
  return (PAYMENT_METHODS as readonly string[]).includes(method);
}

export interface StoredMessageRow {
  id: string;
  direction: "inbound" | "outbound";
  body: unknown;
  redacted: boolean;
  createdAt: Date;
}

/** A stored row as the chat shows it; null for a body this version can't read. */
export function toMessageView(row: StoredMessageRow): ChatMessageView | null {
  const base = { id: row.id, direction: row.direction, createdAt: row.createdAt.toISOString() };
  if (row.direction === "inbound") {
    const body = InboundBodySchema.safeParse(row.body);
    if (!body.success) return null;
    return {
      ...base,
      kind: "text",
      text: body.data.text,
      ...(row.redacted ? { redacted: true } : {}),
    };
  }
  const body = OutboundBodySchema.safeParse(row.body);
  if (!body.success) return null;
  const message = body.data;
  const team = "author" in message && message.author ? { fromTeam: true } : {};
  switch (message.kind) {
    case "text":
      return { ...base, kind: "text", text: message.text, ...team };
    case "choices":
      return { ...base, kind: "choices", text: message.text, options: message.options };
    case "payment_link":
      return {
        ...base,
        kind: "payment_link",
        text: message.text,
        url: message.url,
        amountMinor: message.amountMinor,
        currency: message.currency,
        ...team,
      };
    case "receipt":
      return {
        ...base,
        kind: "receipt",
        text: message.text,
        amountMinor: message.amountMinor,
        currency: message.currency,
        reference: message.reference,
      };
  }
}

/** The locale channel adapters format amounts with, for the conversation's language. */
export function channelLocale(lang: Lang): string {
  return NUMBER_LOCALES[lang];
}
