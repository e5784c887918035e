import type { PaymentStatus } from "@/lib/connections/providers/types";
import {
  applyEvent,
  initialPaymentView,
  isPaid,
  reducePayment,
  type PaymentFact,
  type PaymentView,
} from "@/lib/payments/state-machine";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  PAYMENT,
  agreesWithPayment,
  anyFact,
  anyFactWithTotals,
  disputeFact,
  factsInSomeOrder,
  inSomeOrder,
  paymentFact,
  refund,
  refundFact,
  refundTotal,
  refundTotalFact,
} from "./fact-builders";

const RUNS = { numRuns: 400 };

function foldInOrder(facts: readonly PaymentFact[]): PaymentView[] {
  const views = [initialPaymentView(PAYMENT)];
  for (const fact of facts) views.push(applyEvent(views[views.length - 1], fact).next);
  return views;
}

const last = <T>(list: readonly T[]) => list[list.length - 1];

// An oracle written over the *set* of facts, independent of the reducer's incremental join.
function expectedRefunds(facts: readonly PaymentFact[]) {
  const byId = new Map<string, { status: string; amountMinor: number }[]>();
  for (const fact of facts) {
    if (fact.kind !== "refund" || !agreesWithPayment(fact)) continue;
    byId.set(fact.providerRefundId, [...(byId.get(fact.providerRefundId) ?? []), fact]);
  }
  let refunded = 0;
  let pending = 0;
  for (const reports of byId.values()) {
    const statuses = new Set(reports.map((r) => r.status));
    const final = statuses.has("failed")
      ? "failed"
      : statuses.has("succeeded")
        ? "succeeded"
        : "pending";
    const amount = Math.max(...reports.filter((r) => r.status === final).map((r) => r.amountMinor));
    if (final === "succeeded") refunded += amount;
    if (final === "pending") pending += amount;
  }
  // A provider's cumulative total and the refunds it sums never add up: the larger one holds,
  // and pending refunds the total already covers are not reserved twice.
  const totals = facts
    .filter((f) => f.kind === "refund_total" && agreesWithPayment(f))
    .map((f) => f.amountMinor ?? 0);
  const total = Math.max(0, ...totals);
  const counted = Math.max(refunded, total);
  pending = Math.max(0, Math.min(pending, refunded + pending - counted));
  return { refunded: counted, pending, anyRefund: byId.size > 0 || total > 0 };
}

function expectedStatus(facts: readonly PaymentFact[]): PaymentStatus {
  const attempts = facts.filter((f) => f.kind === "payment" && agreesWithPayment(f));
  const time = (f: PaymentFact) => f.occurredAt.getTime();
  const closing = attempts
    .filter((f) => f.status === "canceled" || f.status === "expired")
    .sort((a, b) => time(a) - time(b) || (a.status === "canceled" ? -1 : 1))[0];
  const order = ["pending", "requires_action", "failed"];
  const inFlight = attempts
    .filter((f) => order.includes(f.status))
    .sort((a, b) => time(b) - time(a) || order.indexOf(b.status) - order.indexOf(a.status))[0];
  // Per dispute, the fact of the latest stage (none named = chargeback), then the highest status.
  const disputes = new Map<string, string>();
  const stageOrder = ["inquiry", "chargeback", "pre_arbitration"];
  const disputeOrder = ["opened", "updated", "won", "lost"];
  const rank = (f: { stage?: string; status: string }) =>
    stageOrder.indexOf(f.stage ?? "chargeback") * 10 + disputeOrder.indexOf(f.status);
  const best = new Map<string, { stage?: string; status: string }>();
  for (const f of facts) {
    if (f.kind !== "dispute") continue;
    const seen = best.get(f.providerDisputeId);
    if (!seen || rank(f) > rank(seen)) best.set(f.providerDisputeId, f);
  }
  for (const [id, f] of best) disputes.set(id, f.status);
  const refunds = expectedRefunds(facts);

  const succeeded = attempts.some((f) => f.status === "succeeded");
  const captured = succeeded || (!closing && (refunds.anyRefund || disputes.size > 0));
  let status: PaymentStatus = succeeded
    ? "succeeded"
    : ((closing?.status ?? inFlight?.status ?? "created") as PaymentStatus);
  if (captured) {
    status =
      refunds.refunded === 0
        ? "succeeded"
        : refunds.refunded >= PAYMENT.amountMinor
          ? "refunded"
          : "partially_refunded";
  }
  const statuses = [...disputes.values()];
  if (statuses.some((s) => s !== "won")) status = "disputed";
  return status;
}

