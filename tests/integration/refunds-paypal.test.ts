// A PayPal refund whose create call timed out has no PayPal refund id, and PayPal cannot be asked
// about a refund by request id: reconciliation asks by replaying the same create under the same
// PayPal-Request-Id (the refund row's id), which answers with the refund PayPal already made.
// The fake PayPal must end with exactly one refund on the capture.
import type { Db, DbHandle } from "@/db/client";
import type { Payment } from "@/db/schema";
import type { ServiceContext } from "@/lib/auth/context";
import { captureOrder, type PayPalCredentials } from "@/lib/connections/providers/paypal";
import { connectorContext } from "@/lib/connections/providers/registry";
import type { ConnectorContext } from "@/lib/connections/providers/types";
import { createCheckout } from "@/lib/payments/checkout";
import { reconcilePendingRefunds } from "@/lib/payments/refund-reconcile";
import { OUTCOME_UNKNOWN_REASON } from "@/lib/payments/refund-settle";
import { refundPayment } from "@/lib/payments/refunds";
import { handleWebhookRequest } from "@/lib/webhooks/receive";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  APP_URL,
  configurePipelineEnv,
  connectionRow,
  merchantWithRoles,
  paymentRow,
  refundRow,
  useFakeProviders,
  withShortRefundTimeout,
} from "./helpers/pipeline-fixtures";
import { ENGINES, openTestDatabase } from "./helpers/test-db";

configurePipelineEnv();

const MINUTE = 60_000;
const fakes = useFakeProviders();
const paypalMoney = (minor: number) => ({ currency_code: "EUR", value: (minor / 100).toFixed(2) });

describe.each(ENGINES)("PayPal refunds whose answer never came, on %s", (engine) => {
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
    ({ owner, merchantId } = await merchantWithRoles(db, "Café Bleu"));
    connectionId = await fakes.connect(owner, "paypal");
  });
  afterAll(async () => {
    await handle?.close();
  });
  afterEach(() => {
    fakes.paypal.setRefundLatency(0);
    restore?.();
    restore = undefined;
  });

  async function deliver(event: Record<string, unknown>) {
    const response = await handleWebhookRequest(
      db,
      connectionId,
      new Request(`${APP_URL}/api/webhooks/${connectionId}`, {
        method: "POST",
        headers: fakes.paypal.webhookHeaders(event),
        body: JSON.stringify(event),
      }),
    );
    expect(response.status).toBe(200);
  }

  /** A 20.00 EUR PayPal order the buyer approved and PayPal captured, as its webhook reported. */
  async function paidPayment(): Promise<{ payment: Payment; captureId: string }> {
    counter += 1;
    const payment = await createCheckout(db, merchantId, {
      connectionId,
      amountMinor: 2000,
      currency: "EUR",
      methods: ["paypal"],
      idempotencyKey: `paypal-refunds-${engine}-${counter}`,
    });
    const orderId = payment.providerPaymentId!;
    fakes.paypal.approve(orderId);
    const ctx = connectorContext(await connectionRow(db, merchantId, connectionId), db);
    await captureOrder(ctx as unknown as ConnectorContext<PayPalCredentials>, orderId);
    const captureId = fakes.paypal.state.orders.get(orderId)!.capture!.id;
    await deliver({
      id: `WH-${payment.id}-completed`,
      event_type: "PAYMENT.CAPTURE.COMPLETED",
      create_time: new Date().toISOString(),
      resource: {
        id: captureId,
        status: "COMPLETED",
        amount: paypalMoney(2000),
        custom_id: payment.id,
        supplementary_data: { related_ids: { order_id: orderId } },
      },
    });
    expect((await paymentRow(db, merchantId, payment.id)).status).toBe("succeeded");
    return { payment, captureId };
  }

  const requestsOn = (captureId: string) =>
    fakes.paypal.state.refundRequests.filter((r) => r.captureId === captureId);

  it("a timed-out refund stays pending, then reconciliation settles it with the one refund PayPal made", async () => {
    const { payment, captureId } = await paidPayment();
    restore = withShortRefundTimeout("paypal");
    fakes.paypal.setRefundLatency(1000); // PayPal refunds, but its answer comes after our deadline.

    const refund = await refundPayment(owner, payment.id, {
      amountMinor: 1500,
      reason: "cold croissant",
      idempotencyKey: `paypal-timeout-${engine}`,
    });
    expect(refund).toMatchObject({ status: "pending", providerRefundId: null });
    expect(refund.outcomeReason).toContain(OUTCOME_UNKNOWN_REASON);
    // PayPal did make the refund; Parley does not know its id.
    expect(fakes.paypal.refundsOn(captureId)).toHaveLength(1);
    expect(requestsOn(captureId)).toEqual([{ captureId, requestId: refund.id }]);

    const summary = await reconcilePendingRefunds(db, new Date(Date.now() + 31 * MINUTE), {
      olderThanMinutes: 30,
    });
    expect(summary).toMatchObject({ checked: 1, settled: 1, errors: [] });
    const settled = await refundRow(db, merchantId, refund.id);
    expect(settled).toMatchObject({ status: "succeeded", outcomeReason: null });
    const [made] = fakes.paypal.refundsOn(captureId);
    expect(settled.providerRefundId).toBe(made.id);
    expect(await paymentRow(db, merchantId, payment.id)).toMatchObject({
      status: "partially_refunded",
      refundedMinor: 1500,
    });

    // Asked by replaying the same request under the same PayPal-Request-Id: still ONE refund.
    expect(requestsOn(captureId)).toEqual([
      { captureId, requestId: refund.id },
      { captureId, requestId: refund.id },
    ]);
    expect(fakes.paypal.refundsOn(captureId)).toHaveLength(1);
    expect(made.amount).toEqual(paypalMoney(1500));
    expect(made.note).toBe("cold croissant");

    // PayPal's own notification for that refund later changes nothing.
    await deliver({
      id: `WH-${made.id}`,
      event_type: "PAYMENT.CAPTURE.REFUNDED",
      create_time: new Date().toISOString(),
      resource: {
        id: made.id,
        status: "COMPLETED",
        amount: paypalMoney(1500),
        custom_id: payment.id,
        supplementary_data: { related_ids: { order_id: payment.providerPaymentId } },
      },
    });
    expect((await paymentRow(db, merchantId, payment.id)).refundedMinor).toBe(1500);
    expect(fakes.paypal.refundsOn(captureId)).toHaveLength(1);
  });

  it("a retry of a timed-out refund is the same refund, and PayPal still made only one", async () => {
    const { payment, captureId } = await paidPayment();
    restore = withShortRefundTimeout("paypal");
    fakes.paypal.setRefundLatency(1000);
    const input = { amountMinor: 700, reason: "", idempotencyKey: `paypal-retry-${engine}` };
    const first = await refundPayment(owner, payment.id, input);
    expect(first.status).toBe("pending");

    const again = await refundPayment(owner, payment.id, input);
    expect(again).toMatchObject({ id: first.id, status: "succeeded" });
    expect(again.providerRefundId).toBe(fakes.paypal.refundsOn(captureId)[0].id);
    expect(fakes.paypal.refundsOn(captureId)).toHaveLength(1);
    expect(requestsOn(captureId).every((r) => r.requestId === first.id)).toBe(true);
    expect(await paymentRow(db, merchantId, payment.id)).toMatchObject({ refundedMinor: 700 });
  });
});
