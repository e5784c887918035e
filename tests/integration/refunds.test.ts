import type { Db, DbHandle } from "@/db/client";
import { disputes, refunds, type Payment } from "@/db/schema";
import type { ServiceContext } from "@/lib/auth/context";
import { newId } from "@/lib/ids";
import { createCheckout } from "@/lib/payments/checkout";
import {
  REFUND_NOT_FOUND_GRACE_MS,
  reconcilePendingRefunds,
} from "@/lib/payments/refund-reconcile";
import { OUTCOME_UNKNOWN_REASON } from "@/lib/payments/refund-settle";
import { refundPayment } from "@/lib/payments/refunds";
import { handleWebhookRequest } from "@/lib/webhooks/receive";
import { buildStripeEvent, signStripeEvent } from "@/tests/fakes/stripe-server";
import { and, eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  APP_URL,
  configurePipelineEnv,
  merchantWithRoles,
  paymentRow,
  refundRow,
  useFakeProviders,
  withShortRefundTimeout,
} from "./helpers/pipeline-fixtures";
import { ENGINES, openTestDatabase } from "./helpers/test-db";

configurePipelineEnv();

const SECRET = "whsec_refund_tests";
const MINUTE = 60_000;
const fakes = useFakeProviders();

/** Refund creates the fake Stripe received (answered or not). */
function refundCreates(): number {
  return fakes.stripe.requests.filter((r) => r.method === "POST" && r.path === "/v1/refunds")
    .length;
}

