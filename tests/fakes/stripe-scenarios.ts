// Helpers that play the customer's part in the fake Stripe (paying, abandoning) and the
// bank's (opening and deciding disputes), mutating the fake's state as Stripe would.
import type { FakeStripeState, StripeObject } from "./stripe-routes";
import { EVIDENCE_FIELDS, now, stripeId } from "./stripe-wire";

export type FakeWalletOrMethod =
  "card" | "apple_pay" | "google_pay" | "alipay" | "wechat_pay" | "customer_balance";
export type PayOutcome =
  | {
      status: "succeeded" | "processing" | "requires_action" | "canceled";
      method?: FakeWalletOrMethod;
    }
  | { status: "failed"; declineCode: string; method?: FakeWalletOrMethod };

export interface StripeScenarioHelpers {
  payCheckout(sessionId: string, outcome: PayOutcome): StripeObject;
  expireCheckout(sessionId: string): StripeObject;
  openDispute(
    paymentIntentId: string,
    options?: { reason?: string; amount?: number },
  ): StripeObject;
  closeDispute(disputeId: string, status: "won" | "lost"): StripeObject;
}

const DECLINE_MESSAGES: Record<string, string> = {
  insufficient_funds: "Your card has insufficient funds.",
  expired_card: "Your card has expired.",
  incorrect_cvc: "Your card's security code is incorrect.",
  fraudulent: "Your card was declined.",
  do_not_honor: "Your card was declined.",
  generic_decline: "Your card was declined.",
};
// Stripe reports some declines under their own `code`, the rest as card_declined + decline_code.
const OWN_CODE = new Set(["expired_card", "incorrect_cvc", "processing_error", "incorrect_number"]);

export function createScenarioHelpers(
  state: FakeStripeState,
  find: (id: string) => StripeObject,
): StripeScenarioHelpers {
  return {
    payCheckout(sessionId, outcome) {
      const session = find(sessionId);
      if (session.status !== "open")
        throw new Error(`Session ${sessionId} is ${String(session.status)}`);
      const method = outcome.method ?? "card";
      const intent: StripeObject = {
        id: stripeId("pi", 24),
        object: "payment_intent",
        amount: session.amount_total,
        amount_received: 0,
        currency: session.currency,
        created: now(),
        last_payment_error: null,
        latest_charge: null,
        livemode: false,
        metadata: { ...state.sessionIntentMetadata.get(sessionId) },
        payment_method_types: session.payment_method_types,
        status: "requires_payment_method",
      };
      state.paymentIntents.set(intent.id, intent);
      session.payment_intent = intent.id;
      if (outcome.status === "failed") {
        const code = OWN_CODE.has(outcome.declineCode) ? outcome.declineCode : "card_declined";
        intent.last_payment_error = {
          type: "card_error",
          code,
          decline_code: outcome.declineCode,
          message: DECLINE_MESSAGES[outcome.declineCode] ?? "Your card was declined.",
        };
        return intent;
      }
      intent.status = outcome.status;
      if (outcome.status === "succeeded") {
        const wallet = method === "apple_pay" || method === "google_pay" ? { type: method } : null;
        const type = wallet ? "card" : method;
        const charge: StripeObject = {
          id: stripeId("ch", 24),
          object: "charge",
          amount: intent.amount,
          amount_refunded: 0,
          currency: intent.currency,
          disputed: false,
          metadata: intent.metadata,
          paid: true,
          payment_intent: intent.id,
          payment_method_details:
            type === "card"
              ? { type, card: { brand: "visa", last4: "4242", wallet } }
              : { type, [type]: {} },
          refunded: false,
          status: "succeeded",
        };
        state.charges.set(charge.id, charge);
        intent.latest_charge = charge.id;
        intent.amount_received = intent.amount;
        session.status = "complete";
        session.payment_status = "paid";
      } else if (outcome.status === "processing") {
        session.status = "complete";
      }
      return intent;
    },
    expireCheckout(sessionId) {
      const session = find(sessionId);
      session.status = "expired";
      session.url = null;
      return session;
    },
    openDispute(paymentIntentId, options = {}) {
      const intent = find(paymentIntentId);
      const charge = find(intent.latest_charge as string);
      charge.disputed = true;
      const created = now();
      const dispute: StripeObject = {
        id: stripeId("dp", 24),
        object: "dispute",
        amount: options.amount ?? charge.amount,
        charge: charge.id,
        created,
        currency: charge.currency,
        evidence: Object.fromEntries([...EVIDENCE_FIELDS].map((f) => [f, null])),
        evidence_details: {
          due_by: created + 7 * 86400,
          has_evidence: false,
          past_due: false,
          submission_count: 0,
        },
        livemode: false,
        metadata: {},
        payment_intent: intent.id,
        reason: options.reason ?? "fraudulent",
        status: "needs_response",
      };
      state.disputes.set(dispute.id, dispute);
      return dispute;
    },
    closeDispute(disputeId, status) {
      const dispute = find(disputeId);
      dispute.status = status;
      return dispute;
    },
  };
}
