// Where a payment's status is written: the payment row takes the view the state machine derived
// from its timeline (status, refunded amount, flags, last failure). Refunds and the rarer apply
// paths write it here; the webhook hot path writes the same columns (paymentViewColumns) in
// one batched statement (lib/webhooks/apply/write.ts).
import type { Tx } from "@/db/client";
import { payments, type Payment } from "@/db/schema";
import type { PaymentMethod } from "@/lib/connections/providers/types";
import { enqueueConversationPaymentEvent } from "@/lib/conversations/checkout/payment-events";
import { publishEvent } from "@/lib/events/bus";
import type { PaymentView } from "@/lib/payments/state-machine";
import { and, eq } from "drizzle-orm";

export interface PaymentExtras {
  method?: PaymentMethod;
  providerPaymentId?: string;
}

/** The payment columns a view rewrites (the webhook hot path's batched update sets exactly these). */
export const PAYMENT_VIEW_KEYS = [
  "status",
  "refundedMinor",
  "flags",
  "failureCode",
  "failureMessage",
  "succeededAt",
  "method",
  "providerPaymentId",
  "updatedAt",
] as const satisfies readonly (keyof Payment)[];

export type PaymentViewColumns = Pick<Payment, (typeof PAYMENT_VIEW_KEYS)[number]>;

/** Status, money and flags from the view; method and provider id only fill gaps. */
export function paymentViewColumns(
  payment: Payment,
  view: PaymentView,
  extras: PaymentExtras,
  now: Date,
): PaymentViewColumns {
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

/** The console's event for a payment that changed (ids only; readers re-read it). */
export function paymentEvent(payment: Pick<Payment, "merchantId" | "mode" | "id">) {
  return {
    kind: "payment" as const,
    merchantId: payment.merchantId,
    mode: payment.mode,
    id: payment.id,
  };
}

/**
 * Whoever adds facts to a payment's timeline holds the payment's row lock from before reading
 * the timeline, and rewrites the row in the same transaction (here, or in the batch of
 * lib/webhooks/apply/write.ts): lib/webhooks/apply/load.ts relies on it to notice facts it could
 * not see.
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
  // Open consoles hear about it once this transaction commits (lib/events/bus.ts).
  await publishEvent(tx, paymentEvent(payment));
  // The customer waiting in the chat hears about the new status through a durable job written
  // in this same transaction.
  if (view.status !== payment.status)
    await enqueueConversationPaymentEvent(tx, payment, view.status);
}
