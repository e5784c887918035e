import type { ProviderKind } from "@/lib/connections/providers/types";

// Why money goes back, in Parley's words, and what each provider calls it. Stripe's refund
// `reason` takes duplicate, fraudulent, requested_by_customer (anything else goes in metadata);
// Adyen's Checkout refund `merchantRefundReason` takes FRAUD, CUSTOMER REQUEST, RETURN, DUPLICATE,
// OTHER; PayPal's capture refund has no reason code, only `note_to_payer` (free text, 255
// characters), so the reason travels as words there. The Sandbox takes Parley's codes.
export const REFUND_REASON_CODES = [
  "requested_by_customer",
  "duplicate",
  "fraudulent",
  "returned",
  "other",
] as const;
export type RefundReasonCode = (typeof REFUND_REASON_CODES)[number];

export const REFUND_REASON_LABELS: Record<RefundReasonCode, string> = {
  requested_by_customer: "Requested by the customer",
  duplicate: "Duplicate payment",
  fraudulent: "Fraudulent payment",
  returned: "Goods returned",
  other: "Other",
};

export type ProviderRefundReason =
  | { field: "reason"; value: "duplicate" | "fraudulent" | "requested_by_customer" | null }
  | {
      field: "merchantRefundReason";
      value: "FRAUD" | "CUSTOMER REQUEST" | "RETURN" | "DUPLICATE" | "OTHER";
    }
  | { field: "note_to_payer"; value: string }
  | { field: "sandbox"; value: RefundReasonCode }
  // Coinbase Commerce has no refund API: the refund is recorded by hand (manual-refunds.ts).
  | { field: "none"; value: null };

const STRIPE: Record<
  RefundReasonCode,
  "duplicate" | "fraudulent" | "requested_by_customer" | null
> = {
  requested_by_customer: "requested_by_customer",
  duplicate: "duplicate",
  fraudulent: "fraudulent",
  // Stripe has no code for these: the refund goes without one (the words go in metadata).
  returned: null,
  other: null,
};

const ADYEN: Record<
  RefundReasonCode,
  "FRAUD" | "CUSTOMER REQUEST" | "RETURN" | "DUPLICATE" | "OTHER"
> = {
  requested_by_customer: "CUSTOMER REQUEST",
  duplicate: "DUPLICATE",
  fraudulent: "FRAUD",
  returned: "RETURN",
  other: "OTHER",
};

/** What `provider` is told about why: its own code where it has one, else the words. */
export function providerRefundReason(
  provider: ProviderKind,
  code: RefundReasonCode,
  note = "",
): ProviderRefundReason {
  switch (provider) {
    case "stripe":
      return { field: "reason", value: STRIPE[code] };
    case "adyen":
      return { field: "merchantRefundReason", value: ADYEN[code] };
    case "paypal": {
      const words = note.trim()
        ? `${REFUND_REASON_LABELS[code]}: ${note.trim()}`
        : REFUND_REASON_LABELS[code];
      return { field: "note_to_payer", value: words.slice(0, 255) };
    }
    case "sandbox":
      return { field: "sandbox", value: code };
    case "coinbase":
      return { field: "none", value: null };
  }
}

export function isRefundReasonCode(value: string): value is RefundReasonCode {
  return (REFUND_REASON_CODES as readonly string[]).includes(value);
}
