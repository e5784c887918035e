import type { Db, DbHandle } from "@/db/client";
import {
  conversationEvents,
  conversationMessages,
  conversations,
  jobs,
  payments,
} from "@/db/schema";
import { enqueueConversationPaymentEvent } from "@/lib/conversations/checkout/payment-events";
import {
  handleInbound,
  handlePaymentUpdate,
  startConversation,
  type EngineResult,
} from "@/lib/conversations/engine";
import type { ChatMessageView } from "@/lib/conversations/engine/messages";
import { registerConversationJobs } from "@/lib/conversations/jobs";
import { phrase } from "@/lib/flows/i18n";
import { PAN_PLACEHOLDER } from "@/lib/flows/redact";
import { runDueJobs } from "@/lib/jobs/runner";
import { and, asc, eq, sql } from "drizzle-orm";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  insertShop,
  orderAndPayGraph,
  productPrice,
  publishNewVersion,
  useTestMasterKey,
  type ShopFixture,
} from "../conversations.fixtures";
import { ENGINES, openTestDatabase } from "../helpers/test-db";

// Jobs enqueued by the pipeline run "now" by the wall clock, so the test's clock starts there too.
const T0 = new Date(Math.floor(Date.now() / 1000) * 1000);
const MINUTE = 60_000;

function texts(messages: ChatMessageView[]): string[] {
  return messages.filter((m) => m.direction === "outbound").map((m) => m.text);
}

