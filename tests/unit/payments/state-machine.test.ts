import type { PaymentStatus } from "@/lib/connections/providers/types";
import {
  applyEvent,
  canRefund,
  initialPaymentView,
  isPaid,
  isTerminal,
  reducePayment,
  refundableMinor,
  type PaymentFact,
  type PaymentView,
} from "@/lib/payments/state-machine";
import { describe, expect, it } from "vitest";
import { PAYMENT, at, dispute, paid, refund } from "./fact-builders";

function inBothOrders(facts: PaymentFact[]): PaymentView {
  const forward = reducePayment(PAYMENT, facts);
  let view = initialPaymentView(PAYMENT);
  for (const fact of [...facts].reverse()) view = applyEvent(view, fact).next;
  expect(view).toEqual(forward);
  return forward;
}

function viewOf(...facts: PaymentFact[]): PaymentView {
  return reducePayment(PAYMENT, facts);
}

describe("attempt status", () => {
  it("starts as created with nothing refunded", () => {
    const view = initialPaymentView({ amountMinor: 1000, currency: "eur" });
    expect(view).toMatchObject({
      status: "created",
      currency: "EUR",
      refundedMinor: 0,
      disputeOpen: false,
      anomalies: [],
    });
  });

  it("lets a successful retry win over an earlier decline, and keeps the decline for display", () => {
    const failure = { code: "card_declined", message: "Your card was declined." };
    const view = inBothOrders([paid("failed", 1, { failure }), paid("succeeded", 2)]);
    expect(view.status).toBe("succeeded");
    expect(view.succeededAt).toBe(at(2).toISOString());
    expect(view.lastFailure).toEqual({ occurredAt: at(1).toISOString(), ...failure });
  });

  it("ignores pending or failed that arrive after a success, and says so", () => {
    const succeeded = viewOf(paid("succeeded", 5));
    for (const late of [paid("pending", 1), paid("failed", 9), paid("requires_action", 3)]) {
      const result = applyEvent(succeeded, late);
      expect(result.next.status).toBe("succeeded");
      expect(result.flags).toContain("late_event_ignored");
    }
  });

  it("lets a success beat a cancel or expiry whichever arrives first", () => {
    expect(inBothOrders([paid("canceled", 1), paid("succeeded", 2)]).status).toBe("succeeded");
    expect(inBothOrders([paid("succeeded", 1), paid("expired", 2)]).status).toBe("succeeded");
  });

  it("keeps the first closing fact when both a cancel and an expiry are reported", () => {
    expect(inBothOrders([paid("expired", 1), paid("canceled", 2)]).status).toBe("expired");
    expect(inBothOrders([paid("canceled", 1), paid("expired", 2)]).status).toBe("canceled");
  });

  it("keeps a closed payment closed against in-flight reports", () => {
    expect(inBothOrders([paid("canceled", 1), paid("pending", 3)]).status).toBe("canceled");
  });

  it("orders in-flight facts by when they happened, not when they arrived", () => {
    expect(inBothOrders([paid("pending", 2), paid("failed", 1)]).status).toBe("pending");
    expect(inBothOrders([paid("failed", 3), paid("requires_action", 2)]).status).toBe("failed");
  });

  it("breaks a same-second tie towards the later step of a payment", () => {
    expect(inBothOrders([paid("pending", 1), paid("requires_action", 1)]).status).toBe(
      "requires_action",
    );
    expect(inBothOrders([paid("requires_action", 1), paid("failed", 1)]).status).toBe("failed");
  });

  it("marks an exact repeat as a duplicate that changes nothing", () => {
    const view = viewOf(paid("pending", 1));
    expect(applyEvent(view, paid("pending", 1))).toEqual({
      next: view,
      changed: false,
      flags: ["duplicate"],
    });
  });
});

describe("amount and currency mismatches", () => {
  it("records a success for the wrong amount without moving money state", () => {
    const result = applyEvent(
      viewOf(paid("pending", 1)),
      paid("succeeded", 2, { amountMinor: 100 }),
    );
    expect(result.next.status).toBe("pending");
    expect(result.changed).toBe(true);
    expect(result.flags).toEqual(["amount_mismatch"]);
    expect(result.next.anomalies).toEqual(["amount_mismatch"]);
    expect(result.next.mismatches).toEqual([
      { kind: "payment", status: "succeeded", amountMinor: 100 },
    ]);
  });

  it("treats a currency in another case as the same currency", () => {
    const view = viewOf(paid("succeeded", 1, { amountMinor: 1000, currency: "eur" }));
    expect(view.status).toBe("succeeded");
    expect(view.anomalies).toEqual([]);
  });

  it("does not count a refund in another currency", () => {
    const view = viewOf(paid("succeeded", 1), refund("re_1", 500, "succeeded", 2, "USD"));
    expect(view).toMatchObject({
      status: "succeeded",
      refundedMinor: 0,
      anomalies: ["amount_mismatch"],
    });
  });

  it("still applies a mismatched dispute, because a hidden dispute misses its deadline", () => {
    const fact: PaymentFact = {
      kind: "dispute",
      providerDisputeId: "dp_1",
      status: "opened",
      occurredAt: at(3),
      currency: "USD",
    };
    const result = applyEvent(viewOf(paid("succeeded", 1)), fact);
    expect(result.next.status).toBe("disputed");
    expect(result.flags).toEqual(["amount_mismatch"]);
  });
});

