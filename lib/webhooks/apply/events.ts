// Applies normalized events to payments inside one transaction: record each on the timeline
// (the provider event id makes a replay a no-op), fold it into the payment's view, write the
// view back. Used for webhook deliveries and for Parley's own synthetic events (reconciliation,
// PayPal captures), so every state change takes the same path. Reading (load.ts) and
// writing (write.ts) are one statement each; only rarer work (orphaned events to adopt,
// refund and dispute rows, jobs) costs more.
import type { Db, Tx } from "@/db/client";
import { webhookInbox, type Payment } from "@/db/schema";
import { paypalEventNeedsCapture } from "@/lib/connections/providers/paypal";
import type { NormalizedEvent } from "@/lib/connections/providers/types";
import { enqueueConversationPaymentEvent } from "@/lib/conversations/checkout/payment-events";
import { enqueueJob } from "@/lib/jobs/queue";
import { derivePaymentView } from "@/lib/payments/facts";
import type { PaymentView } from "@/lib/payments/state-machine";
import { writePaymentView } from "@/lib/payments/status-write";
import { lockPaymentsForEvents } from "@/lib/webhooks/apply/load";
import { adoptOrphanEvents, disputeFromRow } from "@/lib/webhooks/apply/orphans";
import { planApply, type ConnectionRef, type FollowUp } from "@/lib/webhooks/apply/plan";
import { syncDisputeRow, syncRefundRow, type DisputeRefusal } from "@/lib/webhooks/apply/sync-rows";
import {
  ConcurrentApplyError,
  writeApplyPlan,
  type DeliveryOutcome,
} from "@/lib/webhooks/apply/write";
import { and, eq } from "drizzle-orm";

export const PAYPAL_CAPTURE_JOB = "payments.paypal_capture";
export const UNMATCHED_PAYMENT = "unmatched_payment";
/** The inbox row's error prefix for provider events a dispute's transition rules refused. */
export const DISPUTE_REFUSED = "dispute_refused";

export interface ApplyEventsOptions {
  webhookId?: string;
  /** Also record the webhook delivery's outcome (webhookId's inbox row), in the same write. */
  markDelivery?: boolean;
  source?: "provider" | "parley";
  /** Stored as the timeline type instead of the event's own (e.g. "reconciled"). */
  timelineType?: string;
  now?: Date;
  /** Test hook: throws once the events are written, to simulate a crash mid-apply. */
  failAfterEventIndex?: number;
}

export interface ApplyEventsResult {
  recorded: number;
  duplicates: number;
  unknown: number;
  /** Provider event ids whose payment is not one of this connection's. */
  unmatched: string[];
  /** Dispute events refused as out of order (recorded on the case timeline, not applied). */
  refused: DisputeRefusal[];
  paymentIds: string[];
}

export class InjectedCrashError extends Error {
  constructor(index: number) {
    super(`Injected crash after event ${index}`);
    this.name = "InjectedCrashError";
  }
}

/** What the delivery's inbox row records once applied. */
export function deliveryOutcome(
  deliveryId: string,
  events: NormalizedEvent[],
  unmatched: string[],
): DeliveryOutcome {
  const recognized = events.filter((e) => e.type !== "unknown").length;
  return {
    deliveryId,
    status: recognized === 0 ? "ignored" : "applied",
    providerEventIds: events.map((e) => e.providerEventId),
    eventTypes: events.map((e) => e.rawType),
    error: unmatched.length
      ? `${UNMATCHED_PAYMENT}: no payment of this connection matches ${unmatched.join(", ")}`
      : null,
  };
}

async function runFollowUp(
  tx: Tx,
  connection: ConnectionRef,
  followUp: FollowUp,
  views: Map<string, PaymentView>,
  now: Date,
): Promise<DisputeRefusal | null> {
  const view = views.get(followUp.payment.id)!;
  if (followUp.kind === "refund") {
    await syncRefundRow(tx, followUp.payment, view, followUp.providerRefundId, now);
  } else if (followUp.kind === "dispute") {
    return syncDisputeRow(tx, followUp.payment, view, followUp.event, now);
  } else {
    await enqueueJob(tx, connection.merchantId, {
      kind: PAYPAL_CAPTURE_JOB,
      runAt: now,
      payload: {
        connectionId: connection.id,
        paymentId: followUp.payment.id,
        orderId: followUp.orderId,
      },
      dedupeKey: `paypal-capture:${followUp.orderId}`,
    });
  }
  return null;
}

/** Every recognised event of a delivery was refused by its dispute's transition rules. */
export function everyEventRefused(
  events: readonly NormalizedEvent[],
  refused: readonly Pick<DisputeRefusal, "providerEventId">[],
): boolean {
  if (refused.length === 0) return false;
  const refusedIds = new Set(refused.map((r) => r.providerEventId));
  return events.filter((e) => e.type !== "unknown").every((e) => refusedIds.has(e.providerEventId));
}

