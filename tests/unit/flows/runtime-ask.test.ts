import { normalizeAmountText, parseAmount } from "@/lib/flows/runtime";
import { describe, expect, it } from "vitest";
import { Conversation, en, flow, nodes } from "./helpers";

function askFlow(kind: string, extra: Record<string, unknown> = {}, graphExtra = {}) {
  return flow(
    [
      nodes.start(),
      nodes.ask("ask", "answer", kind, extra),
      nodes.message("echo", "Got {{answer}}"),
      nodes.end(),
    ],
    [
      ["start", "next", "ask"],
      ["ask", "next", "echo"],
      ["echo", "next", "end"],
    ],
    graphExtra,
  );
}

function answer(kind: string, reply: string, extra: Record<string, unknown> = {}, graphExtra = {}) {
  const convo = new Conversation(askFlow(kind, extra, graphExtra), {
    channelCapabilities: { buttons: true, wallets: true, richCards: true },
  });
  convo.start();
  convo.say(reply);
  return convo;
}

describe("ask", () => {
  it("prompts and waits for the answer", () => {
    const convo = new Conversation(askFlow("text"));
    const result = convo.start();
    expect(convo.texts()).toEqual(["Give answer"]);
    expect(result.state.status).toBe("waiting_input");
    expect(result.state.currentNodeId).toBe("ask");
  });

  it.each([
    ["text", "  Blue  ", "Blue"],
    ["number", "42", 42],
    ["number", "3,5", 3.5],
    ["email", "ada@example.com", "ada@example.com"],
    ["phone", "+44 20 7946 0000", "+442079460000"],
    ["phone", "(021) 555-1234", "0215551234"],
  ])("%s accepts %j", (kind, reply, stored) => {
    const convo = answer(kind, reply);
    expect(convo.state.variables.answer).toEqual(stored);
    expect(convo.state.status).toBe("completed");
  });

  it.each([
    ["text", "   ", "Sorry, I didn't get that"],
    ["number", "many", "Please reply with a number"],
    ["email", "ada@", "doesn't look like an email"],
    ["phone", "call me", "doesn't look like a phone number"],
    ["phone", "12", "doesn't look like a phone number"],
    ["amount", "a lot", "Please reply with an amount, for example €10.00"],
    ["amount", "0", "Please reply with an amount"],
    ["amount", "12.3456", "Please reply with an amount"],
    ["amount", "-5", "Please reply with an amount"],
  ])("%s rejects %j with the built-in phrase", (kind, reply, phrase) => {
    const convo = answer(kind, reply);
    expect(convo.state.variables.answer).toBeUndefined();
    expect(convo.state.status).toBe("waiting_input");
    expect(convo.state.retries).toBe(1);
    expect(convo.texts()[0]).toContain(phrase);
    expect(convo.last.events).toContainEqual(
      expect.objectContaining({ kind: "input_invalid", nodeId: "ask" }),
    );
  });

  it("uses the merchant's retry text when there is one", () => {
    const convo = answer("email", "nope", { retry: en("We need your email to send the receipt.") });
    expect(convo.texts()).toEqual(["We need your email to send the receipt."]);
  });

  it("enforces min and max, telling the limits", () => {
    const convo = answer("number", "15", { min: 1, max: 10 });
    expect(convo.texts()).toEqual(["Please reply with a value between 1 and 10."]);
    const amount = answer("amount", "500", { min: 100, max: 20000 });
    expect(amount.texts()).toEqual(["Please reply with a value between €1.00 and €200.00."]);
  });

  it("hands off after three invalid answers when no 'invalid' output is drawn", () => {
    const convo = new Conversation(askFlow("number"));
    convo.start();
    convo.say("a");
    convo.say("b");
    const third = convo.say("c");
    expect(third.state.status).toBe("handed_off");
    expect(third.actions).toEqual([{ type: "handoff" }]);
    expect(convo.texts()).toEqual([
      "I'm having trouble understanding. A member of our team will continue with you here.",
    ]);
  });

  it("follows the 'invalid' output after three invalid answers when drawn", () => {
    const graph = flow(
      [
        nodes.start(),
        nodes.ask("ask", "n", "number"),
        nodes.end("ok", "OK"),
        nodes.end("gave_up", "Let's stop here"),
      ],
      [
        ["start", "next", "ask"],
        ["ask", "next", "ok"],
        ["ask", "invalid", "gave_up"],
      ],
    );
    const convo = new Conversation(graph);
    convo.start();
    convo.say("x");
    convo.say("y");
    convo.say("z");
    expect(convo.texts()).toEqual(["Let's stop here"]);
    expect(convo.state.status).toBe("completed");
  });

  it("starts counting again at each node", () => {
    const graph = flow(
      [nodes.start(), nodes.ask("a1", "x", "number"), nodes.ask("a2", "y", "number"), nodes.end()],
      [
        ["start", "next", "a1"],
        ["a1", "next", "a2"],
        ["a2", "next", "end"],
      ],
    );
    const convo = new Conversation(graph);
    convo.start();
    convo.say("no");
    convo.say("no");
    convo.say("1");
    expect(convo.state.retries).toBe(0);
    convo.say("no");
    convo.say("no");
    expect(convo.state.status).toBe("waiting_input");
  });

  describe("choice", () => {
    const choices = [
      { value: "pickup", label: { en: "Pick up in store", fr: "Retrait en magasin" } },
      { value: "delivery", label: { en: "Home delivery", fr: "Livraison à domicile" } },
    ];

    it("shows buttons when the channel has them", () => {
      const convo = new Conversation(askFlow("choice", { choices }));
      convo.start();
      expect(convo.last.outbound).toEqual([
        {
          kind: "choices",
          text: "Give answer",
          options: [
            { value: "pickup", label: "Pick up in store" },
            { value: "delivery", label: "Home delivery" },
          ],
        },
      ]);
    });

    it("numbers the options on a text-only channel and understands the number", () => {
      const convo = new Conversation(askFlow("choice", { choices }), {
        channelCapabilities: { buttons: false, wallets: false, richCards: false },
      });
      convo.start();
      expect(convo.texts()).toEqual([
        "Give answer\n1. Pick up in store\n2. Home delivery\nReply with the number of your choice.",
      ]);
      convo.say("2");
      expect(convo.state.variables.answer).toBe("delivery");
    });

    it.each([
      ["pickup", "pickup"],
      ["Home delivery", "delivery"],
      ["livraison à domicile", "delivery"],
      ["１", "pickup"],
    ])("matches %j", (reply, value) => {
      expect(answer("choice", reply, { choices }).state.variables.answer).toBe(value);
    });

    it("re-shows the options after a wrong reply", () => {
      const convo = answer("choice", "3", { choices });
      expect(convo.last.outbound[0]).toMatchObject({
        kind: "choices",
        text: "Please pick one of the options.",
      });
    });
  });

  describe("amount", () => {
    it("stores integer minor units in the flow currency", () => {
      expect(answer("amount", "€12,50").state.variables.answer).toEqual({
        amountMinor: 1250,
        currency: "EUR",
      });
      expect(answer("amount", "1 234.5").state.variables.answer).toEqual({
        amountMinor: 123450,
        currency: "EUR",
      });
      expect(answer("amount", "Rp 50.000", {}, { currency: "IDR" }).state.variables.answer).toEqual(
        { amountMinor: 5_000_000, currency: "IDR" },
      );
      expect(answer("amount", "¥1,500", {}, { currency: "JPY" }).state.variables.answer).toEqual({
        amountMinor: 1500,
        currency: "JPY",
      });
      expect(
        answer("amount", "12.50", {}, { currency: "JPY" }).state.variables.answer,
      ).toBeUndefined();
    });

    it("formats the stored amount when a text uses it", () => {
      const convo = answer("amount", "12.5");
      expect(convo.texts()).toEqual(["Got €12.50", "Bye"]);
    });

    it("accepts a preset by value, label or (on text channels) number, or a custom amount", () => {
      const presets = {
        choices: [
          { value: "5", label: en("€5") },
          { value: "10", label: en("€10") },
          { value: "25", label: en("€25") },
        ],
      };
      expect(answer("amount", "10", presets).state.variables.answer).toEqual({
        amountMinor: 1000,
        currency: "EUR",
      });
      expect(answer("amount", "€25", presets).state.variables.answer).toEqual({
        amountMinor: 2500,
        currency: "EUR",
      });
      // With buttons, a typed "2" is an amount of €2, not the second preset.
      expect(answer("amount", "2", presets).state.variables.answer).toEqual({
        amountMinor: 200,
        currency: "EUR",
      });
      const textChannel = new Conversation(askFlow("amount", presets), {
        channelCapabilities: { buttons: false, wallets: false, richCards: false },
      });
      textChannel.start();
      textChannel.say("2");
      expect(textChannel.state.variables.answer).toEqual({ amountMinor: 1000, currency: "EUR" });
      expect(answer("amount", "17.5", presets).state.variables.answer).toEqual({
        amountMinor: 1750,
        currency: "EUR",
      });
    });
  });
});

describe("amount text normalisation", () => {
  it.each([
    ["1.234,56", "EUR", "1234.56"],
    ["1,234.56", "USD", "1234.56"],
    ["50.000", "IDR", "50000"],
    ["12,5", "EUR", "12.5"],
    ["1.250", "KWD", "1.250"],
    ["1,000,000", "USD", "1000000"],
    ["EUR 10", "EUR", "10"],
  ])("%j in %s → %j", (text, currency, expected) => {
    expect(normalizeAmountText(text, currency)).toBe(expected);
  });

  it("refuses what isn't a positive amount", () => {
    expect(parseAmount("-5", "EUR")).toBeNull();
    expect(parseAmount("€ -5", "EUR")).toBeNull();
    expect(parseAmount("0,00", "EUR")).toBeNull();
    expect(parseAmount("1e5", "EUR")).toBeNull();
    expect(parseAmount("99999999999999999999", "EUR")).toBeNull();
  });
});
