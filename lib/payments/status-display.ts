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

// Crypto charges have a lifecycle of their own (Coinbase Commerce's charge timeline): seen on
// chain before they are confirmed, and paid-but-unresolved when the amount or the timing is off.
export const CRYPTO_STATES = [
  "created",
  "pending",
  "confirmed",
  "expired",
  "canceled",
  "failed",
  "underpaid",
  "overpaid",
  "delayed",
  "multiple",
  "unresolved",
  "resolved",
] as const;
export type CryptoState = (typeof CRYPTO_STATES)[number];

export interface CryptoStateDisplay extends StatusDisplay {
  /** What the merchant should do now. */
  action: string;
}

function crypto(
  label: string,
  tone: StatusTone,
  description: string,
  action: string,
): CryptoStateDisplay {
  return { label, tone, description, action };
}

export const CRYPTO_STATE_LABELS: Record<CryptoState, CryptoStateDisplay> = {
  created: crypto(
    "Waiting for payment",
    "neutral",
    "The charge exists; nothing has been seen on chain yet.",
    "Nothing to do: the customer has the hosted charge link.",
  ),
  pending: crypto(
    "Seen on chain",
    "warning",
    "The payment was detected and is waiting for block confirmations.",
    "Wait for confirmation before you ship: it is not final yet.",
  ),
  confirmed: crypto(
    "Confirmed",
    "success",
    "The payment is confirmed on chain and the charge is paid.",
    "Fulfil the order.",
  ),
  expired: crypto(
    "Expired",
    "neutral",
    "The charge expired before any payment arrived.",
    "Nothing was paid. Send a new link if the customer still wants to buy.",
  ),
  canceled: crypto(
    "Canceled",
    "neutral",
    "The charge was canceled before any payment arrived.",
    "Nothing was paid.",
  ),
  failed: crypto(
    "Failed",
    "danger",
    "Coinbase Commerce could not complete the charge.",
    "Nothing was settled. Check the charge on Coinbase Commerce, then send a new link.",
  ),
  underpaid: crypto(
    "Underpaid",
    "danger",
    "The customer paid less than the price. The charge is unresolved: not paid, not failed.",
    "Ask the customer to pay the difference in a new charge, accept it as paid by resolving it on Coinbase Commerce, or send the crypto back and record the refund.",
  ),
  overpaid: crypto(
    "Overpaid",
    "warning",
    "The customer paid more than the price. The charge is unresolved until you settle it.",
    "Resolve it on Coinbase Commerce to accept it, and send the excess back from your wallet (then record that refund here).",
  ),
  delayed: crypto(
    "Paid after expiry",
    "warning",
    "A payment arrived after the charge had expired. The charge is unresolved.",
    "Resolve it on Coinbase Commerce to accept the late payment, or send it back and record the refund.",
  ),
  multiple: crypto(
    "Several payments",
    "warning",
    "The customer paid in more than one transaction. The charge is unresolved.",
    "Check the amounts received below, then resolve the charge on Coinbase Commerce.",
  ),
  unresolved: crypto(
    "Unresolved",
    "warning",
    "Coinbase Commerce marked the charge unresolved.",
    "Review the charge on Coinbase Commerce and resolve it there.",
  ),
  resolved: crypto(
    "Resolved",
    "success",
    "The charge was resolved manually on Coinbase Commerce and counts as paid.",
    "Fulfil the order; the flag shows what was resolved.",
  ),
};

const STATE_BY_ISSUE: Record<string, CryptoState> = {
  underpaid: "underpaid",
  overpaid: "overpaid",
  delayed: "delayed",
  multiple: "multiple",
  other: "unresolved",
};

/** Where a crypto charge stands, from the payment's status and its settlement report. */
export function cryptoState(
  status: PaymentStatus,
  settlement: { issue: string; status: "unresolved" | "resolved" } | undefined,
): CryptoState {
  if (settlement?.status === "resolved") return "resolved";
  if (settlement?.status === "unresolved") return STATE_BY_ISSUE[settlement.issue] ?? "unresolved";
  switch (status) {
    case "created":
      return "created";
    case "pending":
    case "requires_action":
      return "pending";
    case "expired":
      return "expired";
    case "canceled":
      return "canceled";
    case "failed":
      return "failed";
    default:
      return "confirmed";
  }
}