/**
 * A delivery with refused dispute events says so on its inbox row, like an unmatched payment:
 * the delivery is kept, and one whose every recognised event was refused counts as ignored
 * rather than applied (the route then answers 409: see lib/webhooks/ingest.ts).
 */
async function markRefused(
  tx: Tx,
  merchantId: string,
  delivery: DeliveryOutcome,
  events: NormalizedEvent[],
  refused: DisputeRefusal[],
): Promise<void> {
  const allRefused = everyEventRefused(events, refused);
  const text = `${DISPUTE_REFUSED}: ${refused.map((r) => `${r.providerEventId}: ${r.message}`).join("; ")}`;
  await tx
    .update(webhookInbox)
    .set({
      ...(allRefused && delivery.status === "applied" && { status: "ignored" as const }),
      error: [delivery.error, text].filter(Boolean).join("; ").slice(0, 1000),
    })
    .where(and(eq(webhookInbox.merchantId, merchantId), eq(webhookInbox.id, delivery.deliveryId)));
}

/**
 * Events recorded before the payment knew its provider id become the payment's once it does
 * (orphans.ts); the view is then folded again from the whole timeline. Returns whether
 * the payment row was written here (and its status change announced).
 */
async function adoptOrphans(
  tx: Tx,
  payment: Payment,
  providerPaymentId: string,
  views: Map<string, PaymentView>,
  followUps: FollowUp[],
  extras: Parameters<typeof writePaymentView>[3],
  now: Date,
): Promise<boolean> {
  const adopted = await adoptOrphanEvents(tx, payment, providerPaymentId);
  if (adopted.length === 0) return false;
  const view = await derivePaymentView(tx, payment);
  views.set(payment.id, view);
  for (const row of adopted) {
    const refundId = row.detail?.providerRefundId;
    if (typeof refundId === "string") {
      followUps.push({ kind: "refund", payment, providerRefundId: refundId });
    }
    const dispute = disputeFromRow(row);
    if (dispute) followUps.push({ kind: "dispute", payment, event: dispute });
  }
  await writePaymentView(tx, payment, view, extras, now);
  return true;
}

export async function applyEvents(
  tx: Tx,
  connection: ConnectionRef,
  events: NormalizedEvent[],
  options: ApplyEventsOptions = {},
): Promise<ApplyEventsResult> {
  const now = options.now ?? new Date();
  const { locked, recorded } = await lockPaymentsForEvents(tx, connection, events);
  const plan = planApply(connection, events, locked, recorded, {
    webhookId: options.webhookId,
    source: options.source,
    timelineType: options.timelineType,
    needsCapture: (event) => connection.provider === "paypal" && paypalEventNeedsCapture(event),
  });
  const delivery =
    options.markDelivery && options.webhookId
      ? deliveryOutcome(options.webhookId, events, plan.unmatched)
      : undefined;
  await writeApplyPlan(tx, connection.merchantId, plan, now, delivery);
  if (options.failAfterEventIndex !== undefined && options.failAfterEventIndex < events.length) {
    throw new InjectedCrashError(options.failAfterEventIndex);
  }

  const views = new Map(plan.writes.map((w) => [w.payment.id, w.view]));
  const followUps = [...plan.followUps];
  for (const { payment, view, extras } of plan.writes) {
    const learned = extras.providerPaymentId;
    const rewritten = learned
      ? await adoptOrphans(tx, payment, learned, views, followUps, extras, now)
      : false;
    // The chat hears about a new status through a durable job in this same transaction
    // (writePaymentView does the same for the payments it writes).
    if (!rewritten && view.status !== payment.status) {
      await enqueueConversationPaymentEvent(tx, payment, view.status);
    }
  }
  const refused: DisputeRefusal[] = [];
  for (const followUp of followUps) {
    const refusal = await runFollowUp(tx, connection, followUp, views, now);
    if (refusal) refused.push(refusal);
  }
  if (delivery && refused.length)
    await markRefused(tx, connection.merchantId, delivery, events, refused);
  return {
    recorded: plan.recorded,
    duplicates: plan.duplicates,
    unknown: plan.unknown,
    unmatched: plan.unmatched,
    refused,
    paymentIds: plan.writes.map((w) => w.payment.id),
  };
}

/**
 * Runs an apply in its own transaction, again from the start when it turns out to have been
 * planned on a timeline another apply changed meanwhile (see write.ts).
 */
export async function inApplyTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction(work);
    } catch (error) {
      if (!(error instanceof ConcurrentApplyError) || attempt >= 3) throw error;
    }
  }
}
