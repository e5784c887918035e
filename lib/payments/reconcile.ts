// Payments whose webhooks never came: ask the provider where they stand and apply any change as
// a synthetic event through the same path as a webhook. The event id names the payment and the
// status, so a sweep that finds the same thing twice records it once.
import type { Db } from "@/db/client";
import { connections, payments, type Connection, type Payment } from "@/db/schema";
import { connectorContext, connectorFor } from "@/lib/connections/providers/registry";
import type {
  NormalizedEvent,
  NormalizedEventType,
  ProviderPaymentState,
} from "@/lib/connections/providers/types";
import { applyEvents, inApplyTransaction } from "@/lib/webhooks/apply/events";
import { and, asc, eq, inArray, isNotNull, lt, or } from "drizzle-orm";

export const STALE_STATUSES = ["created", "pending", "requires_action"] as const;

export interface ReconcileSummary {
  checked: number;
  changed: number;
  errors: { paymentId: string; message: string }[];
}

/**
 * What to ask the provider about: Adyen and Stripe answer for the checkout (payment link /
 * Checkout Session, which also knows about expiry); PayPal and the Sandbox for the payment.
 */
export function reconcileReference(
  payment: Pick<Payment, "provider" | "providerCheckoutId" | "providerPaymentId">,
) {
  if (payment.provider === "adyen") return payment.providerCheckoutId;
  if (payment.provider === "stripe") return payment.providerCheckoutId ?? payment.providerPaymentId;
  return payment.providerPaymentId ?? payment.providerCheckoutId;
}

const EVENT_FOR_STATUS: Partial<Record<ProviderPaymentState["status"], NormalizedEventType>> = {
  pending: "payment.pending",
  requires_action: "payment.requires_action",
  succeeded: "payment.succeeded",
  // Money was captured even if it has since moved on: refunds and disputes arrive on their own.
  partially_refunded: "payment.succeeded",
  refunded: "payment.succeeded",
  disputed: "payment.succeeded",
  failed: "payment.failed",
  canceled: "payment.canceled",
  expired: "payment.expired",
};

export function reconciledEvent(
  payment: Payment,
  state: ProviderPaymentState,
  now: Date,
): NormalizedEvent | null {
  const type = EVENT_FOR_STATUS[state.status];
  if (!type) return null;
  return {
    providerEventId: `reconcile:${payment.id}:${state.status}`,
    type,
    rawType: type,
    occurredAt: now,
    paymentId: payment.id,
    providerPaymentId: state.providerPaymentId,
    ...(state.amountMinor !== undefined && { amountMinor: state.amountMinor }),
    ...(state.currency !== undefined && { currency: state.currency }),
    ...(state.method && { method: state.method }),
    ...(state.failure && { failure: state.failure }),
  };
}

/** Applies what the provider says about one payment; true when it changed the payment. */
export async function applyProviderState(
  db: Db,
  connection: Connection,
  payment: Payment,
  state: ProviderPaymentState,
  now: Date,
  idPrefix = "reconcile",
): Promise<boolean> {
  const event = reconciledEvent(payment, state, now);
  if (!event) return false;
  event.providerEventId = event.providerEventId.replace(/^reconcile:/, `${idPrefix}:`);
  const outcome = await inApplyTransaction(db, (tx) =>
    applyEvents(tx, connection, [event], { source: "parley", timelineType: "reconciled", now }),
  );
  if (outcome.recorded === 0) return false;
  const [after] = await db
    .select({ status: payments.status })
    .from(payments)
    .where(and(eq(payments.merchantId, payment.merchantId), eq(payments.id, payment.id)));
  return after?.status !== payment.status;
}

export async function reconcileStalePayments(
  db: Db,
  now: Date,
  options: { olderThanMinutes: number; limit?: number },
): Promise<ReconcileSummary> {
  const cutoff = new Date(now.getTime() - options.olderThanMinutes * 60_000);
  const rows = await db
    .select({ payment: payments, connection: connections })
    .from(payments)
    .innerJoin(
      connections,
      and(
        eq(connections.merchantId, payments.merchantId),
        eq(connections.id, payments.connectionId),
      ),
    )
    .where(
      and(
        inArray(payments.status, [...STALE_STATUSES]),
        lt(payments.createdAt, cutoff),
        or(isNotNull(payments.providerPaymentId), isNotNull(payments.providerCheckoutId)),
        eq(connections.status, "active"),
      ),
    )
    .orderBy(asc(payments.createdAt))
    .limit(options.limit ?? 200);

  const summary: ReconcileSummary = { checked: 0, changed: 0, errors: [] };
  for (const { payment, connection } of rows) {
    const reference = reconcileReference(payment);
    if (!reference) continue;
    summary.checked += 1;
    try {
      const state = await connectorFor(connection.provider).fetchPayment(
        connectorContext(connection, db),
        reference,
      );
      if (state.status === payment.status) continue;
      if (await applyProviderState(db, connection, payment, state, now)) summary.changed += 1;
    } catch (error) {
      summary.errors.push({
        paymentId: payment.id,
        message: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return summary;
}
