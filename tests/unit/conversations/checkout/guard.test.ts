import { webCapabilities } from "@/lib/channels/platforms/web";
import {
  checkCheckoutAmount,
  checkCheckoutConfirmation,
  type CheckoutRequest,
} from "@/lib/conversations/checkout/guard";
import type { FlowGraph } from "@/lib/flows/graph";
import { createInitialState, step } from "@/lib/flows/runtime";
import type { ConversationState } from "@/lib/flows/runtime/types";
import { buildFlowTemplate } from "@/lib/flows/templates";
import { describe, expect, it } from "vitest";

const ctx = {
  now: "2025-05-01T10:00:00.000Z",
  availableMethods: ["card", "paypal"] as const,
  channelCapabilities: webCapabilities,
};

/** Drives the real runtime to its create_checkout request. */
function orderToCheckout(
  graph: FlowGraph,
  replies: string[],
): { state: ConversationState; request: CheckoutRequest } {
  let state = step(
    graph,
    createInitialState(graph, "cnv_test"),
    { kind: "start", lang: "en" },
    ctx,
  ).state;
  let request: CheckoutRequest | undefined;
  for (const [i, text] of replies.entries()) {
    const result = step(graph, state, { kind: "message", text, messageId: `m${i}` }, ctx);
    state = result.state;
    request =
      result.actions.find((a): a is CheckoutRequest => a.type === "create_checkout") ?? request;
  }
  if (!request) throw new Error("no checkout requested");
  return { state, request };
}

describe("checkCheckoutAmount", () => {
  const graph = buildFlowTemplate("order_and_pay", { currency: "EUR", languages: ["en"] });
  const { state, request } = orderToCheckout(graph, ["1 x2", "2", "done", "Confirm", "card"]);

  it("accepts what the runtime computed from the catalogue", () => {
    expect(request.amountMinor).toBe(state.cart!.totalMinor);
    expect(checkCheckoutAmount(graph, state, request)).toEqual({ ok: true });
  });

  it("refuses an amount that differs from the state's cart", () => {
    expect(
      checkCheckoutAmount(graph, state, { ...request, amountMinor: request.amountMinor - 1 }).ok,
    ).toBe(false);
    const cheaperCart = {
      ...state,
      cart: { ...state.cart!, totalMinor: 1 },
      payment: { ...state.payment!, amountMinor: 1 },
    };
    expect(checkCheckoutAmount(graph, cheaperCart, { ...request, amountMinor: 1 })).toEqual({
      ok: false,
      reason: "cart_total_mismatch",
    });
  });

  it("refuses a cart whose unit prices are not the flow's prices", () => {
    const items = state.cart!.items.map((item) => ({ ...item, unitMinor: 1 }));
    const total = items.reduce((sum, item) => sum + item.unitMinor * item.quantity, 0);
    const forged = {
      ...state,
      cart: { ...state.cart!, items, totalMinor: total },
      payment: { ...state.payment!, amountMinor: total },
    };
    expect(checkCheckoutAmount(graph, forged, { ...request, amountMinor: total })).toEqual({
      ok: false,
      reason: "price_not_in_catalogue",
    });
  });

  it("refuses a request that isn't the state's pending payment", () => {
    expect(checkCheckoutAmount(graph, state, { ...request, idempotencyKey: "other" })).toEqual({
      ok: false,
      reason: "no_pending_payment",
    });
    expect(checkCheckoutAmount(graph, { ...state, payment: undefined }, request).ok).toBe(false);
    expect(checkCheckoutAmount(graph, state, { ...request, currency: "USD" }).ok).toBe(false);
  });

  it("checks variable amounts against the value the runtime validated", () => {
    const donation = buildFlowTemplate("donation", { currency: "EUR", languages: ["en"] });
    const { state: paid, request: asked } = orderToCheckout(donation, ["12.50", "Confirm", "card"]);
    expect(asked.amountMinor).toBe(1250);
    expect(checkCheckoutAmount(donation, paid, asked)).toEqual({ ok: true });
    const inflated = { ...paid, payment: { ...paid.payment!, amountMinor: 99_999 } };
    expect(checkCheckoutAmount(donation, inflated, { ...asked, amountMinor: 99_999 })).toEqual({
      ok: false,
      reason: "amount_variable_mismatch",
    });
  });
});

describe("checkCheckoutConfirmation", () => {
  const graph = buildFlowTemplate("order_and_pay", { currency: "EUR", languages: ["en"] });
  const { state, request } = orderToCheckout(graph, ["1 x2", "done", "Confirm", "card"]);

  it("passes the checkout the customer confirmed, in either mode", () => {
    expect(request.confirmationHash).toBe(state.confirmation?.hash);
    expect(checkCheckoutConfirmation(graph, state, request, "live")).toEqual({ ok: true });
    expect(checkCheckoutConfirmation(graph, state, request, "test")).toEqual({ ok: true });
  });

  it("refuses an amount, a cart or a digest that differs from what was confirmed", () => {
    const more = { ...request, amountMinor: request.amountMinor + 1 };
    expect(checkCheckoutConfirmation(graph, state, more, "live").ok).toBe(false);
    const changed: ConversationState = {
      ...state,
      cart: {
        ...state.cart!,
        items: state.cart!.items.map((i) => ({ ...i, quantity: i.quantity + 1 })),
      },
    };
    expect(checkCheckoutConfirmation(graph, changed, request, "live")).toEqual({
      ok: false,
      reason: "unconfirmed:changed_since_confirmed",
    });
    const forged = { ...request, confirmationHash: "0000000000a" };
    expect(checkCheckoutConfirmation(graph, state, forged, "live")).toEqual({
      ok: false,
      reason: "unconfirmed:hash_mismatch",
    });
    const unconfirmed: ConversationState = {
      ...state,
      confirmation: { ...state.confirmation!, status: "shown" },
    };
    expect(checkCheckoutConfirmation(graph, unconfirmed, request, "live")).toEqual({
      ok: false,
      reason: "unconfirmed:not_confirmed",
    });
  });
});
