import { PAYMENT_STATUSES, type PaymentStatus } from "@/lib/connections/providers/types";
import { applyEvent, reducePayment, type PaymentFact } from "@/lib/payments/state-machine";
import {
  PAYMENT_STATUS_LABELS,
  PAYMENT_TRANSITIONS,
  TRANSITION_EVENTS,
  paymentTransitionRows,
  type TransitionEvent,
} from "@/lib/payments/status-display";
import { describe, expect, it } from "vitest";
import { PAYMENT, dispute, paid, refund } from "./fact-builders";

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
    const rows = paymentTransitionRows();
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.to).not.toBe(row.from);
    expect(rows).toContainEqual({ from: "failed", on: "payment.succeeded", to: "succeeded" });
    expect(rows.some((row) => row.from === "succeeded" && row.to === "pending")).toBe(false);
  });
});

describe("status labels", () => {
  it("gives every status a label and badge classes of its tone", () => {
    for (const status of PAYMENT_STATUSES) {
      const display = PAYMENT_STATUS_LABELS[status];
      expect(display.label.length).toBeGreaterThan(0);
      expect(display.badgeClassName).toMatch(/^bg-\w+-\d+ text-\w+-\d+ ring-\w+-\d+$/);
    }
    expect(PAYMENT_STATUS_LABELS.succeeded.badgeClassName).toContain("green");
    expect(PAYMENT_STATUS_LABELS.failed.badgeClassName).toContain("red");
    expect(PAYMENT_STATUS_LABELS.pending.badgeClassName).toContain("amber");
  });
});
