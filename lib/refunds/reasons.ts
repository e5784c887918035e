// Why money went back, in the words each provider takes. The three named reasons are Stripe's
// (refunds.create `reason`), which Adyen's `merchantRefundReason` also has, with its own "OTHER";
// PayPal's captures refund takes no reason, only the note as `note_to_payer` (the customer reads
// it). What a provider cannot carry stays on Parley's refund row (and in Stripe's metadata).
export const REFUND_REASON_CODES = [
  "requested_by_customer",
  "duplicate",
  "fraudulent",
  "other",
] as const;
export type RefundReasonCode = (typeof REFUND_REASON_CODES)[number];

export const REFUND_REASON_LABELS: Record<RefundReasonCode, string> = {
  requested_by_customer: "Requested by the customer",
  duplicate: "Duplicate charge",
  fraudulent: "Fraudulent — not the cardholder",
  other: "Other (say why below)",
};

/** Stripe `reason`: one of its three, or none (the note goes to metadata). */
export function stripeRefundReason(
  code: RefundReasonCode | undefined,
): "requested_by_customer" | "duplicate" | "fraudulent" | undefined {
  return code && code !== "other" ? code : undefined;
}

/** Adyen `merchantRefundReason` (Checkout API /payments/{pspReference}/refunds). */
export function adyenRefundReason(
  code: RefundReasonCode | undefined,
): "CUSTOMER REQUEST" | "DUPLICATE" | "FRAUD" | "OTHER" | undefined {
  if (!code) return undefined;
  return (
    (
      {
        requested_by_customer: "CUSTOMER REQUEST",
        duplicate: "DUPLICATE",
        fraudulent: "FRAUD",
      } as const
    )[code as Exclude<RefundReasonCode, "other">] ?? "OTHER"
  );
}