describe("payment state machine properties", () => {
  it("folding the facts in any arrival order gives the batch view", () => {
    fc.assert(
      fc.property(factsInSomeOrder, ([facts, arrival]) => {
        expect(last(foldInOrder(arrival))).toEqual(reducePayment(PAYMENT, facts));
      }),
      RUNS,
    );
  });

  it.each([
    ["payment", paymentFact],
    ["refund", refundFact],
    ["refund total", refundTotalFact],
    ["dispute", disputeFact],
  ] as const)("folding only %s facts in any order gives the batch view", (_kind, fact) => {
    fc.assert(
      fc.property(inSomeOrder(fact, 8), ([facts, arrival]) => {
        expect(last(foldInOrder(arrival))).toEqual(reducePayment(PAYMENT, facts));
      }),
      RUNS,
    );
  });

  it("two different arrival orders of the same facts agree on every field", () => {
    fc.assert(
      fc.property(
        fc
          .array(anyFact, { maxLength: 12 })
          .chain((facts) =>
            fc.tuple(
              fc.shuffledSubarray(facts, { minLength: facts.length, maxLength: facts.length }),
              fc.shuffledSubarray(facts, { minLength: facts.length, maxLength: facts.length }),
            ),
          ),
        ([first, second]) => {
          expect(JSON.stringify(last(foldInOrder(first)))).toBe(
            JSON.stringify(last(foldInOrder(second))),
          );
        },
      ),
      RUNS,
    );
  });

  it("duplicates change nothing", () => {
    fc.assert(
      fc.property(fc.array(anyFact, { maxLength: 12 }), (facts) => {
        expect(reducePayment(PAYMENT, [...facts, ...facts])).toEqual(reducePayment(PAYMENT, facts));
        const view = reducePayment(PAYMENT, facts);
        for (const fact of facts) expect(applyEvent(view, fact).changed).toBe(false);
      }),
      RUNS,
    );
  });

  it("matches the status and refund totals computed directly from the set of facts", () => {
    fc.assert(
      fc.property(factsInSomeOrder, ([facts, arrival]) => {
        const view = last(foldInOrder(arrival));
        const refunds = expectedRefunds(facts);
        expect(view.status).toBe(expectedStatus(facts));
        expect(view.refundedMinor).toBe(refunds.refunded);
        expect(view.pendingRefundMinor).toBe(refunds.pending);
        expect(view.anomalies.includes("amount_mismatch")).toBe(
          facts.some((f) => !agreesWithPayment(f)),
        );
        expect(view.anomalies.includes("refund_exceeds_amount")).toBe(
          refunds.refunded > PAYMENT.amountMinor,
        );
      }),
      RUNS,
    );
  });

  it("never moves backwards once a success is seen", () => {
    fc.assert(
      fc.property(factsInSomeOrder, ([, arrival]) => {
        const views = foldInOrder(arrival);
        const firstSuccess = arrival.findIndex(
          (f) => f.kind === "payment" && f.status === "succeeded" && agreesWithPayment(f),
        );
        if (firstSuccess === -1) return;
        for (const view of views.slice(firstSuccess + 1)) {
          expect(isPaid(view.status)).toBe(true);
          expect([
            "created",
            "pending",
            "requires_action",
            "failed",
            "canceled",
            "expired",
          ]).not.toContain(view.status);
        }
      }),
      RUNS,
    );
  });

  it("counts each refund id once, never more than its largest reported amount", () => {
    fc.assert(
      fc.property(factsInSomeOrder, ([facts, arrival]) => {
        const view = last(foldInOrder(arrival));
        const ids = view.refunds.map((r) => r.providerRefundId);
        expect(new Set(ids).size).toBe(ids.length);
        const largestById = new Map<string, number>();
        for (const f of facts) {
          if (f.kind === "refund" && agreesWithPayment(f)) {
            largestById.set(
              f.providerRefundId,
              Math.max(largestById.get(f.providerRefundId) ?? 0, f.amountMinor),
            );
          }
        }
        const ceiling = [...largestById.values()].reduce((a, b) => a + b, 0);
        expect(view.refundedMinor + view.pendingRefundMinor).toBeLessThanOrEqual(ceiling);
      }),
      RUNS,
    );
  });

  it("reports changed exactly when the view differs", () => {
    fc.assert(
      fc.property(fc.array(anyFact, { maxLength: 10 }), anyFact, (facts, fact) => {
        const before = reducePayment(PAYMENT, facts);
        const { next, changed } = applyEvent(before, fact);
        expect(changed).toBe(JSON.stringify(next) !== JSON.stringify(before));
      }),
      RUNS,
    );
  });
});

