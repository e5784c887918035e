import { MAX_PAYMENT_ATTEMPTS } from "@/lib/flows/runtime";
import { describe, expect, it } from "vitest";
import { Conversation, en, flow, invoiceFlow, nodes } from "./helpers";

const TEXT_ONLY = { buttons: false, wallets: false, richCards: false };

/** Runs the invoice flow up to the payment link for €12.50 paid by card. */
function linkSent(context = {}) {
  const convo = new Conversation(invoiceFlow(), context);
  convo.start();
  convo.say("12.50");
  convo.say("card");
  convo.checkoutCreated();
  return convo;
}

describe("choose_method", () => {
  it("offers the node's methods that are available right now, in a stable order", () => {
    const graph = invoiceFlow();
    (graph.nodes.find((n) => n.id === "choose")!.data as { methods?: string[] }).methods = [
      "paypal",
      "alipay",
      "card",
    ];
    const convo = new Conversation(graph, {
      availableMethods: ["card", "paypal", "bank_transfer"],
    });
    convo.start();
    convo.say("10");
    expect(convo.last.outbound).toEqual([
      {
        kind: "choices",
        text: "How would you like to pay?",
        options: [
          { value: "card", label: "Card" },
          { value: "paypal", label: "PayPal" },
        ],
      },
    ]);
  });

  it("hides wallet buttons a channel can't show; the link still offers them", () => {
    const convo = new Conversation(invoiceFlow(), {
      availableMethods: ["card", "apple_pay", "google_pay"],
      channelCapabilities: { buttons: true, wallets: false, richCards: false },
    });
    convo.start();
    convo.say("10");
    expect(convo.last.outbound[0]).toMatchObject({ options: [{ value: "card", label: "Card" }] });

    const walletsOnly = new Conversation(invoiceFlow(), {
      availableMethods: ["apple_pay", "google_pay"],
      channelCapabilities: { buttons: true, wallets: false, richCards: false },
    });
    walletsOnly.start();
    walletsOnly.say("10");
    // Nothing to ask: straight to a link that offers the wallets on the hosted page.
    const checkout = walletsOnly.checkout();
    expect(checkout.method).toBeUndefined();
    expect(checkout.methods).toEqual(["apple_pay", "google_pay"]);
  });

  it("skips the question when only one method is available", () => {
    const convo = new Conversation(invoiceFlow(), { availableMethods: ["paypal"] });
    convo.start();
    convo.say("10");
    expect(convo.checkout()).toMatchObject({ method: "paypal", methods: ["paypal"] });
    expect(convo.state.variables.method).toBe("paypal");
  });

  it("hands off when no method is available", () => {
    const convo = new Conversation(invoiceFlow(), { availableMethods: [] });
    convo.start();
    convo.say("10");
    expect(convo.state.status).toBe("handed_off");
    expect(convo.texts()).toEqual([
      "Online payment isn't available right now. A member of our team will help you here.",
    ]);
  });

  it("takes a button press, a number, a label in another language or an alias", () => {
    for (const [input, method] of [
      [{ kind: "choose_method", method: "paypal" }, "paypal"],
      [{ kind: "message", text: "2", messageId: "x" }, "paypal"],
      [{ kind: "message", text: "Carte bancaire", messageId: "x" }, "card"],
      [{ kind: "message", text: "visa please", messageId: "x" }, "card"],
    ] as const) {
      const convo = new Conversation(invoiceFlow());
      convo.start();
      convo.say("10");
      convo.send(input);
      expect(convo.state.variables.method).toBe(method);
    }
  });

  it("refuses a method that wasn't offered", () => {
    const convo = new Conversation(invoiceFlow());
    convo.start();
    convo.say("10");
    convo.send({ kind: "choose_method", method: "alipay" });
    expect(convo.state.currentNodeId).toBe("choose");
    expect(convo.state.retries).toBe(1);
  });

  it("numbers the methods on a text-only channel", () => {
    const convo = new Conversation(invoiceFlow(), { channelCapabilities: TEXT_ONLY });
    convo.start("en");
    convo.say("10");
    expect(convo.texts()).toEqual([
      "How would you like to pay?\n1. Card\n2. PayPal\nReply with the number of your choice.",
    ]);
  });
});

