// The engine's own check before money is asked for: the checkout the runtime requested must
// charge exactly what the conversation's state says — the cart total recomputed from the
// catalogue prices stored in it, or the amount the runtime validated — and nothing a client sent.
import type { FlowGraph } from "@/lib/flows/graph";
import { checkConfirmed } from "@/lib/flows/runtime/confirmation";
import { asAmount } from "@/lib/flows/runtime/text";
import type { ConversationState, RuntimeAction } from "@/lib/flows/runtime/types";
import { multiplyMinor, sumMinor } from "@/lib/money";

export type CheckoutRequest = Extract<RuntimeAction, { type: "create_checkout" }>;

export type CheckoutCheck = { ok: true } | { ok: false; reason: string };

/**
 * A checkout needs the customer's confirmation of this amount: always in live mode, and in test
 * mode whenever the flow has a confirm step or the request names a confirmation.
 */
export function checkCheckoutConfirmation(
  graph: FlowGraph,
  state: ConversationState,
  action: CheckoutRequest,
  mode: "test" | "live",
): CheckoutCheck {
  const required =
    mode === "live" ||
    action.confirmationHash !== undefined ||
    graph.nodes.some((n) => n.type === "confirm");
  if (!required) return { ok: true };
  const node = graph.nodes.find((n) => n.id === state.payment?.payNodeId);
  if (!node || node.type !== "pay") return { ok: false, reason: "pay_node_missing" };
  const check = checkConfirmed(state, node.data, action.amountMinor, action.currency);
  if (!check.ok) return { ok: false, reason: `unconfirmed:${check.reason}` };
  if (
    action.confirmationHash !== check.confirmation.hash ||
    state.payment?.confirmationHash !== check.confirmation.hash
  )
    return { ok: false, reason: "unconfirmed:hash_mismatch" };
  return { ok: true };
}

export function checkCheckoutAmount(
  graph: FlowGraph,
  state: ConversationState,
  action: CheckoutRequest,
): CheckoutCheck {
  const payment = state.payment;
  if (!payment || payment.idempotencyKey !== action.idempotencyKey)
    return { ok: false, reason: "no_pending_payment" };
  if (payment.amountMinor !== action.amountMinor || payment.currency !== action.currency)
    return { ok: false, reason: "payment_record_mismatch" };
  if (action.currency !== graph.currency) return { ok: false, reason: "currency_mismatch" };
  if (!Number.isSafeInteger(action.amountMinor) || action.amountMinor <= 0)
    return { ok: false, reason: "amount_not_positive" };
  const node = graph.nodes.find((n) => n.id === payment.payNodeId);
  if (!node || node.type !== "pay") return { ok: false, reason: "pay_node_missing" };

  if (node.data.amountFrom === "cart") {
    const cart = state.cart;
    if (!cart || cart.currency !== action.currency || cart.items.length === 0)
      return { ok: false, reason: "cart_missing" };
    const prices = catalogPrices(graph);
    if (cart.items.some((item) => !prices.get(item.sku)?.has(item.unitMinor)))
      return { ok: false, reason: "price_not_in_catalogue" };
    let recomputed: number;
    try {
      recomputed = sumMinor(cart.items.map((item) => multiplyMinor(item.unitMinor, item.quantity)));
    } catch {
      return { ok: false, reason: "cart_overflow" };
    }
    if (recomputed !== cart.totalMinor || recomputed !== action.amountMinor)
      return { ok: false, reason: "cart_total_mismatch" };
    return { ok: true };
  }
  const amount = node.data.amountVariable
    ? asAmount(state.variables[node.data.amountVariable])
    : null;
  if (!amount || amount.currency !== action.currency || amount.amountMinor !== action.amountMinor) {
    return { ok: false, reason: "amount_variable_mismatch" };
  }
  return { ok: true };
}

/** Every price each SKU has in the flow's product_choice nodes. */
function catalogPrices(graph: FlowGraph): Map<string, Set<number>> {
  const prices = new Map<string, Set<number>>();
  for (const node of graph.nodes) {
    if (node.type !== "product_choice") continue;
    for (const product of node.data.products) {
      const set = prices.get(product.sku) ?? new Set<number>();
      set.add(product.priceMinor);
      prices.set(product.sku, set);
    }
  }
  return prices;
}
