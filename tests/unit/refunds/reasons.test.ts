import { adyenRefundReason, REFUND_REASON_CODES, stripeRefundReason } from "@/lib/refunds/reasons";
import { describe, expect, it } from "vitest";

// Each provider's documented values: Stripe refunds.create `reason`; Adyen Checkout
// /payments/{pspReference}/refunds `merchantRefundReason`.
const TABLE = [
  ["requested_by_customer", "requested_by_customer", "CUSTOMER REQUEST"],
  ["duplicate", "duplicate", "DUPLICATE"],
  ["fraudulent", "fraudulent", "FRAUD"],
  ["other", undefined, "OTHER"],
] as const;

describe("refund reasons in each provider's words", () => {
  it.each(TABLE)("%s → Stripe %s, Adyen %s", (code, stripe, adyen) => {
    expect(stripeRefundReason(code)).toBe(stripe);
    expect(adyenRefundReason(code)).toBe(adyen);
  });

  it("covers every code, and sends nothing when there is none", () => {
    expect(TABLE.map(([code]) => code).sort()).toEqual([...REFUND_REASON_CODES].sort());
    expect(stripeRefundReason(undefined)).toBeUndefined();
    expect(adyenRefundReason(undefined)).toBeUndefined();
  });
});