describe.each(ENGINES)("refunds that cannot go wrong on %s", (engine) => {
  let handle: DbHandle;
  let db: Db;
  let owner: ServiceContext;
  let merchantId: string;
  let connectionId: string;
  let counter = 0;
  let restore: (() => void) | undefined;

  beforeAll(async () => {
    handle = await openTestDatabase(engine);
    db = handle.db;
    ({ owner, merchantId } = await merchantWithRoles(db));
    connectionId = await fakes.connect(owner, "stripe", { stripeWebhookSecret: SECRET });
  });
  afterAll(async () => {
    await handle?.close();
  });
  afterEach(() => {
    fakes.stripe.setLatency(0);
    restore?.();
    restore = undefined;
  });

  function deliver(type: string, object: Record<string, unknown>) {
    const { payload, header } = signStripeEvent(buildStripeEvent(type, object), SECRET);
    return handleWebhookRequest(
      db,
      connectionId,
      new Request(`${APP_URL}/api/webhooks/${connectionId}`, {
        method: "POST",
        headers: { "content-type": "application/json", "stripe-signature": header },
        body: payload,
      }),
    );
  }

  /** A Stripe payment of 20.00 EUR the customer paid, as its webhook reported it. */
  async function paidPayment(): Promise<{ payment: Payment; intentId: string }> {
    counter += 1;
    const payment = await createCheckout(db, merchantId, {
      connectionId,
      amountMinor: 2000,
      currency: "EUR",
      methods: ["card"],
      idempotencyKey: `refunds-${engine}-${counter}`,
    });
    const intent = fakes.stripe.payCheckout(payment.providerCheckoutId!, { status: "succeeded" });
    const session = fakes.stripe.state.sessions.get(payment.providerCheckoutId!)!;
    expect((await deliver("checkout.session.completed", session)).status).toBe(200);
    expect((await paymentRow(db, merchantId, payment.id)).status).toBe("succeeded");
    return { payment, intentId: intent.id };
  }

  it("a timed-out refund stays pending and reserved, then reconciliation settles it without resending", async () => {
    const { payment } = await paidPayment();
    const before = refundCreates();
    restore = withShortRefundTimeout("stripe");
    fakes.stripe.setLatency(1000); // Stripe refunds, but its answer arrives after our deadline.

    const refund = await refundPayment(owner, payment.id, {
      amountMinor: 1500,
      reason: "cold coffee",
      idempotencyKey: `timeout-${engine}`,
    });
    expect(refund).toMatchObject({ status: "pending", providerRefundId: null });
    expect(refund.outcomeReason).toContain(OUTCOME_UNKNOWN_REASON);
    expect(refundCreates()).toBe(before + 1);
    fakes.stripe.setLatency(0);

    // The amount stays reserved: only 5.00 is left to refund.
    await expect(
      refundPayment(owner, payment.id, {
        amountMinor: 1000,
        reason: "second",
        idempotencyKey: `timeout-second-${engine}`,
      }),
    ).rejects.toMatchObject({ status: 422, message: expect.stringMatching(/At most 5\.00/) });

    const early = await reconcilePendingRefunds(db, new Date(Date.now() + 10 * MINUTE), {
      olderThanMinutes: 30,
    });
    expect(early.checked).toBe(0);

    const summary = await reconcilePendingRefunds(db, new Date(Date.now() + 31 * MINUTE), {
      olderThanMinutes: 30,
    });
    expect(summary).toMatchObject({ checked: 1, settled: 1, errors: [] });
    const settled = await refundRow(db, merchantId, refund.id);
    expect(settled).toMatchObject({ status: "succeeded", outcomeReason: null });
    expect(settled.providerRefundId).toMatch(/^re_/);
    expect(settled.providerCheckedAt).not.toBeNull();
    expect(await paymentRow(db, merchantId, payment.id)).toMatchObject({
      status: "partially_refunded",
      refundedMinor: 1500,
    });
    // Asked by GET, never sent twice.
    expect(refundCreates()).toBe(before + 1);
    expect(fakes.stripe.requests.some((r) => r.method === "GET" && r.path === "/v1/refunds")).toBe(
      true,
    );

    // Stripe's own webhook for it later changes nothing.
    await deliver("refund.updated", fakes.stripe.state.refunds.get(settled.providerRefundId!)!);
    expect((await paymentRow(db, merchantId, payment.id)).refundedMinor).toBe(1500);
  });

  it("a retry of a timed-out refund is the same refund, asked about and never resent", async () => {
    const { payment } = await paidPayment();
    const before = refundCreates();
    restore = withShortRefundTimeout("stripe");
    fakes.stripe.setLatency(1000);
    const input = { amountMinor: 700, reason: "retry", idempotencyKey: `retry-${engine}` };
    const first = await refundPayment(owner, payment.id, input);
    expect(first.status).toBe("pending");
    fakes.stripe.setLatency(0);

    const again = await refundPayment(owner, payment.id, input);
    expect(again).toMatchObject({ id: first.id, status: "succeeded" });
    expect(refundCreates()).toBe(before + 1);
    // The provider saw the one create under the row's own key.
    const create = fakes.stripe.requests.filter((r) => r.path === "/v1/refunds").at(0);
    expect(fakes.stripe.requests.filter((r) => r.idempotencyKey === first.id)).toHaveLength(1);
    expect(create).toBeDefined();
  });

  it("a 5xx the provider never acted on stays pending, then fails once Stripe shows no such refund", async () => {
    const { payment } = await paidPayment();
    fakes.stripe.failNext(500);
    const refund = await refundPayment(owner, payment.id, {
      amountMinor: 400,
      reason: "server error",
      idempotencyKey: `fivexx-${engine}`,
    });
    expect(refund.status).toBe("pending");
    expect(refund.outcomeReason).toContain(OUTCOME_UNKNOWN_REASON);

    // Within the grace period "no such refund" is not believed yet: it stays pending, reserved.
    const soon = new Date(refund.createdAt.getTime() + REFUND_NOT_FOUND_GRACE_MS / 2);
    await reconcilePendingRefunds(db, soon, { olderThanMinutes: 1 });
    expect(await refundRow(db, merchantId, refund.id)).toMatchObject({
      status: "pending",
      outcomeReason: expect.stringContaining("shows no refund yet"),
    });
    const late = new Date(refund.createdAt.getTime() + REFUND_NOT_FOUND_GRACE_MS + 31 * MINUTE);
    await reconcilePendingRefunds(db, late, { olderThanMinutes: 30 });
    const settled = await refundRow(db, merchantId, refund.id);
    expect(settled.status).toBe("failed");
    expect(settled.outcomeReason).toMatch(/no record of this refund/);
    // Nothing is reserved any more.
    expect((await paymentRow(db, merchantId, payment.id)).status).toBe("succeeded");
  });

  it("a definite refusal (4xx with Stripe's error) fails the refund at once", async () => {
    const { payment } = await paidPayment();
    fakes.stripe.failNext(400, {
      error: {
        type: "invalid_request_error",
        code: "charge_disputed",
        message: "Charge ch_1 has been charged back; cannot issue a refund.",
      },
    });
    await expect(
      refundPayment(owner, payment.id, {
        amountMinor: 300,
        reason: "refused",
        idempotencyKey: `refused-${engine}`,
      }),
    ).rejects.toMatchObject({ status: 502, message: expect.stringMatching(/charged back/) });
    const [row] = await db
      .select()
      .from(refunds)
      .where(
        and(eq(refunds.merchantId, merchantId), eq(refunds.idempotencyKey, `refused-${engine}`)),
      );
    expect(row).toMatchObject({
      status: "failed",
      outcomeReason: expect.stringMatching(/charged back/),
    });
  });

  it("two concurrent refunds with the same key return the same refund, sent once", async () => {
    const { payment } = await paidPayment();
    const before = refundCreates();
    const input = { amountMinor: 900, reason: "double click", idempotencyKey: `same-${engine}` };
    const results = await Promise.allSettled([
      refundPayment(owner, payment.id, input),
      refundPayment(owner, payment.id, input),
      refundPayment(owner, payment.id, input),
    ]);
    const ids = results.map((r) => (r.status === "fulfilled" ? r.value.id : String(r.reason)));
    expect(new Set(ids).size).toBe(1);
    expect(ids[0]).toMatch(/^ref/);
    expect(refundCreates()).toBe(before + 1);
    const rows = await db
      .select()
      .from(refunds)
      .where(and(eq(refunds.merchantId, merchantId), eq(refunds.paymentId, payment.id)));
    expect(rows).toHaveLength(1);
    expect((await paymentRow(db, merchantId, payment.id)).refundedMinor).toBe(900);
  });

  it("Stripe charge.refunded without a refunds list updates the payment, partial then full", async () => {
    const { payment, intentId } = await paidPayment();
    const charge = {
      id: `ch_${payment.id.slice(4)}`,
      object: "charge",
      amount: 2000,
      currency: "eur",
      payment_intent: intentId,
      metadata: { parley_payment_id: payment.id },
      payment_method_details: { type: "card", card: {} },
    };
    await deliver("charge.refunded", { ...charge, amount_refunded: 500, refunded: false });
    expect(await paymentRow(db, merchantId, payment.id)).toMatchObject({
      status: "partially_refunded",
      refundedMinor: 500,
    });
    // The refund.* event for the same 5.00 agrees with the total: no double count.
    const refund = {
      id: `re_${payment.id.slice(4)}`,
      object: "refund",
      amount: 500,
      currency: "eur",
      status: "succeeded",
      payment_intent: intentId,
      metadata: {},
    };
    await deliver("refund.updated", refund);
    expect((await paymentRow(db, merchantId, payment.id)).refundedMinor).toBe(500);

    await deliver("charge.refunded", { ...charge, amount_refunded: 2000, refunded: true });
    expect(await paymentRow(db, merchantId, payment.id)).toMatchObject({
      status: "refunded",
      refundedMinor: 2000,
    });
    // A late partial total (out of order) does not undo the full refund.
    await deliver("charge.refunded", { ...charge, amount_refunded: 500, refunded: false });
    expect((await paymentRow(db, merchantId, payment.id)).refundedMinor).toBe(2000);
  });

  it("a payment under an open dispute is not refunded: nothing reaches the provider until it closes", async () => {
    const { payment } = await paidPayment();
    const disputeId = newId("dispute");
    await db.insert(disputes).values({
      merchantId,
      id: disputeId,
      paymentId: payment.id,
      connectionId,
      mode: payment.mode,
      providerDisputeId: `dp_${engine}_${counter}`,
      reason: "fraudulent",
      amountMinor: 2000,
      currency: "EUR",
      status: "needs_response",
    });
    const before = refundCreates();
    for (const status of ["needs_response", "under_review"] as const) {
      await db
        .update(disputes)
        .set({ status })
        .where(and(eq(disputes.merchantId, merchantId), eq(disputes.id, disputeId)));
      await expect(
        refundPayment(owner, payment.id, {
          amountMinor: 500,
          reason: "goodwill",
          idempotencyKey: `disputed-${engine}-${status}`,
        }),
      ).rejects.toMatchObject({ status: 409, message: expect.stringMatching(/open dispute/) });
    }
    expect(refundCreates()).toBe(before);
    expect(
      await db
        .select()
        .from(refunds)
        .where(and(eq(refunds.merchantId, merchantId), eq(refunds.paymentId, payment.id))),
    ).toEqual([]);

    // Won: the money stays with the merchant, who may still choose to refund.
    await db
      .update(disputes)
      .set({ status: "won" })
      .where(and(eq(disputes.merchantId, merchantId), eq(disputes.id, disputeId)));
    const refund = await refundPayment(owner, payment.id, {
      amountMinor: 500,
      reason: "goodwill",
      idempotencyKey: `disputed-${engine}-won`,
    });
    expect(refund.status).toBe("succeeded");
    expect(refundCreates()).toBe(before + 1);
  });

  it("sends the reason as Stripe names it and keeps the note in metadata", async () => {
    const { payment } = await paidPayment();
    const refund = await refundPayment(owner, payment.id, {
      amountMinor: 700,
      reasonCode: "duplicate",
      reason: "charged twice at the till",
      idempotencyKey: `reason-${engine}`,
    });
    expect(refund).toMatchObject({ status: "succeeded", reasonCode: "duplicate" });
    expect(fakes.stripe.state.refunds.get(refund.providerRefundId!)).toMatchObject({
      reason: "duplicate",
      metadata: expect.objectContaining({ parley_reason: "charged twice at the till" }),
    });
  });
});
