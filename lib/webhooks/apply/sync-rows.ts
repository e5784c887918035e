// After an apply re-derived a payment's view, the refunds and disputes rows the dashboard reads
// follow it: one per provider refund id and per provider dispute id. The payment row itself is
// written by lib/payments/status-write.ts (or in apply/write.ts's batch).
import type { Tx } from "@/db/client";
import { disputes, refunds, type DisputeStatus, type Payment } from "@/db/schema";
import type { NormalizedEvent } from "@/lib/connections/providers/types";
import { newId } from "@/lib/ids";
import type { PaymentView } from "@/lib/payments/state-machine";
import { and, eq, isNull } from "drizzle-orm";

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
    mode: payment.mode,
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
      mode: payment.mode,
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
