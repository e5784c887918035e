import type { Db, DbHandle } from "@/db/client";
import { disputes, refundRequests, refunds, type Payment } from "@/db/schema";
import type { ServiceContext } from "@/lib/auth/context";
import { completeSandboxCheckout, type SandboxTransport } from "@/lib/connections/sandbox-emitter";
import { resetRateLimits } from "@/lib/http/rate-limit";
import { newId } from "@/lib/ids";
import { createCheckout } from "@/lib/payments/checkout";
import { setRefundLimit } from "@/lib/refunds/limits-store";
import { listRefundRequests } from "@/lib/refunds/queries";
import {
  approveRefundRequest,
  declineRefundRequest,
  startRefund,
  type StartRefundInput,
} from "@/lib/refunds/service";
import { handleWebhookRequest } from "@/lib/webhooks/receive";
import { buildStripeEvent, signStripeEvent } from "@/tests/fakes/stripe-server";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  APP_URL,
  auditActions,
  configurePipelineEnv,
  contextFor,
  merchantWithRoles,
  paymentRow,
  sandboxConnection,
  useFakeProviders,
} from "./helpers/pipeline-fixtures";
import { ENGINES, openTestDatabase } from "./helpers/test-db";

configurePipelineEnv();
const fakes = useFakeProviders();
const STRIPE_SECRET = "whsec_refund_approvals";

