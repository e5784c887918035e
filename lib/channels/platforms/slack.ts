// Slack: Events API and block_actions interactivity in, chat.postMessage out.
import { constantTimeEqual, hmacSha256Hex } from "@/lib/crypto/tokens";
import { z } from "zod";
import { postJson, resolveBaseUrl, unexpectedBodyError } from "./http";
import { parseJsonBody } from "./parse-body";
import { renderForChannel } from "./render";
import {
  assertInboundBodySize,
  escapeSlackText,
  inboundBodyTooLarge,
  sanitizeInboundText,
  truncateEscaped,
  truncateText,
  unescapeSlackText,
} from "./sanitize";
import {
  ChannelError,
  InboundRejectedError,
  type ChannelAdapter,
  type ChannelCapabilities,
  type InboundMessage,
} from "./types";

const DEFAULT_BASE_URL = "https://slack.com";
const MAX_CLOCK_SKEW_SECONDS = 5 * 60;

export const slackConfigSchema = z.object({
  botToken: z.string().regex(/^xoxb-[A-Za-z0-9-]+$/, "A bot token (xoxb-…)"),
  signingSecret: z.string().min(1),
  baseUrl: z.url().optional(),
});
export type SlackConfig = z.infer<typeof slackConfigSchema>;

// Block Kit reference: section text ≤ 3000, ≤ 25 elements per actions block, button text ≤ 75,
// button value ≤ 2000.
const SECTION_TEXT_MAX = 3000;
const BUTTON_TEXT_MAX = 75;

export const slackCapabilities: ChannelCapabilities = {
  buttons: true,
  wallets: false,
  richCards: true,
  maxTextLength: SECTION_TEXT_MAX,
  buttonLimits: { maxButtons: 25, maxValueBytes: 2000, maxTextLength: SECTION_TEXT_MAX },
};

const messageEvent = z.object({
  type: z.literal("message"),
  channel: z.string(),
  user: z.string(),
  text: z.string(),
  ts: z.string(),
  subtype: z.string().optional(),
  bot_id: z.string().optional(),
});
const eventEnvelope = z.object({
  type: z.string(),
  event_id: z.string().optional(),
  event: z.unknown().optional(),
  challenge: z.string().optional(),
});
const blockActions = z.object({
  type: z.string(),
  user: z.object({ id: z.string() }),
  channel: z.object({ id: z.string() }).optional(),
  container: z.object({ channel_id: z.string().optional() }).optional(),
  actions: z.array(
    z.object({
      action_id: z.string(),
      action_ts: z.string(),
      value: z.string().optional(),
      text: z.object({ text: z.string() }).optional(),
    }),
  ),
});

function slackTimestampToDate(ts: string, fallback: Date): Date {
  const seconds = Number(ts);
  return Number.isFinite(seconds) ? new Date(Math.round(seconds * 1000)) : fallback;
}

function parseEventCallback(rawBody: string, now: Date): InboundMessage[] {
  const envelope = parseJsonBody(rawBody, eventEnvelope, "Slack event");
  if (envelope.type !== "event_callback" || !envelope.event_id) return [];
  const event = messageEvent.safeParse(envelope.event);
  // Bot messages (Parley's own replies included) carry bot_id; edits, joins and deletions a subtype.
  if (!event.success || event.data.bot_id || event.data.subtype) return [];
  const text = sanitizeInboundText(unescapeSlackText(event.data.text));
  if (!text) return [];
  return [
    {
      // event_id is stable across Slack's retries (X-Slack-Retry-Num), unlike the request.
      platformMessageId: envelope.event_id,
      externalUserId: event.data.user,
      externalChatId: event.data.channel,
      text,
      receivedAt: slackTimestampToDate(event.data.ts, now),
    },
  ];
}

function parseInteraction(rawBody: string, now: Date): InboundMessage[] {
  const payload = new URLSearchParams(rawBody).get("payload");
  if (payload === null)
    throw new InboundRejectedError("Slack interaction body has no payload field", 400);
  const interaction = parseJsonBody(payload, blockActions, "Slack interaction");
  if (interaction.type !== "block_actions") return [];
  const chatId = interaction.channel?.id ?? interaction.container?.channel_id;
  if (!chatId) return [];
  return (
    interaction.actions
      // A URL button (the payment link) also reports its click, without a value: not an answer.
      .filter((action) => action.value !== undefined)
      .map((action) => ({
        platformMessageId: `block_actions:${interaction.user.id}:${action.action_ts}:${action.action_id}`,
        externalUserId: interaction.user.id,
        externalChatId: chatId,
        text: sanitizeInboundText(action.text?.text ?? action.value ?? ""),
        choiceValue: action.value,
        receivedAt: slackTimestampToDate(action.action_ts, now),
      }))
  );
}

function isInteraction(rawBody: string): boolean {
  return rawBody.trimStart().startsWith("payload=");
}

