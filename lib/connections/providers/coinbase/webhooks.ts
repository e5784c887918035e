// Coinbase Commerce webhooks (docs.cdp.coinbase.com/commerce, "Webhooks"): the delivery's
// X-CC-Webhook-Signature header is the hex SHA-256 HMAC of the raw body keyed with the shared
// secret, checked here in constant time before the body is read. The body wraps one event:
//   { "id": <delivery uuid>, "attempt_number": n, "scheduled_for": …,
//     "event": { "id": <event uuid>, "type": "charge:confirmed", "created_at": …, "data": <charge> } }
// Unacknowledged deliveries are retried for up to three days, so the event id is the dedupe key.
import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type {
  ConnectorContext,
  NormalizedEvent,
  WebhookParseResult,
  WebhookRequest,
} from "../types";
import {
  chargePaymentId,
  chargePrice,
  chargeReceived,
  coinbaseChargeOutcome,
  coinbaseChargeSchema,
} from "./charges";
import type { CoinbaseCredentials } from "./http";

export const COINBASE_SIGNATURE_HEADER = "X-CC-Webhook-Signature";

/**
 * The event types Commerce sends. Anything else (there is no dispute or refund event: crypto
 * cannot be charged back) is acknowledged and ignored, never read as a charge update.
 */
export const COINBASE_EVENT_TYPES = [
  "charge:created",
  "charge:pending",
  "charge:confirmed",
  "charge:failed",
  "charge:delayed",
  "charge:resolved",
] as const;

/** The signature Coinbase sends for `rawBody` (also what the fake server signs with). */
export function coinbaseSignature(rawBody: string, secret: string): string {
  return createHmac("sha256", secret).update(rawBody, "utf8").digest("hex");
}

/** Constant-time check of a hex signature against the raw body. */
export function verifyCoinbaseSignature(
  rawBody: string,
  header: string | null,
  secret: string,
): boolean {
  if (!header || !secret) return false;
  const given = header.trim().toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(given)) return false;
  const expected = Buffer.from(coinbaseSignature(rawBody, secret), "hex");
  return timingSafeEqual(expected, Buffer.from(given, "hex"));
}

const deliverySchema = z.object({
  id: z.string().optional(),
  attempt_number: z.number().optional(),
  event: z.object({
    id: z.string().min(1),
    type: z.string().min(1),
    created_at: z.string().optional(),
    data: z.unknown(),
  }),
});

function occurredAt(createdAt: string | undefined): Date {
  const at = createdAt ? new Date(createdAt) : new Date();
  return Number.isNaN(at.getTime()) ? new Date() : at;
}

/** A verified event as Parley reads it. Throws on a charge that does not match the schema. */
export function normalizeCoinbaseEvent(
  event: z.infer<typeof deliverySchema>["event"],
): NormalizedEvent {
  const base: NormalizedEvent = {
    providerEventId: event.id,
    type: "unknown",
    rawType: event.type,
    occurredAt: occurredAt(event.created_at),
  };
  if (!(COINBASE_EVENT_TYPES as readonly string[]).includes(event.type)) return base;
  const charge = coinbaseChargeSchema.parse(event.data);
  const outcome = coinbaseChargeOutcome(event.type, charge);
  const price = chargePrice(charge);
  const received = chargeReceived(charge);
  return {
    ...base,
    ...outcome,
    providerPaymentId: charge.id,
    paymentId: chargePaymentId(charge),
    // The charge's price: a signed event pricing the charge differently from the payment is a
    // mismatch the state machine flags and never applies.
    ...(price && { amountMinor: price.amountMinor, currency: price.currency }),
    ...(outcome.type !== "unknown" && { method: "crypto" as const }),
    ...(received && { received }),
  };
}

export async function parseCoinbaseWebhook(
  ctx: ConnectorContext<CoinbaseCredentials>,
  request: WebhookRequest,
): Promise<WebhookParseResult> {
  const header = request.headers.get(COINBASE_SIGNATURE_HEADER);
  if (!header)
    return { ok: false, reason: "bad_signature", message: "Missing X-CC-Webhook-Signature header" };
  if (!verifyCoinbaseSignature(request.rawBody, header, ctx.credentials.webhookSecret)) {
    return {
      ok: false,
      reason: "bad_signature",
      message: "X-CC-Webhook-Signature does not match the body and the shared secret",
    };
  }
  let delivery: z.infer<typeof deliverySchema>;
  try {
    const parsed = deliverySchema.safeParse(JSON.parse(request.rawBody));
    if (!parsed.success)
      return { ok: false, reason: "malformed", message: "Not a Coinbase Commerce webhook" };
    delivery = parsed.data;
  } catch {
    return { ok: false, reason: "malformed", message: "Body is not JSON" };
  }
  try {
    return { ok: true, events: [normalizeCoinbaseEvent(delivery.event)] };
  } catch (error) {
    const detail = error instanceof Error ? `: ${error.message.slice(0, 200)}` : "";
    return {
      ok: false,
      reason: "malformed",
      message: `Unreadable ${delivery.event.type} charge${detail}`,
    };
  }
}
