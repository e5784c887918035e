// The webhook pipeline: a provider's webhook delivery, from raw bytes to applied state. Find the
// connection, verify on the raw body, store the delivery (verified or not) before acting, then
// apply and acknowledge. The path through lib/webhooks:
//   receive    receive.ts: app/api/webhooks/[connectionId] reads the body with a byte limit
//   connect    connection-cache.ts: the connection and its decrypted credentials, per process
//   verify     the provider's webhook verification in lib/connections/providers (the
//              connector's parseWebhook, called by verify() below): the signature on the raw
//              body is checked before anything else is read
//   store      store.ts: the raw delivery into webhook_inbox, verified or refused; a verified
//              one in the transaction that applies it (apply/delivery.ts storeAndApplyDelivery)
//   normalize  the same provider code turns the body into NormalizedEvents; each becomes the
//              fact the state machine folds in lib/payments/event-mapping.ts
//   apply      apply/delivery.ts, then apply/events.ts: load.ts (locks and timelines), plan.ts
//              (pure), write.ts (one statement: timeline rows, the payments' new status, the
//              inbox row's outcome); refund and dispute rows in sync-rows.ts, PayPal's capture
//              in paypal-capture.ts
//   status     a payment's status is written by lib/payments/status-write.ts (its columns,
//              which apply/write.ts batches on this hot path), as lib/payments/state-machine.ts
//              derives it from the payment's timeline
// Around it: inbox.ts (deliveries on the dashboard, manual re-apply) and recovery.ts (re-applies
// deliveries that a crash or a transient error left unapplied).
import type { Db } from "@/db/client";
import { disputeEvents, disputes } from "@/db/schema";
import { connectorFor } from "@/lib/connections/providers/registry";
import type { NormalizedEvent, WebhookParseResult } from "@/lib/connections/providers/types";
import { DeliveryNotRecordedError, storeAndApplyDelivery } from "@/lib/webhooks/apply/delivery";
import { everyEventRefused } from "@/lib/webhooks/apply/events";
import {
  forgetWebhookConnection,
  keptWebhookConnection,
  loadWebhookConnection,
  webhookContext,
  type WebhookConnection,
} from "@/lib/webhooks/connection-cache";
import { recordRefusedDelivery } from "@/lib/webhooks/store";
import { and, eq, inArray } from "drizzle-orm";

export const MAX_WEBHOOK_BYTES = 1024 * 1024;

export interface WebhookReply {
  status: number;
  body: string;
  contentType: string;
  deliveryId?: string;
}

export interface IncomingWebhook {
  rawBody: string;
  headers: Headers;
  url: string;
}

function jsonReply(
  status: number,
  body: Record<string, unknown>,
  deliveryId?: string,
): WebhookReply {
  return { status, body: JSON.stringify(body), contentType: "application/json", deliveryId };
}

async function verify(
  db: Db,
  connection: WebhookConnection,
  request: IncomingWebhook,
  now: Date,
): Promise<WebhookParseResult> {
  try {
    return await connectorFor(connection.row.provider).parseWebhook(
      webhookContext(db, connection),
      request,
      now,
    );
  } catch (error) {
    // Connectors never throw on bad input; this is our side (e.g. credentials unreadable).
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, reason: "bad_signature", message: `Could not verify: ${message}` };
  }
}

async function refuseDisabled(
  db: Db,
  { row }: WebhookConnection,
  request: IncomingWebhook,
  now: Date,
): Promise<WebhookReply> {
  // 410 tells the provider the endpoint is gone; the row shows the merchant what was refused.
  const { deliveryId } = await recordRefusedDelivery(
    db,
    row,
    request,
    "connection_disabled: this connection is disabled in Parley",
    now,
    { signatureFailure: false },
  );
  return jsonReply(410, { error: "This connection is disabled." }, deliveryId);
}

async function refuseUnverified(
  db: Db,
  { row }: WebhookConnection,
  request: IncomingWebhook,
  parsed: Extract<WebhookParseResult, { ok: false }>,
  now: Date,
): Promise<WebhookReply> {
  const error = `${parsed.reason}: ${parsed.message}`;
  // Bounded: a prefix of the body, repeats counted, rows capped per connection per minute. The
  // answer is the same whether a row was added or the delivery only counted.
  const { deliveryId } = await recordRefusedDelivery(db, row, request, error, now, {
    signatureFailure: true,
  });
  return jsonReply(400, { error: parsed.message }, deliveryId);
}

