import { setDbHandle, type Db, type DbHandle } from "@/db/client";
import {
  auditLog,
  conversationHandoffs,
  conversationMessages,
  conversations,
  jobs,
  payments,
  users,
} from "@/db/schema";
import type { ServiceContext } from "@/lib/auth/context";
import { createChannel } from "@/lib/channels/records";
import {
  buildSandboxEvent,
  SANDBOX_SIGNATURE_HEADER,
  signSandboxWebhook,
} from "@/lib/connections/providers/sandbox/webhooks";
import { handleInbound } from "@/lib/conversations/engine";
import { getInboxPanel, listInbox } from "@/lib/conversations/inbox/queries";
import { reassignConversation } from "@/lib/conversations/inbox/reassign";
import {
  closeConversation,
  handBackConversation,
  replyToConversation,
  requestPayment,
  takeOverConversation,
} from "@/lib/conversations/inbox/service";
import { registerConversationJobs, runPaymentEventJob } from "@/lib/conversations/jobs";
import { getConversationDetail } from "@/lib/conversations/queries";
import { eventBusReady, stopEventBus, subscribeEvents, type ConsoleEvent } from "@/lib/events/bus";
import type { FlowGraph } from "@/lib/flows/graph";
import { phrase } from "@/lib/flows/i18n";
import { runDueJobs } from "@/lib/jobs/runner";
import { handleWebhookRequest } from "@/lib/webhooks/receive";
import { and, asc, eq } from "drizzle-orm";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeMeta, type FakeMeta } from "../../fakes/meta-server";
import { startFakeTelegram, type FakeTelegram } from "../../fakes/telegram-server";
import { insertPublishedFlow, orderAndPayGraph } from "../conversations.fixtures";
import {
  APP_URL,
  configurePipelineEnv,
  contextFor,
  merchantWithRoles,
  sandboxConnection,
} from "../helpers/pipeline-fixtures";
import { ENGINES, openTestDatabase } from "../helpers/test-db";

configurePipelineEnv();

const TELEGRAM = { botToken: "123456:AAE_fakeTelegramTokenForParley", secretToken: "parley-s_42" };
const WHATSAPP = {
  accessToken: "EAAJwhatsappSystemUserToken",
  appSecret: "wa-app-secret-77",
  verifyToken: "parley-wa-verify",
  phoneNumberId: "106540352242922",
};

/** The demo's shape: the order-and-pay template plus a hand-off node customers reach by asking. */
function graphWithHandoff(): FlowGraph {
  const graph = orderAndPayGraph(["en", "fr"]);
  graph.nodes.push({
    id: "person",
    type: "handoff",
    position: { x: 640, y: 0 },
    data: { label: "A person", text: {} },
  });
  return graph;
}

