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
