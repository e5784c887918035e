// The confirmation gate: a checkout is only ever asked for an amount the customer confirmed,
// equal to the checkout's, under an unchanged cart. Examples, then a property over random
// customers (typing, tapping stale buttons, changing their mind, tapping twice).
import { checkCheckoutConfirmation } from "@/lib/conversations/checkout/guard";
import type { FlowGraph } from "@/lib/flows/graph";
import { type ConversationState, createInitialState, step } from "@/lib/flows/runtime";
import { chargeSummary, confirmationHash, confirmValue } from "@/lib/flows/runtime/confirmation";
import type { RuntimeAction, RuntimeContext } from "@/lib/flows/runtime/types";
import { validateFlow } from "@/lib/flows/validate";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Conversation, ctx, en, flow, nodes, SANDBOX, T0 } from "./helpers";

const LIVE: Partial<RuntimeContext> = { testMode: false, merchantName: "Café Lumière" };

function shop(
  options: { confirm?: boolean; changeEdge?: boolean; currency?: string } = {},
): FlowGraph {
  const withConfirm = options.confirm ?? true;
  return flow(
    [
      nodes.start(),
      [
        "catalogue",
        "product_choice",
        {
          prompt: en("Pick"),
          allowMultiple: true,
          products: [
            { sku: "TEE", name: en("T-shirt"), priceMinor: 2000, maxQuantity: 5 },
            { sku: "MUG", name: en("Mug"), priceMinor: 1250, maxQuantity: 5 },
          ],
        },
      ],
      ...(withConfirm
        ? [["confirm", "confirm", { amountFrom: "cart" }] as [string, string, object]]
        : []),
      nodes.choose(),
      nodes.pay("pay", { amountFrom: "cart" }),
      nodes.wait(),
      nodes.receipt(),
      nodes.end(),
      nodes.end("expired", "Expired"),
    ] as Parameters<typeof flow>[0],
    [
      ["start", "next", "catalogue"],
      ["catalogue", "next", withConfirm ? "confirm" : "choose"],
      ...(withConfirm ? [["confirm", "next", "choose"] as [string, string, string]] : []),
      ...(withConfirm && options.changeEdge
        ? [["confirm", "change", "catalogue"] as [string, string, string]]
        : []),
      ["choose", "next", "pay"],
      ["pay", "next", "wait"],
      ["wait", "succeeded", "receipt"],
      ["wait", "expired", "expired"],
      ["receipt", "next", "end"],
    ],
    { languages: ["en", "fr", "zh", "id"], currency: options.currency ?? "EUR" },
  );
}

const checkouts = (actions: RuntimeAction[]) =>
  actions.filter(
    (a): a is Extract<RuntimeAction, { type: "create_checkout" }> => a.type === "create_checkout",
  );