/** Stores and applies a verified delivery (one transaction) and answers once it is durable. */
async function storeAndApply(
  db: Db,
  { row }: WebhookConnection,
  request: IncomingWebhook,
  events: NormalizedEvent[],
  now: Date,
  options: { failAfterEventIndex?: number },
): Promise<WebhookReply | undefined> {
  let outcome;
  try {
    outcome = await storeAndApplyDelivery(db, row, request, events, now, options);
  } catch (error) {
    if (!(error instanceof DeliveryNotRecordedError)) throw error;
    console.error(`[webhooks] applying ${error.deliveryId} failed`, error.cause);
    return jsonReply(503, { error: "Temporarily unable to accept deliveries." }, error.deliveryId);
  }
  if (!outcome) return undefined;
  const { deliveryId, failure } = outcome;
  let refused: readonly RefusedEvent[] = outcome.refused;
  if (failure !== undefined) {
    console.error(`[webhooks] applying ${deliveryId} failed`, failure);
    // Still 2xx: the delivery is stored and marked failed, and a re-apply (automatic or from
    // the dashboard) replays it from the inbox. A non-2xx would only make the provider resend
    // the same bytes, and providers give up after a while (Stripe: 3 days) — we don't.
  } else if (outcome.replay && events.some((e) => e.dispute)) {
    // A resend is answered as the first delivery was: a refusal stays a refusal.
    refused = await refusedDisputeEvents(db, row, events);
  }
  // Every event broke its dispute's transition rules (a late or backwards status): a 4xx-class
  // answer says the delivery was understood and refused, not lost. The refusal is on the case
  // timeline and the inbox row; a resend is a duplicate and gets this same answer.
  if (everyEventRefused(events, refused)) {
    return jsonReply(
      409,
      {
        error: "Refused: the event conflicts with the dispute's current state.",
        refused: refused.map((r) => ({ event: r.providerEventId, reason: r.message })),
      },
      deliveryId,
    );
  }
  const ack = connectorFor(row.provider).webhookAck();
  return { ...ack, deliveryId };
}

interface RefusedEvent {
  providerEventId: string;
  message: string;
}

/** The events of a resent delivery that their dispute refused when they first arrived. */
async function refusedDisputeEvents(
  db: Db,
  row: WebhookConnection["row"],
  events: readonly NormalizedEvent[],
): Promise<RefusedEvent[]> {
  const ids = events.filter((e) => e.dispute).map((e) => e.providerEventId);
  const rows = await db
    .select({ providerEventId: disputeEvents.providerEventId, message: disputeEvents.body })
    .from(disputeEvents)
    .innerJoin(
      disputes,
      and(
        eq(disputes.merchantId, disputeEvents.merchantId),
        eq(disputes.id, disputeEvents.disputeId),
      ),
    )
    .where(
      and(
        eq(disputeEvents.merchantId, row.merchantId),
        eq(disputes.connectionId, row.id),
        eq(disputeEvents.kind, "refused"),
        inArray(disputeEvents.providerEventId, ids),
      ),
    );
  return rows.map((r) => ({ providerEventId: r.providerEventId ?? "", message: r.message }));
}

// A kept connection that refuses, or no longer matches at store time, is read again: the
// refusal may be the news (rotated secret, re-enabled connection) the kept entry hasn't heard.
const MAX_ATTEMPTS = 3;

export async function ingestWebhook(
  db: Db,
  connectionId: string,
  request: IncomingWebhook,
  options: { now?: Date; failAfterEventIndex?: number } = {},
): Promise<WebhookReply> {
  const now = options.now ?? new Date();
  if (!/^[\w-]{1,64}$/.test(connectionId))
    return jsonReply(404, { error: "No webhook endpoint here." });

  let kept = keptWebhookConnection(db, connectionId);
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const fresh = kept === undefined;
    const connection = kept ?? (await loadWebhookConnection(db, connectionId));
    kept = undefined;
    if (!connection) return jsonReply(404, { error: "No webhook endpoint here." });

    if (connection.row.status === "disabled") {
      if (!fresh) continue;
      return refuseDisabled(db, connection, request, now);
    }
    const parsed = await verify(db, connection, request, now);
    if (!parsed.ok) {
      if (!fresh) continue;
      return refuseUnverified(db, connection, request, parsed, now);
    }
    const reply = await storeAndApply(db, connection, request, parsed.events, now, options);
    if (reply) return reply;
    forgetWebhookConnection(db, connectionId);
  }
  // The connection kept changing under us (an edit storm): the provider will retry.
  return jsonReply(503, { error: "Temporarily unable to accept deliveries." });
}
