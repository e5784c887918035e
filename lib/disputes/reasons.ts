// Reasons a simulated Sandbox dispute can carry, with how the console names them.
export const SANDBOX_DISPUTE_REASONS = [
  "fraudulent",
  "product_not_received",
  "duplicate",
  "product_unacceptable",
  "general",
] as const;
export type SandboxDisputeReason = (typeof SANDBOX_DISPUTE_REASONS)[number];

export const DISPUTE_REASON_LABELS: Record<SandboxDisputeReason, string> = {
  fraudulent: "Fraudulent — the cardholder did not authorise it",
  product_not_received: "Product not received",
  duplicate: "Duplicate charge",
  product_unacceptable: "Product unacceptable",
  general: "General",
};

// Parley's normalised reasons: whatever a provider calls it, the desk groups by these.
export const DISPUTE_REASONS = [
  "fraudulent",
  "unrecognized",
  "duplicate",
  "product_not_received",
  "product_unacceptable",
  "subscription_canceled",
  "credit_not_processed",
  "general",
] as const;
export type DisputeReason = (typeof DISPUTE_REASONS)[number];

export const REASON_LABELS: Record<DisputeReason, string> = {
  fraudulent: "Fraudulent",
  unrecognized: "Unrecognised charge",
  duplicate: "Duplicate charge",
  product_not_received: "Product not received",
  product_unacceptable: "Product unacceptable",
  subscription_canceled: "Subscription canceled",
  credit_not_processed: "Credit not processed",
  general: "General",
};

/** A stored reason's label; rows written before normalisation show as they were. */
export function reasonLabel(reason: string): string {
  return (REASON_LABELS as Record<string, string>)[reason] ?? reason;
}
