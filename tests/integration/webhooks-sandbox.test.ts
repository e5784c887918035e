import { POST } from "@/app/api/webhooks/[connectionId]/route";
import type { Db, DbHandle } from "@/db/client";
import { setDbHandle } from "@/db/client";
import { disputes, paymentEvents, refunds, webhookInbox } from "@/db/schema";
import type { ServiceContext } from "@/lib/auth/context";
import {
  buildSandboxEvent,
  SANDBOX_SIGNATURE_HEADER,
  signSandboxWebhook,
  type BuildSandboxEventInput,
} from "@/lib/connections/providers/sandbox/webhooks";
import { createConnection } from "@/lib/connections/service";
import { newId } from "@/lib/ids";
import { createCheckout } from "@/lib/payments/checkout";
import { getPaymentWithTimeline } from "@/lib/payments/detail";
import { refundPayment } from "@/lib/payments/refunds";
import { applyDelivery } from "@/lib/webhooks/apply/delivery";
import { handleWebhookRequest } from "@/lib/webhooks/receive";
import { recoverInbox } from "@/lib/webhooks/recovery";
import { and, count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  APP_URL,
  configurePipelineEnv,
  connectionRow,
  deliveriesOf,
  eventsOf,
  merchantWithRoles,
  paymentRow,
  sandboxConnection,
} from "./helpers/pipeline-fixtures";
import { ENGINES, openTestDatabase } from "./helpers/test-db";

configurePipelineEnv();