describe("refunds", () => {
  it("sums distinct refunds into partially refunded, then refunded", () => {
    expect(inBothOrders([paid("succeeded", 1), refund("re_1", 300)])).toMatchObject({
      status: "partially_refunded",
      refundedMinor: 300,
    });
    expect(
      inBothOrders([paid("succeeded", 1), refund("re_1", 300), refund("re_2", 700)]),
    ).toMatchObject({
      status: "refunded",
      refundedMinor: 1000,
    });
  });

  it("counts a refund reported twice once", () => {
    const once = viewOf(paid("succeeded", 1), refund("re_1", 300));
    const again = applyEvent(once, refund("re_1", 300, "succeeded", 31));
    expect(again.next.refundedMinor).toBe(300);
    expect(again.next.refunds).toHaveLength(1);
  });

  it("holds an in-flight refund aside until it succeeds", () => {
    const pending = viewOf(paid("succeeded", 1), refund("re_1", 400, "pending"));
    expect(pending).toMatchObject({
      status: "succeeded",
      refundedMinor: 0,
      pendingRefundMinor: 400,
    });
    expect(refundableMinor(pending)).toBe(600);
    const done = applyEvent(pending, refund("re_1", 400, "succeeded", 35)).next;
    expect(done).toMatchObject({
      status: "partially_refunded",
      refundedMinor: 400,
      pendingRefundMinor: 0,
    });
  });

  it("un-counts a refund that fails after succeeding, and ignores a late success after the failure", () => {
    const failed = inBothOrders([
      paid("succeeded", 1),
      refund("re_1", 400, "succeeded", 2),
      refund("re_1", 400, "failed", 3),
    ]);
    expect(failed).toMatchObject({ status: "succeeded", refundedMinor: 0 });
    expect(applyEvent(failed, refund("re_1", 400, "succeeded", 4)).flags).toEqual([
      "late_event_ignored",
    ]);
  });

  it("flags refunds that add up to more than the payment", () => {
    const view = viewOf(paid("succeeded", 1), refund("re_1", 800));
    const result = applyEvent(view, refund("re_2", 800));
    expect(result.next).toMatchObject({
      status: "refunded",
      refundedMinor: 1600,
      anomalies: ["refund_exceeds_amount"],
    });
    expect(result.flags).toContain("refund_exceeds_amount");
  });

  it("takes a refund as proof of capture when payment.succeeded has not arrived", () => {
    expect(inBothOrders([paid("pending", 1), refund("re_1", 200)]).status).toBe(
      "partially_refunded",
    );
  });

  it("does not reopen a canceled payment for a refund (a released hold)", () => {
    expect(inBothOrders([paid("canceled", 1), refund("re_1", 1000)]).status).toBe("canceled");
  });
});

describe("disputes", () => {
  const captured = [paid("succeeded", 1), refund("re_1", 300)];

  it("shows disputed while a dispute is open, then returns to the refund state when won", () => {
    const open = inBothOrders([...captured, dispute("dp_1", "opened")]);
    expect(open).toMatchObject({ status: "disputed", disputeOpen: true });
    expect(open.disputeOutcome).toBeUndefined();
    const won = inBothOrders([...captured, dispute("dp_1", "opened"), dispute("dp_1", "won", 50)]);
    expect(won).toMatchObject({
      status: "partially_refunded",
      disputeOpen: false,
      disputeOutcome: "won",
    });
  });

  it("stays disputed when the dispute is lost", () => {
    const lost = inBothOrders([
      ...captured,
      dispute("dp_1", "opened"),
      dispute("dp_1", "lost", 50),
    ]);
    expect(lost).toMatchObject({ status: "disputed", disputeOpen: false, disputeOutcome: "lost" });
  });

  it("stays disputed while any one of several disputes is still open", () => {
    const view = inBothOrders([...captured, dispute("dp_1", "won"), dispute("dp_2", "opened")]);
    expect(view).toMatchObject({ status: "disputed", disputeOpen: true });
  });

  it("reopens at a later stage whatever the earlier one ended in, as the case does", () => {
    // Adyen: CHARGEBACK_REVERSED (won), then SECOND_CHARGEBACK (pre-arbitration, open).
    const reversed = dispute("dp_1", "won", 50, "chargeback");
    const second = dispute("dp_1", "updated", 45, "pre_arbitration");
    const reopened = inBothOrders([
      ...captured,
      dispute("dp_1", "opened", 40, "chargeback"),
      reversed,
      second,
    ]);
    expect(reopened).toMatchObject({ status: "disputed", disputeOpen: true });
    expect(reopened.disputeOutcome).toBeUndefined();
    // PREARBITRATION_LOST ends it for good; a late chargeback-stage event cannot undo that.
    const lost = inBothOrders([
      ...captured,
      reversed,
      second,
      dispute("dp_1", "lost", 60, "pre_arbitration"),
      dispute("dp_1", "won", 70, "chargeback"),
    ]);
    expect(lost).toMatchObject({ status: "disputed", disputeOpen: false, disputeOutcome: "lost" });
    // An inquiry closed in the merchant's favour (Stripe warning_closed) then escalated.
    const escalated = inBothOrders([
      ...captured,
      dispute("dp_2", "won", 41, "inquiry"),
      dispute("dp_2", "opened", 42, "chargeback"),
    ]);
    expect(escalated).toMatchObject({ status: "disputed", disputeOpen: true });
  });

  it("ignores an update that arrives after the dispute closed", () => {
    const won = viewOf(...captured, dispute("dp_1", "won", 50));
    const result = applyEvent(won, dispute("dp_1", "updated", 45));
    expect(result.next.status).toBe("partially_refunded");
    expect(result.flags).toEqual(["late_event_ignored"]);
  });
});

