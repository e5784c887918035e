// Refunds whose answer never came (the create call timed out, the network failed, the provider
// answered 5xx), and refunds the provider is still processing: ask the provider where each one
// stands and settle it. Nothing here sends a new refund; a refund is sent once, by refunds.ts
// (PayPal, which cannot be asked about a refund it never named, is asked by replaying that same
// request under the same PayPal-Request-Id, which answers with the same refund).
import type { Db } from "@/db/client";
import { connections, payments, refunds, type Refund } from "@/db/schema";
import { connectorContext, connectorFor } from "@/lib/connections/providers/registry";
import {
  failRefund,
  keepRefundPending,
  OUTCOME_UNKNOWN_REASON,
  RECONCILE_ACTOR,
  settleRefund,
} from "@/lib/payments/refund-settle";
import { isRefundReasonCode } from "@/lib/refunds/reason-codes";
import { and, asc, eq, isNull, lt, or } from "drizzle-orm";

/**
 * How long a provider may take to show a refund it was sent before "no such refund" is believed:
 * well past any request's deadline, so a create still in flight is never declared failed.
 */
export const REFUND_NOT_FOUND_GRACE_MS = 15 * 60_000;

export interface RefundReconcileSummary {
  checked: number;
  settled: number;
  errors: { refundId: string; message: string }[];
}

export type RefundCheckOutcome = "settled" | "pending" | "error";

async function checkRefund(
  db: Db,
  refund: Refund,
  now: Date,
): Promise<{ refund: Refund; outcome: RefundCheckOutcome; message?: string }> {
  const [row] = await db
    .select({ payment: payments, connection: connections })
    .from(payments)
    .innerJoin(
      connections,
      and(
        eq(connections.merchantId, payments.merchantId),
        eq(connections.id, payments.connectionId),
      ),
    )
    .where(and(eq(payments.merchantId, refund.merchantId), eq(payments.id, refund.paymentId)));
  const providerPaymentId = row?.payment.providerPaymentId ?? row?.payment.providerCheckoutId;
  if (!row || !providerPaymentId) {
    return { refund, outcome: "error", message: "The refund's payment or connection is gone" };
  }
  let lookup;
  try {
    lookup = await connectorFor(row.connection.provider).fetchRefund(
      connectorContext(row.connection, db),
      {
        providerPaymentId,
        ...(refund.providerRefundId && { providerRefundId: refund.providerRefundId }),
        // The key the refund was sent with: refunds.ts sends the row's id.
        idempotencyKey: refund.id,
        // And what it sent under that key (the same fields refunds.ts sends).
        sent: {
          amountMinor: refund.amountMinor,
          currency: refund.currency,
          reason: refund.reason || undefined,
          reasonCode:
            refund.reasonCode && isRefundReasonCode(refund.reasonCode)
              ? refund.reasonCode
              : undefined,
          at: refund.createdAt,
        },
        now,
      },
    );
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const kept = await keepRefundPending(
      db,
      refund,
      `${OUTCOME_UNKNOWN_REASON} (${message})`,
      now,
      true,
    );
    return { refund: kept, outcome: "error", message };
  }

  if (lookup.kind === "found") {
    if (lookup.status === "pending" && refund.providerRefundId === lookup.providerRefundId) {
      const kept = await keepRefundPending(
        db,
        refund,
        "The provider accepted the refund and is still processing it",
        now,
        true,
      );
      return { refund: kept, outcome: "pending" };
    }
    const settled = await settleRefund(db, refund, lookup, RECONCILE_ACTOR, {
      now,
      timelineType: "refund.reconciled",
    });
    return { refund: settled, outcome: settled.status === "pending" ? "pending" : "settled" };
  }
  if (lookup.kind === "not_found") {
    if (now.getTime() - refund.createdAt.getTime() >= REFUND_NOT_FOUND_GRACE_MS) {
      const failed = await failRefund(
        db,
        refund,
        `The provider has no record of this refund, so nothing was refunded (${lookup.message})`,
        RECONCILE_ACTOR,
        now,
      );
      return { refund: failed, outcome: "settled" };
    }
    const kept = await keepRefundPending(
      db,
      refund,
      `${OUTCOME_UNKNOWN_REASON} (the provider shows no refund yet)`,
      now,
      true,
    );
    return { refund: kept, outcome: "pending" };
  }
  const kept = await keepRefundPending(db, refund, lookup.message, now, true);
  return { refund: kept, outcome: "pending" };
}

/** Asks the provider about one pending refund (a retry of its intent); never sends it again. */
export async function checkPendingRefund(db: Db, refund: Refund, now: Date): Promise<Refund> {
  return (await checkRefund(db, refund, now)).refund;
}

/** The sweep: pending refunds older than the cutoff, not checked since the cutoff. */
export async function reconcilePendingRefunds(
  db: Db,
  now: Date,
  options: { olderThanMinutes: number; limit?: number },
): Promise<RefundReconcileSummary> {
  const cutoff = new Date(now.getTime() - options.olderThanMinutes * 60_000);
  const rows = await db
    .select({ refund: refunds })
    .from(refunds)
    .innerJoin(
      payments,
      and(eq(payments.merchantId, refunds.merchantId), eq(payments.id, refunds.paymentId)),
    )
    .innerJoin(
      connections,
      and(
        eq(connections.merchantId, payments.merchantId),
        eq(connections.id, payments.connectionId),
      ),
    )
    .where(
      and(
        eq(refunds.status, "pending"),
        lt(refunds.createdAt, cutoff),
        or(isNull(refunds.providerCheckedAt), lt(refunds.providerCheckedAt, cutoff)),
        eq(connections.status, "active"),
      ),
    )
    .orderBy(asc(refunds.createdAt))
    .limit(options.limit ?? 200);

  const summary: RefundReconcileSummary = { checked: 0, settled: 0, errors: [] };
  for (const { refund } of rows) {
    summary.checked += 1;
    try {
      const { outcome, message } = await checkRefund(db, refund, now);
      if (outcome === "settled") summary.settled += 1;
      if (outcome === "error") summary.errors.push({ refundId: refund.id, message: message ?? "" });
    } catch (error) {
      summary.errors.push({
        refundId: refund.id,
        message: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return summary;
}