describe.each(ENGINES)("conversation engine on %s", (engine) => {
  let handle: DbHandle;
  let db: Db;
  let shop: ShopFixture;

  beforeAll(async () => {
    useTestMasterKey();
    registerConversationJobs();
    handle = await openTestDatabase(engine);
    db = handle.db;
    shop = await insertShop(db);
  });
  afterAll(async () => {
    await handle?.close();
  });

  function webChat(session = `sess_${randomUUID()}`) {
    const who = { channel: "web" as const, externalUserId: session, externalChatId: session };
    let conversationId = "";
    return {
      session,
      get conversationId() {
        return conversationId;
      },
      async start(lang?: "en" | "fr", now = T0): Promise<EngineResult> {
        const result = await startConversation(db, {
          publicKey: shop.publicKey,
          ...who,
          lang,
          now,
        });
        conversationId = result.conversationId;
        return result;
      },
      async say(
        text: string,
        options: { id?: string; choice?: string; now?: Date } = {},
      ): Promise<EngineResult> {
        return handleInbound(db, {
          publicKey: shop.publicKey,
          ...who,
          conversationId,
          now: options.now ?? T0,
          message: {
            platformMessageId: options.id ?? randomUUID(),
            text,
            choiceValue: options.choice,
          },
        });
      },
    };
  }

  async function paymentsOf(conversationId: string) {
    return db
      .select()
      .from(payments)
      .where(
        and(eq(payments.merchantId, shop.merchantId), eq(payments.conversationId, conversationId)),
      );
  }

  async function conversationRow(conversationId: string) {
    const [row] = await db.select().from(conversations).where(eq(conversations.id, conversationId));
    return row;
  }

  /** Start → two of item 1 and one of item 2 → done → card. */
  async function orderUpToPayment(chat: ReturnType<typeof webChat>) {
    await chat.start("en");
    await chat.say("1 x2");
    await chat.say("2");
    await chat.say("done");
    const summary = await chat.say("Confirm");
    const paid = await chat.say("Card", { choice: "card", id: "pay-with-card" });
    return { summary, paid };
  }

  it("takes an order to a paid receipt: one payment for the cart total, events for every step", async () => {
    const chat = webChat();
    const started = await chat.start("en");
    expect(started.status).toBe("waiting_input");
    const catalogue = started.messages.find((m) => m.kind === "choices");
    expect(catalogue?.options?.map((o) => o.value)).toEqual(["COFFEE-250", "MUG", "GIFT-25"]);

    await chat.say("1 x2");
    await chat.say("Ceramic mug", { choice: "MUG" });
    const shown = await chat.say("done");
    expect(shown.messages.find((m) => m.kind === "choices")?.text).toContain("Total: €");
    const summary = await chat.say("Confirm");
    const expectedTotal = 2 * productPrice(shop.graph, 0) + productPrice(shop.graph, 1);
    const methods = summary.messages.find((m) => m.kind === "choices");
    expect(methods?.options?.map((o) => o.value)).toContain("card");

    const paid = await chat.say("Card", { choice: "card", id: "card-choice" });
    const link = paid.messages.find((m) => m.kind === "payment_link");
    expect(link?.amountMinor).toBe(expectedTotal);
    expect(link?.url).toMatch(/^http:\/\/localhost:3999\/pay\/sandbox\/sbxcs_[0-9a-f]{24}$/);
    expect(paid.status).toBe("waiting_payment");

    const created = await paymentsOf(chat.conversationId);
    expect(created).toHaveLength(1);
    expect(created[0].amountMinor).toBe(expectedTotal);
    expect(created[0].currency).toBe("EUR");
    expect(created[0].connectionId).toBe(shop.connectionId);
    expect(created[0].flowId).toBe(shop.flowId);
    // The conversation's channel, so the transactions list filters by it without a join.
    expect(created[0].channel).toBe("web");
    expect(link?.url).toBe(created[0].checkoutUrl);

    // The same delivery again: handled once, answered with the same messages.
    const again = await chat.say("Card", { choice: "card", id: "card-choice" });
    expect(again.duplicate).toBe(true);
    expect(again.messages.map((m) => m.id)).toEqual(paid.messages.map((m) => m.id));
    expect(await paymentsOf(chat.conversationId)).toHaveLength(1);
    const inboundCopies = await db
      .select()
      .from(conversationMessages)
      .where(
        and(
          eq(conversationMessages.conversationId, chat.conversationId),
          eq(conversationMessages.platformMessageId, "card-choice"),
        ),
      );
    expect(inboundCopies).toHaveLength(1);

    // The pipeline reports success: receipt, goodbye, completed.
    const after = await handlePaymentUpdate(db, shop.merchantId, created[0].id, "succeeded", {
      now: new Date(T0.getTime() + 5 * MINUTE),
    });
    expect(after?.status).toBe("completed");
    const all = await db
      .select()
      .from(conversationMessages)
      .where(eq(conversationMessages.conversationId, chat.conversationId))
      .orderBy(asc(conversationMessages.createdAt));
    const receipt = all.find((m) => (m.body as { kind: string }).kind === "receipt");
    expect(receipt?.body).toMatchObject({
      kind: "receipt",
      amountMinor: expectedTotal,
      currency: "EUR",
      reference: created[0].id,
    });
    const times = all.map((m) => m.createdAt.getTime());
    expect(new Set(times).size).toBe(times.length);
    expect([...times].sort((a, b) => a - b)).toEqual(times);

    const row = await conversationRow(chat.conversationId);
    expect(row.completedAt).not.toBeNull();
    expect(row.flowVersionId).toBe(shop.versionId);

    const events = await db
      .select()
      .from(conversationEvents)
      .where(eq(conversationEvents.conversationId, chat.conversationId));
    const entered = events.filter((e) => e.kind === "entered").map((e) => e.nodeId);
    expect(entered).toEqual(
      expect.arrayContaining([
        "start",
        "catalogue",
        "confirm",
        "choose_method",
        "pay",
        "wait_payment",
        "receipt",
        "end",
      ]),
    );
    const kinds = new Set(events.map((e) => e.kind));
    for (const kind of [
      "cart_updated",
      "confirmation_shown",
      "amount_confirmed",
      "method_chosen",
      "checkout_requested",
      "payment_link_sent",
      "payment_succeeded",
      "conversation_completed",
    ]) {
      expect(kinds).toContain(kind);
    }
    expect(
      events.every((e) => e.flowId === shop.flowId && e.flowVersionId === shop.versionId),
    ).toBe(true);

    // The payment timeout was cancelled when the payment succeeded.
    const timers = await db
      .select()
      .from(jobs)
      .where(and(eq(jobs.merchantId, shop.merchantId), eq(jobs.kind, "flow.timer")));
    const ours = timers.filter(
      (j) => (j.payload as { conversationId?: string }).conversationId === chat.conversationId,
    );
    expect(ours.length).toBeGreaterThan(0);
    expect(ours.every((j) => j.status === "canceled")).toBe(true);
  });

  it("redacts a card number typed in the chat and answers with the warning", async () => {
    const chat = webChat();
    await chat.start("en");
    const result = await chat.say("here is my card 4242 4242 4242 4242 exp 12/29");
    const inbound = result.messages.find((m) => m.direction === "inbound");
    expect(inbound?.text).toContain(PAN_PLACEHOLDER);
    expect(inbound?.redacted).toBe(true);
    expect(texts(result.messages)).toContain(phrase("card_warning", "en"));

    // A bare CVV right after: the runtime knows it is one and the stored row says so.
    const cvv = await chat.say("123");
    expect(cvv.messages.find((m) => m.direction === "inbound")?.text).not.toContain("123");

    const leaks = await db.execute(sql`
      select count(*)::int as n from conversation_messages where conversation_id = ${chat.conversationId}
        and (body::text like '%4242%' or body::text like '%"123"%')`);
    expect((leaks as unknown as { rows: { n: number }[] }).rows[0].n).toBe(0);
    const state = JSON.stringify((await conversationRow(chat.conversationId)).state);
    expect(state).not.toContain("4242");
  });

  it("keeps a conversation on the version it started on after a new publish", async () => {
    const local = await insertShop(db);
    const previous = shop;
    shop = local;
    try {
      const early = webChat();
      await early.start("en");
      const cheaper = orderAndPayGraph();
      const catalogue = cheaper.nodes.find((n) => n.id === "catalogue");
      if (catalogue?.type !== "product_choice") throw new Error("template changed");
      catalogue.data.products[0].priceMinor = 999;
      const v2 = await publishNewVersion(db, local.merchantId, local.flowId, cheaper, 2);

      await early.say("1");
      await early.say("done");
      await early.say("Confirm");
      const paid = await early.say("card", { choice: "card" });
      expect(paid.messages.find((m) => m.kind === "payment_link")?.amountMinor).toBe(
        productPrice(local.graph, 0),
      );
      expect((await conversationRow(early.conversationId)).flowVersionId).toBe(local.versionId);

      const late = webChat();
      await late.start("en");
      await late.say("1");
      await late.say("done");
      await late.say("Confirm");
      const latePaid = await late.say("card", { choice: "card" });
      expect(latePaid.messages.find((m) => m.kind === "payment_link")?.amountMinor).toBe(999);
      expect((await conversationRow(late.conversationId)).flowVersionId).toBe(v2);
    } finally {
      shop = previous;
    }
  });

  it("runs timers and payment events from the jobs table, as after a restart", async () => {
    const chat = webChat();
    const { paid } = await orderUpToPayment(chat);
    expect(paid.status).toBe("waiting_payment");
    const [payment] = await paymentsOf(chat.conversationId);

    // Nothing in memory carries the timer: it is a pending job with the runtime's timer id.
    const [timer] = await db
      .select()
      .from(jobs)
      .where(
        and(
          eq(jobs.merchantId, shop.merchantId),
          eq(jobs.kind, "flow.timer"),
          eq(jobs.status, "pending"),
          sql`${jobs.payload}->>'conversationId' = ${chat.conversationId}`,
        ),
      );
    expect(timer?.runAt.getTime()).toBe(T0.getTime() + 60 * MINUTE);

    // The customer opened the payment page (the pipeline's job), then let it time out.
    await db.transaction((tx) => enqueueConversationPaymentEvent(tx, payment, "pending"));
    await runDueJobs(db, new Date(T0.getTime() + MINUTE));
    expect((await conversationRow(chat.conversationId)).status).toBe("waiting_payment");
    const opened = await db
      .select()
      .from(conversationEvents)
      .where(
        and(
          eq(conversationEvents.conversationId, chat.conversationId),
          eq(conversationEvents.kind, "payment_opened"),
        ),
      );
    expect(opened).toHaveLength(1);

    const summary = await runDueJobs(db, new Date(T0.getTime() + 61 * MINUTE));
    expect(summary.failed).toBe(0);
    const row = await conversationRow(chat.conversationId);
    expect(row.status).toBe("completed");
    const [done] = await db
      .select()
      .from(jobs)
      .where(and(eq(jobs.merchantId, shop.merchantId), eq(jobs.id, timer.id)));
    expect(done?.status).toBe("done");
    const last = await db
      .select()
      .from(conversationMessages)
      .where(eq(conversationMessages.conversationId, chat.conversationId))
      .orderBy(asc(conversationMessages.createdAt));
    expect(JSON.stringify(last.at(-1)?.body)).toContain("expired");
  });

  it("hears about a successful payment through the durable job", async () => {
    const chat = webChat();
    await orderUpToPayment(chat);
    const [payment] = await paymentsOf(chat.conversationId);
    const wrote = await db.transaction((tx) =>
      enqueueConversationPaymentEvent(tx, payment, "succeeded"),
    );
    expect(wrote).toBe(true);
    // A second report of the same status is the same job.
    await db.transaction((tx) => enqueueConversationPaymentEvent(tx, payment, "succeeded"));
    const queued = await db
      .select()
      .from(jobs)
      .where(
        and(eq(jobs.merchantId, shop.merchantId), eq(jobs.dedupeKey, `${payment.id}:succeeded`)),
      );
    expect(queued).toHaveLength(1);
    await runDueJobs(db, new Date(T0.getTime() + 2 * MINUTE));
    expect((await conversationRow(chat.conversationId)).status).toBe("completed");
    // Refund statuses mean nothing to the chat and enqueue nothing.
    expect(
      await db.transaction((tx) => enqueueConversationPaymentEvent(tx, payment, "refunded")),
    ).toBe(false);
  });

  it("serializes messages racing on one conversation", async () => {
    const chat = webChat();
    await chat.start("en");
    const before = (await conversationRow(chat.conversationId)).revision;
    const results = await Promise.all([chat.say("1"), chat.say("2"), chat.say("3")]);
    expect(results.every((r) => !r.duplicate)).toBe(true);
    const row = await conversationRow(chat.conversationId);
    expect(row.revision).toBe(before + 3);
    const cart = (row.state as { cart?: { items: { sku: string }[] } }).cart;
    expect(cart?.items.map((i) => i.sku).sort()).toEqual(["COFFEE-250", "GIFT-25", "MUG"]);
  });

  it("refuses unknown keys and other sessions' conversations", async () => {
    await expect(
      startConversation(db, {
        publicKey: "pk_nope",
        channel: "web",
        externalUserId: "sess_aaaaaaaa",
        externalChatId: "sess_aaaaaaaa",
      }),
    ).rejects.toMatchObject({ status: 404 });
    const chat = webChat();
    await chat.start();
    await expect(
      handleInbound(db, {
        publicKey: shop.publicKey,
        channel: "web",
        externalUserId: "sess_intruder1",
        externalChatId: "sess_intruder1",
        conversationId: chat.conversationId,
        message: { platformMessageId: randomUUID(), text: "1" },
      }),
    ).rejects.toMatchObject({ status: 404 });
    await expect(chat.say("x".repeat(120 * 1024))).rejects.toMatchObject({ status: 413 });
  });
});
