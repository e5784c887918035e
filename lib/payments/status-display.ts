// How payment statuses read in the console, and the state machine's transitions as a table for
// docs and UI. tests/unit/payments/status-display.test.ts checks the table against the reducer.
import type { PaymentStatus } from "@/lib/connections/providers/types";

export type StatusTone = "neutral" | "warning" | "success" | "danger" | "info";

export interface StatusDisplay {
  label: string;
  description: string;
  tone: StatusTone;
  /** Tailwind classes for a badge; always shown with the label, never colour alone. */
  badgeClassName: string;
}

const TONE_CLASSES: Record<StatusTone, string> = {
  neutral: "bg-zinc-100 text-zinc-700 ring-zinc-300",
  warning: "bg-amber-50 text-amber-800 ring-amber-300",
  success: "bg-green-50 text-green-800 ring-green-300",
  danger: "bg-red-50 text-red-800 ring-red-300",
  info: "bg-sky-50 text-sky-800 ring-sky-300",
};

function display(label: string, tone: StatusTone, description: string): StatusDisplay {
  return { label, description, tone, badgeClassName: TONE_CLASSES[tone] };
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

export const TRANSITION_EVENTS = [
  "payment.pending",
  "payment.requires_action",
  "payment.succeeded",
  "payment.failed",
  "payment.canceled",
  "payment.expired",
  "refund.partial",
  "refund.rest",
  "dispute.opened",
  "dispute.won",
  "dispute.lost",
] as const;
export type TransitionEvent = (typeof TRANSITION_EVENTS)[number];

// Before capture, a refund or dispute proves the money was taken even if payment.succeeded is
// still on its way. After a cancel/expiry only a success that raced it reopens the payment.
const CAPTURE_EVIDENCE = {
  "payment.succeeded": "succeeded",
  "refund.partial": "partially_refunded",
  "refund.rest": "refunded",
  "dispute.opened": "disputed",
  "dispute.won": "succeeded",
  "dispute.lost": "disputed",
} as const satisfies Partial<Record<TransitionEvent, PaymentStatus>>;

const CLOSE_UNPAID = { "payment.canceled": "canceled", "payment.expired": "expired" } as const;
const DISPUTE_AFTER_CAPTURE = { "dispute.opened": "disputed", "dispute.lost": "disputed" } as const;

/**
 * Status after an event that happened later than everything already known, by starting status.
 * A missing entry means the status stays: a succeeded payment never returns to pending or failed.
 */
export const PAYMENT_TRANSITIONS: Record<
  PaymentStatus,
  Partial<Record<TransitionEvent, PaymentStatus>>
> = {
  created: {
    "payment.pending": "pending",
    "payment.requires_action": "requires_action",
    "payment.failed": "failed",
    ...CLOSE_UNPAID,
    ...CAPTURE_EVIDENCE,
  },
  pending: {
    "payment.requires_action": "requires_action",
    "payment.failed": "failed",
    ...CLOSE_UNPAID,
    ...CAPTURE_EVIDENCE,
  },
  requires_action: {
    "payment.pending": "pending",
    "payment.failed": "failed",
    ...CLOSE_UNPAID,
    ...CAPTURE_EVIDENCE,
  },
  // A declined attempt is not the end: the customer can retry on the same provider payment.
  failed: {
    "payment.pending": "pending",
    "payment.requires_action": "requires_action",
    ...CLOSE_UNPAID,
    ...CAPTURE_EVIDENCE,
  },
  canceled: { "payment.succeeded": "succeeded", ...DISPUTE_AFTER_CAPTURE },
  expired: { "payment.succeeded": "succeeded", ...DISPUTE_AFTER_CAPTURE },
  succeeded: {
    "refund.partial": "partially_refunded",
    "refund.rest": "refunded",
    ...DISPUTE_AFTER_CAPTURE,
  },
  partially_refunded: { "refund.rest": "refunded", ...DISPUTE_AFTER_CAPTURE },
  refunded: { ...DISPUTE_AFTER_CAPTURE },
  // Won goes back to what the refunds say; lost stays disputed (the money was charged back).
  disputed: { "dispute.won": "succeeded" },
};

/** The table flattened to rows, for documentation pages. */
export function paymentTransitionRows(): {
  from: PaymentStatus;
  on: TransitionEvent;
  to: PaymentStatus;
}[] {
  return Object.entries(PAYMENT_TRANSITIONS).flatMap(([from, row]) =>
    TRANSITION_EVENTS.flatMap((on) => {
      const to = row[on];
      return to ? [{ from: from as PaymentStatus, on, to }] : [];
    }),
  );
}