describe("pay", () => {
  it("asks the host for a checkout of the validated amount, with a conversation-stable key", () => {
    const convo = new Conversation(invoiceFlow({ inputs: [] }), {}, "conv_42");
    convo.start();
    convo.say("12.50");
    const result = convo.say("card");
    expect(result.actions).toEqual([
      {
        type: "create_checkout",
        idempotencyKey: "conv_42:pay:pay:1",
        amountMinor: 1250,
        currency: "EUR",
        method: "card",
        methods: ["card"],
        description: "Invoice",
        expiresAt: "2025-03-01T10:00:00.000Z",
      },
    ]);
    expect(result.state.status).toBe("waiting_payment");
    expect(result.state.payment).toMatchObject({
      status: "creating",
      attempts: 1,
      amountMinor: 1250,
    });
  });

  it("passes the node's connection to the host", () => {
    const graph = flow(
      [
        nodes.start(),
        nodes.ask("a", "amount", "amount"),
        nodes.pay("pay", { connectionId: "conn_stripe" }),
        nodes.wait(),
        nodes.end(),
      ],
      [
        ["start", "next", "a"],
        ["a", "next", "pay"],
        ["pay", "next", "wait"],
        ["wait", "succeeded", "end"],
      ],
    );
    const convo = new Conversation(graph);
    convo.start();
    convo.say("5");
    expect(convo.checkout().connectionId).toBe("conn_stripe");
  });

  it("sends the link once the checkout exists, then waits", () => {
    const convo = linkSent();
    expect(convo.last.outbound).toEqual([
      {
        kind: "payment_link",
        text: "Here is your secure payment link for €12.50.",
        url: "https://pay.test/c/1",
        amountMinor: 1250,
        currency: "EUR",
        methods: ["card"],
      },
    ]);
    expect(convo.state.currentNodeId).toBe("wait");
    expect(convo.state.status).toBe("waiting_payment");
    expect(convo.last.actions).toEqual([
      {
        type: "schedule_timer",
        timerId: "conv_test:payment_timeout:wait:1",
        kind: "payment_timeout",
        runAt: "2025-03-01T09:30:00.000Z",
      },
    ]);
  });

  it("never sends a link whose amount differs from the one computed", () => {
    const convo = new Conversation(invoiceFlow());
    convo.start();
    convo.say("12.50");
    convo.say("card");
    const result = convo.send({
      kind: "checkout_created",
      paymentId: "pay_1",
      url: "https://pay.test/c/1",
      amountMinor: 125000,
      currency: "EUR",
    });
    expect(result.outbound.some((m) => m.kind === "payment_link")).toBe(false);
    expect(result.state.status).toBe("handed_off");
    expect(result.events).toContainEqual(expect.objectContaining({ kind: "checkout_mismatch" }));
  });

  it("ignores a duplicate checkout_created", () => {
    const convo = linkSent();
    const again = convo.send({
      kind: "checkout_created",
      paymentId: "pay_1",
      url: "https://pay.test/c/1",
      amountMinor: 1250,
      currency: "EUR",
    });
    expect(again.outbound).toEqual([]);
    expect(again.actions).toEqual([]);
  });

  it("answers while the link is being prepared", () => {
    const convo = new Conversation(invoiceFlow());
    convo.start();
    convo.say("12.50");
    convo.say("card");
    convo.say("hello?");
    expect(convo.texts()).toEqual(["One moment, I'm preparing your payment link."]);
  });

  it("hands off instead of charging when there is no trustworthy amount", () => {
    const graph = flow(
      [nodes.start(), nodes.ask("a", "amount", "text"), nodes.pay(), nodes.wait(), nodes.end()],
      [
        ["start", "next", "a"],
        ["a", "next", "pay"],
        ["pay", "next", "wait"],
        ["wait", "succeeded", "end"],
      ],
    );
    const convo = new Conversation(graph);
    convo.start();
    const result = convo.say("1000");
    expect(result.actions.some((a) => a.type === "create_checkout")).toBe(false);
    expect(result.state.status).toBe("handed_off");
  });

  it("charges a host-supplied amount only when it is integer minor units", () => {
    const graph = flow(
      [nodes.start(), nodes.pay("pay", { amountVariable: "due" }), nodes.wait(), nodes.end()],
      [
        ["start", "next", "pay"],
        ["pay", "next", "wait"],
        ["wait", "succeeded", "end"],
      ],
      { inputs: [{ name: "due", kind: "amount" }] },
    );
    const ok = new Conversation(graph);
    ok.start("en", { due: 4200 });
    expect(ok.checkout().amountMinor).toBe(4200);
    for (const due of [42.5, "4200", -1, 0]) {
      const bad = new Conversation(graph);
      bad.start("en", { due });
      expect(bad.state.status).toBe("handed_off");
    }
  });

  it("does not open a second checkout while one is live", () => {
    const graph = flow(
      [
        nodes.start(),
        nodes.ask("a", "amount", "amount"),
        nodes.pay("pay"),
        nodes.ask("q", "note", "text"),
        nodes.pay("pay2"),
        nodes.wait(),
        nodes.end(),
      ],
      [
        ["start", "next", "a"],
        ["a", "next", "pay"],
        ["pay", "next", "q"],
        ["q", "next", "pay2"],
        ["pay2", "next", "wait"],
        ["wait", "succeeded", "end"],
      ],
    );
    const convo = new Conversation(graph);
    convo.start();
    convo.say("20");
    convo.checkoutCreated();
    const second = convo.say("a note");
    expect(second.actions.filter((a) => a.type === "create_checkout")).toEqual([]);
    expect(second.outbound[0]).toMatchObject({
      kind: "payment_link",
      url: "https://pay.test/c/1",
      amountMinor: 2000,
    });
    expect(second.state.currentNodeId).toBe("wait");
  });
});

