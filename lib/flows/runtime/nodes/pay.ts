// Asks the host to create a checkout and sends the customer its link. The amount is the
// cart total or an amount the runtime validated itself, never anything typed here, and a
// conversation never has two live checkouts at once.
import type { PaymentMethod } from "@/lib/connections/providers/types";
import type { NodeOf } from "../../graph";
import { chargeSummary, checkConfirmed } from "../confirmation";
import { type Run, type Transition, go, jump, waitPayment } from "../run";
import { livePayment } from "../state";
import { formatAmount } from "../text";
import type { PaymentRecord } from "../types";
import type { NodeHandler } from "./handler";

type PayNode = NodeOf<"pay">;

/** Checkouts one conversation may create, however the merchant wired retries. */
export const MAX_CHECKOUTS_PER_CONVERSATION = 5;

/** The amount this node may charge, or null when there is no trustworthy one. */
export function amountToCharge(run: Run, node: PayNode): number | null {
  return chargeSummary(run.state, run.graph.currency, node.data)?.amountMinor ?? null;
}

function lastConfirmNode(run: Run): string | undefined {
  const shown = run.state.confirmation?.nodeId;
  if (shown && run.index.nodes.get(shown)?.type === "confirm") return shown;
  for (let i = run.state.path.length - 1; i >= 0; i--) {
    if (run.index.nodes.get(run.state.path[i])?.type === "confirm") return run.state.path[i];
  }
  return run.graph.nodes.find((n) => n.type === "confirm")?.id;
}

/**
 * A checkout needs the customer's confirmation of this very amount. Only a test-mode flow with
 * no confirm node at all (older designs) charges without one; the designer warns about it.
 */
function confirmationGate(
  run: Run,
  node: PayNode,
  amountMinor: number,
): { ok: true; hash?: string } | { ok: false; transition: Transition } {
  const check = checkConfirmed(run.state, node.data, amountMinor, run.graph.currency);
  if (check.ok) return { ok: true, hash: check.confirmation.hash };
  const confirmId = lastConfirmNode(run);
  if (run.testMode && !confirmId && !run.state.confirmation) return { ok: true };
  run.event("checkout_unconfirmed", check.reason);
  if (confirmId) {
    // Ask again with what would be charged now; the stale confirmation never charges.
    run.state.confirmation = undefined;
    run.say(run.phrase("confirm_changed"));
    return { ok: false, transition: jump(confirmId) };
  }
  return { ok: false, transition: run.handOff("technical_problem", "unconfirmed_amount") };
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

export function sendPaymentLink(
  run: Run,
  payment: PaymentRecord,
  text: string,
  viaTemplate = false,
): void {
  if (!payment.url) return;
  run.outbound.push({
    kind: "payment_link",
    text,
    url: payment.url,
    amountMinor: payment.amountMinor,
    currency: payment.currency,
    methods: payment.methods.slice(),
    ...(viaTemplate ? { viaTemplate: true } : {}),
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
    const gate = confirmationGate(run, node, amountMinor);
    if (!gate.ok) return gate.transition;
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
    if (gate.hash) payment.confirmationHash = gate.hash;
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
      ...(gate.hash ? { confirmationHash: gate.hash } : {}),
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
