import { PAYMENT_STATUSES, type PaymentStatus } from "@/lib/connections/providers/types";
import { applyEvent, reducePayment, type PaymentFact } from "@/lib/payments/state-machine";
import { describe, expect, it } from "vitest";
import { PAYMENT, dispute, paid, refund } from "./fact-builders";

// The state machine's transitions written out as a table: the status after an event that happened
// later than everything already known, by starting status. A missing entry means the status
// stays: a succeeded payment never returns to pending or failed. The reducer must agree with it.
const TRANSITION_EVENTS = [
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
type TransitionEvent = (typeof TRANSITION_EVENTS)[number];

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

const PAYMENT_TRANSITIONS: Record<
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

// One way to reach each status; every event below happens later than all of these.
const REACH: Record<PaymentStatus, PaymentFact[]> = {
  created: [],
  pending: [paid("pending", 1)],
  requires_action: [paid("requires_action", 1)],
  succeeded: [paid("succeeded", 1)],
  failed: [paid("failed", 1)],
  canceled: [paid("canceled", 1)],
  expired: [paid("expired", 1)],
  partially_refunded: [paid("succeeded", 1), refund("re_1", 400, "succeeded", 2)],
  refunded: [paid("succeeded", 1), refund("re_1", 1000, "succeeded", 2)],
  disputed: [paid("succeeded", 1), dispute("dp_1", "opened", 2)],
};

function eventFact(event: TransitionEvent, refundedSoFar: number): PaymentFact {
  const later = 50;
  switch (event) {
    case "refund.partial":
      return refund("re_new", 100, "succeeded", later);
    case "refund.rest":
      return refund("re_new", Math.max(1, PAYMENT.amountMinor - refundedSoFar), "succeeded", later);
    case "dispute.opened":
      return dispute("dp_1", "opened", later);
    case "dispute.won":
      return dispute("dp_1", "won", later);
    case "dispute.lost":
      return dispute("dp_1", "lost", later);
    default:
      return paid(event.replace("payment.", "") as "pending", later);
  }
}

/** The status the reducer reaches from `from` after `event`. */
function reducerTransition(from: PaymentStatus, event: TransitionEvent): PaymentStatus {
  const start = reducePayment(PAYMENT, REACH[from]);
  return applyEvent(start, eventFact(event, start.refundedMinor)).next.status;
}

describe("payment transition table", () => {
  it.each(PAYMENT_STATUSES.map((s) => [s]))(
    "matches the reducer for every event from %s",
    (from) => {
      const start = reducePayment(PAYMENT, REACH[from]);
      expect(start.status).toBe(from);
      for (const event of TRANSITION_EVENTS) {
        const next = applyEvent(start, eventFact(event, start.refundedMinor)).next.status;
        expect({ from, event, to: next }).toEqual({
          from,
          event,
          to: PAYMENT_TRANSITIONS[from][event] ?? from,
        });
      }
    },
  );

  it("lists only real changes as rows", () => {
    const rows = Object.entries(PAYMENT_TRANSITIONS).flatMap(([from, row]) =>
      TRANSITION_EVENTS.flatMap((on) => {
        const to = row[on];
        return to ? [{ from: from as PaymentStatus, on, to }] : [];
      }),
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.to).not.toBe(row.from);
    expect(rows).toContainEqual({ from: "failed", on: "payment.succeeded", to: "succeeded" });
    expect(rows.some((row) => row.from === "succeeded" && row.to === "pending")).toBe(false);
    // The same two facts, asked of the reducer itself.
    expect(reducerTransition("failed", "payment.succeeded")).toBe("succeeded");
    for (const event of TRANSITION_EVENTS)
      expect(reducerTransition("succeeded", event)).not.toBe("pending");
  });
});