describe("the confirm node", () => {
  it("shows items, quantities, the total in the currency's format and the merchant, with Confirm / Change", () => {
    const convo = new Conversation(shop(), LIVE);
    convo.start("en");
    convo.say("1 x2, 2");
    const shown = convo.say("done");
    const message = shown.outbound[0];
    expect(message.kind).toBe("choices");
    expect(message.text.split("\n")).toEqual([
      "Please check your order before paying:",
      "2 × T-shirt — €40.00",
      "1 × Mug — €12.50",
      "Total: €52.50",
      "Paid to: Café Lumière",
      "Confirm to get your payment link, or change your order.",
    ]);
    const hash = convo.state.confirmation!.hash;
    expect(message.kind === "choices" && message.options).toEqual([
      { value: confirmValue(hash), label: "Confirm" },
      { value: "change", label: "Change" },
    ]);
    expect(checkouts(shown.actions)).toEqual([]);
    expect(shown.events.map((e) => e.kind)).toContain("confirmation_shown");
  });

  it("offers numbered replies on a channel without buttons, in the customer's language", () => {
    const convo = new Conversation(shop(), {
      ...LIVE,
      channelCapabilities: { buttons: false, wallets: false, richCards: false },
    });
    convo.start("id");
    convo.say("1");
    const shown = convo.say("selesai");
    expect(shown.outbound[0].kind).toBe("text");
    expect(shown.outbound[0].text).toContain("Total: €20,00");
    expect(shown.outbound[0].text).toContain("1. Konfirmasi\n2. Ubah");
    convo.say("1");
    expect(convo.state.confirmation?.status).toBe("confirmed");
  });

  it("formats amounts with the currency's own exponent (JPY has none, IDR two)", () => {
    const convo = new Conversation(shop({ currency: "JPY" }), LIVE);
    convo.start("en");
    convo.say("1");
    const text = convo.say("done").outbound[0].text;
    expect(text).toMatch(/Total: JP¥2,000$/m);
    expect(text).not.toContain("2,000.00");
  });

  it("creates the checkout for exactly the confirmed amount, under its digest", () => {
    const convo = new Conversation(shop(), LIVE);
    convo.start("en");
    convo.say("1 x2");
    convo.say("done");
    const hash = convo.state.confirmation!.hash;
    convo.say(confirmValue(hash));
    const result = convo.say("card");
    const [checkout] = checkouts(result.actions);
    expect(checkout).toMatchObject({ amountMinor: 4000, currency: "EUR", confirmationHash: hash });
    expect(convo.state.payment?.confirmationHash).toBe(hash);
  });

  it("Change goes back to the catalogue (drawn output or not) and forgets the confirmation", () => {
    for (const changeEdge of [true, false]) {
      const convo = new Conversation(shop({ changeEdge }), LIVE);
      convo.start("en");
      convo.say("1");
      convo.say("done");
      const changed = convo.say("change");
      expect(changed.state.currentNodeId).toBe("catalogue");
      expect(changed.state.confirmation).toBeUndefined();
      expect(changed.events.map((e) => e.kind)).toContain("confirmation_changed");
    }
  });

  it("refuses a Confirm button from an older summary and shows the new order instead", () => {
    const convo = new Conversation(shop(), LIVE);
    convo.start("en");
    convo.say("1");
    convo.say("done");
    const oldHash = convo.state.confirmation!.hash;
    convo.say("change");
    convo.say("2 x3");
    convo.say("done");
    const stale = convo.say(confirmValue(oldHash));
    expect(stale.state.currentNodeId).toBe("confirm");
    expect(stale.state.confirmation?.status).toBe("shown");
    expect(stale.events.map((e) => e.kind)).toContain("confirmation_stale");
    expect(stale.outbound[0].text).toMatch(/^Your order changed since you saw it/);
    expect(stale.outbound[0].text).toContain("Total: €37.50");
    expect(checkouts(stale.actions)).toEqual([]);
  });

  it("a double tap on Confirm moves on once; the second tap is ignored without a reply", () => {
    const convo = new Conversation(shop(), { ...LIVE, availableMethods: ["card"] });
    convo.start("en");
    convo.say("1");
    convo.say("done");
    const tap = confirmValue(convo.state.confirmation!.hash);
    const first = convo.say(tap);
    expect(checkouts(first.actions)).toHaveLength(1);
    const second = convo.say(tap);
    expect(checkouts(second.actions)).toHaveLength(0);
    expect(second.outbound).toEqual([]);
    expect(second.events.map((e) => e.detail)).toContain("confirm_repeated");
  });

  it("a live flow without a confirm node never charges: it hands off", () => {
    const convo = new Conversation(shop({ confirm: false }), {
      ...LIVE,
      availableMethods: ["card"],
    });
    convo.start("en");
    convo.say("1");
    const result = convo.say("done");
    expect(checkouts(result.actions)).toEqual([]);
    expect(result.state.status).toBe("handed_off");
    expect(result.events.find((e) => e.kind === "checkout_unconfirmed")?.detail).toBe(
      "not_confirmed",
    );
  });

  it("the designer warns when a pay node can be reached without a confirmation", () => {
    const codes = (graph: FlowGraph) => validateFlow(graph, SANDBOX).map((i) => i.code);
    expect(codes(shop({ confirm: false }))).toContain("pay_without_confirmation");
    expect(codes(shop())).not.toContain("pay_without_confirmation");
    const warning = validateFlow(shop({ confirm: false }), SANDBOX).find(
      (i) => i.code === "pay_without_confirmation",
    );
    expect(warning).toMatchObject({ nodeId: "pay", severity: "warning" });
  });
});

// ---- property ---------------------------------------------------------------------------

type Move =
  | { k: "say"; text: string }
  | { k: "stale_confirm"; back: number }
  | { k: "confirm_now" }
  | { k: "checkout_created" }
  | { k: "payment"; status: "succeeded" | "failed" | "expired" | "opened" }
  | { k: "timer" }
  | { k: "wait"; minutes: number }
  /** What a customer who means to buy does next at whatever step they are. */
  | { k: "proceed" };