describe.each(ENGINES)("the Inbox on %s", (engine) => {
  let handle: DbHandle;
  let db: Db;
  let merchantId: string;
  let owner: ServiceContext;
  let support: ServiceContext;
  let support2: ServiceContext;
  let admin: ServiceContext;
  let analyst: ServiceContext;
  let stranger: ServiceContext;
  let flowId: string;
  let connectionId: string;
  let webhookSecret: string;
  let telegram: FakeTelegram;
  let meta: FakeMeta;
  let telegramChannel: string;
  let whatsappChannel: string;

  beforeAll(async () => {
    registerConversationJobs();
    handle = await openTestDatabase(engine);
    db = handle.db;
    setDbHandle(handle);
    const merchant = await merchantWithRoles(db);
    ({ merchantId, owner, support, analyst } = merchant);
    support2 = await contextFor(db, merchantId, "support");
    admin = await contextFor(db, merchantId, "admin");
    // Two support agents told apart by name in refusals and audit summaries.
    await db.update(users).set({ name: "Budi" }).where(eq(users.id, support2.user.id));
    const other = await merchantWithRoles(db, "Nusantara Batik");
    stranger = other.owner;
    ({ id: connectionId, webhookSecret } = await sandboxConnection(owner));
    ({ flowId } = await insertPublishedFlow(db, merchantId, graphWithHandoff()));
    [telegram, meta] = await Promise.all([
      startFakeTelegram({ botToken: TELEGRAM.botToken }),
      startFakeMeta({
        pageAccessToken: "unused-page-token",
        whatsappAccessToken: WHATSAPP.accessToken,
        phoneNumberId: WHATSAPP.phoneNumberId,
      }),
    ]);
    telegramChannel = (
      await createChannel(owner, flowId, "telegram", TELEGRAM, { apiBaseUrl: telegram.baseUrl })
    ).id;
    whatsappChannel = (
      await createChannel(owner, flowId, "whatsapp", WHATSAPP, { apiBaseUrl: meta.baseUrl })
    ).id;
  });
  afterAll(async () => {
    await stopEventBus();
    setDbHandle(undefined);
    await Promise.all([telegram?.close(), meta?.close()]);
    await handle?.close();
  });

  let key: string | undefined;
  async function publicKeyOf(): Promise<string> {
    if (key) return key;
    const { flows } = await import("@/db/schema");
    const [row] = await db
      .select({ publicKey: flows.publicKey })
      .from(flows)
      .where(and(eq(flows.merchantId, merchantId), eq(flows.id, flowId)));
    key = row.publicKey;
    return key;
  }

  async function sayOnWeb(conversationId: string, session: string, text: string) {
    return handleInbound(db, {
      channel: "web",
      externalUserId: session,
      externalChatId: session,
      publicKey: await publicKeyOf(),
      conversationId,
      message: { platformMessageId: randomUUID(), text },
    });
  }

  async function openWebChat() {
    const session = `sess_${randomUUID()}`;
    const first = await handleInbound(db, {
      channel: "web",
      externalUserId: session,
      externalChatId: session,
      publicKey: await publicKeyOf(),
      message: { platformMessageId: randomUUID(), text: "hello", lang: "en" },
    });
    return {
      id: first.conversationId,
      say: (text: string) => sayOnWeb(first.conversationId, session, text),
    };
  }

  async function handoffOf(conversationId: string) {
    const [row] = await db
      .select()
      .from(conversationHandoffs)
      .where(
        and(
          eq(conversationHandoffs.merchantId, merchantId),
          eq(conversationHandoffs.conversationId, conversationId),
        ),
      );
    return row;
  }

  async function conversationOf(conversationId: string) {
    const [row] = await db
      .select()
      .from(conversations)
      .where(and(eq(conversations.merchantId, merchantId), eq(conversations.id, conversationId)));
    return row;
  }

  async function messagesOf(conversationId: string) {
    return db
      .select()
      .from(conversationMessages)
      .where(
        and(
          eq(conversationMessages.merchantId, merchantId),
          eq(conversationMessages.conversationId, conversationId),
        ),
      )
      .orderBy(asc(conversationMessages.createdAt), asc(conversationMessages.id));
  }

  const textOf = (body: unknown) => (body as { text?: string }).text ?? "";

  it("a customer asking for a person waits in the Inbox; the bot stays quiet while an agent holds it, and resumes at the chosen step", async () => {
    const chat = await openWebChat();
    const asked = await chat.say("I want to talk to a person please");
    expect(asked.status).toBe("handed_off");
    expect(asked.messages.at(-1)?.text).toBe(phrase("handoff", "en"));
    const waiting = await handoffOf(chat.id);
    expect(waiting).toMatchObject({ status: "waiting", reason: "person", mode: "test" });

    const inbox = await listInbox(support, "test");
    expect(inbox.items.map((i) => i.conversationId)).toContain(chat.id);
    expect((await listInbox(support, "live")).items.map((i) => i.conversationId)).not.toContain(
      chat.id,
    );
    expect((await listInbox(stranger, "test")).items).toHaveLength(0);

    expect(await takeOverConversation(support, { conversationId: chat.id })).toEqual({
      changed: true,
    });
    expect(await handoffOf(chat.id)).toMatchObject({
      status: "assigned",
      assignedUserId: support.user.id,
    });
    const afterTake = await messagesOf(chat.id);
    expect(textOf(afterTake.at(-1)!.body)).toBe(phrase("agent_joined", "en"));

    // While a person holds it the bot answers nothing: the customer's message is only stored.
    const before = (await messagesOf(chat.id)).length;
    const quiet = await chat.say("1");
    expect(quiet.messages.filter((m) => m.direction === "outbound")).toHaveLength(0);
    expect((await messagesOf(chat.id)).length).toBe(before + 1);

    const reply = await replyToConversation(support, {
      conversationId: chat.id,
      text: "Hi, I am Sam from the team.",
      requestKey: "reply-key-0001",
    });
    expect(reply).toMatchObject({ duplicate: false, delivery: { status: "not_needed" } });
    // A double click: the same request key writes nothing more.
    const again = await replyToConversation(support, {
      conversationId: chat.id,
      text: "Hi, I am Sam from the team.",
      requestKey: "reply-key-0001",
    });
    expect(again).toMatchObject({ duplicate: true, messageId: reply.messageId });
    const teamMessages = (await messagesOf(chat.id)).filter(
      (m) => textOf(m.body) === "Hi, I am Sam from the team.",
    );
    expect(teamMessages).toHaveLength(1);
    expect(teamMessages[0].body).toMatchObject({
      author: { kind: "agent", userId: support.user.id },
    });

    // Another agent may not reply, hand back or close what Sam holds.
    await expect(
      replyToConversation(support2, {
        conversationId: chat.id,
        text: "me too",
        requestKey: "reply-key-0002",
      }),
    ).rejects.toMatchObject({ status: 409, message: expect.stringMatching(/support is handling/) });
    await expect(
      handBackConversation(support2, { conversationId: chat.id, nodeId: "catalogue" }),
    ).rejects.toMatchObject({ status: 409 });
    // The analyst may look, not act; another merchant does not see the conversation at all.
    await expect(takeOverConversation(analyst, { conversationId: chat.id })).rejects.toMatchObject({
      status: 403,
    });
    await expect(takeOverConversation(stranger, { conversationId: chat.id })).rejects.toMatchObject(
      { status: 404 },
    );

    await expect(
      handBackConversation(support, { conversationId: chat.id, nodeId: "no_such_node" }),
    ).rejects.toMatchObject({ status: 422 });
    await handBackConversation(support, { conversationId: chat.id, nodeId: "catalogue" });
    expect(await handoffOf(chat.id)).toMatchObject({ status: "returned" });
    const resumed = await conversationOf(chat.id);
    expect(resumed.status).toBe("waiting_input");
    expect((resumed.state as { currentNodeId: string }).currentNodeId).toBe("catalogue");
    // The bot speaks again: the catalogue's prompt, and it answers the next message.
    const last = (await messagesOf(chat.id)).at(-1)!;
    expect(textOf(last.body)).toMatch(/What would you like to order/);
    const bot = await chat.say("1");
    expect(bot.messages.some((m) => m.direction === "outbound")).toBe(true);
    expect((await listInbox(support, "test")).items.map((i) => i.conversationId)).not.toContain(
      chat.id,
    );

    const actions = (
      await db
        .select({ action: auditLog.action })
        .from(auditLog)
        .where(and(eq(auditLog.merchantId, merchantId), eq(auditLog.targetId, chat.id)))
    ).map((r) => r.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        "conversation.taken_over",
        "conversation.message_sent",
        "conversation.handed_back",
      ]),
    );
  });

  it("two agents taking one conversation at once: one wins, the other is told who holds it", async () => {
    const chat = await openWebChat();
    const results = await Promise.allSettled([
      takeOverConversation(support, { conversationId: chat.id }),
      takeOverConversation(support2, { conversationId: chat.id }),
    ]);
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r) => r.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0].reason).toMatchObject({
      status: 409,
      message: expect.stringMatching(/is handling this conversation|took this conversation first/),
    });
    const held = await handoffOf(chat.id);
    expect(held.status).toBe("assigned");
    // The bot was running: it is paused now, and the customer was told once.
    expect((await conversationOf(chat.id)).status).toBe("handed_off");
    const joined = (await messagesOf(chat.id)).filter(
      (m) => textOf(m.body) === phrase("agent_joined", "en"),
    );
    expect(joined).toHaveLength(1);
    const winner = held.assignedUserId === support.user.id ? support : support2;
    await closeConversation(winner, { conversationId: chat.id });
    expect((await conversationOf(chat.id)).status).toBe("completed");
    expect(await handoffOf(chat.id)).toMatchObject({ status: "closed" });
    // A closed conversation takes no payment request.
    await expect(
      requestPayment(winner, {
        conversationId: chat.id,
        amount: "5.00",
        description: "Late",
        methods: ["card"],
        expiresInMinutes: 60,
        requestKey: "closed-pay-1",
      }),
    ).rejects.toMatchObject({ status: 409, message: expect.stringMatching(/closed/) });
  });

  it("an admin reassigns a held conversation: the new holder replies, the previous one is refused with the new name, support may not reassign", async () => {
    const chat = await openWebChat();
    await chat.say("human");
    await takeOverConversation(support, { conversationId: chat.id });
    // Support may not move a chat, not even one they hold.
    await expect(
      reassignConversation(support, { conversationId: chat.id, assigneeUserId: support2.user.id }),
    ).rejects.toMatchObject({ status: 403 });
    // Only a member who may take chats over: not the analyst, not another merchant's owner.
    for (const assigneeUserId of [analyst.user.id, stranger.user.id])
      await expect(
        reassignConversation(admin, { conversationId: chat.id, assigneeUserId }),
      ).rejects.toMatchObject({ status: 422 });
    await expect(
      reassignConversation(stranger, { conversationId: chat.id, assigneeUserId: support2.user.id }),
    ).rejects.toMatchObject({ status: 404 });

    expect(
      await reassignConversation(admin, {
        conversationId: chat.id,
        assigneeUserId: support2.user.id,
      }),
    ).toEqual({ changed: true });
    expect(await handoffOf(chat.id)).toMatchObject({
      status: "assigned",
      assignedUserId: support2.user.id,
    });
    // The conversation shows who holds it now, to the previous holder too.
    const seen = await getInboxPanel({ ...support, userId: support.user.id }, chat.id);
    expect(seen).toMatchObject({ heldByMe: false, assignedUserId: support2.user.id });
    expect(seen.assignedName).toBe("Budi");
    await expect(
      replyToConversation(support, {
        conversationId: chat.id,
        text: "Still me",
        requestKey: "reassign-reply-a",
      }),
    ).rejects.toMatchObject({
      status: 409,
      message: expect.stringContaining("Budi is handling"),
    });
    const reply = await replyToConversation(support2, {
      conversationId: chat.id,
      text: "Hello, I am taking over from my colleague.",
      requestKey: "reassign-reply-b",
    });
    expect(reply.duplicate).toBe(false);
    // The customer was told a person joined once, at the takeover; the reassignment says nothing.
    const joined = (await messagesOf(chat.id)).filter(
      (m) => textOf(m.body) === phrase("agent_joined", "en"),
    );
    expect(joined).toHaveLength(1);
    // The admin may also take it themselves; the same holder again changes nothing.
    expect(
      await reassignConversation(admin, { conversationId: chat.id, assigneeUserId: admin.user.id }),
    ).toEqual({ changed: true });
    expect(
      await reassignConversation(admin, { conversationId: chat.id, assigneeUserId: admin.user.id }),
    ).toEqual({ changed: false });
    await closeConversation(admin, { conversationId: chat.id });
    await expect(
      reassignConversation(owner, { conversationId: chat.id, assigneeUserId: support.user.id }),
    ).rejects.toMatchObject({ status: 409 });

    const audits = await db
      .select()
      .from(auditLog)
      .where(
        and(
          eq(auditLog.merchantId, merchantId),
          eq(auditLog.targetId, chat.id),
          eq(auditLog.action, "conversation.reassigned"),
        ),
      );
    expect(audits).toHaveLength(2);
    expect(audits.map((a) => a.summary)).toEqual(
      expect.arrayContaining([
        "Reassigned the conversation from support to Budi",
        "Reassigned the conversation from Budi to themselves",
      ]),
    );
  });

  it("an agent's payment request goes through the Sandbox to paid by the webhook, once", async () => {
    const chat = await openWebChat();
    await chat.say("human");
    await takeOverConversation(support, { conversationId: chat.id });
    const input = {
      conversationId: chat.id,
      amount: "12,50",
      description: "Birthday cake deposit",
      methods: ["card" as const],
      expiresInMinutes: 60,
      requestKey: "pay-key-00001",
    };
    const requested = await requestPayment(support, input);
    const twice = await requestPayment(support, input);
    expect(twice).toMatchObject({ duplicate: true, paymentId: requested.paymentId });
    const rows = await db
      .select()
      .from(payments)
      .where(and(eq(payments.merchantId, merchantId), eq(payments.conversationId, chat.id)));
    expect(rows).toHaveLength(1);
    const payment = rows[0];
    expect(payment).toMatchObject({
      amountMinor: 1250,
      currency: "EUR",
      origin: "agent",
      createdByUserId: support.user.id,
      connectionId,
      mode: "test",
      status: "created",
    });
    expect(payment.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 55 * 60_000);
    const links = (await messagesOf(chat.id)).filter(
      (m) => (m.body as { kind: string }).kind === "payment_link",
    );
    expect(links).toHaveLength(1);
    expect(links[0].body).toMatchObject({ paymentId: payment.id, amountMinor: 1250 });

    const body = JSON.stringify(
      buildSandboxEvent({
        type: "payment.succeeded",
        providerPaymentId: payment.providerPaymentId!,
        paymentId: payment.id,
        amountMinor: 1250,
        currency: "EUR",
      }),
    );
    const deliverPaid = () =>
      handleWebhookRequest(
        db,
        connectionId,
        new Request(`${APP_URL}/api/webhooks/${connectionId}`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            [SANDBOX_SIGNATURE_HEADER]: signSandboxWebhook(body, webhookSecret),
          },
          body,
        }),
      );
    expect((await deliverPaid()).status).toBe(200);
    const live: ConsoleEvent[] = [];
    const unsubscribe = subscribeEvents((event) => live.push(event));
    try {
      await eventBusReady();
      await runDueJobs(db, new Date(Date.now() + 1000));
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      unsubscribe();
    }
    // The Inbox and the conversation page hear of the receipt at once.
    expect(live).toContainEqual(
      expect.objectContaining({ kind: "conversation", merchantId, id: chat.id }),
    );
    // The paid event delivered again, and the job run again (a retry): still one receipt.
    expect((await deliverPaid()).status).toBe(200);
    await runDueJobs(db, new Date(Date.now() + 2000));
    const [paidJob] = await db
      .select()
      .from(jobs)
      .where(and(eq(jobs.merchantId, merchantId), eq(jobs.dedupeKey, `${payment.id}:succeeded`)));
    expect(paidJob).toBeDefined();
    await runPaymentEventJob(paidJob, { db, now: new Date() });
    const receipts = (await messagesOf(chat.id)).filter(
      (m) => (m.body as { kind: string }).kind === "receipt",
    );
    expect(receipts).toHaveLength(1);
    const said = phrase("receipt", "en")
      .replace("{{total}}", "€12.50")
      .replace("{{reference}}", payment.id);
    expect(receipts[0].body).toMatchObject({
      kind: "receipt",
      text: `${said} ${phrase("receipt_test_mode", "en")}`,
      amountMinor: 1250,
      currency: "EUR",
      reference: payment.id,
      delivery: { status: "not_needed" },
    });
    expect(receipts[0].createdAt.getTime()).toBeGreaterThan(links[0].createdAt.getTime());
    const transcript = await getConversationDetail(support, chat.id);
    expect(transcript?.messages.filter((m) => m.view?.kind === "receipt")).toHaveLength(1);
    const [paid] = await db
      .select()
      .from(payments)
      .where(and(eq(payments.merchantId, merchantId), eq(payments.id, payment.id)));
    expect(paid.status).toBe("succeeded");
    // The agent still holds the chat: the bot said nothing about a payment it did not ask for.
    expect((await conversationOf(chat.id)).status).toBe("handed_off");
    const inbox = await listInbox(support, "test");
    const item = inbox.items.find((i) => i.conversationId === chat.id);
    expect(item?.payments).toEqual([
      expect.objectContaining({ id: payment.id, status: "succeeded", origin: "agent" }),
    ]);
    const [audit] = await db
      .select()
      .from(auditLog)
      .where(
        and(
          eq(auditLog.merchantId, merchantId),
          eq(auditLog.action, "conversation.payment_requested"),
          eq(auditLog.targetId, payment.id),
        ),
      );
    expect(audit).toBeDefined();
  });

  it("a reply goes out through Telegram in the platform's wire format; WhatsApp refuses outside 24 h", async () => {
    const chatId = `tg_${randomUUID().slice(0, 8)}`;
    const first = await handleInbound(db, {
      channel: "telegram",
      channelId: telegramChannel,
      externalUserId: chatId,
      externalChatId: chatId,
      publicKey: await publicKeyOf(),
      message: { platformMessageId: randomUUID(), text: "hi" },
    });
    const asked = await handleInbound(db, {
      channel: "telegram",
      channelId: telegramChannel,
      externalUserId: chatId,
      externalChatId: chatId,
      publicKey: await publicKeyOf(),
      message: { platformMessageId: randomUUID(), text: "I need a human" },
    });
    expect(asked.status).toBe("handed_off");
    await takeOverConversation(support, { conversationId: first.conversationId });
    const sentBefore = telegram.sent.length;
    const reply = await replyToConversation(support, {
      conversationId: first.conversationId,
      text: "Bonjour <friend> & welcome",
      requestKey: "tg-reply-0001",
    });
    expect(reply.delivery.status).toBe("sent");
    const wire = telegram.sent.slice(sentBefore);
    expect(wire).toHaveLength(1);
    expect(wire[0]).toMatchObject({
      chatId,
      plainText: "Bonjour <friend> & welcome",
      text: "Bonjour &lt;friend&gt; &amp; welcome",
    });
    await expect(
      replyToConversation(support, {
        conversationId: first.conversationId,
        text: "x".repeat(4097),
        requestKey: "tg-reply-0002",
      }),
    ).rejects.toMatchObject({ status: 422, message: expect.stringMatching(/at most 4096/) });

    const waId = `3361${Math.floor(Math.random() * 1e8)}`;
    const wa = await handleInbound(db, {
      channel: "whatsapp",
      channelId: whatsappChannel,
      externalUserId: waId,
      externalChatId: waId,
      publicKey: await publicKeyOf(),
      message: { platformMessageId: randomUUID(), text: "hello" },
    });
    await takeOverConversation(support, { conversationId: wa.conversationId });
    // The customer's last message was 25 hours ago.
    await db
      .update(conversationMessages)
      .set({ createdAt: new Date(Date.now() - 25 * 3_600_000) })
      .where(
        and(
          eq(conversationMessages.merchantId, merchantId),
          eq(conversationMessages.conversationId, wa.conversationId),
          eq(conversationMessages.direction, "inbound"),
        ),
      );
    await expect(
      replyToConversation(support, {
        conversationId: wa.conversationId,
        text: "Still there?",
        requestKey: "wa-reply-0001",
      }),
    ).rejects.toMatchObject({ status: 422, message: expect.stringMatching(/within 24 hours/) });
    await expect(
      requestPayment(support, {
        conversationId: wa.conversationId,
        amount: "3.00",
        description: "Coffee",
        methods: ["card"],
        expiresInMinutes: 60,
        requestKey: "wa-pay-0001",
      }),
    ).rejects.toMatchObject({ status: 422, message: expect.stringMatching(/within 24 hours/) });
    const created = await db
      .select()
      .from(payments)
      .where(
        and(eq(payments.merchantId, merchantId), eq(payments.conversationId, wa.conversationId)),
      );
    expect(created).toHaveLength(0);
  });
});