// Refunds through the approval limits: what remains counts refunds in flight and requests
// awaiting approval (also under concurrent attempts), an open dispute blocks, a request above
// the requester's limit waits for a second person, and every id is scoped by merchant.
describe.each(ENGINES)("refund approvals on %s", (engine) => {
  let handle: DbHandle;
  let db: Db;
  let owner: ServiceContext;
  let support: ServiceContext;
  let analyst: ServiceContext;
  let admin: ServiceContext;
  let support2: ServiceContext;
  let merchantId: string;
  let connectionId: string;
  let counter = 0;

  const toRoute: SandboxTransport = async (url, init) => {
    const target = new URL(url).pathname.split("/").at(-1)!;
    return handleWebhookRequest(db, target, new Request(url, init));
  };

  beforeAll(async () => {
    handle = await openTestDatabase(engine);
    db = handle.db;
    ({ owner, support, analyst, merchantId } = await merchantWithRoles(db, "Warung Sari"));
    admin = await contextFor(db, merchantId, "admin");
    support2 = await contextFor(db, merchantId, "support");
    ({ id: connectionId } = await sandboxConnection(owner));
    // Support refunds up to 100.00 EUR alone; admins up to 500.00 EUR; no limit set in JPY.
    await setRefundLimit(owner, { role: "support", currency: "EUR", limitMinor: 10_000 });
    await setRefundLimit(owner, { role: "admin", currency: "EUR", limitMinor: 50_000 });
  });
  afterAll(async () => {
    await handle?.close();
  });
  beforeEach(() => resetRateLimits());

  /** A paid Sandbox payment. */
  async function paid(amountMinor = 30_000, currency = "EUR"): Promise<Payment> {
    counter += 1;
    const payment = await createCheckout(db, merchantId, {
      connectionId,
      amountMinor,
      currency,
      description: `Order ${counter}`,
      idempotencyKey: `approvals-${engine}-${counter}`,
    });
    await completeSandboxCheckout(
      db,
      payment.providerCheckoutId!,
      { outcome: "succeeded" },
      toRoute,
    );
    expect((await paymentRow(db, merchantId, payment.id)).status).toBe("succeeded");
    return payment;
  }

  let keys = 0;
  function ask(amountMinor: number, key?: string): StartRefundInput {
    keys += 1;
    return {
      amountMinor,
      reasonCode: "requested_by_customer",
      note: "asked in chat",
      idempotencyKey: key ?? `key-${engine}-${keys}`,
    };
  }

  async function requestRow(id: string) {
    const [row] = await db
      .select()
      .from(refundRequests)
      .where(and(eq(refundRequests.merchantId, merchantId), eq(refundRequests.id, id)));
    return row;
  }

  it("within the limit refunds at once; above it becomes a request that holds its amount", async () => {
    const payment = await paid();
    const direct = await startRefund(support, payment.id, ask(5_000));
    expect(direct.kind).toBe("refunded");
    if (direct.kind !== "refunded") return;
    expect(direct.refund).toMatchObject({
      status: "succeeded",
      reasonCode: "requested_by_customer",
    });

    const requested = await startRefund(support, payment.id, ask(20_000));
    expect(requested.kind).toBe("requested");
    // 300.00 − 50.00 refunded − 200.00 awaiting approval: 50.00 remain, for anyone.
    await expect(startRefund(owner, payment.id, ask(6_000))).rejects.toMatchObject({
      status: 422,
      message: expect.stringMatching(/At most €50\.00/),
    });
    expect((await startRefund(owner, payment.id, ask(5_000))).kind).toBe("refunded");
    expect(await paymentRow(db, merchantId, payment.id)).toMatchObject({
      status: "partially_refunded",
      refundedMinor: 10_000,
    });
    const pending = await listRefundRequests(support, "test", "pending");
    expect(pending.map((r) => r.paymentId)).toContain(payment.id);
  });

  it("concurrent attempts never exceed what remains; a double-click is one refund", async () => {
    const payment = await paid(10_000);
    const [a, b] = await Promise.allSettled([
      startRefund(owner, payment.id, ask(7_000)),
      startRefund(admin, payment.id, ask(7_000)),
    ]);
    expect([a.status, b.status].sort()).toEqual(["fulfilled", "rejected"]);
    const rejected = [a, b].find((s) => s.status === "rejected") as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({ status: 422 });

    const twice = ask(3_000, `double-${engine}`);
    const [c, d] = await Promise.all([
      startRefund(owner, payment.id, twice),
      startRefund(owner, payment.id, twice),
    ]);
    if (c.kind !== "refunded" || d.kind !== "refunded") throw new Error("expected refunds");
    expect(c.refund.id).toBe(d.refund.id);
    const rows = await db
      .select()
      .from(refunds)
      .where(and(eq(refunds.merchantId, merchantId), eq(refunds.paymentId, payment.id)));
    expect(rows).toHaveLength(2);
    expect(await paymentRow(db, merchantId, payment.id)).toMatchObject({
      status: "refunded",
      refundedMinor: 10_000,
    });

    // Two concurrent requests over the limit, each of the whole remainder: one is held.
    const other = await paid(30_000);
    const settled = await Promise.allSettled([
      startRefund(support, other.id, ask(30_000)),
      startRefund(support2, other.id, ask(30_000)),
    ]);
    expect(settled.filter((s) => s.status === "fulfilled")).toHaveLength(1);
  });

  it("an open dispute blocks refunds and approvals, with the reason", async () => {
    const payment = await paid();
    const request = await startRefund(support, payment.id, ask(20_000));
    if (request.kind !== "requested") throw new Error("expected a request");
    await db.insert(disputes).values({
      merchantId,
      id: newId("dispute"),
      paymentId: payment.id,
      connectionId,
      mode: "test",
      providerDisputeId: `dp_${engine}_${counter}`,
      reason: "fraudulent",
      amountMinor: 30_000,
      currency: "EUR",
      status: "needs_response",
    });
    await expect(startRefund(owner, payment.id, ask(1_000))).rejects.toMatchObject({
      status: 409,
      message: expect.stringMatching(/open dispute/),
    });
    await expect(approveRefundRequest(admin, request.request.id)).rejects.toMatchObject({
      status: 409,
      message: expect.stringMatching(/open dispute/),
    });
    expect((await requestRow(request.request.id)).status).toBe("pending");
    // Once the dispute is over (won), refunds are possible again.
    await db
      .update(disputes)
      .set({ status: "won" })
      .where(and(eq(disputes.merchantId, merchantId), eq(disputes.paymentId, payment.id)));
    expect((await approveRefundRequest(admin, request.request.id)).refund?.status).toBe(
      "succeeded",
    );
  });

  it("maker-checker: own approval refused, too small a limit refused, a second approver refunds once", async () => {
    const payment = await paid();
    const made = await startRefund(support, payment.id, ask(25_000));
    if (made.kind !== "requested") throw new Error("expected a request");
    const id = made.request.id;

    await expect(approveRefundRequest(support, id)).rejects.toMatchObject({ status: 403 });
    // Another support member's 100.00 limit does not cover 250.00.
    await expect(approveRefundRequest(support2, id)).rejects.toMatchObject({
      status: 403,
      message: expect.stringMatching(/limit/),
    });
    await expect(approveRefundRequest(analyst, id)).rejects.toMatchObject({ status: 403 });

    const approved = await approveRefundRequest(admin, id);
    expect(approved.request).toMatchObject({
      status: "approved",
      decidedByUserId: admin.user.id,
      refundId: approved.refund!.id,
    });
    expect(approved.refund).toMatchObject({ status: "succeeded", amountMinor: 25_000 });
    expect(await paymentRow(db, merchantId, payment.id)).toMatchObject({
      status: "partially_refunded",
      refundedMinor: 25_000,
    });
    // Approving twice, or declining an approved request, is refused; nothing is sent twice.
    await expect(approveRefundRequest(owner, id)).rejects.toMatchObject({ status: 409 });
    await expect(declineRefundRequest(owner, id, "late")).rejects.toMatchObject({ status: 409 });
    expect((await paymentRow(db, merchantId, payment.id)).refundedMinor).toBe(25_000);

    const actions = await auditActions(db, merchantId);
    for (const action of [
      "refund_limit.updated",
      "refund_request.created",
      "refund_request.approved",
      "payment.refunded",
    ])
      expect(actions).toContain(action);
  });

  it("declined stays declined; approval after the payment was fully refunded meanwhile is refused", async () => {
    const payment = await paid();
    const first = await startRefund(support, payment.id, ask(20_000));
    if (first.kind !== "requested") throw new Error("expected a request");
    await expect(declineRefundRequest(support, first.request.id, "mine")).rejects.toMatchObject({
      status: 403,
    });
    const declined = await declineRefundRequest(admin, first.request.id, "Not our error");
    expect(declined).toMatchObject({ status: "declined", decisionNote: "Not our error" });
    await expect(approveRefundRequest(owner, first.request.id)).rejects.toMatchObject({
      status: 409,
      message: expect.stringMatching(/already declined/),
    });

    const second = await startRefund(support, payment.id, ask(20_000));
    if (second.kind !== "requested") throw new Error("expected a request");
    // The owner refunds what is not held (100.00), then the provider refunds the rest itself
    // (a webhook or a refund from its dashboard would do the same): nothing remains.
    expect((await startRefund(owner, payment.id, ask(10_000))).kind).toBe("refunded");
    await db
      .update(refundRequests)
      .set({ status: "declined" })
      .where(
        and(eq(refundRequests.merchantId, merchantId), eq(refundRequests.id, second.request.id)),
      );
    expect((await startRefund(owner, payment.id, ask(20_000))).kind).toBe("refunded");
    await db
      .update(refundRequests)
      .set({ status: "pending" })
      .where(
        and(eq(refundRequests.merchantId, merchantId), eq(refundRequests.id, second.request.id)),
      );
    await expect(approveRefundRequest(admin, second.request.id)).rejects.toMatchObject({
      status: 422,
      message: expect.stringMatching(/Nothing is left/),
    });
    expect((await requestRow(second.request.id)).status).toBe("pending");
    expect(await auditActions(db, merchantId)).toContain("refund_request.declined");
  });

  it("another merchant's ids are not found; analysts cannot refund or set limits", async () => {
    const payment = await paid();
    const made = await startRefund(support, payment.id, ask(20_000));
    if (made.kind !== "requested") throw new Error("expected a request");
    const other = await merchantWithRoles(db, "Elsewhere Ltd");
    await expect(startRefund(other.owner, payment.id, ask(100))).rejects.toMatchObject({
      status: 404,
    });
    await expect(approveRefundRequest(other.owner, made.request.id)).rejects.toMatchObject({
      status: 404,
    });
    await expect(declineRefundRequest(other.owner, made.request.id, "")).rejects.toMatchObject({
      status: 404,
    });
    expect(await listRefundRequests(other.owner, "test", "pending")).toEqual([]);
    await expect(startRefund(analyst, payment.id, ask(100))).rejects.toMatchObject({
      status: 403,
    });
    await expect(
      setRefundLimit(admin, { role: "support", currency: "EUR", limitMinor: 1 }),
    ).rejects.toMatchObject({ status: 403 });
  });

  it("an approved Stripe refund goes to the fake Stripe once, with the mapped reason code", async () => {
    const stripeId = await fakes.connect(owner, "stripe", { stripeWebhookSecret: STRIPE_SECRET });
    const payment = await createCheckout(db, merchantId, {
      connectionId: stripeId,
      amountMinor: 30_000,
      currency: "EUR",
      methods: ["card"],
      idempotencyKey: `approvals-stripe-${engine}`,
    });
    fakes.stripe.payCheckout(payment.providerCheckoutId!, { status: "succeeded" });
    const session = fakes.stripe.state.sessions.get(payment.providerCheckoutId!)!;
    const { payload, header } = signStripeEvent(
      buildStripeEvent("checkout.session.completed", session),
      STRIPE_SECRET,
    );
    const delivered = await handleWebhookRequest(
      db,
      stripeId,
      new Request(`${APP_URL}/api/webhooks/${stripeId}`, {
        method: "POST",
        headers: { "content-type": "application/json", "stripe-signature": header },
        body: payload,
      }),
    );
    expect(delivered.status).toBe(200);

    const made = await startRefund(support, payment.id, {
      ...ask(20_000),
      reasonCode: "duplicate",
    });
    if (made.kind !== "requested") throw new Error("expected a request");
    const before = fakes.stripe.requests.filter((r) => r.path === "/v1/refunds").length;
    const approved = await approveRefundRequest(admin, made.request.id);
    expect(approved.refund?.providerRefundId).toMatch(/^re_/);
    const creates = fakes.stripe.requests.filter(
      (r) => r.method === "POST" && r.path === "/v1/refunds",
    );
    expect(creates.length).toBe(before + 1);
    expect(creates.at(-1)!.params.reason).toBe("duplicate");
  });
});