describe("wait_payment", () => {
  it("goes on to the receipt when the payment succeeds", () => {
    const convo = linkSent();
    const result = convo.payment("succeeded");
    expect(result.outbound).toEqual([
      {
        kind: "receipt",
        text: "Paid €12.50, ref pay_1 (Test mode — no money moved.)",
        amountMinor: 1250,
        currency: "EUR",
        reference: "pay_1",
      },
      { kind: "text", text: "Bye" },
    ]);
    expect(result.actions).toEqual([
      { type: "cancel_timer", timerId: "conv_test:payment_timeout:wait:1" },
      { type: "complete" },
    ]);
    expect(result.state.status).toBe("completed");
    expect(result.events.map((e) => e.kind)).toContain("payment_succeeded");
  });

  it("ignores replays and other payments' events", () => {
    const convo = linkSent();
    convo.payment("succeeded");
    const replay = convo.payment("succeeded");
    expect(replay.outbound).toEqual([]);
    expect(replay.actions).toEqual([]);
    const other = linkSent().payment("succeeded", "pay_someone_else");
    expect(other.state.status).toBe("waiting_payment");
    expect(other.outbound).toEqual([]);
  });

  it("notes the page being opened without moving on", () => {
    const convo = linkSent();
    const opened = convo.payment("opened");
    expect(opened.state.status).toBe("waiting_payment");
    expect(opened.state.payment?.status).toBe("opened");
    expect(opened.outbound).toEqual([]);
  });

  it("offers a retry or another method after a failure, and retries with a new key", () => {
    const convo = linkSent();
    const failed = convo.payment("failed");
    expect(failed.outbound).toEqual([
      {
        kind: "choices",
        text: "Your payment didn't go through. What would you like to do?",
        options: [
          { value: "retry", label: "Try again" },
          { value: "other_method", label: "Use another method" },
        ],
      },
    ]);
    expect(failed.state.status).toBe("waiting_input");
    const retry = convo.say("try again");
    expect(retry.state.currentNodeId).toBe("pay");
    expect(convo.checkout()).toMatchObject({
      idempotencyKey: "conv_test:pay:pay:2",
      amountMinor: 1250,
      method: "card",
    });
  });

  it("goes back to the method choice for 'another method'", () => {
    const convo = linkSent();
    convo.payment("failed");
    convo.say("2");
    expect(convo.state.currentNodeId).toBe("choose");
    convo.say("paypal");
    expect(convo.checkout()).toMatchObject({
      method: "paypal",
      idempotencyKey: "conv_test:pay:pay:2",
    });
  });

  it("follows the merchant's 'failed' output when drawn", () => {
    const graph = invoiceFlow();
    graph.nodes.push({
      id: "sorry",
      type: "handoff",
      position: { x: 0, y: 0 },
      data: { text: en("Sorry!") },
    });
    graph.edges.push({ id: "ef", source: "wait", sourceHandle: "failed", target: "sorry" });
    const convo = new Conversation(graph);
    convo.start();
    convo.say("12.50");
    convo.say("card");
    convo.checkoutCreated();
    convo.payment("failed");
    expect(convo.texts()).toEqual(["Sorry!"]);
  });

  it(`stops offering retries after ${MAX_PAYMENT_ATTEMPTS} failed attempts`, () => {
    const convo = linkSent();
    for (let attempt = 1; attempt < MAX_PAYMENT_ATTEMPTS; attempt++) {
      convo.payment("failed", `pay_${attempt}`);
      convo.say("1");
      convo.checkoutCreated(`pay_${attempt + 1}`);
    }
    const last = convo.payment("failed", `pay_${MAX_PAYMENT_ATTEMPTS}`);
    expect(last.state.status).toBe("handed_off");
    expect(convo.texts()[0]).toContain("after several attempts");
  });

  it("expires on the payment timeout, ignoring stale timers", () => {
    const convo = linkSent();
    const stale = convo.send({
      kind: "timer",
      timerId: "conv_test:payment_timeout:wait:0",
      fired: "payment_timeout",
    });
    expect(stale.state.status).toBe("waiting_payment");
    convo.advance(30);
    const expired = convo.fireTimer();
    expect(expired.state.status).toBe("expired");
    expect(convo.texts()).toEqual([
      "Your payment link has expired. Write to us whenever you'd like a new one.",
    ]);
  });

  it("follows the 'expired' output on a provider expiry event", () => {
    const graph = invoiceFlow();
    graph.nodes.push({
      id: "late",
      type: "end",
      position: { x: 0, y: 0 },
      data: { text: en("Too late") },
    });
    graph.edges.push({ id: "ex", source: "wait", sourceHandle: "expired", target: "late" });
    const convo = new Conversation(graph);
    convo.start();
    convo.say("12.50");
    convo.say("card");
    convo.checkoutCreated();
    const result = convo.payment("expired");
    expect(convo.texts()).toEqual(["Too late"]);
    expect(result.actions[0]).toEqual({
      type: "cancel_timer",
      timerId: "conv_test:payment_timeout:wait:1",
    });
  });

  it("thanks the customer for a payment that lands after the conversation expired", () => {
    const convo = linkSent();
    convo.advance(30).fireTimer();
    const late = convo.payment("succeeded");
    expect(convo.texts(late)).toEqual(["We received your payment of €12.50. Thank you!"]);
  });

  it("answers a status question in the customer's language, and repeats the link otherwise", () => {
    const convo = linkSent();
    convo.say("status?");
    expect(convo.texts()).toEqual(["Your payment status: waiting for your payment."]);
    const fr = new Conversation(
      invoiceFlow({ languages: ["en", "fr"], nodes: invoiceFlow().nodes.map((n) => ({ ...n })) }),
    );
    fr.start("fr");
    fr.say("12,50");
    fr.say("1");
    fr.checkoutCreated();
    fr.payment("opened");
    fr.say("statut");
    expect(fr.texts()).toEqual([
      "Statut de votre paiement : page de paiement ouverte, paiement non finalisé.",
    ]);
    convo.say("when?");
    expect(convo.last.outbound[0]).toMatchObject({
      kind: "payment_link",
      url: "https://pay.test/c/1",
    });
  });
});

