import type { NormalizedEvent } from "@/lib/connections/providers/types";
import { paymentFactFromEvent, refundFactFromResult } from "@/lib/payments/event-mapping";
import { reducePayment } from "@/lib/payments/state-machine";
import { describe, expect, it } from "vitest";

const occurredAt = new Date("2025-03-01T10:00:00Z");
const base = { providerEventId: "evt_1", rawType: "x", occurredAt, providerPaymentId: "pi_1" };

describe("paymentFactFromEvent", () => {
  it("maps each payment event to its attempt status with amount and failure", () => {
    const event: NormalizedEvent = {
      ...base,
      type: "payment.failed",
      amountMinor: 1250,
      currency: "EUR",
      failure: { code: "card_declined", message: "Declined" },
    };
    expect(paymentFactFromEvent(event)).toEqual({
      kind: "payment",
      status: "failed",
      occurredAt,
      amountMinor: 1250,
      currency: "EUR",
      failure: { code: "card_declined", message: "Declined" },
    });
    for (const status of [
      "pending",
      "requires_action",
      "succeeded",
      "canceled",
      "expired",
    ] as const) {
      expect(paymentFactFromEvent({ ...base, type: `payment.${status}` })).toEqual({
        kind: "payment",
        status,
        occurredAt,
      });
    }
  });

  it("maps refund and dispute events using their payloads", () => {
    const refundEvent: NormalizedEvent = {
      ...base,
      type: "refund.failed",
      refund: { providerRefundId: "re_1", amountMinor: 300, currency: "EUR" },
    };
    expect(paymentFactFromEvent(refundEvent)).toEqual({
      kind: "refund",
      providerRefundId: "re_1",
      status: "failed",
      amountMinor: 300,
      currency: "EUR",
      occurredAt,
    });
    const disputeEvent: NormalizedEvent = {
      ...base,
      type: "dispute.lost",
      dispute: {
        providerDisputeId: "dp_1",
        reason: "fraudulent",
        amountMinor: 1250,
        currency: "EUR",
      },
    };
    expect(paymentFactFromEvent(disputeEvent)).toMatchObject({
      kind: "dispute",
      providerDisputeId: "dp_1",
      status: "lost",
    });
  });

  it("returns null for unknown events and for refund/dispute events without their payload", () => {
    expect(paymentFactFromEvent({ ...base, type: "unknown" })).toBeNull();
    expect(paymentFactFromEvent({ ...base, type: "refund.succeeded" })).toBeNull();
    expect(paymentFactFromEvent({ ...base, type: "dispute.opened" })).toBeNull();
  });

  it("feeds the reducer end to end", () => {
    const events: NormalizedEvent[] = [
      { ...base, type: "payment.succeeded", amountMinor: 1250, currency: "eur" },
      {
        ...base,
        type: "refund.succeeded",
        refund: { providerRefundId: "re_1", amountMinor: 250, currency: "EUR" },
      },
    ];
    const facts = events.map(paymentFactFromEvent).filter((f) => f !== null);
    const issued = refundFactFromResult(
      { providerRefundId: "re_2", status: "pending" },
      { amountMinor: 1000, currency: "EUR" },
      occurredAt,
    );
    const view = reducePayment({ amountMinor: 1250, currency: "EUR" }, [...facts, issued]);
    expect(view).toMatchObject({
      status: "partially_refunded",
      refundedMinor: 250,
      pendingRefundMinor: 1000,
    });
  });
});
