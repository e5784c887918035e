// A payment's detail on a hand-built fixture: amounts, names, the provider dashboard link, the
// conversation that led to it and ONE timeline merged in order from the payment, the chat, the
// webhook inbox, payment events, refunds, disputes, the audit log and alerts. Raw webhook bodies
// reach only roles that may read payloads; analysts get no transcript; another merchant gets 404.
import type { Db, DbHandle } from "@/db/client";
import {
  alerts,
  auditLog,
  connections,
  conversationEvents,
  conversationMessages,
  conversations,
  disputes,
  flows,
  paymentEvents,
  payments,
  refunds,
  webhookInbox,
} from "@/db/schema";
import { NotFoundError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { getPaymentDetail } from "@/lib/payments/detail";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { configurePipelineEnv, merchantWithRoles } from "./helpers/pipeline-fixtures";
import { ENGINES, openTestDatabase } from "./helpers/test-db";

vi.mock("server-only", () => ({}));
configurePipelineEnv();

const T0 = new Date("2026-12-01T10:00:00Z");
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

async function buildFixture(db: Db) {
  const roles = await merchantWithRoles(db);
  const { merchantId: m, owner } = roles;
  const connectionId = newId("connection");
  await db.insert(connections).values({
    merchantId: m,
    id: connectionId,
    provider: "stripe",
    label: "Stripe live EU",
    mode: "live",
    credentialsEncrypted: "unused",
    keyVersion: "v1",
  });
  const flowId = newId("flow");
  await db.insert(flows).values({
    merchantId: m,
    id: flowId,
    name: "Order and pay",
    publicKey: `pk_${flowId}`,
    draftGraph: {},
  });
  const conversationId = newId("conversation");
  const paymentId = newId("payment");
  const checkoutUrl = "https://checkout.stripe.com/c/pay/cs_live_a1";
  await db.insert(conversations).values({
    merchantId: m,
    id: conversationId,
    flowId,
    channel: "telegram",
    externalUserId: "u1",
    externalChatId: "c1",
    mode: "live",
    state: {
      cart: {
        items: [{ sku: "croissant", quantity: 2, unitMinor: 1_250 }],
        totalMinor: 2_500,
        currency: "EUR",
      },
    },
    startedAt: at(-120),
  });
  const message = (seconds: number, direction: "inbound" | "outbound", body: unknown) =>
    db.insert(conversationMessages).values({
      merchantId: m,
      id: newId("message"),
      conversationId,
      direction,
      body,
      createdAt: at(seconds),
    });
  await message(-100, "outbound", { kind: "text", text: "2 croissants, €25.00 in all. Confirm?" });
  await message(-90, "inbound", { kind: "text", text: "Yes please", choiceValue: "yes" });
  await message(-1, "outbound", {
    kind: "payment_link",
    text: "Pay here",
    url: checkoutUrl,
    amountMinor: 2_500,
    currency: "EUR",
    methods: ["card"],
  });
  await db.insert(conversationEvents).values([
    {
      merchantId: m,
      id: newId("conversationEvent"),
      conversationId,
      flowId,
      nodeId: "pay",
      nodeType: "pay",
      kind: "payment_link_sent",
      detail: { detail: paymentId },
      occurredAt: at(1),
    },
    // Another payment's link in the same chat: not on this timeline.
    {
      merchantId: m,
      id: newId("conversationEvent"),
      conversationId,
      flowId,
      nodeId: "pay",
      nodeType: "pay",
      kind: "payment_link_sent",
      detail: { detail: "pay_someone_else" },
      occurredAt: at(2),
    },
  ]);

  await db.insert(payments).values({
    merchantId: m,
    id: paymentId,
    connectionId,
    provider: "stripe",
    conversationId,
    flowId,
    amountMinor: 2_500,
    currency: "EUR",
    method: "card",
    status: "partially_refunded",
    idempotencyKey: paymentId,
    providerCheckoutId: "cs_live_a1",
    providerPaymentId: "pi_3Abc",
    checkoutUrl,
    customerEmail: "ana@example.test",
    refundedMinor: 1_000,
    mode: "live",
    createdAt: at(0),
    succeededAt: at(60),
  });
  const webhookId = newId("webhook");
  await db.insert(webhookInbox).values({
    merchantId: m,
    id: webhookId,
    connectionId,
    provider: "stripe",
    headers: {},
    rawBody: '{"id":"evt_1","type":"checkout.session.completed"}',
    verified: true,
    status: "applied",
    eventTypes: ["checkout.session.completed"],
    receivedAt: at(61),
  });
  await db.insert(paymentEvents).values([
    {
      merchantId: m,
      id: newId("paymentEvent"),
      paymentId,
      connectionId,
      source: "parley",
      type: "checkout.created",
      statusAfter: "created",
      occurredAt: at(0.5),
    },
    {
      merchantId: m,
      id: newId("paymentEvent"),
      paymentId,
      connectionId,
      source: "provider",
      providerEventId: "evt_1",
      type: "payment.succeeded",
      rawType: "checkout.session.completed",
      amountMinor: 2_500,
      currency: "EUR",
      statusAfter: "succeeded",
      webhookId,
      occurredAt: at(60),
      recordedAt: at(61),
    },
  ]);
  await db.insert(refunds).values({
    merchantId: m,
    id: newId("refund"),
    paymentId,
    mode: "live",
    amountMinor: 1_000,
    currency: "EUR",
    status: "succeeded",
    reason: "One croissant was missing",
    idempotencyKey: "r1",
    createdByUserId: owner.user.id,
    createdAt: at(600),
  });
  await db.insert(auditLog).values({
    merchantId: m,
    id: newId("audit"),
    actorUserId: owner.user.id,
    actorEmail: owner.user.email,
    action: "payment.refunded",
    targetType: "payment",
    targetId: paymentId,
    summary: "Refund of 1000 EUR (minor units) succeeded",
    createdAt: at(601),
  });
  await db.insert(disputes).values({
    merchantId: m,
    id: newId("dispute"),
    paymentId,
    connectionId,
    mode: "live",
    providerDisputeId: "dp_1",
    reason: "fraudulent",
    amountMinor: 1_500,
    currency: "EUR",
    status: "needs_response",
    openedAt: at(3_600),
  });
  await db.insert(alerts).values([
    {
      merchantId: m,
      id: newId("alert"),
      mode: "live",
      kind: "card_testing",
      severity: "warning",
      title: "Card testing from one customer",
      detail: { paymentId },
      openedAt: at(3_601),
    },
    {
      merchantId: m,
      id: newId("alert"),
      mode: "live",
      kind: "card_testing",
      severity: "warning",
      title: "About another payment",
      detail: { paymentId: "pay_other" },
      openedAt: at(3_602),
    },
  ]);
  return { ...roles, paymentId, conversationId, connectionId, webhookId };
}

describe.each(ENGINES)("payment detail on %s", (engine) => {
  let handle: DbHandle;
  let db: Db;
  let f: Awaited<ReturnType<typeof buildFixture>>;

  beforeAll(async () => {
    handle = await openTestDatabase(engine);
    db = handle.db;
    f = await buildFixture(db);
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("gives amounts, names and the provider dashboard link", async () => {
    const d = await getPaymentDetail(f.owner, f.paymentId);
    expect(d.amounts).toEqual({
      currency: "EUR",
      paidMinor: 2_500,
      refundedMinor: 1_000,
      reservedMinor: 0,
      netMinor: 1_500,
    });
    expect(d.connectionLabel).toBe("Stripe live EU");
    expect(d.flowName).toBe("Order and pay");
    expect(d.providerLink).toEqual({
      label: "Payment intent",
      id: "pi_3Abc",
      href: "https://dashboard.stripe.com/payments/pi_3Abc",
    });
  });

  it("merges every event into one ordered timeline", async () => {
    const d = await getPaymentDetail(f.owner, f.paymentId);
    expect(d.timeline.map((e) => [e.kind, e.source, e.title, e.at.toISOString()])).toEqual([
      ["created", "system", "Payment created", at(0).toISOString()],
      ["state_change", "system", "checkout.created", at(0.5).toISOString()],
      ["link_sent", "system", "Payment link sent in the chat", at(1).toISOString()],
      ["state_change", "provider", "payment.succeeded", at(60).toISOString()],
      ["webhook", "provider", "Webhook received (applied)", at(61).toISOString()],
      [
        "refund",
        "user",
        `Refund of €10.00 requested by ${f.owner.user.email} — succeeded`,
        at(600).toISOString(),
      ],
      ["audit", "user", "Refund of 1000 EUR (minor units) succeeded", at(601).toISOString()],
      ["dispute", "provider", "Dispute opened: fraudulent", at(3_600).toISOString()],
      ["alert", "system", "Alert: Card testing from one customer", at(3_601).toISOString()],
    ]);
    const webhook = d.timeline.find((e) => e.kind === "webhook")!;
    expect(webhook.href).toBe(`/connections/${f.connectionId}/deliveries/${f.webhookId}`);
    expect(webhook.payload).toBe('{"id":"evt_1","type":"checkout.session.completed"}');
    expect(d.timeline.find((e) => e.kind === "dispute")!.href).toBe(
      "https://dashboard.stripe.com/disputes/dp_1",
    );
  });

  it("shows the conversation: what the customer was shown and confirmed", async () => {
    const d = await getPaymentDetail(f.support, f.paymentId);
    expect(d.conversation).toMatchObject({
      id: f.conversationId,
      channel: "telegram",
      cart: {
        items: [{ sku: "croissant", quantity: 2, unitMinor: 1_250 }],
        totalMinor: 2_500,
        currency: "EUR",
      },
      shown: { amountMinor: 2_500, currency: "EUR", at: at(-1) },
      confirmed: { text: "Yes please", at: at(-90) },
    });
    expect(d.conversation!.messages.map((msg) => msg.view?.kind)).toEqual([
      "text",
      "text",
      "payment_link",
    ]);
  });

  it("keeps raw payloads from support and the transcript from analysts", async () => {
    const support = await getPaymentDetail(f.support, f.paymentId);
    const webhook = support.timeline.find((e) => e.kind === "webhook")!;
    expect(webhook.payload).toBeUndefined();
    expect(JSON.stringify(support.timeline)).not.toContain("evt_1");
    const analyst = await getPaymentDetail(f.analyst, f.paymentId);
    expect(analyst.conversation).toBeNull();
    // The link-sent step carries no customer data: analysts still see it.
    expect(analyst.timeline.map((e) => e.kind)).toContain("link_sent");
  });

  it("another merchant's payment does not exist", async () => {
    const stranger = await merchantWithRoles(db, "Nusantara Batik");
    await expect(getPaymentDetail(stranger.owner, f.paymentId)).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });
});
