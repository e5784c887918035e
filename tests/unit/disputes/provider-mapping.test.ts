import {
  disputeEventType,
  mapAdyenDispute,
  mapPayPalDispute,
  mapStripeDispute,
} from "@/lib/disputes/provider-mapping";
import { describe, expect, it } from "vitest";

describe("Stripe dispute mapping", () => {
  it.each([
    ["warning_needs_response", "inquiry", "needs_response"],
    ["warning_under_review", "inquiry", "under_review"],
    ["warning_closed", "inquiry", "won"],
    ["needs_response", "chargeback", "needs_response"],
    ["under_review", "chargeback", "under_review"],
    ["won", "chargeback", "won"],
    ["lost", "chargeback", "lost"],
  ])("status %s → %s / %s", (status, stage, mapped) => {
    expect(mapStripeDispute({ status, reason: "fraudulent", dueBy: 1_774_051_199 })).toEqual({
      stage,
      status: mapped,
      reason: "fraudulent",
      providerStatus: status,
      providerReason: "fraudulent",
      dueBy: new Date(1_774_051_199_000),
    });
  });

  it("an unknown status claims nothing; an unknown reason is general", () => {
    expect(mapStripeDispute({ status: "prevented", reason: "bank_cannot_process" })).toMatchObject({
      stage: "chargeback",
      status: undefined,
      reason: "general",
      providerReason: "bank_cannot_process",
    });
  });
});

describe("Adyen dispute mapping", () => {
  it.each([
    ["REQUEST_FOR_INFORMATION", undefined, "inquiry", undefined],
    ["NOTIFICATION_OF_CHARGEBACK", "Undefended", "chargeback", "needs_response"],
    ["CHARGEBACK", "Pending", "chargeback", "under_review"],
    ["CHARGEBACK", "Accepted", "chargeback", "accepted"],
    ["CHARGEBACK", "Expired", "chargeback", "expired"],
    ["CHARGEBACK", "Lost", "chargeback", "lost"],
    ["CHARGEBACK_REVERSED", "Won", "chargeback", "won"],
    ["SECOND_CHARGEBACK", "Lost", "pre_arbitration", "lost"],
    ["PREARBITRATION_WON", "Won", "pre_arbitration", "won"],
    ["PREARBITRATION_LOST", "Lost", "pre_arbitration", "lost"],
  ])("%s (%s) → %s / %s", (eventCode, disputeStatus, stage, status) => {
    const mapped = mapAdyenDispute({
      eventCode,
      reason: "Fraud",
      additionalData: {
        ...(disputeStatus && { disputeStatus }),
        chargebackReasonCode: "10.4",
        defensePeriodEndsAt: "2026-03-21T10:00:00+01:00",
      },
    });
    expect(mapped).toMatchObject({
      stage,
      status,
      reason: "fraudulent",
      providerReason: "Fraud",
      providerReasonCode: "10.4",
      dueBy: new Date("2026-03-21T09:00:00Z"),
    });
    expect(mapped?.providerStatus).toBe(disputeStatus);
  });

  it("a payment processed in Brazil (no disputeStatus) is never read as lost", () => {
    for (const eventCode of ["CHARGEBACK", "NOTIFICATION_OF_CHARGEBACK", "SECOND_CHARGEBACK"]) {
      const mapped = mapAdyenDispute({ eventCode, additionalData: {} });
      expect(mapped?.status).toBeUndefined();
      expect(mapped?.dueBy).toBeUndefined();
      expect(disputeEventType(false, mapped?.status)).toBe("dispute.updated");
    }
  });

  it("NOTIFICATION_OF_FRAUD and non-dispute codes open no case", () => {
    expect(mapAdyenDispute({ eventCode: "NOTIFICATION_OF_FRAUD" })).toBeNull();
    expect(mapAdyenDispute({ eventCode: "AUTHORISATION" })).toBeNull();
  });
});

describe("PayPal dispute mapping", () => {
  it.each([
    ["INQUIRY", "OPEN", undefined, "inquiry", "needs_response"],
    ["INQUIRY", "WAITING_FOR_SELLER_RESPONSE", undefined, "inquiry", "needs_response"],
    ["CHARGEBACK", "UNDER_REVIEW", undefined, "chargeback", "under_review"],
    ["CHARGEBACK", "RESOLVED", "RESOLVED_SELLER_FAVOUR", "chargeback", "won"],
    ["CHARGEBACK", "RESOLVED", "RESOLVED_BUYER_FAVOUR", "chargeback", "lost"],
    ["INQUIRY", "RESOLVED", "CANCELED_BY_BUYER", "inquiry", "canceled"],
    ["CHARGEBACK", "RESOLVED", "ACCEPTED", "chargeback", "accepted"],
    [
      "PRE_ARBITRATION",
      "WAITING_FOR_SELLER_RESPONSE",
      undefined,
      "pre_arbitration",
      "needs_response",
    ],
    ["ARBITRATION", "UNDER_REVIEW", undefined, "pre_arbitration", "under_review"],
    // RESOLVED with no known outcome says it ended, not how.
    ["CHARGEBACK", "RESOLVED", undefined, "chargeback", undefined],
  ])("%s %s %s → %s / %s", (stage, status, outcomeCode, mappedStage, mappedStatus) => {
    const mapped = mapPayPalDispute({
      stage,
      status,
      outcomeCode,
      reason: "MERCHANDISE_OR_SERVICE_NOT_RECEIVED",
      sellerResponseDueDate: "2026-03-20T23:59:59.000Z",
    });
    expect(mapped).toMatchObject({
      stage: mappedStage,
      status: mappedStatus,
      reason: "product_not_received",
      providerReason: "MERCHANDISE_OR_SERVICE_NOT_RECEIVED",
      dueBy: new Date("2026-03-20T23:59:59.000Z"),
    });
    expect(mapped.providerStatus).toBe(outcomeCode ? `${status} · ${outcomeCode}` : status);
  });
});

describe("the payment timeline's event type", () => {
  it.each([
    [true, undefined, "dispute.opened"],
    [false, undefined, "dispute.updated"],
    [false, "under_review", "dispute.updated"],
    [false, "won", "dispute.won"],
    [false, "canceled", "dispute.won"],
    [false, "lost", "dispute.lost"],
    [false, "accepted", "dispute.lost"],
    [false, "expired", "dispute.lost"],
  ] as const)("opening=%s status=%s → %s", (opening, status, type) => {
    expect(disputeEventType(opening, status)).toBe(type);
  });
});
