import {
  providerRefundReason,
  REFUND_REASON_CODES,
  type RefundReasonCode,
} from "@/lib/refunds/reason-codes";
import { describe, expect, it } from "vitest";

// As each provider documents its refund reason: Stripe `reason` (duplicate, fraudulent,
// requested_by_customer); Adyen Checkout `merchantRefundReason` (FRAUD, CUSTOMER REQUEST, RETURN,
// DUPLICATE, OTHER); PayPal has no code, only `note_to_payer` (255 characters).
const TABLE: [RefundReasonCode, string | null, string, string][] = [
  [
    "requested_by_customer",
    "requested_by_customer",
    "CUSTOMER REQUEST",
    "Requested by the customer",
  ],
  ["duplicate", "duplicate", "DUPLICATE", "Duplicate payment"],
  ["fraudulent", "fraudulent", "FRAUD", "Fraudulent payment"],
  ["returned", null, "RETURN", "Goods returned"],
  ["other", null, "OTHER", "Other"],
];

describe("refund reason codes per provider", () => {
  it("covers every code", () => {
    expect(TABLE.map((row) => row[0]).sort()).toEqual([...REFUND_REASON_CODES].sort());
  });

  it.each(TABLE)("%s → Stripe %s, Adyen %s, PayPal %s", (code, stripe, adyen, paypal) => {
    expect(providerRefundReason("stripe", code)).toEqual({ field: "reason", value: stripe });
    expect(providerRefundReason("adyen", code)).toEqual({
      field: "merchantRefundReason",
      value: adyen,
    });
    expect(providerRefundReason("paypal", code)).toEqual({ field: "note_to_payer", value: paypal });
    expect(providerRefundReason("sandbox", code)).toEqual({ field: "sandbox", value: code });
  });

  it("PayPal's note carries the member's words, cut to 255 characters", () => {
    expect(providerRefundReason("paypal", "duplicate", " charged twice ").value).toBe(
      "Duplicate payment: charged twice",
    );
    expect(String(providerRefundReason("paypal", "other", "x".repeat(600)).value)).toHaveLength(
      255,
    );
  });
});
