// What Messenger and WhatsApp share as Meta Graph API webhooks: the X-Hub-Signature-256 check,
// the GET hub.challenge subscription handshake, and the Graph error envelope.
import { constantTimeEqual, hmacSha256Hex } from "@/lib/crypto/tokens";
import { z } from "zod";
import { channelName, type PlatformResponse, unexpectedBodyError } from "./http";
import { inboundBodyTooLarge } from "./sanitize";
import {
  ChannelError,
  type ChannelErrorKind,
  type ChannelRequest,
  type HandshakeResponse,
  type VerifyResult,
} from "./types";

export const DEFAULT_GRAPH_BASE_URL = "https://graph.facebook.com";
export const graphApiVersion = z
  .string()
  .regex(/^v\d+\.\d+$/, "A Graph API version like v21.0")
  .default("v21.0");

/**
 * Meta signs the exact bytes it posts (Webhooks docs, "Validate payloads"): non-ASCII arrives
 * \u-escaped and the HMAC covers that form, so it must run on the raw body, never a re-serialization.
 */
export function verifyMetaSignature(appSecret: string, req: ChannelRequest): VerifyResult {
  if (inboundBodyTooLarge(req.rawBody)) return { ok: false, status: 413, reason: "Body too large" };
  const header = req.headers.get("x-hub-signature-256");
  if (!header) return { ok: false, status: 401, reason: "Missing X-Hub-Signature-256" };
  const expected = `sha256=${hmacSha256Hex(appSecret, req.rawBody)}`;
  if (!constantTimeEqual(header.trim().toLowerCase(), expected)) {
    return { ok: false, status: 401, reason: "X-Hub-Signature-256 does not match the body" };
  }
  return { ok: true };
}

/** Answers GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=… with the challenge. */
export function metaHandshake(verifyToken: string, req: ChannelRequest): HandshakeResponse | null {
  if (req.method && req.method.toUpperCase() !== "GET") return null;
  const params = new URL(req.url).searchParams;
  const mode = params.get("hub.mode");
  if (mode === null) return null;
  const token = params.get("hub.verify_token") ?? "";
  const challenge = params.get("hub.challenge");
  if (mode !== "subscribe" || challenge === null) {
    return {
      status: 400,
      body: "Unsupported hub.mode or missing hub.challenge",
      contentType: "text/plain",
    };
  }
  if (!constantTimeEqual(token, verifyToken)) {
    return { status: 403, body: "hub.verify_token does not match", contentType: "text/plain" };
  }
  return { status: 200, body: challenge, contentType: "text/plain" };
}

/** Verification and handshake, the same for every Meta channel: spread into its adapter. */
export const metaWebhookChecks = {
  verifyRequest(cfg: { appSecret: string }, req: ChannelRequest): VerifyResult {
    return verifyMetaSignature(cfg.appSecret, req);
  },
  handshake(cfg: { verifyToken: string }, req: ChannelRequest): HandshakeResponse | null {
    return metaHandshake(cfg.verifyToken, req);
  },
};

const graphError = z.object({
  error: z.object({
    message: z.string(),
    type: z.string().optional(),
    code: z.number().int(),
    error_subcode: z.number().int().optional(),
    error_data: z.object({ details: z.string().optional() }).optional(),
  }),
});

// Graph error codes: Messenger Send API "Errors" and WhatsApp Cloud API "Error codes" pages.
const RATE_LIMIT_CODES = new Set([4, 17, 32, 613, 80006, 130429, 131048, 131056]);
const RECIPIENT_CODES = new Set([551, 131026, 131047, 131051]);
const RECIPIENT_SUBCODES = new Set([2018001, 2018108, 2018278, 1545041]);

export function graphErrorToChannelError(
  channel: "messenger" | "whatsapp",
  response: PlatformResponse,
): ChannelError {
  const parsed = graphError.safeParse(response.body);
  if (!parsed.success) return unexpectedBodyError(channel, response.status);
  const { message, code, error_subcode: subcode, error_data: data } = parsed.data.error;
  const details = data?.details ? ` (${data.details})` : "";
  return new ChannelError(
    `${channelName(channel)} send failed (${code}): ${message}${details}`,
    channel,
    graphErrorKind(response.status, code, subcode),
    {
      status: response.status,
      platformCode: subcode ? `${code}/${subcode}` : String(code),
    },
  );
}

function graphErrorKind(status: number, code: number, subcode?: number): ChannelErrorKind {
  if (code === 190 || code === 102 || code === 2500) return "invalid_credentials";
  if (RATE_LIMIT_CODES.has(code)) return "rate_limited";
  if (RECIPIENT_CODES.has(code) || (subcode !== undefined && RECIPIENT_SUBCODES.has(subcode))) {
    return "recipient_unavailable";
  }
  if (status >= 500) return "platform_error";
  return "invalid_request";
}
