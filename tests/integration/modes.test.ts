// Issue 15: test and live kept apart. A live flow with a live Stripe connection and a Sandbox
// connection takes every payment through Stripe; publishing live without a live connection is
// refused with nothing written; payments, refunds and disputes carry their conversation's mode.
import type { Db, DbHandle } from "@/db/client";
import {
  auditLog,
  conversationMessages,
  conversations,
  disputes,
  flows,
  flowVersions,
  payments,
  refunds,
} from "@/db/schema";
import type { ServiceContext } from "@/lib/auth/context";
import { createConnection } from "@/lib/connections/service";
import { handleInbound, handlePaymentUpdate, startConversation } from "@/lib/conversations/engine";
import { registerConversationJobs } from "@/lib/conversations/jobs";
import { AppError } from "@/lib/errors";
import { createFlowFromTemplate, LivePublishRefusedError, publishFlow } from "@/lib/flows/service";
import { handleWebhookRequest } from "@/lib/webhooks/receive";
import { buildStripeEvent, signStripeEvent } from "@/tests/fakes/stripe-server";
import { and, eq } from "drizzle-orm";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  APP_URL,
  configurePipelineEnv,
  merchantWithRoles,
  sandboxConnection,
  useFakeProviders,
} from "./helpers/pipeline-fixtures";
import { ENGINES, openTestDatabase } from "./helpers/test-db";

configurePipelineEnv();

const fakes = useFakeProviders();
const STRIPE_SECRET = "whsec_modes_live";
const LIVE_KEY = "sk_live_parleyModesTest0123456789abcd";

function stripeCreates(): number {
  return fakes.stripe.requests.filter(
    (r) => r.method === "POST" && r.path === "/v1/checkout/sessions" && r.status === 200,
  ).length;
}

