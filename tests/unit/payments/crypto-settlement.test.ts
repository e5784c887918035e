import { paymentFactFromEvent } from "@/lib/payments/event-mapping";
import {
  applyEvent,
  initialPaymentView,
  isPaid,
  type PaymentFact,
  reducePayment,
} from "@/lib/payments/state-machine";
import { describe, expect, it } from "vitest";

// Crypto charges that were paid but not settled (Coinbase Commerce's UNRESOLVED) are flagged on
// the payment and never count as paid or failed, whatever order the reports arrive in.

const price = { amountMinor: 1000, currency: "USD" };
const at = (minute: number) => new Date(Date.UTC(2026, 11, 1, 10, minute));
const received = (amountMinor: number) => ({
  amountMinor,
  currency: "USD",
  crypto: [{ amount: (amountMinor / 100).toFixed(2), currency: "USDC" }],
});

const pending = (minute: number, paid = 1000): PaymentFact => ({
  kind: "payment",
  status: "pending",
  occurredAt: at(minute),
  ...price,
  received: received(paid),
});
const unresolved = (
  minute: number,
  issue: "underpaid" | "overpaid" | "delayed",
  paid: number,
): PaymentFact => ({
  kind: "payment",
  status: "pending",
  occurredAt: at(minute),
  ...price,
  settlement: { issue, status: "unresolved" },
  received: received(paid),
});
const expired = (minute: number): PaymentFact => ({
  kind: "payment",
  status: "expired",
  occurredAt: at(minute),
  ...price,
});
const resolved = (minute: number, issue: "underpaid" | "delayed"): PaymentFact => ({
  kind: "payment",
  status: "succeeded",
  occurredAt: at(minute),
  ...price,
  settlement: { issue, status: "resolved" },
});

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

function foldInOrder(facts: PaymentFact[]) {
  return facts.reduce((view, fact) => applyEvent(view, fact).next, initialPaymentView(price));
}

describe("crypto settlement in the payment state machine", () => {
  it("an underpayment is flagged with what arrived, neither paid nor failed", () => {
    const view = reducePayment(price, [pending(1, 800), unresolved(2, "underpaid", 800)]);
    expect(view.status).toBe("pending");
    expect(isPaid(view.status)).toBe(false);
    expect(view.anomalies).toContain("underpaid");
    expect(view.settlement).toMatchObject({ issue: "underpaid", status: "unresolved" });
    expect(view.received).toMatchObject({ amountMinor: 800, currency: "USD" });
  });

  it("an overpayment is flagged, not silently paid", () => {
    const view = reducePayment(price, [pending(1, 1250), unresolved(2, "overpaid", 1250)]);
    expect(view.status).toBe("pending");
    expect(view.anomalies).toEqual(["overpaid"]);
    expect(view.received?.amountMinor).toBe(1250);
  });

  it("a payment after expiry stays expired and flagged until resolved, in any order", () => {
    const facts = [expired(1), unresolved(5, "delayed", 1000), resolved(9, "delayed")];
    const before = reducePayment(price, facts.slice(0, 2));
    expect(before.status).toBe("expired");
    expect(before.anomalies).toEqual(["paid_after_expiry"]);
    for (const order of permutations(facts)) {
      const view = foldInOrder(order);
      expect(view.status).toBe("succeeded");
      expect(view.settlement).toMatchObject({ issue: "delayed", status: "resolved" });
      expect(view.anomalies).toEqual([]);
      expect(view).toEqual(reducePayment(price, facts));
    }
  });

  it("an underpaid charge resolved on Coinbase is paid; a late unresolved report can't undo it", () => {
    const facts = [pending(1, 800), unresolved(2, "underpaid", 800), resolved(6, "underpaid")];
    for (const order of permutations([...facts, facts[1]])) {
      const view = foldInOrder(order);
      expect(view.status).toBe("succeeded");
      expect(view.settlement?.status).toBe("resolved");
    }
  });

  it("a duplicate report changes nothing", () => {
    const first = foldInOrder([pending(1, 800), unresolved(2, "underpaid", 800)]);
    const again = applyEvent(first, unresolved(2, "underpaid", 800));
    expect(again.changed).toBe(false);
    expect(again.flags).toContain("duplicate");
  });

  it("a signed event pricing the charge differently is flagged and never applied as paid", () => {
    const wrongAmount: PaymentFact = { ...resolved(3, "underpaid"), amountMinor: 800 };
    const wrongCurrency: PaymentFact = { ...resolved(3, "underpaid"), currency: "EUR" };
    for (const fact of [wrongAmount, wrongCurrency]) {
      const { next, flags } = applyEvent(initialPaymentView(price), fact);
      expect(next.status).toBe("created");
      expect(flags).toContain("amount_mismatch");
      expect(next.anomalies).toContain("amount_mismatch");
      expect(next.settlement).toBeUndefined();
    }
  });

  it("maps the connector's settlement and received amounts into the fact", () => {
    const fact = paymentFactFromEvent({
      providerEventId: "e1",
      type: "payment.pending",
      rawType: "charge:failed",
      occurredAt: at(1),
      ...price,
      settlement: { issue: "underpaid", status: "unresolved" },
      received: received(800),
    });
    expect(fact).toMatchObject({
      kind: "payment",
      status: "pending",
      settlement: { issue: "underpaid", status: "unresolved" },
      received: { amountMinor: 800 },
    });
  });
});
