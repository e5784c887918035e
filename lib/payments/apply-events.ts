// Applies normalized events to payments inside one transaction: record each on the timeline
// (the provider event id makes a replay a no-op), fold it into the payment's view, write the
// view back. Used for webhook deliveries and for Parley's own synthetic events (reconciliation,
// PayPal captures), so every state change takes the same path.
import type { Tx } from "@/db/client";
import { paymentEvents, payments, type Connection, type Payment } from "@/db/schema";
import { paypalEventNeedsCapture } from "@/lib/connections/providers/paypal";
import type { NormalizedEvent } from "@/lib/connections/providers/types";
import { newId } from "@/lib/ids";
import { enqueueJob } from "@/lib/jobs/queue";
import { adoptOrphanEvents, disputeFromRow } from "@/lib/payments/apply-orphans";
import {
  syncDisputeRow,
  syncRefundRow,
  writePaymentView,
  type PaymentExtras,
} from "@/lib/payments/apply-rows";
import { paymentFactFromEvent } from "@/lib/payments/event-mapping";
import { derivePaymentView, serializeFact } from "@/lib/payments/facts";
import { applyEvent, type PaymentView } from "@/lib/payments/state-machine";
import { and, eq, inArray, or, type SQL } from "drizzle-orm";

export const PAYPAL_CAPTURE_JOB = "payments.paypal_capture";

export interface ApplyEventsOptions {
  webhookId?: string;
  source?: "provider" | "parley";
  /** Stored as the timeline type instead of the event's own (e.g. "reconciled"). */
  timelineType?: string;
  now?: Date;
  /** Test hook: throws once the event at this index is written, to simulate a crash. */
  failAfterEventIndex?: number;
}

export interface ApplyEventsResult {
  recorded: number;
  duplicates: number;
  unknown: number;
  /** Provider event ids whose payment is not one of this connection's. */
  unmatched: string[];
  paymentIds: string[];
}

type ConnectionRef = Pick<Connection, "merchantId" | "id" | "provider">;

export class InjectedCrashError extends Error {
  constructor(index: number) {
    super(`Injected crash after event ${index}`);
    this.name = "InjectedCrashError";
  }
}

/** Locks (in id order, so two deliveries can't deadlock) the payments these events name. */
async function lockPayments(
  tx: Tx,
  connection: ConnectionRef,
  events: NormalizedEvent[],
): Promise<Payment[]> {
  const ids = [...new Set(events.flatMap((e) => (e.paymentId ? [e.paymentId] : [])))];
  const refs = [
    ...new Set(events.flatMap((e) => (e.providerPaymentId ? [e.providerPaymentId] : []))),
  ];
  const matches: SQL[] = [];
  if (ids.length) matches.push(inArray(payments.id, ids));
  if (refs.length)
    matches.push(
      inArray(payments.providerPaymentId, refs),
      inArray(payments.providerCheckoutId, refs),
    );
  if (matches.length === 0) return [];
  return tx
    .select()
    .from(payments)
    .where(
      and(
        eq(payments.merchantId, connection.merchantId),
        eq(payments.connectionId, connection.id),
        or(...matches),
      ),
    )
    .orderBy(payments.id)
    .for("update");
}

/** Our payment for an event. A pay_… id the event names must be ours, or nothing matches. */
function matchPayment(locked: Payment[], event: NormalizedEvent): Payment | undefined {
  if (event.paymentId) return locked.find((p) => p.id === event.paymentId);
  const ref = event.providerPaymentId;
  if (!ref) return undefined;
  return (
    locked.find((p) => p.providerPaymentId === ref) ??
    locked.find((p) => p.providerCheckoutId === ref)
  );
}

function eventAmount(event: NormalizedEvent): {
  amountMinor: number | null;
  currency: string | null;
} {
  const money = event.refund ?? event.dispute;
  return {
    amountMinor: event.amountMinor ?? money?.amountMinor ?? null,
    currency: (event.currency ?? money?.currency ?? "").toUpperCase() || null,
  };
}

/**
 * The provider's own payment id, when the payment didn't know it yet: Adyen names it (the
 * pspReference) from AUTHORISATION on, Stripe's PaymentIntent exists once the customer pays.
 */
function learnedProviderPaymentId(payment: Payment, event: NormalizedEvent): string | undefined {
  if (!event.type.startsWith("payment.") || !event.providerPaymentId) return undefined;
  if (event.providerPaymentId === payment.providerCheckoutId) return undefined;
  const unknown =
    payment.providerPaymentId === null || payment.providerPaymentId === payment.providerCheckoutId;
  return unknown ? event.providerPaymentId : undefined;
}