// Mostly replies that move a purchase along (so checkouts do happen), with noise, stale and
// repeated taps, changes of mind, provider events, timers and time passing.
const moveArb: fc.Arbitrary<Move> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      k: fc.constant("say" as const),
      text: fc.constantFrom("1", "2", "1 x2", "2 x3, 1", "done", "confirm", "yes", "card"),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant("say" as const),
      text: fc.constantFrom("change", "no", "paypal", "hello", "retry", "confirm:deadbeef"),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant("stale_confirm" as const),
      back: fc.integer({ min: 0, max: 3 }),
    }),
  },
  { weight: 3, arbitrary: fc.constant<Move>({ k: "confirm_now" }) },
  { weight: 8, arbitrary: fc.constant<Move>({ k: "proceed" }) },
  { weight: 3, arbitrary: fc.constant<Move>({ k: "checkout_created" }) },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant("payment" as const),
      status: fc.constantFrom("succeeded", "failed", "expired", "opened"),
    }),
  },
  { weight: 1, arbitrary: fc.constant<Move>({ k: "timer" }) },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant("wait" as const),
      minutes: fc.integer({ min: 1, max: 120 }),
    }),
  },
);

describe("the confirmation gate (property)", () => {
  it("no path creates a checkout without a confirmed amount equal to the checkout's", () => {
    let created = 0;
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        fc.array(moveArb, { minLength: 5, maxLength: 40 }),
        (withConfirm, changeEdge, buttons, moves) => {
          const graph = shop({ confirm: withConfirm, changeEdge });
          let state: ConversationState = createInitialState(graph, "conv_prop");
          let now = T0;
          let n = 0;
          const hashes: string[] = [];
          let lastCheckout: Extract<RuntimeAction, { type: "create_checkout" }> | undefined;
          const context = () =>
            ctx({
              ...LIVE,
              now: new Date(now).toISOString(),
              channelCapabilities: { buttons, wallets: false, richCards: false },
            });
          const send = (input: unknown) => {
            const result = step(graph, state, input, context());
            for (const checkout of checkouts(result.actions)) {
              const c = result.state.confirmation;
              // The gate: confirmed, same amount and currency, same digest as what it charges now.
              expect(c?.status).toBe("confirmed");
              expect(c?.amountMinor).toBe(checkout.amountMinor);
              expect(c?.currency).toBe(checkout.currency);
              expect(checkout.confirmationHash).toBe(c?.hash);
              const charged = chargeSummary(result.state, graph.currency, { amountFrom: "cart" });
              expect(charged && confirmationHash(charged)).toBe(checkout.confirmationHash);
              // …and the engine's guard agrees before any provider is called.
              expect(checkCheckoutConfirmation(graph, result.state, checkout, "live")).toEqual({
                ok: true,
              });
              lastCheckout = checkout;
              created += 1;
            }
            if (!withConfirm) expect(checkouts(result.actions)).toEqual([]);
            state = result.state;
            if (state.confirmation) hashes.push(state.confirmation.hash);
          };
          send({ kind: "start", lang: "en" });

          for (const move of moves) {
            n += 1;
            switch (move.k) {
              case "say":
                send({ kind: "message", text: move.text, messageId: `m${n}` });
                break;
              case "stale_confirm": {
                const hash = hashes[Math.max(0, hashes.length - 1 - move.back)];
                if (hash) send({ kind: "message", text: confirmValue(hash), messageId: `m${n}` });
                break;
              }
              case "confirm_now":
                if (state.confirmation)
                  send({
                    kind: "message",
                    text: confirmValue(state.confirmation.hash),
                    messageId: `m${n}`,
                  });
                break;
              case "checkout_created":
                if (lastCheckout && state.payment?.status === "creating")
                  send({
                    kind: "checkout_created",
                    paymentId: `pay_${n}`,
                    url: `https://pay.test/${n}`,
                    amountMinor: lastCheckout.amountMinor,
                    currency: lastCheckout.currency,
                  });
                break;
              case "payment":
                send({
                  kind: "payment_event",
                  status: move.status,
                  paymentId: state.payment?.paymentId ?? "pay_x",
                });
                break;
              case "timer":
                if (state.timer)
                  send({ kind: "timer", timerId: state.timer.timerId, fired: state.timer.kind });
                break;
              case "wait":
                now += move.minutes * 60_000;
                break;
              case "proceed": {
                const at = state.currentNodeId;
                const say = (text: string) => send({ kind: "message", text, messageId: `m${n}` });
                if (at === "catalogue") say((state.cart?.items.length ?? 0) > 0 ? "done" : "1 x2");
                else if (at === "confirm" && state.confirmation)
                  say(confirmValue(state.confirmation.hash));
                else if (at === "choose") say("card");
                else if (lastCheckout && state.payment?.status === "creating")
                  send({
                    kind: "checkout_created",
                    paymentId: `pay_${n}`,
                    url: `https://pay.test/${n}`,
                    amountMinor: lastCheckout.amountMinor,
                    currency: lastCheckout.currency,
                  });
                break;
              }
            }
          }
        },
      ),
      { numRuns: 400 },
    );
    // The random customers do reach checkouts (the property is not vacuous).
    expect(created).toBeGreaterThan(20);
  });
});
