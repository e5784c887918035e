// Writes a re-derived payment view back to the rows the dashboard reads: the payment itself,
// its refunds (by provider refund id) and its disputes (by provider dispute id).
import type { Tx } from "@/db/client";
import { disputes, payments, refunds, type DisputeStatus, type Payment } from "@/db/schema";
import type { NormalizedEvent, PaymentMethod } from "@/lib/connections/providers/types";
import { enqueueConversationPaymentEvent } from "@/lib/conversations/checkout/payment-events";
import { newId } from "@/lib/ids";
import type { PaymentView } from "@/lib/payments/state-machine";
import { and, eq, isNull } from "drizzle-orm";

export interface PaymentExtras {
  method?: PaymentMethod;
  providerPaymentId?: string;
}

/** Status, money and flags from the view; method and provider id only fill gaps. */
export function paymentViewColumns(
  payment: Payment,
  view: PaymentView,
  extras: PaymentExtras,
  now: Date,
) {
  return {
    status: view.status,
    refundedMinor: view.refundedMinor,
    flags: [...new Set([...payment.flags, ...view.anomalies])].sort(),
    failureCode: view.lastFailure?.code ?? payment.failureCode,
    failureMessage: view.lastFailure?.message ?? payment.failureMessage,
    succeededAt: view.succeededAt ? new Date(view.succeededAt) : payment.succeededAt,
    method: extras.method ?? payment.method,
    providerPaymentId: extras.providerPaymentId ?? payment.providerPaymentId,
    updatedAt: now,
  };
}

/**
 * Whoever adds facts to a payment's timeline holds the payment's row lock from before reading
 * the timeline, and rewrites the row in the same transaction (here, or in apply-write.ts's
 * batch): apply-load.ts relies on it to notice facts it could not see.
 */
export async function writePaymentView(
  tx: Tx,
  payment: Payment,
  view: PaymentView,
  extras: PaymentExtras,
  now: Date,
): Promise<void> {
  await tx
    .update(payments)
    .set(paymentViewColumns(payment, view, extras, now))
    .where(and(eq(payments.merchantId, payment.merchantId), eq(payments.id, payment.id)));
  // The customer waiting in the chat hears about the new status through a durable job written
  // in this same transaction.
  if (view.status !== payment.status)
    await enqueueConversationPaymentEvent(tx, payment, view.status);
}

/**
 * One refunds row per provider refund, in the status the view settled on. A refund Parley
 * created is still waiting for its provider id when the provider's webhook can already be here;
 * that row is adopted rather than duplicated.
 */
export async function syncRefundRow(
  tx: Tx,
  payment: Payment,
  view: PaymentView,
  providerRefundId: string,
  now: Date,
): Promise<void> {
  const entry = view.refunds.find((r) => r.providerRefundId === providerRefundId);
  if (!entry || entry.amountMinor <= 0) return;
  const scope = and(eq(refunds.merchantId, payment.merchantId), eq(refunds.paymentId, payment.id));
  const [existing] = await tx
    .select({ id: refunds.id, status: refunds.status })
    .from(refunds)
    .where(and(scope, eq(refunds.providerRefundId, providerRefundId)));
  if (existing) {
    if (existing.status !== entry.status) {
      await tx
        .update(refunds)
        .set({ status: entry.status, updatedAt: now })
        .where(and(eq(refunds.merchantId, payment.merchantId), eq(refunds.id, existing.id)));
    }
    return;
  }
  const [waiting] = await tx
    .select({ id: refunds.id })
    .from(refunds)
    .where(
      and(
        scope,
        isNull(refunds.providerRefundId),
        eq(refunds.status, "pending"),
        eq(refunds.amountMinor, entry.amountMinor),
      ),
    )
    .limit(1);
  if (waiting) {
    await tx
      .update(refunds)
      .set({ providerRefundId, status: entry.status, updatedAt: now })
      .where(and(eq(refunds.merchantId, payment.merchantId), eq(refunds.id, waiting.id)));
    return;
  }
  await tx.insert(refunds).values({
    merchantId: payment.merchantId,
    id: newId("refund"),
    paymentId: payment.id,
    amountMinor: entry.amountMinor,
    currency: payment.currency,
    status: entry.status,
    reason: "",
    providerRefundId,
    idempotencyKey: `provider:${payment.connectionId}:${providerRefundId}`,
  });
}

const CLOSED: DisputeStatus[] = ["won", "lost", "accepted"];

/** dispute.opened creates the row (with its response deadline); later events move it. */
export async function syncDisputeRow(
  tx: Tx,
  payment: Payment,
  view: PaymentView,
  event: NormalizedEvent & { dispute: NonNullable<NormalizedEvent["dispute"]> },
  now: Date,
): Promise<void> {
  const { dispute } = event;
  const merged = view.disputes.find((d) => d.providerDisputeId === dispute.providerDisputeId);
  if (!merged) return;
  const key = and(
    eq(disputes.merchantId, payment.merchantId),
    eq(disputes.connectionId, payment.connectionId),
    eq(disputes.providerDisputeId, dispute.providerDisputeId),
  );
  const [existing] = await tx.select().from(disputes).where(key);
  const closed = merged.status === "won" || merged.status === "lost";
  let status: DisputeStatus;
  if (merged.status === "won") status = "won";
  else if (merged.status === "lost") status = existing?.status === "accepted" ? "accepted" : "lost";
  else status = existing && !CLOSED.includes(existing.status) ? existing.status : "needs_response";

  if (!existing) {
    await tx.insert(disputes).values({
      merchantId: payment.merchantId,
      id: newId("dispute"),
      paymentId: payment.id,
      connectionId: payment.connectionId,
      providerDisputeId: dispute.providerDisputeId,
      reason: dispute.reason,
      amountMinor: dispute.amountMinor,
      currency: dispute.currency || payment.currency,
      status,
      dueBy: dispute.dueBy ?? null,
      outcome: closed ? (status as "won" | "lost" | "accepted") : null,
      openedAt: event.occurredAt,
      closedAt: closed ? event.occurredAt : null,
    });
    return;
  }
  await tx
    .update(disputes)
    .set({
      status,
      outcome: closed ? (status as "won" | "lost" | "accepted") : existing.outcome,
      closedAt: closed ? (existing.closedAt ?? event.occurredAt) : existing.closedAt,
      dueBy: dispute.dueBy ?? existing.dueBy,
      updatedAt: now,
    })
    .where(key);
}