describe.each(ENGINES)("Sandbox webhooks on %s", (engine) => {
  let handle: DbHandle;
  let db: Db;
  let owner: ServiceContext;
  let merchantId: string;
  let connectionId: string;
  let secret: string;

  beforeAll(async () => {
    handle = await openTestDatabase(engine);
    db = handle.db;
    const merchant = await merchantWithRoles(db);
    owner = merchant.owner;
    merchantId = merchant.merchantId;
    ({ id: connectionId, webhookSecret: secret } = await sandboxConnection(owner));
  });
  afterAll(async () => {
    await handle?.close();
  });

  async function newPayment(amountMinor = 2500, currency = "EUR") {
    return createCheckout(db, merchantId, {
      connectionId,
      amountMinor,
      currency,
      methods: ["card"],
      description: "Two croissants",
      idempotencyKey: newId("payment"),
    });
  }

  function event(
    payment: { id: string; providerPaymentId: string | null },
    input: Partial<BuildSandboxEventInput> & Pick<BuildSandboxEventInput, "type">,
  ) {
    return buildSandboxEvent({
      providerPaymentId: payment.providerPaymentId!,
      paymentId: payment.id,
      amountMinor: 2500,
      currency: "EUR",
      ...input,
    });
  }

  function request(body: string, headers: Record<string, string> = {}, target = connectionId) {
    return new Request(`${APP_URL}/api/webhooks/${target}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body,
    });
  }

  function signed(body: unknown, options: { secret?: string; timestamp?: number } = {}) {
    const raw = typeof body === "string" ? body : JSON.stringify(body);
    return request(raw, {
      [SANDBOX_SIGNATURE_HEADER]: signSandboxWebhook(
        raw,
        options.secret ?? secret,
        options.timestamp,
      ),
    });
  }

  async function deliver(body: unknown, options?: { secret?: string; timestamp?: number }) {
    return handleWebhookRequest(db, connectionId, signed(body, options));
  }

  async function inboxCount(): Promise<number> {
    const [row] = await db
      .select({ n: count() })
      .from(webhookInbox)
      .where(eq(webhookInbox.merchantId, merchantId));
    return row.n;
  }

  it("applies a verified success and acknowledges it", async () => {
    const payment = await newPayment();
    const response = await deliver(
      event(payment, { type: "payment.succeeded", method: "apple_pay" }),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true });
    const after = await paymentRow(db, merchantId, payment.id);
    expect(after.status).toBe("succeeded");
    expect(after.method).toBe("apple_pay");
    expect(after.succeededAt).toBeInstanceOf(Date);
    const delivery = (await deliveriesOf(db, merchantId, connectionId)).find(
      (d) => d.id === response.headers.get("x-parley-delivery"),
    );
    expect(delivery).toMatchObject({
      verified: true,
      status: "applied",
      eventTypes: ["payment.succeeded"],
      attempts: 1,
    });
    expect((await connectionRow(db, merchantId, connectionId)).lastEventAt).toBeInstanceOf(Date);
  });

  it("refuses a forged signature: 400, stored as rejected, failures counted, nothing else changes", async () => {
    const payment = await newPayment();
    const before = await connectionRow(db, merchantId, connectionId);
    const response = await deliver(event(payment, { type: "payment.succeeded" }), {
      secret: "whsec_sbx_not_the_right_secret_at_all",
    });
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatch(/does not match/);
    const after = await connectionRow(db, merchantId, connectionId);
    expect(after.signatureFailures).toBe(before.signatureFailures + 1);
    expect(after.lastError).toMatch(/bad_signature/);
    expect((await paymentRow(db, merchantId, payment.id)).status).toBe("created");
    expect((await eventsOf(db, merchantId, payment.id)).map((e) => e.type)).toEqual([
      "checkout.created",
    ]);
    const row = (await deliveriesOf(db, merchantId, connectionId)).find(
      (d) => d.id === response.headers.get("x-parley-delivery"),
    )!;
    expect(row).toMatchObject({ verified: false, status: "rejected" });
    expect(row.error).toMatch(/^bad_signature/);
  });

  it("refuses a stale delivery signed with the right secret", async () => {
    const payment = await newPayment();
    const before = await connectionRow(db, merchantId, connectionId);
    const response = await deliver(event(payment, { type: "payment.succeeded" }), {
      timestamp: Math.floor(Date.now() / 1000) - 3600,
    });
    expect(response.status).toBe(400);
    const row = (await deliveriesOf(db, merchantId, connectionId)).find(
      (d) => d.id === response.headers.get("x-parley-delivery"),
    )!;
    expect(row.error).toMatch(/^stale/);
    expect((await connectionRow(db, merchantId, connectionId)).signatureFailures).toBe(
      before.signatureFailures + 1,
    );
    expect((await paymentRow(db, merchantId, payment.id)).status).toBe("created");
  });

  it("refuses malformed JSON even when it is signed", async () => {
    const response = await deliver("{ not json");
    expect(response.status).toBe(400);
    const row = (await deliveriesOf(db, merchantId, connectionId)).find(
      (d) => d.id === response.headers.get("x-parley-delivery"),
    )!;
    expect(row).toMatchObject({ status: "rejected", verified: false, rawBody: "{ not json" });
    expect(row.error).toMatch(/^malformed/);
  });

  it("answers 413 to a body over 1 MB, declared or streamed, and stores nothing", async () => {
    const before = await inboxCount();
    const big = JSON.stringify({ padding: "x".repeat(1024 * 1024) });
    const declared = await handleWebhookRequest(db, connectionId, signed(big));
    expect(declared.status).toBe(413);
    // No Content-Length: the limit must hold while streaming.
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 20; i++) controller.enqueue(new Uint8Array(64 * 1024).fill(120));
        controller.close();
      },
    });
    const chunked = new Request(`${APP_URL}/api/webhooks/${connectionId}`, {
      method: "POST",
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect(chunked.headers.get("content-length")).toBeNull();
    expect((await handleWebhookRequest(db, connectionId, chunked)).status).toBe(413);
    expect(await inboxCount()).toBe(before);
  });

  it("answers 404 for an unknown connection and stores nothing", async () => {
    const before = await inboxCount();
    const [all] = await db.select({ n: count() }).from(webhookInbox);
    const response = await handleWebhookRequest(
      db,
      "con_doesNotExist",
      signed({ id: "evt_sbx_x" }),
    );
    expect(response.status).toBe(404);
    expect(await inboxCount()).toBe(before);
    const [allAfter] = await db.select({ n: count() }).from(webhookInbox);
    expect(allAfter.n).toBe(all.n);
  });

  it("records the same event delivered twice once, and does not double a refund", async () => {
    const payment = await newPayment();
    const success = event(payment, { type: "payment.succeeded" });
    const refund = event(payment, {
      type: "refund.succeeded",
      refund: { providerRefundId: "sbxre_dup_1", amountMinor: 1000 },
    });
    for (const body of [success, success, refund, refund])
      expect((await deliver(body)).status).toBe(200);
    const events = await eventsOf(db, merchantId, payment.id);
    expect(events.filter((e) => e.providerEventId === success.id)).toHaveLength(1);
    expect(events.filter((e) => e.providerEventId === refund.id)).toHaveLength(1);
    const after = await paymentRow(db, merchantId, payment.id);
    expect(after).toMatchObject({ status: "partially_refunded", refundedMinor: 1000 });
    const refundRows = await db
      .select()
      .from(refunds)
      .where(and(eq(refunds.merchantId, merchantId), eq(refunds.paymentId, payment.id)));
    expect(refundRows).toHaveLength(1);
    expect(refundRows[0]).toMatchObject({
      providerRefundId: "sbxre_dup_1",
      status: "succeeded",
      amountMinor: 1000,
    });
    // The duplicate deliveries are stored and applied too: they just change nothing.
    const inbox = (await deliveriesOf(db, merchantId, connectionId)).filter((d) =>
      d.providerEventIds.includes(success.id),
    );
    expect(inbox.map((d) => d.status)).toEqual(["applied", "applied"]);
  });

  it("reaches the same final state whatever order the events arrive in", async () => {
    const base = Date.now() - 60_000;
    const build = (payment: { id: string; providerPaymentId: string | null }) => [
      event(payment, { type: "payment.pending", created: new Date(base) }),
      event(payment, { type: "payment.requires_action", created: new Date(base + 1000) }),
      event(payment, { type: "payment.succeeded", created: new Date(base + 2000) }),
      event(payment, {
        type: "refund.succeeded",
        created: new Date(base + 3000),
        refund: { providerRefundId: `sbxre_${payment.id}`, amountMinor: 700 },
      }),
      event(payment, {
        type: "dispute.opened",
        created: new Date(base + 4000),
        dispute: { providerDisputeId: `sbxdp_${payment.id}`, amountMinor: 1800 },
      }),
      event(payment, {
        type: "dispute.won",
        created: new Date(base + 5000),
        dispute: { providerDisputeId: `sbxdp_${payment.id}`, amountMinor: 1800 },
      }),
    ];
    const inOrder = await newPayment();
    const reversed = await newPayment();
    for (const body of build(inOrder)) await deliver(body);
    for (const body of build(reversed).reverse()) await deliver(body);
    const a = await paymentRow(db, merchantId, inOrder.id);
    const b = await paymentRow(db, merchantId, reversed.id);
    const pick = (p: typeof a) => ({
      status: p.status,
      refundedMinor: p.refundedMinor,
      flags: p.flags,
      succeededAt: p.succeededAt?.getTime(),
    });
    expect(pick(b)).toEqual(pick(a));
    expect(a.status).toBe("partially_refunded");
    expect(a.succeededAt?.getTime()).toBe(Math.floor((base + 2000) / 1000) * 1000);
    const disputeOf = async (paymentId: string) =>
      (
        await db
          .select()
          .from(disputes)
          .where(and(eq(disputes.merchantId, merchantId), eq(disputes.paymentId, paymentId)))
      )[0];
    expect((await disputeOf(reversed.id)).status).toBe("won");
    expect((await disputeOf(inOrder.id)).status).toBe("won");
  });

  it("keeps an event for another merchant's payment away from it, and flags the delivery", async () => {
    const other = await merchantWithRoles(db, "Other Shop");
    const { id: otherConnection } = await createConnection(other.owner, {
      provider: "sandbox",
      label: "Theirs",
      mode: "test",
    });
    const theirs = await createCheckout(db, other.merchantId, {
      connectionId: otherConnection,
      amountMinor: 2500,
      currency: "EUR",
      idempotencyKey: "theirs-1",
    });
    // Signed with OUR connection's secret, naming THEIR payment.
    const response = await deliver(event(theirs, { type: "payment.succeeded" }));
    expect(response.status).toBe(200);
    expect((await paymentRow(db, other.merchantId, theirs.id)).status).toBe("created");
    const row = (await deliveriesOf(db, merchantId, connectionId)).find(
      (d) => d.id === response.headers.get("x-parley-delivery"),
    )!;
    expect(row.status).toBe("applied");
    expect(row.error).toMatch(/^unmatched_payment/);
    const [recorded] = await db
      .select()
      .from(paymentEvents)
      .where(and(eq(paymentEvents.merchantId, merchantId), eq(paymentEvents.webhookId, row.id)));
    expect(recorded).toMatchObject({ paymentId: null, type: "payment.succeeded" });
    expect(await eventsOf(db, other.merchantId, theirs.id)).toHaveLength(1); // checkout.created only
  });

  it("flags an amount mismatch on the timeline and does not mark the payment paid", async () => {
    const payment = await newPayment(2500);
    await deliver(event(payment, { type: "payment.succeeded", amountMinor: 1 }));
    const after = await paymentRow(db, merchantId, payment.id);
    expect(after.status).toBe("created");
    expect(after.flags).toContain("amount_mismatch");
    const timeline = await getPaymentWithTimeline(owner, payment.id);
    const reported = timeline.events.find((e) => e.type === "payment.succeeded")!;
    expect(reported).toMatchObject({ amountMinor: 1, statusAfter: "created" });
    expect(reported.detail?.flags).toContain("amount_mismatch");
  });

  it("keeps an unknown event type on the delivery and ignores it", async () => {
    const payment = await newPayment();
    const body = {
      id: `evt_sbx_${Date.now()}unknown`,
      type: "payment.teleported",
      created: Math.floor(Date.now() / 1000),
      data: { providerPaymentId: payment.providerPaymentId, paymentId: payment.id },
    };
    const response = await deliver(body);
    expect(response.status).toBe(200);
    const row = (await deliveriesOf(db, merchantId, connectionId)).find(
      (d) => d.id === response.headers.get("x-parley-delivery"),
    )!;
    expect(row).toMatchObject({
      status: "ignored",
      eventTypes: ["payment.teleported"],
      providerEventIds: [body.id],
      error: null,
    });
    expect((await paymentRow(db, merchantId, payment.id)).status).toBe("created");
  });

  it("opens a dispute with its response deadline", async () => {
    const payment = await newPayment();
    await deliver(event(payment, { type: "payment.succeeded" }));
    const dueBy = new Date(Date.now() + 5 * 86_400_000);
    await deliver(
      event(payment, {
        type: "dispute.opened",
        dispute: {
          providerDisputeId: "sbxdp_due",
          reason: "product_not_received",
          amountMinor: 2500,
          dueBy,
        },
      }),
    );
    expect((await paymentRow(db, merchantId, payment.id)).status).toBe("disputed");
    const [row] = await db
      .select()
      .from(disputes)
      .where(and(eq(disputes.merchantId, merchantId), eq(disputes.paymentId, payment.id)));
    expect(row).toMatchObject({
      providerDisputeId: "sbxdp_due",
      reason: "product_not_received",
      status: "needs_response",
      amountMinor: 2500,
    });
    expect(row.dueBy?.getTime()).toBe(Math.floor(dueBy.getTime() / 1000) * 1000);
  });

  it("recovers a delivery whose apply crashed mid-transaction, without counting anything twice", async () => {
    const payment = await newPayment();
    await deliver(event(payment, { type: "payment.succeeded" }));
    const refund = event(payment, {
      type: "refund.succeeded",
      refund: { providerRefundId: "sbxre_crash", amountMinor: 500 },
    });
    const { ingestWebhook } = await import("@/lib/webhooks/ingest");
    const raw = JSON.stringify(refund);
    const reply = await ingestWebhook(
      db,
      connectionId,
      {
        rawBody: raw,
        headers: new Headers({ [SANDBOX_SIGNATURE_HEADER]: signSandboxWebhook(raw, secret) }),
        url: "",
      },
      { failAfterEventIndex: 0 },
    );
    expect(reply.status).toBe(200);
    const stored = (await deliveriesOf(db, merchantId, connectionId)).find(
      (d) => d.id === reply.deliveryId,
    )!;
    expect(stored.status).toBe("failed");
    expect(stored.error).toMatch(/Injected crash/);
    // Rolled back: the refund event is not on the timeline, the payment is untouched.
    expect(
      (await eventsOf(db, merchantId, payment.id)).some((e) => e.providerEventId === refund.id),
    ).toBe(false);
    expect((await paymentRow(db, merchantId, payment.id)).refundedMinor).toBe(0);

    const summary = await recoverInbox(db, { olderThanMs: 0 });
    expect(summary.applied).toBeGreaterThanOrEqual(1);
    expect(await paymentRow(db, merchantId, payment.id)).toMatchObject({
      status: "partially_refunded",
      refundedMinor: 500,
    });
    // A second recovery, and a provider retry of the same bytes, change nothing.
    await recoverInbox(db, { olderThanMs: 0 });
    await deliver(refund);
    expect((await paymentRow(db, merchantId, payment.id)).refundedMinor).toBe(500);
    expect(
      (await eventsOf(db, merchantId, payment.id)).filter((e) => e.providerEventId === refund.id),
    ).toHaveLength(1);
    const after = (await deliveriesOf(db, merchantId, connectionId)).find(
      (d) => d.id === reply.deliveryId,
    )!;
    expect(after).toMatchObject({ status: "applied", attempts: 2, error: null });
  });

  it("recovers a delivery left 'received' by a process that died before applying", async () => {
    const payment = await newPayment();
    const success = event(payment, { type: "payment.succeeded" });
    const raw = JSON.stringify(success);
    const id = newId("webhook");
    await db.insert(webhookInbox).values({
      merchantId,
      id,
      connectionId,
      provider: "sandbox",
      headers: {
        [SANDBOX_SIGNATURE_HEADER.toLowerCase()]: signSandboxWebhook(
          raw,
          secret,
          Math.floor(Date.now() / 1000) - 2 * 3600,
        ),
      },
      rawBody: raw,
      verified: true,
      status: "received",
      receivedAt: new Date(Date.now() - 2 * 3600_000),
    });
    // Hours later: re-parsed as of its arrival, so not refused as stale.
    const summary = await recoverInbox(db, { olderThanMs: 60_000 });
    expect(summary.failed).toBe(0);
    expect((await paymentRow(db, merchantId, payment.id)).status).toBe("succeeded");
    const [row] = await db
      .select()
      .from(webhookInbox)
      .where(and(eq(webhookInbox.merchantId, merchantId), eq(webhookInbox.id, id)));
    expect(row.status).toBe("applied");
    await expect(applyDelivery(db, id)).resolves.toMatchObject({ alreadyApplied: true });
  });

  it("serializes concurrent deliveries for one payment", async () => {
    const payment = await newPayment();
    const now = Date.now();
    const bodies = [
      event(payment, { type: "payment.pending", created: new Date(now - 3000) }),
      event(payment, { type: "payment.succeeded", created: new Date(now - 2000) }),
      event(payment, {
        type: "refund.succeeded",
        created: new Date(now - 1000),
        refund: { providerRefundId: "sbxre_c1", amountMinor: 300 },
      }),
      event(payment, {
        type: "refund.succeeded",
        created: new Date(now - 500),
        refund: { providerRefundId: "sbxre_c2", amountMinor: 200 },
      }),
    ];
    const responses = await Promise.all([...bodies, ...bodies].map((b) => deliver(b)));
    expect(responses.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect(await paymentRow(db, merchantId, payment.id)).toMatchObject({
      status: "partially_refunded",
      refundedMinor: 500,
    });
    expect(
      (await eventsOf(db, merchantId, payment.id)).filter((e) => e.source === "provider"),
    ).toHaveLength(4);
  });

  it("refunds from the dashboard and counts the refund once when the provider reports it too", async () => {
    const payment = await newPayment(4000);
    await deliver(event(payment, { type: "payment.succeeded", amountMinor: 4000 }));
    const refund = await refundPayment(owner, payment.id, {
      amountMinor: 1500,
      reason: "cold coffee",
      idempotencyKey: "refund-1",
    });
    expect(refund).toMatchObject({ status: "succeeded", amountMinor: 1500 });
    expect(refund.providerRefundId).toMatch(/^sbxre_/);
    expect(await paymentRow(db, merchantId, payment.id)).toMatchObject({
      status: "partially_refunded",
      refundedMinor: 1500,
    });
    // Same key again: the same refund, no second one.
    expect(
      (
        await refundPayment(owner, payment.id, {
          amountMinor: 1500,
          reason: "cold coffee",
          idempotencyKey: "refund-1",
        })
      ).id,
    ).toBe(refund.id);
    // The provider's own webhook for it.
    await deliver(
      event(payment, {
        type: "refund.succeeded",
        amountMinor: 4000,
        refund: { providerRefundId: refund.providerRefundId!, amountMinor: 1500 },
      }),
    );
    expect((await paymentRow(db, merchantId, payment.id)).refundedMinor).toBe(1500);
    const rows = await db
      .select()
      .from(refunds)
      .where(and(eq(refunds.merchantId, merchantId), eq(refunds.paymentId, payment.id)));
    expect(rows).toHaveLength(1);
    // More than what is left is refused.
    await expect(
      refundPayment(owner, payment.id, {
        amountMinor: 2600,
        reason: "",
        idempotencyKey: "refund-2",
      }),
    ).rejects.toMatchObject({ status: 422 });
  });

  it("answers 410 for a disabled connection and keeps the delivery as rejected", async () => {
    const { setConnectionStatus } = await import("@/lib/connections/service");
    const { id } = await createConnection(owner, {
      provider: "sandbox",
      label: "Old sandbox",
      mode: "test",
    });
    await setConnectionStatus(owner, id, "disabled");
    const response = await handleWebhookRequest(db, id, signed({ id: "evt_sbx_disabled" }));
    expect(response.status).toBe(410);
    const [row] = await deliveriesOf(db, merchantId, id);
    expect(row).toMatchObject({ status: "rejected", verified: false });
    expect(row.error).toMatch(/^connection_disabled/);
  });

  it("serves the route handler itself", async () => {
    setDbHandle(handle);
    try {
      const payment = await newPayment();
      const body = JSON.stringify(event(payment, { type: "payment.succeeded" }));
      const response = await POST(
        request(body, { [SANDBOX_SIGNATURE_HEADER]: signSandboxWebhook(body, secret) }),
        { params: Promise.resolve({ connectionId }) },
      );
      expect(response.status).toBe(200);
      expect((await paymentRow(db, merchantId, payment.id)).status).toBe("succeeded");
    } finally {
      setDbHandle(undefined);
    }
  });

  it("folds timeline rows written without a stored fact (seed data) into the view", async () => {
    const payment = await newPayment(3000);
    const at = new Date(Date.now() - 3600_000);
    // The shape db/seed writes: the normalized type and the amount in columns, ids in detail.
    await db.insert(paymentEvents).values([
      {
        merchantId,
        id: newId("paymentEvent"),
        paymentId: payment.id,
        connectionId,
        source: "provider",
        providerEventId: `evt_sbx_seed_paid_${payment.id}`,
        type: "payment.succeeded",
        rawType: "payment.succeeded",
        amountMinor: 3000,
        currency: "EUR",
        statusAfter: "succeeded",
        occurredAt: at,
      },
      {
        merchantId,
        id: newId("paymentEvent"),
        paymentId: payment.id,
        connectionId,
        source: "provider",
        providerEventId: `evt_sbx_seed_refund_${payment.id}`,
        type: "refund.succeeded",
        rawType: "refund.succeeded",
        amountMinor: 1000,
        currency: "EUR",
        statusAfter: "partially_refunded",
        detail: { providerRefundId: "sbxre_seeded" },
        occurredAt: new Date(at.getTime() + 60_000),
      },
    ]);
    // A new delivery re-derives the view from the whole timeline, seeded rows included.
    await deliver(
      event(payment, {
        type: "refund.succeeded",
        amountMinor: 3000,
        refund: { providerRefundId: "sbxre_new", amountMinor: 500 },
      }),
    );
    expect(await paymentRow(db, merchantId, payment.id)).toMatchObject({
      status: "partially_refunded",
      refundedMinor: 1500,
    });
  });

  it("lets the route, a recovery pass and a manual re-apply race for one delivery safely", async () => {
    const payment = await newPayment();
    const refund = event(payment, {
      type: "refund.succeeded",
      refund: { providerRefundId: "sbxre_race", amountMinor: 800 },
    });
    await deliver(event(payment, { type: "payment.succeeded" }));
    const raw = JSON.stringify(refund);
    const id = newId("webhook");
    await db.insert(webhookInbox).values({
      merchantId,
      id,
      connectionId,
      provider: "sandbox",
      headers: { [SANDBOX_SIGNATURE_HEADER.toLowerCase()]: signSandboxWebhook(raw, secret) },
      rawBody: raw,
      verified: true,
      status: "received",
    });
    const connection = await connectionRow(db, merchantId, connectionId);
    const { reparseDelivery } = await import("@/lib/webhooks/apply/delivery");
    const [stored] = await db
      .select()
      .from(webhookInbox)
      .where(and(eq(webhookInbox.merchantId, merchantId), eq(webhookInbox.id, id)));
    const events = await reparseDelivery(db, connection, stored);
    const results = await Promise.all([
      applyDelivery(db, id, { connection, events }),
      applyDelivery(db, id),
      applyDelivery(db, id, { merchantId }),
    ]);
    expect(results.filter((r) => r.recorded === 1)).toHaveLength(1);
    expect(await paymentRow(db, merchantId, payment.id)).toMatchObject({
      status: "partially_refunded",
      refundedMinor: 800,
    });
    expect(
      (await eventsOf(db, merchantId, payment.id)).filter((e) => e.providerEventId === refund.id),
    ).toHaveLength(1);
  });

  it("answers 503 when neither the apply nor the failure could be recorded", async () => {
    const payment = await newPayment();
    const raw = JSON.stringify(event(payment, { type: "payment.succeeded" }));
    // The database goes away between the apply's rollback and storing the delivery as failed.
    const flaky = new Proxy(db, {
      get(target, property) {
        if (property === "insert") {
          return () => {
            throw new Error("connection terminated");
          };
        }
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const { ingestWebhook } = await import("@/lib/webhooks/ingest");
    const reply = await ingestWebhook(
      flaky,
      connectionId,
      {
        rawBody: raw,
        headers: new Headers({ [SANDBOX_SIGNATURE_HEADER]: signSandboxWebhook(raw, secret) }),
        url: "",
      },
      { failAfterEventIndex: 0 },
    );
    expect(reply.status).toBe(503);
    // Stored in the apply's transaction, so rolled back with it: nothing is kept, nothing was
    // acknowledged, and the provider's resend is what applies it.
    expect(
      (await deliveriesOf(db, merchantId, connectionId)).some((d) => d.id === reply.deliveryId),
    ).toBe(false);
    expect((await paymentRow(db, merchantId, payment.id)).status).not.toBe("succeeded");
    const resent = await ingestWebhook(db, connectionId, {
      rawBody: raw,
      headers: new Headers({ [SANDBOX_SIGNATURE_HEADER]: signSandboxWebhook(raw, secret) }),
      url: "",
    });
    expect(resent.status).toBe(200);
    expect((await paymentRow(db, merchantId, payment.id)).status).toBe("succeeded");
  });
});
