// Asks the host to create a checkout and sends the customer its link. The amount is the
// cart total or an amount the runtime validated itself, never anything typed here, and a
// conversation never has two live checkouts at once.
import type { PaymentMethod } from "@/lib/connections/providers/types";
import { multiplyMinor, sumMinor } from "@/lib/money";
import type { NodeOf } from "../../graph";
import { type Run, go, waitPayment } from "../run";
import { livePayment } from "../state";
import { asAmount, formatAmount } from "../text";
import type { PaymentRecord } from "../types";
import type { NodeHandler } from "./handler";

type PayNode = NodeOf<"pay">;

/** Checkouts one conversation may create, however the merchant wired retries. */
export const MAX_CHECKOUTS_PER_CONVERSATION = 5;

/** The amount this node may charge, or null when there is no trustworthy one. */
export function amountToCharge(run: Run, node: PayNode): number | null {
  const currency = run.graph.currency;
  if (node.data.amountFrom === "cart") {
    const cart = run.state.cart;
    if (!cart || cart.currency !== currency || cart.items.length === 0) return null;
    try {
      const total = sumMinor(
        cart.items.map((item) => multiplyMinor(item.unitMinor, item.quantity)),
      );
      return total > 0 && total === cart.totalMinor ? total : null;
    } catch {
      return null;
    }
  }
  const name = node.data.amountVariable;
  const amount = name ? asAmount(run.state.variables[name]) : null;
  if (!amount || amount.currency !== currency || amount.amountMinor <= 0) return null;
  return amount.amountMinor;
}

function methodsForLink(run: Run): { method?: PaymentMethod; methods: PaymentMethod[] } {
  const chosen = run.state.variables.method;
  if (typeof chosen === "string" && run.availableMethods.includes(chosen as PaymentMethod)) {
    return { method: chosen as PaymentMethod, methods: [chosen as PaymentMethod] };
  }
  const offered = run.state.offeredMethods?.filter((method) =>
    run.availableMethods.includes(method),
  );
  return { methods: offered && offered.length > 0 ? offered : [...run.availableMethods] };
}

export function sendPaymentLink(run: Run, payment: PaymentRecord, text: string): void {
  if (!payment.url) return;
  run.outbound.push({
    kind: "payment_link",
    text,
    url: payment.url,
    amountMinor: payment.amountMinor,
    currency: payment.currency,
    methods: payment.methods.slice(),
  });
}

export const payNode: NodeHandler<"pay"> = {
  enter(run, node) {
    const amountMinor = amountToCharge(run, node);
    const live = livePayment(run.state, run.nowMs);
    if (live) {
      // One live checkout per conversation: point at it instead of creating another.
      run.event("checkout_reused", live.paymentId ?? live.idempotencyKey);
      if (live.status === "creating") {
        live.payNodeId = node.id;
        return waitPayment;
      }
      const amount = formatAmount(live.amountMinor, live.currency, run.state.lang);
      const key = amountMinor === live.amountMinor ? "payment_link" : "payment_in_progress";
      sendPaymentLink(run, live, run.phrase(key, { amount }));
      return go("next");
    }
    if (amountMinor === null) return run.handOff("amount_unavailable", "amount_unavailable");
    const { method, methods } = methodsForLink(run);
    if (methods.length === 0) return run.handOff("payments_unavailable", "no_methods");
    const attempts = (run.state.payment?.attempts ?? 0) + 1;
    if (attempts > MAX_CHECKOUTS_PER_CONVERSATION)
      return run.handOff("payment_failed_final", "too_many_checkouts");

    const idempotencyKey = `${run.state.conversationKey}:pay:${node.id}:${attempts}`;
    const expiresAt = run.minutesFromNow(node.data.expiresInMinutes);
    const payment: PaymentRecord = {
      status: "creating",
      attempts,
      amountMinor,
      currency: run.graph.currency,
      idempotencyKey,
      payNodeId: node.id,
      methods,
      expiresAt,
    };
    if (method) payment.method = method;
    run.state.payment = payment;
    run.state.waitingSince = run.nowIso;
    const description = run.text(node.data.description) || node.data.label || node.id;
    run.action({
      type: "create_checkout",
      idempotencyKey,
      amountMinor,
      currency: payment.currency,
      ...(method ? { method } : {}),
      methods: methods.slice(),
      ...(node.data.connectionId ? { connectionId: node.data.connectionId } : {}),
      description,
      expiresAt,
    });
    run.event("checkout_requested", String(amountMinor));
    return waitPayment;
  },

  onCheckoutCreated(run, node, input) {
    const payment = run.state.payment!;
    const wellFormedUrl = /^https?:\/\/\S+$/i.test(input.url);
    if (
      input.amountMinor !== payment.amountMinor ||
      input.currency !== payment.currency ||
      !wellFormedUrl
    ) {
      // Never hand the customer a link for anything but the amount computed here.
      payment.status = "failed";
      run.event("checkout_mismatch", input.paymentId);
      return run.handOff("technical_problem", "checkout_mismatch");
    }
    payment.paymentId = input.paymentId;
    payment.url = input.url;
    payment.status = "link_sent";
    const amount = formatAmount(payment.amountMinor, payment.currency, run.state.lang);
    sendPaymentLink(run, payment, run.phrase("payment_link", { amount }));
    run.event("payment_link_sent", input.paymentId);
    return go("next");
  },

  onPayment(_run, _node, status) {
    // Settled before the link was even delivered (e.g. creation failed): let the next node decide.
    return status === "opened" ? waitPayment : go("next");
  },

  onMessage(run) {
    run.say(run.phrase("preparing_link"));
    return waitPayment;
  },
};