describe("refund totals (Stripe charge.refunded without a refunds list)", () => {
  const withTotals = inSomeOrder(anyFactWithTotals);

  it("folding any arrival order gives the batch view, and duplicates change nothing", () => {
    fc.assert(
      fc.property(withTotals, ([facts, arrival]) => {
        expect(last(foldInOrder(arrival))).toEqual(reducePayment(PAYMENT, facts));
        const view = reducePayment(PAYMENT, facts);
        for (const fact of facts) expect(applyEvent(view, fact).changed).toBe(false);
      }),
      RUNS,
    );
  });

  it("matches the status and refund totals computed directly from the set of facts", () => {
    fc.assert(
      fc.property(withTotals, ([facts, arrival]) => {
        const view = last(foldInOrder(arrival));
        const refunds = expectedRefunds(facts);
        expect(view.status).toBe(expectedStatus(facts));
        expect(view.refundedMinor).toBe(refunds.refunded);
        expect(view.pendingRefundMinor).toBe(refunds.pending);
      }),
      RUNS,
    );
  });

  it("a total and the refund it sums, in either order, count once", () => {
    const succeeded = paidFact();
    const orders = [
      [succeeded, refundTotal(300), refund("re_1", 300)],
      [refund("re_1", 300), succeeded, refundTotal(300)],
    ];
    for (const facts of orders) {
      const view = last(foldInOrder(facts));
      expect(view).toMatchObject({ refundedMinor: 300, status: "partially_refunded" });
    }
    // Partial, then full: the cumulative amount grows, and a late partial total changes nothing.
    const full = last(foldInOrder([succeeded, refundTotal(300), refundTotal(1000)]));
    expect(full).toMatchObject({ refundedMinor: 1000, status: "refunded" });
    expect(applyEvent(full, refundTotal(300)).next).toEqual(full);
  });

  it("reports changed exactly when the view differs", () => {
    fc.assert(
      fc.property(fc.array(anyFactWithTotals, { maxLength: 10 }), anyFactWithTotals, (facts, f) => {
        const before = reducePayment(PAYMENT, facts);
        const { next, changed } = applyEvent(before, f);
        expect(changed).toBe(JSON.stringify(next) !== JSON.stringify(before));
      }),
      RUNS,
    );
  });
});

function paidFact(): PaymentFact {
  return { kind: "payment", status: "succeeded", occurredAt: new Date(Date.UTC(2025, 0, 1, 12)) };
}
