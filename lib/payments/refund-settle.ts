// How a refund Parley sent reaches its final row: the provider's answer (to the create call, or
// later to a status lookup) becomes a fact on the payment's timeline, and the refunds row takes
// the status the payment's view settled on. A refund whose answer never came stays pending with
// its reason, and its amount stays reserved (refunds.ts counts pending rows as in flight).
import type { Db, Tx } from "@/db/client";
import { paymentEvents, payments, refunds, type Payment, type Refund } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import type { RefundResult } from "@/lib/connections/providers/types";
import { NotFoundError } from "@/lib/errors";
import { publishEvent } from "@/lib/events/bus";
import { newId } from "@/lib/ids";
import { refundFactFromResult } from "@/lib/payments/event-mapping";
import { derivePaymentView, serializeFact } from "@/lib/payments/facts";
import { applyEvent } from "@/lib/payments/state-machine";
import { writePaymentView } from "@/lib/payments/status-write";
import { and, eq, sql } from "drizzle-orm";

/** Shown beside a refund whose create call got no answer (timeout, network error, 5xx). */
export const OUTCOME_UNKNOWN_REASON =
  "Outcome unknown — the provider did not answer; we will check again";

/** Who settles: the member who asked, or the reconciliation job. */
export type RefundActor = { userId: string | null; email: string; ip?: string | null };
export const RECONCILE_ACTOR: RefundActor = { userId: null, email: "system:reconcile" };

export async function lockPayment(tx: Tx, merchantId: string, paymentId: string): Promise<Payment> {
  const [row] = await tx
    .select()
    .from(payments)
    .where(and(eq(payments.merchantId, merchantId), eq(payments.id, paymentId)))
    .for("update");
  if (!row) throw new NotFoundError("This payment");
  return row;
}

function scoped(refund: Pick<Refund, "merchantId" | "id">) {
  return and(eq(refunds.merchantId, refund.merchantId), eq(refunds.id, refund.id));
}

/**
 * Records the provider's answer for a refund Parley sent: the fact on the timeline, the payment's
 * new view, and the row's provider id and status. Safe to run twice for one answer.
 */
export async function settleRefund(
  db: Db,
  refund: Refund,
  result: RefundResult,
  actor: RefundActor,
  options: {
    now: Date;
    timelineType: "refund.requested" | "refund.reconciled" | "refund.recorded_manually";
  },
): Promise<Refund> {
  const { now } = options;
  return db.transaction(async (tx) => {
    const locked = await lockPayment(tx, refund.merchantId, refund.paymentId);
    const [current] = await tx.select().from(refunds).where(scoped(refund));
    // Already settled with this very answer (a retry and the sweep raced): nothing to add.
    if (
      current &&
      current.status !== "pending" &&
      current.providerRefundId === result.providerRefundId &&
      current.status === result.status
    ) {
      return current;
    }
    // The provider's webhook may have got here first and created its own row: keep ours.
    await tx
      .delete(refunds)
      .where(
        and(
          eq(refunds.merchantId, refund.merchantId),
          eq(refunds.paymentId, refund.paymentId),
          eq(refunds.providerRefundId, result.providerRefundId),
          sql`${refunds.id} <> ${refund.id}`,
        ),
      );
    const fact = refundFactFromResult(
      result,
      { amountMinor: refund.amountMinor, currency: refund.currency },
      now,
    );
    const view = applyEvent(await derivePaymentView(tx, locked), fact).next;
    // The view merges every report of this refund (a webhook may already have said more).
    const status = view.refunds.find((r) => r.providerRefundId === result.providerRefundId)?.status;
    const settledStatus = status ?? result.status;
    const [stored] = await tx
      .update(refunds)
      .set({
        providerRefundId: result.providerRefundId,
        status: settledStatus,
        outcomeReason:
          options.timelineType === "refund.recorded_manually"
            ? "Sent outside the provider (it has no refund API) and recorded in Parley"
            : settledStatus === "pending"
              ? "The provider accepted the refund and is still processing it"
              : settledStatus === "failed"
                ? "The provider reported the refund as failed"
                : null,
        ...(options.timelineType === "refund.reconciled" && { providerCheckedAt: now }),
        updatedAt: now,
      })
      .where(scoped(refund))
      .returning();
    await tx.insert(paymentEvents).values({
      merchantId: refund.merchantId,
      id: newId("paymentEvent"),
      paymentId: refund.paymentId,
      connectionId: locked.connectionId,
      source: "parley",
      type: options.timelineType,
      amountMinor: refund.amountMinor,
      currency: refund.currency,
      statusAfter: view.status,
      detail: {
        fact: serializeFact(fact),
        refundId: refund.id,
        providerRefundId: result.providerRefundId,
        reason: refund.reason,
      },
      occurredAt: now,
    });
    await writePaymentView(tx, locked, view, {}, now);
    await recordAudit(tx, {
      merchantId: refund.merchantId,
      actor: { userId: actor.userId, email: actor.email },
      ip: actor.ip ?? null,
      action:
        options.timelineType === "refund.recorded_manually"
          ? "payment.refund_recorded"
          : settledStatus === "failed"
            ? "payment.refund_failed"
            : "payment.refunded",
      targetType: "payment",
      targetId: refund.paymentId,
      summary: `Refund of ${refund.amountMinor} ${refund.currency} (minor units) ${settledStatus}${
        refund.reason ? `: ${refund.reason}` : ""
      }`,
      before: { status: locked.status, refundedMinor: locked.refundedMinor },
      after: {
        status: view.status,
        refundedMinor: view.refundedMinor,
        refundId: refund.id,
        refundStatus: settledStatus,
      },
    });
    return stored;
  });
}

/** A definite refusal (or a lookup proving the refund never happened): nothing was refunded. */
export async function failRefund(
  db: Db,
  refund: Refund,
  message: string,
  actor: RefundActor,
  now: Date,
): Promise<Refund> {
  return db.transaction(async (tx) => {
    const [stored] = await tx
      .update(refunds)
      .set({ status: "failed", outcomeReason: message, updatedAt: now })
      .where(and(scoped(refund), eq(refunds.status, "pending")))
      .returning();
    if (!stored) {
      const [current] = await tx.select().from(refunds).where(scoped(refund));
      return current ?? refund;
    }
    await recordAudit(tx, {
      merchantId: refund.merchantId,
      actor: { userId: actor.userId, email: actor.email },
      ip: actor.ip ?? null,
      action: "payment.refund_failed",
      targetType: "payment",
      targetId: refund.paymentId,
      summary: `Refund of ${refund.amountMinor} ${refund.currency} (minor units) failed: ${message}`,
      after: { refundId: refund.id, amountMinor: refund.amountMinor, error: message },
    });
    await publishEvent(tx, {
      kind: "payment",
      merchantId: refund.merchantId,
      mode: refund.mode,
      id: refund.paymentId,
    });
    return stored;
  });
}

/** The answer is unknown or not yet available: the refund stays pending, with why. */
export async function keepRefundPending(
  db: Db,
  refund: Refund,
  reason: string,
  now: Date,
  checked: boolean,
): Promise<Refund> {
  const [stored] = await db
    .update(refunds)
    .set({ outcomeReason: reason, ...(checked && { providerCheckedAt: now }), updatedAt: now })
    .where(and(scoped(refund), eq(refunds.status, "pending")))
    .returning();
  return stored ?? refund;
}