describe("reminder", () => {
  function reminderFlow(maxTimes = 2) {
    return flow(
      [
        nodes.start(),
        nodes.pay("pay", { amountVariable: "due" }),
        [
          "remind",
          "reminder",
          { afterMinutes: 60, maxTimes, text: en("Still {{total}} to pay: {{payment_url}}") },
        ],
        nodes.wait("wait", 120),
        nodes.receipt(),
        nodes.end(),
        nodes.end("gone", "Link expired"),
      ],
      [
        ["start", "next", "pay"],
        ["pay", "next", "remind"],
        ["remind", "paid", "receipt"],
        ["remind", "unpaid", "wait"],
        ["wait", "succeeded", "receipt"],
        ["wait", "expired", "gone"],
        ["receipt", "next", "end"],
      ],
      { inputs: [{ name: "due", kind: "amount" }] },
    );
  }

  function started(maxTimes = 2) {
    const convo = new Conversation(reminderFlow(maxTimes));
    convo.start("en", { due: 900 });
    convo.checkoutCreated();
    return convo;
  }

  it("schedules a reminder once the link is out", () => {
    const convo = started();
    expect(convo.last.actions).toEqual([
      {
        type: "schedule_timer",
        timerId: "conv_test:reminder:remind:1",
        kind: "reminder",
        runAt: "2025-03-01T10:00:00.000Z",
      },
    ]);
  });

  it("reminds up to maxTimes, then leaves by 'unpaid' one interval later", () => {
    const convo = started(2);
    const first = convo.advance(60).fireTimer();
    expect(first.outbound).toEqual([
      {
        kind: "payment_link",
        text: "Still €9.00 to pay: https://pay.test/c/1",
        url: "https://pay.test/c/1",
        amountMinor: 900,
        currency: "EUR",
        methods: ["card", "paypal"],
      },
    ]);
    expect(first.state.reminderCount).toBe(1);
    convo.advance(60).fireTimer();
    expect(convo.state.reminderCount).toBe(2);
    const unpaid = convo.advance(60).fireTimer();
    expect(unpaid.outbound).toEqual([]);
    expect(unpaid.state.currentNodeId).toBe("wait");
    expect(unpaid.actions).toEqual([
      expect.objectContaining({ type: "schedule_timer", kind: "payment_timeout" }),
    ]);
  });

  it("leaves by 'paid' as soon as the payment succeeds, cancelling the reminder", () => {
    const convo = started();
    const paid = convo.payment("succeeded");
    expect(paid.actions[0]).toEqual({
      type: "cancel_timer",
      timerId: "conv_test:reminder:remind:1",
    });
    expect(paid.outbound[0]).toMatchObject({ kind: "receipt", amountMinor: 900 });
    expect(paid.state.status).toBe("completed");
  });

  it("never sends a receipt for an unpaid link", () => {
    const convo = started(0);
    convo.advance(60).fireTimer();
    convo.advance(120).fireTimer();
    expect(convo.state.status).toBe("completed");
    expect(convo.history.flatMap((r) => r.outbound).some((m) => m.kind === "receipt")).toBe(false);
    expect(convo.texts()).toEqual(["Link expired"]);
  });
});