describe("canRefund", () => {
  it("allows up to what is left and refuses more", () => {
    const view = viewOf(paid("succeeded", 1), refund("re_1", 300));
    expect(canRefund(view, 700)).toEqual({ ok: true, refundableMinor: 700 });
    expect(canRefund(view, 701)).toMatchObject({
      ok: false,
      reason: "exceeds_refundable",
      message: expect.stringContaining("7.00 EUR"),
    });
  });

  it.each([
    [0, "invalid_amount"],
    [-5, "invalid_amount"],
    [1.5, "invalid_amount"],
  ])("refuses %s minor units", (amount, reason) => {
    expect(canRefund(viewOf(paid("succeeded", 1)), amount)).toMatchObject({ ok: false, reason });
  });

  it("refuses unpaid, fully refunded and disputed payments", () => {
    expect(canRefund(viewOf(paid("pending", 1)), 100)).toMatchObject({
      ok: false,
      reason: "not_paid",
      refundableMinor: 0,
    });
    expect(canRefund(viewOf(paid("succeeded", 1), refund("re_1", 1000)), 1)).toMatchObject({
      reason: "fully_refunded",
    });
    expect(canRefund(viewOf(paid("succeeded", 1), dispute("dp_1", "opened")), 1)).toMatchObject({
      reason: "disputed",
    });
  });
});

describe("status predicates", () => {
  it.each<[PaymentStatus, boolean, boolean]>([
    ["created", false, false],
    ["pending", false, false],
    ["requires_action", false, false],
    ["failed", false, false],
    ["canceled", true, false],
    ["expired", true, false],
    ["succeeded", true, true],
    ["partially_refunded", true, true],
    ["refunded", true, true],
    ["disputed", true, true],
  ])("%s: terminal %s, paid %s", (status, terminal, paidStatus) => {
    expect(isTerminal(status)).toBe(terminal);
    expect(isPaid(status)).toBe(paidStatus);
  });
});

describe("input checks and stored views", () => {
  it("refuses fractional or negative amounts and invalid dates", () => {
    const view = initialPaymentView(PAYMENT);
    expect(() => applyEvent(view, refund("re_1", 10.5))).toThrow(RangeError);
    expect(() => applyEvent(view, refund("re_1", -1))).toThrow(RangeError);
    expect(() =>
      applyEvent(view, { kind: "payment", status: "pending", occurredAt: new Date("nope") }),
    ).toThrow(/occurredAt/);
  });

  it("accepts a view read back from JSON storage with its keys reordered", () => {
    const view = viewOf(paid("succeeded", 1), refund("re_2", 100), refund("re_1", 200));
    // jsonb hands keys back in its own order; lists may come back in insertion order.
    const reverseKeys = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map(reverseKeys)
        : value && typeof value === "object"
          ? Object.fromEntries(
              Object.entries(value)
                .reverse()
                .map(([k, v]) => [k, reverseKeys(v)]),
            )
          : value;
    const stored = { ...(reverseKeys(view) as PaymentView), refunds: [...view.refunds].reverse() };
    const result = applyEvent(stored, refund("re_1", 200));
    expect(result.changed).toBe(false);
    expect(result.flags).toEqual(["duplicate"]);
    expect(applyEvent(stored, refund("re_3", 50)).next).toEqual(
      applyEvent(view, refund("re_3", 50)).next,
    );
  });
});