const postMessageResponse = z.union([
  z.object({ ok: z.literal(true), ts: z.string() }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);

const CREDENTIAL_ERRORS = new Set([
  "not_authed",
  "invalid_auth",
  "account_inactive",
  "token_revoked",
  "token_expired",
  "no_permission",
  "missing_scope",
]);
const RECIPIENT_ERRORS = new Set([
  "channel_not_found",
  "not_in_channel",
  "is_archived",
  "user_not_found",
]);

export const slackAdapter: ChannelAdapter<SlackConfig> = {
  kind: "slack",
  configSchema: slackConfigSchema,
  capabilities: slackCapabilities,

  verifyRequest(cfg, req, now) {
    if (inboundBodyTooLarge(req.rawBody))
      return { ok: false, status: 413, reason: "Body too large" };
    const signature = req.headers.get("x-slack-signature");
    const timestamp = req.headers.get("x-slack-request-timestamp");
    if (!signature || !timestamp)
      return {
        ok: false,
        status: 401,
        reason: "Missing X-Slack-Signature or X-Slack-Request-Timestamp",
      };
    if (!/^\d{1,12}$/.test(timestamp))
      return { ok: false, status: 401, reason: "Malformed X-Slack-Request-Timestamp" };
    // A replayed request keeps a valid signature; the timestamp window is what bounds it.
    if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > MAX_CLOCK_SKEW_SECONDS) {
      return {
        ok: false,
        status: 401,
        reason: "X-Slack-Request-Timestamp is more than 5 minutes away",
      };
    }
    const expected = `v0=${hmacSha256Hex(cfg.signingSecret, `v0:${timestamp}:${req.rawBody}`)}`;
    if (!constantTimeEqual(signature, expected))
      return { ok: false, status: 401, reason: "X-Slack-Signature does not match" };
    return { ok: true };
  },

  handshake(cfg, req, now) {
    if ((req.method && req.method.toUpperCase() !== "POST") || isInteraction(req.rawBody))
      return null;
    let json: unknown;
    try {
      json = JSON.parse(req.rawBody);
    } catch {
      return null;
    }
    const envelope = eventEnvelope.safeParse(json);
    if (!envelope.success || envelope.data.type !== "url_verification") return null;
    // url_verification is signed like every other request; answer only Slack.
    const verified = slackAdapter.verifyRequest(cfg, req, now);
    if (!verified.ok)
      return { status: verified.status, body: verified.reason, contentType: "text/plain" };
    if (!envelope.data.challenge)
      return { status: 400, body: "Missing challenge", contentType: "text/plain" };
    return { status: 200, body: envelope.data.challenge, contentType: "text/plain" };
  },

  parseInbound(_cfg, rawBody, now = new Date()) {
    assertInboundBodySize(rawBody);
    return isInteraction(rawBody)
      ? parseInteraction(rawBody, now)
      : parseEventCallback(rawBody, now);
  },

  async send(cfg, chatId, outbound, opts = {}) {
    const rendered = renderForChannel(outbound, slackCapabilities, { locale: opts.locale });
    const text = truncateEscaped(rendered.text, SECTION_TEXT_MAX, escapeSlackText);
    const payload: Record<string, unknown> = { channel: chatId, text };
    if (rendered.kind === "choices" || rendered.kind === "link") {
      const elements =
        rendered.kind === "choices"
          ? rendered.options.map((o, i) => ({
              type: "button",
              action_id: `choice_${i}`,
              text: { type: "plain_text", text: truncateText(o.label, BUTTON_TEXT_MAX) },
              value: o.value,
            }))
          : [
              {
                type: "button",
                action_id: "payment_link",
                text: { type: "plain_text", text: truncateText(rendered.label, BUTTON_TEXT_MAX) },
                url: rendered.url,
                style: "primary",
              },
            ];
      payload.blocks = [
        { type: "section", text: { type: "mrkdwn", text } },
        { type: "actions", elements },
      ];
    }

    const base = resolveBaseUrl(DEFAULT_BASE_URL, cfg.baseUrl, opts.baseUrl);
    const response = await postJson("slack", `${base}/api/chat.postMessage`, payload, {
      ...opts,
      headers: { authorization: `Bearer ${cfg.botToken}` },
    });
    const parsed = postMessageResponse.safeParse(response.body);
    if (!parsed.success) throw unexpectedBodyError("slack", response.status);
    if (parsed.data.ok) return { platformMessageId: parsed.data.ts };
    // Slack answers HTTP 200 with ok:false for most failures; 429 carries Retry-After.
    const error = parsed.data.error;
    const retryAfter = Number(response.headers.get("retry-after"));
    throw new ChannelError(
      `Slack chat.postMessage failed: ${error}`,
      "slack",
      slackErrorKind(error, response.status),
      {
        status: response.status,
        platformCode: error,
        retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
      },
    );
  },
};

function slackErrorKind(error: string, status: number): ChannelError["kind"] {
  if (CREDENTIAL_ERRORS.has(error)) return "invalid_credentials";
  if (error === "ratelimited" || status === 429) return "rate_limited";
  if (RECIPIENT_ERRORS.has(error)) return "recipient_unavailable";
  if (status >= 500 || error === "internal_error" || error === "fatal_error")
    return "platform_error";
  return "invalid_request";
}