describe.each(ENGINES)("test and live modes on %s", (engine) => {
  let handle: DbHandle;
  let db: Db;
  let owner: ServiceContext;
  let merchantId: string;
  let sandboxId: string;
  let stripeId: string;

  beforeAll(async () => {
    registerConversationJobs();
    handle = await openTestDatabase(engine);
    db = handle.db;
    ({ owner, merchantId } = await merchantWithRoles(db));
    // Sandbox first: before issue 15 it was preferred whatever the conversation.
    sandboxId = (await sandboxConnection(owner)).id;
    fakes.stripe.setValidKey(LIVE_KEY);
    ({ id: stripeId } = await createConnection(owner, {
      provider: "stripe",
      label: "Stripe live",
      mode: "live",
      credentials: { secretKey: LIVE_KEY, webhookSecret: STRIPE_SECRET },
      apiBaseUrl: fakes.stripe.url,
    }));
  });
  afterAll(async () => {
    await handle?.close();
  });

  async function newFlow(name: string) {
    const { id } = await createFlowFromTemplate(owner, {
      templateId: "order_and_pay",
      name,
      currency: "EUR",
      languages: ["en"],
      defaultLanguage: "en",
    });
    const [flow] = await db.select().from(flows).where(eq(flows.id, id));
    return flow;
  }

  /** A customer on the flow's web chat, through to the payment link. */
  async function customerPays(publicKey: string) {
    const session = `sess_${randomUUID()}`;
    const who = { channel: "web" as const, externalUserId: session, externalChatId: session };
    const started = await startConversation(db, { publicKey, ...who, lang: "en" });
    const say = (text: string, choice?: string) =>
      handleInbound(db, {
        publicKey,
        ...who,
        conversationId: started.conversationId,
        message: { platformMessageId: randomUUID(), text, choiceValue: choice },
      });
    const catalogue = started.messages.find((m) => m.kind === "choices");
    await say("1", catalogue?.options?.[0]?.value);
    await say("done");
    const summary = await say("Confirm");
    const offered = summary.messages.find((m) => m.kind === "choices")?.options ?? [];
    const paid = await say("Card", "card");
    return {
      conversationId: started.conversationId,
      offered: offered.map((o) => o.value),
      link: paid.messages.find((m) => m.kind === "payment_link"),
    };
  }

  async function paymentOf(conversationId: string) {
    const [row] = await db
      .select()
      .from(payments)
      .where(and(eq(payments.merchantId, merchantId), eq(payments.conversationId, conversationId)));
    return row;
  }

  async function receiptOf(conversationId: string): Promise<string | undefined> {
    const rows = await db
      .select()
      .from(conversationMessages)
      .where(eq(conversationMessages.conversationId, conversationId));
    const body = rows.map((r) => r.body as { kind: string; text?: string });
    return body.find((b) => b.kind === "receipt")?.text;
  }

  function postStripe(event: unknown) {
    const { payload, header } = signStripeEvent(event, STRIPE_SECRET);
    return handleWebhookRequest(
      db,
      stripeId,
      new Request(`${APP_URL}/api/webhooks/${stripeId}`, {
        method: "POST",
        headers: { "content-type": "application/json", "stripe-signature": header },
        body: payload,
      }),
    );
  }

  it("takes every payment of a live flow through the live Stripe connection, never Sandbox", async () => {
    const flow = await newFlow("Live shop");
    const published = await publishFlow(owner, { flowId: flow.id, mode: "live" });
    expect(published.mode).toBe("live");
    const before = stripeCreates();
    for (let i = 0; i < 3; i++) {
      const chat = await customerPays(flow.publicKey);
      // Only what the live connection takes is offered (the Sandbox offers every method).
      expect(chat.offered).not.toContain("installments");
      expect(chat.offered).not.toContain("paypal");
      expect(chat.link?.url).toBeDefined();
      expect(chat.link?.url).not.toContain("/pay/sandbox/");
      const payment = await paymentOf(chat.conversationId);
      expect(payment).toMatchObject({ connectionId: stripeId, provider: "stripe", mode: "live" });
      const [conversation] = await db
        .select()
        .from(conversations)
        .where(eq(conversations.id, chat.conversationId));
      expect(conversation?.mode).toBe("live");
    }
    expect(stripeCreates() - before).toBe(3);
    const onSandbox = await db
      .select()
      .from(payments)
      .where(and(eq(payments.merchantId, merchantId), eq(payments.connectionId, sandboxId)));
    expect(onSandbox).toEqual([]);
  });

  it("pays a flow published in test mode on Sandbox, as test rows", async () => {
    const flow = await newFlow("Trial shop");
    await publishFlow(owner, { flowId: flow.id, mode: "test" });
    const before = stripeCreates();
    const chat = await customerPays(flow.publicKey);
    expect(chat.link?.url).toContain("/pay/sandbox/");
    const payment = await paymentOf(chat.conversationId);
    expect(payment).toMatchObject({ connectionId: sandboxId, mode: "test" });
    expect(stripeCreates()).toBe(before);
    // The receipt says no money moved.
    await handlePaymentUpdate(db, merchantId, payment.id, "succeeded");
    expect(await receiptOf(chat.conversationId)).toContain("(Test mode — no money moved.)");
  });

  it("refuses a live publish without a live connection, naming what to connect, writing nothing", async () => {
    const other = await merchantWithRoles(db, "Test-only shop");
    await sandboxConnection(other.owner);
    const { id } = await createFlowFromTemplate(other.owner, {
      templateId: "order_and_pay",
      name: "Not yet live",
      currency: "EUR",
    });
    const audits = async () =>
      (await db.select().from(auditLog).where(eq(auditLog.merchantId, other.merchantId))).length;
    const auditsBefore = await audits();
    const error = await publishFlow(other.owner, { flowId: id }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LivePublishRefusedError);
    expect((error as AppError).status).toBe(422);
    expect((error as AppError).message).toMatch(/active live connection \(Stripe, PayPal, Adyen\)/);
    expect((error as AppError).message).toMatch(/connect one or publish in test mode/);
    expect(
      await db.select().from(flowVersions).where(eq(flowVersions.merchantId, other.merchantId)),
    ).toEqual([]);
    const [flow] = await db.select().from(flows).where(eq(flows.id, id));
    expect(flow).toMatchObject({ status: "draft", publishedVersionId: null });
    expect(await audits()).toBe(auditsBefore);
    // In test mode the same flow publishes.
    const published = await publishFlow(other.owner, { flowId: id, mode: "test" });
    expect(published.mode).toBe("test");
  });

  it("copies the conversation's mode onto its payment, refund and dispute", async () => {
    const flow = await newFlow("Live shop 2");
    await publishFlow(owner, { flowId: flow.id, mode: "live" });
    const chat = await customerPays(flow.publicKey);
    const payment = await paymentOf(chat.conversationId);
    const intent = `pi_${payment.id.slice(4)}`;
    const created = Math.floor(Date.now() / 1000);
    const paid = buildStripeEvent(
      "checkout.session.completed",
      {
        id: payment.providerCheckoutId,
        object: "checkout.session",
        payment_intent: intent,
        payment_status: "paid",
        status: "complete",
        amount_total: payment.amountMinor,
        currency: "eur",
        client_reference_id: payment.id,
        metadata: { parley_payment_id: payment.id },
      },
      { created: created - 30 },
    );
    const refunded = buildStripeEvent(
      "refund.updated",
      {
        id: `re_${payment.id.slice(4, 16)}`,
        object: "refund",
        amount: 100,
        currency: "eur",
        status: "succeeded",
        payment_intent: intent,
        metadata: {},
      },
      { created: created - 20 },
    );
    const disputed = buildStripeEvent(
      "charge.dispute.created",
      {
        id: `dp_${payment.id.slice(4, 16)}`,
        object: "dispute",
        amount: payment.amountMinor - 100,
        currency: "eur",
        reason: "fraudulent",
        status: "needs_response",
        payment_intent: intent,
        metadata: { parley_payment_id: payment.id },
        evidence_details: { due_by: created + 7 * 86_400 },
      },
      { created: created - 10 },
    );
    for (const event of [paid, refunded, disputed])
      expect((await postStripe(event)).status).toBe(200);
    await handlePaymentUpdate(db, merchantId, payment.id, "succeeded");
    expect(await receiptOf(chat.conversationId)).not.toMatch(/Test mode/);
    const refundRows = await db
      .select()
      .from(refunds)
      .where(and(eq(refunds.merchantId, merchantId), eq(refunds.paymentId, payment.id)));
    const disputeRows = await db
      .select()
      .from(disputes)
      .where(and(eq(disputes.merchantId, merchantId), eq(disputes.paymentId, payment.id)));
    expect(refundRows.map((r) => r.mode)).toEqual(["live"]);
    expect(disputeRows.map((d) => d.mode)).toEqual(["live"]);
    expect(payment.mode).toBe("live");
  });

  it("keeps the schema's promise: no live Sandbox connection, no test/live value outside the two", async () => {
    await expect(
      createConnection(owner, {
        provider: "sandbox",
        label: "Live sandbox",
        mode: "live",
        credentials: {},
      }),
    ).rejects.toMatchObject({ status: 422, fieldErrors: { mode: expect.any(Array) } });
  });
});
