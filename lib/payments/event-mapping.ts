// Turns a connector's normalized webhook event (or a refund Parley just issued) into the fact the
// payment state machine folds. Events that say nothing about money state map to null.
import type { NormalizedEvent, RefundResult } from "@/lib/connections/providers/types";
import type { AttemptStatus, DisputeFactStatus, PaymentFact } from "@/lib/payments/state-machine";

const ATTEMPT_BY_EVENT: Partial<Record<NormalizedEvent["type"], AttemptStatus>> = {
  "payment.pending": "pending",
  "payment.requires_action": "requires_action",
  "payment.succeeded": "succeeded",
  "payment.failed": "failed",
  "payment.canceled": "canceled",
  "payment.expired": "expired",
};

const DISPUTE_BY_EVENT: Partial<Record<NormalizedEvent["type"], DisputeFactStatus>> = {
  "dispute.opened": "opened",
  "dispute.updated": "updated",
  "dispute.won": "won",
  "dispute.lost": "lost",
};

export function paymentFactFromEvent(event: NormalizedEvent): PaymentFact | null {
  const attempt = ATTEMPT_BY_EVENT[event.type];
  if (attempt) {
    return {
      kind: "payment",
      status: attempt,
      occurredAt: event.occurredAt,
      ...(event.amountMinor !== undefined && { amountMinor: event.amountMinor }),
      ...(event.currency !== undefined && { currency: event.currency }),
      ...(event.failure && { failure: event.failure }),
      ...(event.settlement && { settlement: event.settlement }),
      ...(event.received && { received: event.received }),
    };
  }
  if ((event.type === "refund.succeeded" || event.type === "refund.failed") && event.refund) {
    return {
      kind: "refund",
      providerRefundId: event.refund.providerRefundId,
      status: event.type === "refund.succeeded" ? "succeeded" : "failed",
      amountMinor: event.refund.amountMinor,
      currency: event.refund.currency,
      occurredAt: event.occurredAt,
    };
  }
  // A cumulative total with no single refund named (Stripe's charge.refunded, current API).
  if (event.type === "refund.succeeded" && event.refundedTotalMinor !== undefined) {
    return {
      kind: "refund_total",
      status: "reported",
      amountMinor: event.refundedTotalMinor,
      ...(event.currency !== undefined && { currency: event.currency }),
      occurredAt: event.occurredAt,
    };
  }
  const dispute = DISPUTE_BY_EVENT[event.type];
  if (dispute && event.dispute) {
    return {
      kind: "dispute",
      providerDisputeId: event.dispute.providerDisputeId,
      status: dispute,
      ...(event.dispute.stage && { stage: event.dispute.stage }),
      amountMinor: event.dispute.amountMinor,
      currency: event.dispute.currency,
      occurredAt: event.occurredAt,
    };
  }
  return null;
}

/** The fact for a refund Parley created itself, so it counts before the provider's webhook lands. */
export function refundFactFromResult(
  result: RefundResult,
  refund: { amountMinor: number; currency: string },
  occurredAt: Date,
): PaymentFact {
  return {
    kind: "refund",
    providerRefundId: result.providerRefundId,
    status: result.status,
    amountMinor: refund.amountMinor,
    currency: refund.currency,
    occurredAt,
  };
}
