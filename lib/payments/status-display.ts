// How payment statuses read in the console: a label, a sentence for the tooltip and a tone,
// which components/transactions/payment-status-badge.tsx turns into the badge's colour.
import type { PaymentStatus } from "@/lib/connections/providers/types";

export type StatusTone = "neutral" | "warning" | "success" | "danger" | "info";

export interface StatusDisplay {
  label: string;
  description: string;
  /** Always shown with the label, never colour alone. */
  tone: StatusTone;
}

function display(label: string, tone: StatusTone, description: string): StatusDisplay {
  return { label, description, tone };
}

export const PAYMENT_STATUS_LABELS: Record<PaymentStatus, StatusDisplay> = {
  created: display(
    "Created",
    "neutral",
    "A checkout link exists; the customer has not started paying.",
  ),
  pending: display(
    "Pending",
    "warning",
    "The customer is paying or the provider is still processing.",
  ),
  requires_action: display(
    "Action required",
    "warning",
    "The customer must finish a step such as 3-D Secure.",
  ),
  succeeded: display("Succeeded", "success", "The money was captured."),
  failed: display(
    "Failed",
    "danger",
    "The last attempt was declined; the customer can still retry.",
  ),
  canceled: display("Canceled", "neutral", "The payment was canceled before any money moved."),
  expired: display("Expired", "neutral", "The checkout expired unpaid."),
  partially_refunded: display(
    "Partially refunded",
    "info",
    "Part of the captured amount was returned.",
  ),
  refunded: display("Refunded", "info", "The whole amount was returned to the customer."),
  disputed: display(
    "Disputed",
    "danger",
    "The customer's bank opened a dispute, or the merchant lost one.",
  ),
};
