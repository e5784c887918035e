// Less travelled paths: merchant-drawn retry outputs, cart conditions, method names in text.
import { MAX_PATH_LENGTH } from "@/lib/flows/runtime/state";
import { describe, expect, it } from "vitest";
import { Conversation, en, flow, invoiceFlow, nodes } from "./helpers";

describe("wait_payment outputs drawn by the merchant", () => {
  it("follows 'retry' and 'other_method' when connected instead of the built-in jumps", () => {
    const graph = invoiceFlow();
    graph.nodes.push(
      {
        id: "retry_msg",
        type: "handoff",
        position: { x: 0, y: 0 },
        data: { text: en("Retry path") },
      },
      {
        id: "other_msg",
        type: "handoff",
        position: { x: 0, y: 0 },
        data: { text: en("Other path") },
      },
    );
    graph.edges.push(
      { id: "er", source: "wait", sourceHandle: "retry", target: "retry_msg" },
      { id: "eo", source: "wait", sourceHandle: "other_method", target: "other_msg" },
    );
    for (const [reply, expected] of [
      ["1", "Retry path"],
      ["Use another method", "Other path"],
    ]) {
      const convo = new Conversation(graph);
      convo.start();
      convo.say("12.50");
      convo.say("card");
      convo.checkoutCreated();
      convo.payment("failed");
      convo.say(reply);
      expect(convo.texts()).toEqual([expected]);
    }
  });

  it("offers only 'try again' when there is no other method to switch to", () => {
    const convo = new Conversation(invoiceFlow(), { availableMethods: ["card"] });
    convo.start();
    convo.say("10");
    convo.checkoutCreated();
    const failed = convo.payment("failed");
    expect(failed.outbound[0]).toMatchObject({ options: [{ value: "retry", label: "Try again" }] });
  });

  it("a payment that succeeds on the hosted page while the customer decides still completes", () => {
    const convo = new Conversation(invoiceFlow());
    convo.start();
    convo.say("10");
    convo.say("card");
    convo.checkoutCreated();
    convo.payment("failed");
    const result = convo.payment("succeeded");
    expect(result.outbound[0]).toMatchObject({ kind: "receipt", amountMinor: 1000 });
    expect(result.state.status).toBe("completed");
  });

  it("a checkout the host could not create goes to the failure choices", () => {
    const convo = new Conversation(invoiceFlow());
    convo.start();
    convo.say("10");
    convo.say("card");
    const result = convo.send({
      kind: "payment_event",
      status: "failed",
      paymentId: "pay_never_created",
    });
    expect(result.state.currentNodeId).toBe("wait");
    expect(result.state.status).toBe("waiting_input");
    expect(result.outbound[0]).toMatchObject({
      kind: "choices",
      text: expect.stringContaining("didn't go through"),
    });
  });

  it("does not believe a success for a checkout that was never created", () => {
    const convo = new Conversation(invoiceFlow());
    convo.start();
    convo.say("10");
    convo.say("card");
    const result = convo.send({
      kind: "payment_event",
      status: "succeeded",
      paymentId: "pay_unknown",
    });
    expect(result.outbound).toEqual([]);
    expect(result.state.payment?.status).toBe("creating");
  });
});

describe("conditions on built-in variables", () => {
  it("'contains' checks the cart's SKUs; 'gt' compares the total in minor units", () => {
    const graph = flow(
      [
        nodes.start(),
        [
          "shop",
          "product_choice",
          {
            prompt: en("Pick"),
            allowMultiple: false,
            products: [
              { sku: "TEE", name: en("Tee"), priceMinor: 2000 },
              { sku: "MUG", name: en("Mug"), priceMinor: 500 },
            ],
          },
        ],
        ["has_tee", "condition", { variable: "cart", operator: "contains", value: "tee" }],
        ["big", "condition", { variable: "total", operator: "gt", value: 3000 }],
        nodes.end("big_tee", "BIG TEE"),
        nodes.end("small_tee", "SMALL TEE"),
        nodes.end("no_tee", "NO TEE"),
      ],
      [
        ["start", "next", "shop"],
        ["shop", "next", "has_tee"],
        ["has_tee", "true", "big"],
        ["has_tee", "false", "no_tee"],
        ["big", "true", "big_tee"],
        ["big", "false", "small_tee"],
      ],
    );
    const outcome = (reply: string) => {
      const convo = new Conversation(graph);
      convo.start();
      convo.say(reply);
      return convo.texts()[0];
    };
    expect(outcome("tee x2")).toBe("BIG TEE");
    expect(outcome("tee")).toBe("SMALL TEE");
    expect(outcome("mug x9")).toBe("NO TEE");
  });

  it("names the chosen method in the customer's language", () => {
    const graph = flow(
      [
        nodes.start(),
        nodes.choose(),
        ["m", "message", { text: { en: "Paying by {{method}}", fr: "Paiement par {{method}}" } }],
        nodes.end(),
      ],
      [
        ["start", "next", "choose"],
        ["choose", "next", "m"],
        ["m", "next", "end"],
      ],
      { languages: ["en", "fr"] },
    );
    const convo = new Conversation(graph, { availableMethods: ["bank_transfer", "card"] });
    convo.start("fr");
    convo.say("virement");
    expect(convo.texts()[0]).toBe("Paiement par Virement bancaire");
  });
});

describe("canvas trail", () => {
  it("keeps the visited path bounded in long conversations", () => {
    const graph = flow(
      [nodes.start(), nodes.ask("a", "x", "text"), nodes.message("m", "again")],
      [
        ["start", "next", "a"],
        ["a", "next", "m"],
        ["m", "next", "a"],
      ],
    );
    const convo = new Conversation(graph);
    convo.start();
    for (let i = 0; i < MAX_PATH_LENGTH; i++) convo.say(`answer ${i}`);
    expect(convo.state.path).toHaveLength(MAX_PATH_LENGTH);
    expect(convo.state.path.at(-1)).toBe("a");
    expect(convo.state.status).toBe("waiting_input");
  });
});