describe("card details in the chat", () => {
  it("removes them, warns, and points at the payment link", () => {
    const convo = linkSent();
    const result = convo.say("here: 4242 4242 4242 4242");
    expect(result.inbound).toEqual({
      text: "here: [card number removed]",
      redacted: true,
      kinds: ["pan"],
    });
    expect(result.outbound[0]).toEqual({
      kind: "text",
      text: expect.stringContaining("never send card details"),
    });
    expect(result.outbound[1]).toMatchObject({ kind: "payment_link", url: "https://pay.test/c/1" });
    const cvv = convo.say("123");
    expect(cvv.inbound).toEqual({
      text: "[security code removed]",
      redacted: true,
      kinds: ["cvv"],
    });
    expect(JSON.stringify(convo.state)).not.toContain("4242");
  });

  it("never stores card data as an answer", () => {
    const graph = flow(
      [nodes.start(), nodes.ask("a", "note", "text"), nodes.end()],
      [
        ["start", "next", "a"],
        ["a", "next", "end"],
      ],
    );
    const convo = new Conversation(graph);
    convo.start("fr");
    const result = convo.say("5555 5555 5555 4444");
    expect(result.state.variables.note).toBeUndefined();
    expect(result.state.currentNodeId).toBe("a");
    expect(result.state.retries).toBe(0);
  });
});
