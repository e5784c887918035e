// Events that arrived before Parley could tell whose they were. Stripe's refund and dispute
// events name the PaymentIntent only, and Checkout creates that intent when the customer pays,
// so a refund delivered ahead of the payment's own success is recorded without a payment. When
// the payment later learns its provider id, those events are linked to it and counted.
import type { Tx } from "@/db/client";
import {
  DISPUTE_STATUSES,
  paymentEvents,
  type DisputeStatus,
  type Payment,
  type PaymentEvent,
} from "@/db/schema";
import type { NormalizedEvent } from "@/lib/connections/providers/types";
import { isDisputeStage } from "@/lib/disputes/transitions";
import { and, eq, isNull, sql } from "drizzle-orm";

/** Links this connection's unclaimed events for `providerPaymentId` to the payment. */
export async function adoptOrphanEvents(
  tx: Tx,
  payment: Payment,
  providerPaymentId: string,
): Promise<PaymentEvent[]> {
  return tx
    .update(paymentEvents)
    .set({ paymentId: payment.id })
    .where(
      and(
        eq(paymentEvents.merchantId, payment.merchantId),
        eq(paymentEvents.connectionId, payment.connectionId),
        isNull(paymentEvents.paymentId),
        sql`${paymentEvents.detail}->>'providerPaymentId' = ${providerPaymentId}`,
        // An event that named a pay_… id of its own was not ours to begin with.
        sql`${paymentEvents.detail}->>'claimedPaymentId' is null`,
      ),
    )
    .returning();
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value ? value : undefined;
}

function isStatus(value: unknown): value is DisputeStatus {
  return (DISPUTE_STATUSES as readonly unknown[]).includes(value);
}

/** The dispute an adopted timeline row reported, for the disputes table. */
export function disputeFromRow(
  row: PaymentEvent,
): (NormalizedEvent & { dispute: NonNullable<NormalizedEvent["dispute"]> }) | null {
  const detail = row.detail ?? {};
  const providerDisputeId = text(detail.providerDisputeId);
  if (!providerDisputeId || !row.type.startsWith("dispute.")) return null;
  const dueBy = text(detail.dueBy);
  return {
    providerEventId: row.providerEventId ?? row.id,
    type: row.type as NormalizedEvent["type"],
    rawType: row.rawType ?? row.type,
    occurredAt: row.occurredAt,
    dispute: {
      providerDisputeId,
      reason: text(detail.reason) ?? "unknown",
      amountMinor: row.amountMinor ?? 0,
      currency: row.currency ?? "",
      ...(dueBy && { dueBy: new Date(dueBy) }),
      ...(isDisputeStage(detail.disputeStage) && { stage: detail.disputeStage }),
      ...(isStatus(detail.disputeStatus) && { status: detail.disputeStatus }),
      ...(text(detail.providerStatus) && { providerStatus: text(detail.providerStatus) }),
      ...(text(detail.providerReason) && { providerReason: text(detail.providerReason) }),
      ...(text(detail.providerReasonCode) && {
        providerReasonCode: text(detail.providerReasonCode),
      }),
    },
  };
}