export async function applyEvents(
  tx: Tx,
  connection: ConnectionRef,
  events: NormalizedEvent[],
  options: ApplyEventsOptions = {},
): Promise<ApplyEventsResult> {
  const now = options.now ?? new Date();
  const source = options.source ?? "provider";
  const result: ApplyEventsResult = {
    recorded: 0,
    duplicates: 0,
    unknown: 0,
    unmatched: [],
    paymentIds: [],
  };
  const locked = await lockPayments(tx, connection, events);
  const views = new Map<string, PaymentView>();
  const extras = new Map<string, PaymentExtras>();
  const followUps: (() => Promise<void>)[] = [];

  for (const [index, event] of events.entries()) {
    if (event.type === "unknown") {
      result.unknown += 1;
    } else {
      const payment = matchPayment(locked, event);
      let view = payment ? views.get(payment.id) : undefined;
      if (payment && !view) view = await derivePaymentView(tx, payment);
      const fact = paymentFactFromEvent(event);
      const applied = payment && view && fact ? applyEvent(view, fact) : undefined;
      const [inserted] = await tx
        .insert(paymentEvents)
        .values({
          merchantId: connection.merchantId,
          id: newId("paymentEvent"),
          paymentId: payment?.id ?? null,
          connectionId: connection.id,
          source,
          providerEventId: event.providerEventId,
          type: options.timelineType ?? event.type,
          rawType: event.rawType,
          ...eventAmount(event),
          statusAfter: payment ? (applied?.next.status ?? view?.status ?? null) : null,
          detail: {
            ...(fact && { fact: serializeFact(fact) }),
            ...(applied?.flags.length && { flags: applied.flags }),
            ...(event.providerPaymentId && { providerPaymentId: event.providerPaymentId }),
            ...(event.paymentId && !payment && { claimedPaymentId: event.paymentId }),
            ...(event.method && { method: event.method }),
            ...(event.failure && { failure: event.failure }),
            ...(event.refund && { providerRefundId: event.refund.providerRefundId }),
            ...(event.dispute && {
              providerDisputeId: event.dispute.providerDisputeId,
              reason: event.dispute.reason,
              ...(event.dispute.dueBy && { dueBy: event.dispute.dueBy.toISOString() }),
            }),
          },
          webhookId: options.webhookId ?? null,
          occurredAt: event.occurredAt,
        })
        .onConflictDoNothing()
        .returning({ id: paymentEvents.id });

      if (!inserted) {
        result.duplicates += 1;
      } else {
        result.recorded += 1;
        if (!payment) result.unmatched.push(event.providerEventId);
      }
      if (inserted && payment && view) {
        const next = applied?.next ?? view;
        views.set(payment.id, next);
        const extra = extras.get(payment.id) ?? {};
        extra.method ??= event.method;
        extra.providerPaymentId ??= learnedProviderPaymentId(payment, event);
        extras.set(payment.id, extra);
        if (event.refund) {
          const refundId = event.refund.providerRefundId;
          followUps.push(() => syncRefundRow(tx, payment, views.get(payment.id)!, refundId, now));
        }
        if (event.dispute) {
          const withDispute = { ...event, dispute: event.dispute };
          followUps.push(() =>
            syncDisputeRow(tx, payment, views.get(payment.id)!, withDispute, now),
          );
        }
        if (
          connection.provider === "paypal" &&
          paypalEventNeedsCapture(event) &&
          event.providerPaymentId
        ) {
          const orderId = event.providerPaymentId;
          followUps.push(async () => {
            await enqueueJob(tx, connection.merchantId, {
              kind: PAYPAL_CAPTURE_JOB,
              runAt: now,
              payload: { connectionId: connection.id, paymentId: payment.id, orderId },
              dedupeKey: `paypal-capture:${orderId}`,
            });
          });
        }
      }
    }
    if (options.failAfterEventIndex === index) throw new InjectedCrashError(index);
  }

  for (const payment of locked) {
    let view = views.get(payment.id);
    if (!view) continue;
    const learned = extras.get(payment.id)?.providerPaymentId;
    const adopted = learned ? await adoptOrphanEvents(tx, payment, learned) : [];
    if (adopted.length > 0) {
      view = await derivePaymentView(tx, payment);
      views.set(payment.id, view);
      for (const row of adopted) {
        const refundId = row.detail?.providerRefundId;
        if (typeof refundId === "string") {
          followUps.push(() => syncRefundRow(tx, payment, views.get(payment.id)!, refundId, now));
        }
        const dispute = disputeFromRow(row);
        if (dispute)
          followUps.push(() => syncDisputeRow(tx, payment, views.get(payment.id)!, dispute, now));
      }
    }
    await writePaymentView(tx, payment, view, extras.get(payment.id) ?? {}, now);
    result.paymentIds.push(payment.id);
  }
  for (const followUp of followUps) await followUp();
  return result;
}
