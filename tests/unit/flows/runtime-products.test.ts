import { describe, expect, it } from "vitest";
import { Conversation, en, flow, nodes } from "./helpers";

const products = [
  { sku: "TEE", name: { en: "T-shirt", fr: "T-shirt" }, priceMinor: 1999, maxQuantity: 3 },
  { sku: "MUG", name: { en: "Mug", fr: "Tasse" }, priceMinor: 850 },
  { sku: "CAP", name: { en: "Cap", fr: "Casquette" }, priceMinor: 1200 },
];

function shop(allowMultiple: boolean) {
  return flow(
    [
      nodes.start(),
      ["shop", "product_choice", { prompt: en("What would you like?"), products, allowMultiple }],
      nodes.message("sum", "Cart: {{cart}} = {{total}}"),
      nodes.pay("pay", { amountFrom: "cart", amountVariable: undefined }),
      nodes.wait(),
      nodes.receipt(),
      nodes.end(),
    ],
    [
      ["start", "next", "shop"],
      ["shop", "next", "sum"],
      ["sum", "next", "pay"],
      ["pay", "next", "wait"],
      ["wait", "succeeded", "receipt"],
      ["receipt", "next", "end"],
    ],
    { languages: ["en", "fr"] },
  );
}

describe("product_choice", () => {
  it("shows the catalogue with prices", () => {
    const convo = new Conversation(shop(false));
    convo.start();
    expect(convo.last.outbound).toEqual([
      {
        kind: "choices",
        text: "What would you like?",
        options: [
          { value: "TEE", label: "T-shirt — €19.99" },
          { value: "MUG", label: "Mug — €8.50" },
          { value: "CAP", label: "Cap — €12.00" },
        ],
      },
    ]);
  });

  it("single choice: one item with an optional quantity, charged at the catalogue price", () => {
    const convo = new Conversation(shop(false));
    convo.start();
    convo.say("tee x2");
    expect(convo.state.cart).toEqual({
      items: [{ sku: "TEE", quantity: 2, unitMinor: 1999 }],
      totalMinor: 3998,
      currency: "EUR",
    });
    expect(convo.texts()[0]).toBe("Cart: 2 × T-shirt = €39.98");
    expect(convo.checkout().amountMinor).toBe(3998);
  });

  it("single choice refuses two items at once", () => {
    const convo = new Conversation(shop(false));
    convo.start();
    convo.say("1, 2");
    expect(convo.state.cart?.items).toEqual([]);
    expect(convo.state.status).toBe("waiting_input");
  });

  it("multiple choice: adds over several messages until 'done'", () => {
    const convo = new Conversation(shop(true));
    convo.start();
    convo.say("1 x2, mug");
    expect(convo.state.cart?.totalMinor).toBe(2 * 1999 + 850);
    expect(convo.last.outbound[0]).toMatchObject({
      kind: "choices",
      text: expect.stringContaining("€48.48"),
    });
    expect((convo.last.outbound[0] as { options: { value: string }[] }).options.at(-1)?.value).toBe(
      "done",
    );
    convo.say("2x cap and mug");
    expect(convo.state.cart?.items).toEqual([
      { sku: "TEE", quantity: 2, unitMinor: 1999 },
      { sku: "MUG", quantity: 2, unitMinor: 850 },
      { sku: "CAP", quantity: 2, unitMinor: 1200 },
    ]);
    convo.say("done");
    expect(convo.state.currentNodeId).toBe("pay");
    expect(convo.checkout().amountMinor).toBe(2 * 1999 + 2 * 850 + 2 * 1200);
  });

  it("understands 'done' in other languages and refuses to finish an empty cart", () => {
    const convo = new Conversation(shop(true));
    convo.start("fr");
    convo.say("terminé");
    expect(convo.texts()[0]).toContain("Votre panier est vide");
    convo.say("tasse");
    convo.say("c'est tout");
    expect(convo.state.currentNodeId).toBe("pay");
  });

  it("enforces the maximum quantity across messages", () => {
    const convo = new Conversation(shop(true));
    convo.start();
    convo.say("tee x2");
    convo.say("tee x2");
    expect(convo.texts()[0]).toContain("You can order at most 3 × T-shirt.");
    expect(convo.state.cart?.items).toEqual([{ sku: "TEE", quantity: 2, unitMinor: 1999 }]);
  });

  it("starts a fresh cart each time the catalogue is reached", () => {
    const graph = flow(
      [
        nodes.start(),
        ["shop", "product_choice", { prompt: en("Pick"), products, allowMultiple: false }],
        nodes.ask("again", "again", "choice", {
          choices: [
            { value: "yes", label: en("Yes") },
            { value: "no", label: en("No") },
          ],
        }),
        ["c", "condition", { variable: "again", operator: "eq", value: "yes" }],
        nodes.end(),
      ],
      [
        ["start", "next", "shop"],
        ["shop", "next", "again"],
        ["again", "next", "c"],
        ["c", "true", "shop"],
        ["c", "false", "end"],
      ],
    );
    const convo = new Conversation(graph);
    convo.start();
    convo.say("cap");
    convo.say("yes");
    expect(convo.state.cart).toEqual({ items: [], totalMinor: 0, currency: "EUR" });
  });

  it("ignores unknown items instead of guessing", () => {
    const convo = new Conversation(shop(true));
    convo.start();
    convo.say("4");
    convo.say("sunglasses");
    expect(convo.state.cart?.items).toEqual([]);
    expect(convo.state.retries).toBe(2);
  });
});
