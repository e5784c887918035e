// A flow's pay node paying in crypto through Coinbase Commerce (the fake): the customer picks
// crypto, gets the hosted charge link in the chat, and the conversation follows the charge's real
// outcome — an underpayment is not paid (no receipt) until it is resolved; expiry is expiry.
import type { Db, DbHandle } from "@/db/client";
import { conversationMessages, conversations, payments } from "@/db/schema";
import { createConnection } from "@/lib/connections/service";
import { handleInbound, startConversation } from "@/lib/conversations/engine";
import { toMessageView } from "@/lib/conversations/engine/messages";
import { registerConversationJobs } from "@/lib/conversations/jobs";
import { runDueJobs } from "@/lib/jobs/runner";
import { handleWebhookRequest } from "@/lib/webhooks/receive";
import { type FakeCoinbase, startFakeCoinbase } from "@/tests/fakes/coinbase-server";
import { and, eq } from "drizzle-orm";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  insertPublishedFlow,
  insertSandboxConnection,
  orderAndPayGraph,
} from "../conversations.fixtures";
import { APP_URL, configurePipelineEnv, merchantWithRoles } from "../helpers/pipeline-fixtures";
import { ENGINES, openTestDatabase } from "../helpers/test-db";

configurePipelineEnv();

describe.each(ENGINES)("a crypto payment in a conversation, on %s", (engine) => {
  let handle: DbHandle;
  let db: Db;
  let fake: FakeCoinbase;
  let merchantId: string;
  let connectionId: string;
  let publicKey: string;

  beforeAll(async () => {
    registerConversationJobs();
    handle = await openTestDatabase(engine);
    db = handle.db;
    fake = await startFakeCoinbase({
      sink: async (delivery) => {
        const response = await handleWebhookRequest(
          db,
          connectionId,
          new Request(`${APP_URL}/api/webhooks/${connectionId}`, {
            method: "POST",
            headers: delivery.headers,
            body: delivery.rawBody,
          }),
        );
        expect(response.status).toBe(200);
      },
    });
    const shop = await merchantWithRoles(db, "Crypto Café");
    merchantId = shop.merchantId;
    ({ id: connectionId } = await createConnection(shop.owner, {
      provider: "coinbase",
      label: "Coinbase",
      mode: "test",
      credentials: { apiKey: fake.apiKey, webhookSecret: fake.webhookSecret },
      apiBaseUrl: fake.url,
    }));
    // Cards on the Sandbox beside it: the customer really picks crypto among the methods.
    await insertSandboxConnection(db, merchantId, { methods: ["card"], currencies: ["EUR"] });
    ({ publicKey } = await insertPublishedFlow(db, merchantId, orderAndPayGraph(["en"])));
  });
  afterAll(async () => {
    await fake?.close();
    await handle?.close();
  });

  function webChat() {
    const session = `sess_${randomUUID()}`;
    const who = { channel: "web" as const, externalUserId: session, externalChatId: session };
    let conversationId = "";
    return {
      get conversationId() {
        return conversationId;
      },
      async start() {
        const result = await startConversation(db, { publicKey, ...who, lang: "en" });
        conversationId = result.conversationId;
        return result;
      },
      say(text: string, choice?: string) {
        return handleInbound(db, {
          publicKey,
          ...who,
          conversationId,
          now: new Date(),
          message: { platformMessageId: randomUUID(), text, choiceValue: choice },
        });
      },
    };
  }

  async function payByCrypto() {
    const chat = webChat();
    await chat.start();
    await chat.say("1 x2");
    await chat.say("done");
    // The order is confirmed before the methods are offered (the confirm step).
    const summary = await chat.say("Confirm");
    const methods = summary.messages.find((m) => m.kind === "choices");
    expect(methods?.options?.map((o) => o.value)).toEqual(["card", "crypto"]);
    const linked = await chat.say("Crypto", "crypto");
    const link = linked.messages.find((m) => m.kind === "payment_link");
    const [payment] = await db
      .select()
      .from(payments)
      .where(
        and(eq(payments.merchantId, merchantId), eq(payments.conversationId, chat.conversationId)),
      );
    expect(payment).toMatchObject({ provider: "coinbase", connectionId });
    // The link in the chat is Coinbase's hosted charge page.
    expect(link?.url).toBe(fake.charge(payment.providerCheckoutId!)!.hosted_url);
    return { chat, payment };
  }

  /** The conversation once the pipeline's jobs ran, with what the bot said. */
  async function conversation(id: string) {
    await runDueJobs(db, new Date(Date.now() + 1000));
    const [row] = await db.select().from(conversations).where(eq(conversations.id, id));
    const messages = await db
      .select()
      .from(conversationMessages)
      .where(
        and(
          eq(conversationMessages.merchantId, merchantId),
          eq(conversationMessages.conversationId, id),
        ),
      );
    const said = messages
      .filter((m) => m.direction === "outbound")
      .map(toMessageView)
      .filter((v) => v !== null);
    return {
      status: row.status,
      receipt: said.some((v) => v.kind === "receipt"),
      expiredNotice: said.some((v) => v.text.includes("payment link has expired")),
    };
  }

  it("an underpaid charge gets no receipt; once resolved on Coinbase it is paid", async () => {
    const { chat, payment } = await payByCrypto();
    await fake.pay(payment.providerCheckoutId!, "underpay", "USDC");
    const waiting = await conversation(chat.conversationId);
    expect(waiting).toMatchObject({ receipt: false, expiredNotice: false });
    expect(waiting.status).not.toBe("completed");

    await fake.resolve(payment.providerCheckoutId!);
    const done = await conversation(chat.conversationId);
    expect(done).toMatchObject({ status: "completed", receipt: true });
  });

  it("an exact payment completes the conversation; an expired charge does not", async () => {
    const paid = await payByCrypto();
    await fake.pay(paid.payment.providerCheckoutId!, "exact", "BTC");
    expect(await conversation(paid.chat.conversationId)).toMatchObject({
      status: "completed",
      receipt: true,
      expiredNotice: false,
    });

    const expired = await payByCrypto();
    await fake.pay(expired.payment.providerCheckoutId!, "expire");
    // The flow's "expired" branch: the customer is told, no receipt.
    expect(await conversation(expired.chat.conversationId)).toMatchObject({
      receipt: false,
      expiredNotice: true,
    });
    const [stored] = await db
      .select({ status: payments.status })
      .from(payments)
      .where(and(eq(payments.merchantId, merchantId), eq(payments.id, expired.payment.id)));
    expect(stored.status).toBe("expired");
  });
});
