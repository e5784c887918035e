import type { DisputeStage } from "@/db/schema/disputes";
import type {
  AttemptStatus,
  DisputeFactStatus,
  PaymentFact,
  RefundFactStatus,
} from "@/lib/payments/state-machine";
import fc from "fast-check";

export const PAYMENT = { amountMinor: 1000, currency: "EUR" } as const;

export const at = (second: number) => new Date(Date.UTC(2025, 0, 1, 12, 0, second));

export function paid(
  status: AttemptStatus,
  second: number,
  extra: Partial<PaymentFact> = {},
): PaymentFact {
  return { kind: "payment", status, occurredAt: at(second), ...extra } as PaymentFact;
}

export function refund(
  providerRefundId: string,
  amountMinor: number,
  status: RefundFactStatus = "succeeded",
  second = 30,
  currency?: string,
): PaymentFact {
  return {
    kind: "refund",
    providerRefundId,
    amountMinor,
    status,
    occurredAt: at(second),
    ...(currency && { currency }),
  };
}

export function dispute(
  providerDisputeId: string,
  status: DisputeFactStatus,
  second = 40,
  stage?: DisputeStage,
): PaymentFact {
  return {
    kind: "dispute",
    providerDisputeId,
    status,
    occurredAt: at(second),
    ...(stage && { stage }),
  };
}

// Small domains on purpose: equal timestamps, repeated ids and duplicate facts must be common.
const second = fc.integer({ min: 0, max: 5 });

export const paymentFact: fc.Arbitrary<PaymentFact> = fc.record(
  {
    kind: fc.constant("payment" as const),
    status: fc.constantFrom<AttemptStatus>(
      "pending",
      "requires_action",
      "succeeded",
      "failed",
      "canceled",
      "expired",
    ),
    occurredAt: second.map(at),
    amountMinor: fc.option(fc.constantFrom(1000, 999), { nil: undefined }),
    currency: fc.option(fc.constantFrom("EUR", "eur", "USD"), { nil: undefined }),
    failure: fc.option(
      fc.record({
        code: fc.constantFrom("card_declined", "expired_card"),
        message: fc.constantFrom("Declined", "Expired"),
      }),
      { nil: undefined },
    ),
  },
  { requiredKeys: ["kind", "status", "occurredAt"] },
);

export const refundFact: fc.Arbitrary<PaymentFact> = fc.record(
  {
    kind: fc.constant("refund" as const),
    providerRefundId: fc.constantFrom("re_1", "re_2", "re_3"),
    status: fc.constantFrom<RefundFactStatus>("pending", "succeeded", "failed"),
    amountMinor: fc.constantFrom(100, 300, 600, 1000),
    currency: fc.option(fc.constantFrom("EUR", "USD"), { nil: undefined }),
    occurredAt: second.map(at),
  },
  { requiredKeys: ["kind", "providerRefundId", "status", "amountMinor", "occurredAt"] },
);

export const disputeFact: fc.Arbitrary<PaymentFact> = fc.record(
  {
    kind: fc.constant("dispute" as const),
    providerDisputeId: fc.constantFrom("dp_1", "dp_2"),
    status: fc.constantFrom<DisputeFactStatus>("opened", "updated", "won", "lost"),
    stage: fc.option(fc.constantFrom<DisputeStage>("inquiry", "chargeback", "pre_arbitration"), {
      nil: undefined,
    }),
    occurredAt: second.map(at),
    amountMinor: fc.option(fc.constantFrom(1000, 5000), { nil: undefined }),
    currency: fc.option(fc.constantFrom("EUR", "USD"), { nil: undefined }),
  },
  { requiredKeys: ["kind", "providerDisputeId", "status", "occurredAt"] },
);

/** A provider's cumulative refunded amount (Stripe's charge.refunded without a refunds list). */
export const refundTotalFact: fc.Arbitrary<PaymentFact> = fc.record(
  {
    kind: fc.constant("refund_total" as const),
    status: fc.constant("reported" as const),
    amountMinor: fc.constantFrom(0, 300, 600, 1000),
    currency: fc.option(fc.constantFrom("EUR", "USD"), { nil: undefined }),
    occurredAt: second.map(at),
  },
  { requiredKeys: ["kind", "status", "amountMinor", "occurredAt"] },
);

export function refundTotal(amountMinor: number, second = 35, currency?: string): PaymentFact {
  return {
    kind: "refund_total",
    status: "reported",
    amountMinor,
    occurredAt: at(second),
    ...(currency && { currency }),
  };
}

export const anyFact = fc.oneof(
  { arbitrary: paymentFact, weight: 3 },
  { arbitrary: refundFact, weight: 2 },
  { arbitrary: disputeFact, weight: 1 },
);

/** Every kind of fact, the providers' cumulative refund totals included. */
export const anyFactWithTotals = fc.oneof(
  { arbitrary: paymentFact, weight: 3 },
  { arbitrary: refundFact, weight: 2 },
  { arbitrary: refundTotalFact, weight: 2 },
  { arbitrary: disputeFact, weight: 1 },
);

/** A multiset of facts (duplicates included) and one arrival order of it. */
export function inSomeOrder(fact: fc.Arbitrary<PaymentFact>, maxLength = 14) {
  return fc
    .array(fact, { maxLength })
    .chain((facts) => fc.tuple(fc.constant(facts), fc.subarray(facts)))
    .map(([facts, repeated]) => [...facts, ...repeated])
    .chain((facts) =>
      fc.tuple(
        fc.constant(facts),
        fc.shuffledSubarray(facts, { minLength: facts.length, maxLength: facts.length }),
      ),
    );
}

export const factsInSomeOrder = inSomeOrder(anyFact);

/** True when the fact's amount/currency agree with PAYMENT, as the reducer decides it. */
export function agreesWithPayment(fact: PaymentFact): boolean {
  const currencyOk =
    fact.currency === undefined || fact.currency.toUpperCase() === PAYMENT.currency;
  if (fact.kind === "payment")
    return (
      currencyOk && (fact.amountMinor === undefined || fact.amountMinor === PAYMENT.amountMinor)
    );
  if (fact.kind === "refund" || fact.kind === "refund_total") return currencyOk;
  return currencyOk && (fact.amountMinor === undefined || fact.amountMinor <= PAYMENT.amountMinor);
}
