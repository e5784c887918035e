// The contract every chat channel implements. Pure server code: no Next, no database.
// The webhook route verifies, dedupes on platformMessageId and hands InboundMessages to the
// bot runtime; the runtime's OutboundMessages go back out through `send`.
import type {
  ChoiceOption,
  OutboundMessage,
  ChannelCapabilities as RuntimeChannelCapabilities,
} from "@/lib/flows/runtime/types";
import type { z } from "zod";

// The runtime owns the message shapes; channels render and send them.
export type { ChoiceOption, OutboundMessage };

export const CHANNEL_KINDS = ["web", "telegram", "messenger", "whatsapp", "slack"] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

/** What the runtime needs to know about a channel, plus the limits the renderer applies. */
export interface ChannelCapabilities extends RuntimeChannelCapabilities {
  /** Longest text one outbound message may carry, in UTF-16 code units. */
  maxTextLength: number;
  /**
   * Platform limits on tappable choices. When a message exceeds them the renderer falls back
   * to a numbered list instead of letting the platform reject the send.
   */
  buttonLimits?: {
    maxButtons: number;
    /** Largest choice value the platform round-trips as a button payload, in UTF-8 bytes. */
    maxValueBytes: number;
    /** Longest text an interactive (button-carrying) message may carry. */
    maxTextLength: number;
  };
}

export interface InboundMessage {
  /** The platform's id for this delivery: the route's dedupe key (a redelivery repeats it). */
  platformMessageId: string;
  externalUserId: string;
  externalChatId: string;
  /** Sanitized customer text (control characters stripped, NFC, capped); a button's label. */
  text: string;
  lang?: string;
  /** The value of the option the customer tapped (button payload), when they tapped one. */
  choiceValue?: string;
  receivedAt: Date;
}

export interface ChannelRequest {
  rawBody: string;
  headers: Headers;
  /** The full URL the platform called (Meta's handshake lives in the query string). */
  url: string;
  method?: string;
}

export type VerifyResult = { ok: true } | { ok: false; status: 400 | 401 | 413; reason: string };

export interface HandshakeResponse {
  status: number;
  body: string;
  contentType: string;
}

export interface SendOptions {
  fetch?: typeof fetch;
  /** Overrides the config's baseUrl and the platform's default origin. */
  baseUrl?: string;
  timeoutMs?: number;
  /** Locale for amounts in rendered text ("en", "de-CH"). */
  locale?: string;
  /** WhatsApp: the approved template for messages outside the 24-hour window. */
  reminderTemplate?: { name: string; language: string; parameters: string[] };
  /** Filled into the template's {{merchant}}. */
  merchantName?: string;
}

export interface SendResult {
  platformMessageId?: string;
  /** The web channel delivers elsewhere (polling/SSE); it hands the message back unchanged. */
  message?: OutboundMessage;
}

export interface ChannelAdapter<Config> {
  kind: ChannelKind;
  /** Per-connection credentials; parse the stored config with it before calling anything else. */
  configSchema: z.ZodType<Config>;
  capabilities: ChannelCapabilities;
  /** Authenticates a POSTed webhook on its raw body. Never throws. */
  verifyRequest(cfg: Config, req: ChannelRequest, now: Date): VerifyResult;
  /**
   * Answers the platform's subscription handshake (Meta's GET hub.challenge, Slack's
   * url_verification), authenticating it itself. Returns null when the request is not one:
   * the route then calls verifyRequest and parseInbound.
   */
  handshake?(cfg: Config, req: ChannelRequest, now: Date): HandshakeResponse | null;
  /**
   * Normalizes a verified body into customer messages. Ignores what is not a customer message
   * (edits, read receipts, statuses, bot echoes). Throws InboundRejectedError when the body
   * itself is unusable.
   */
  parseInbound(cfg: Config, rawBody: string, now?: Date): InboundMessage[];
  send(
    cfg: Config,
    chatId: string,
    message: OutboundMessage,
    opts?: SendOptions,
  ): Promise<SendResult>;
}

/** A delivery the route must refuse: `status` is the HTTP status to answer with. */
export class InboundRejectedError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 413,
  ) {
    super(message);
    this.name = "InboundRejectedError";
  }
}

export type ChannelErrorKind =
  | "invalid_credentials"
  | "invalid_request"
  /** Blocked the bot, left, or outside the platform's reply window. */
  | "recipient_unavailable"
  | "rate_limited"
  | "unreachable"
  | "platform_error";

/** Thrown by `send` when the platform refuses, with the platform's own message (never a token). */
export class ChannelError extends Error {
  constructor(
    message: string,
    readonly channel: ChannelKind,
    readonly kind: ChannelErrorKind,
    readonly details: { status?: number; platformCode?: string; retryAfterSeconds?: number } = {},
  ) {
    super(message);
    this.name = "ChannelError";
  }
}
