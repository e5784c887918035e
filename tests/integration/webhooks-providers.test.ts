import type { Db, DbHandle } from "@/db/client";
import { jobs, refunds, type Payment } from "@/db/schema";
import type { ServiceContext } from "@/lib/auth/context";
import { registerBuiltinJobHandlers } from "@/lib/jobs/builtin";
import { runDueJobs } from "@/lib/jobs/runner";
import { createCheckout } from "@/lib/payments/checkout";
import { ingestWebhook } from "@/lib/webhooks/ingest";
import { handleWebhookRequest } from "@/lib/webhooks/receive";
import { recoverInbox } from "@/lib/webhooks/recovery";
import { adyenNotificationItem } from "@/tests/fakes/adyen-server";
import { buildStripeEvent, signStripeEvent } from "@/tests/fakes/stripe-server";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ADYEN_HMAC_KEY,
  APP_URL,
  configurePipelineEnv,
  connectionRow,
  deliveriesOf,
  eventsOf,
  merchantWithRoles,
  paymentRow,
  useFakeProviders,
  type FakeProvider,
} from "./helpers/pipeline-fixtures";
import { ENGINES, openTestDatabase } from "./helpers/test-db";

configurePipelineEnv();

const STRIPE_SECRET = "whsec_provider_tests";
const AMOUNT = 1250;

const fakes = useFakeProviders();

beforeAll(() => registerBuiltinJobHandlers());

interface Delivery {
  body: string;
  headers: Record<string, string>;
}
type At = { at: Date; amountMinor?: number };

/** How each provider reports the same story, on the wire. */
interface WireFormat {
  provider: FakeProvider;
  methods: ("card" | "paypal")[];
  pending(p: Payment, o: At): Delivery;
  paid(p: Payment, o: At): Delivery;
  refunded(p: Payment, refundId: string, amountMinor: number, o: At): Delivery;
  unknown(p: Payment): Delivery;
  /** The same delivery with its body altered after signing. */
  forged(d: Delivery): Delivery;
}

const secondsOf = (d: Date) => Math.floor(d.getTime() / 1000);

function stripeDelivery(event: unknown): Delivery {
  const { payload, header } = signStripeEvent(event, STRIPE_SECRET);
  return {
    body: payload,
    headers: { "content-type": "application/json", "stripe-signature": header },
  };
}
const intentOf = (p: Payment) => `pi_${p.id.slice(4)}`;

const STRIPE: WireFormat = {
  provider: "stripe",
  methods: ["card"],
  pending: (p, o) =>
    stripeDelivery(
      buildStripeEvent(
        "payment_intent.processing",
        {
          id: intentOf(p),
          object: "payment_intent",
          amount: o.amountMinor ?? AMOUNT,
          currency: "eur",
          metadata: { parley_payment_id: p.id },
          payment_method_types: ["card"],
        },
        { created: secondsOf(o.at) },
      ),
    ),
  paid: (p, o) =>
    stripeDelivery(
      buildStripeEvent(
        "checkout.session.completed",
        {
          id: p.providerCheckoutId,
          object: "checkout.session",
          payment_intent: intentOf(p),
          payment_status: "paid",
          status: "complete",
          amount_total: o.amountMinor ?? AMOUNT,
          currency: "eur",
          client_reference_id: p.id,
          metadata: { parley_payment_id: p.id },
        },
        { created: secondsOf(o.at) },
      ),
    ),
  // Stripe's refund names the PaymentIntent only.
  refunded: (p, refundId, amountMinor, o) =>
    stripeDelivery(
      buildStripeEvent(
        "refund.updated",
        {
          id: refundId,
          object: "refund",
          amount: amountMinor,
          currency: "eur",
          status: "succeeded",
          payment_intent: intentOf(p),
          metadata: {},
        },
        { created: secondsOf(o.at) },
      ),
    ),
  unknown: () =>
    stripeDelivery(buildStripeEvent("customer.created", { id: "cus_1", object: "customer" })),
  forged: (d) => ({ ...d, body: d.body.replace(`"amount_total": ${AMOUNT}`, `"amount_total": 1`) }),
};

function paypalDelivery(event: Record<string, unknown>): Delivery {
  return {
    body: JSON.stringify(event),
    headers: Object.fromEntries(fakes.paypal.webhookHeaders(event).entries()),
  };
}
const captureOf = (p: Payment) => `CAP${p.id.slice(4, 14).toUpperCase()}`;
const paypalMoney = (minor: number) => ({ currency_code: "EUR", value: (minor / 100).toFixed(2) });

const PAYPAL: WireFormat = {
  provider: "paypal",
  methods: ["paypal"],
  pending: (p, o) =>
    paypalDelivery({
      id: `WH-${p.id}-pending`,
      event_type: "PAYMENT.CAPTURE.PENDING",
      create_time: o.at.toISOString(),
      resource: {
        id: captureOf(p),
        status: "PENDING",
        amount: paypalMoney(o.amountMinor ?? AMOUNT),
        custom_id: p.id,
        supplementary_data: { related_ids: { order_id: p.providerPaymentId } },
      },
    }),
  paid: (p, o) =>
    paypalDelivery({
      id: `WH-${p.id}-completed-${o.amountMinor ?? AMOUNT}`,
      event_type: "PAYMENT.CAPTURE.COMPLETED",
      create_time: o.at.toISOString(),
      resource: {
        id: captureOf(p),
        status: "COMPLETED",
        amount: paypalMoney(o.amountMinor ?? AMOUNT),
        custom_id: p.id,
        supplementary_data: { related_ids: { order_id: p.providerPaymentId } },
      },
    }),
  refunded: (p, refundId, amountMinor, o) =>
    paypalDelivery({
      id: `WH-${refundId}`,
      event_type: "PAYMENT.CAPTURE.REFUNDED",
      create_time: o.at.toISOString(),
      resource: {
        id: refundId,
        status: "COMPLETED",
        amount: paypalMoney(amountMinor),
        custom_id: p.id,
        supplementary_data: { related_ids: { order_id: p.providerPaymentId } },
      },
    }),
  unknown: (p) =>
    paypalDelivery({
      id: `WH-${p.id}-unknown`,
      event_type: "BILLING.PLAN.CREATED",
      create_time: new Date().toISOString(),
      resource: { id: "P-1" },
    }),
  forged: (d) => ({ ...d, body: d.body.replace(`"value":"12.50"`, `"value":"0.01"`) }),
};

function adyenDelivery(items: Parameters<typeof adyenNotificationItem>[0][]): Delivery {
  const body = {
    live: "false",
    notificationItems: items.map((item) => adyenNotificationItem(item, ADYEN_HMAC_KEY)),
  };
  return { body: JSON.stringify(body), headers: { "content-type": "application/json" } };
}
const pspOf = (p: Payment) => `PSP${p.id.slice(4, 17).toUpperCase()}`;
const adyenDate = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "+00:00");

const ADYEN: WireFormat = {
  provider: "adyen",
  methods: ["card"],
  pending: (p, o) =>
    adyenDelivery([
      {
        eventCode: "PENDING",
        success: "true",
        pspReference: pspOf(p),
        merchantAccountCode: fakes.adyen.merchantAccount,
        merchantReference: p.id,
        amount: { value: o.amountMinor ?? AMOUNT, currency: "EUR" },
        eventDate: adyenDate(o.at),
      },
    ]),
  paid: (p, o) =>
    adyenDelivery([
      {
        eventCode: "AUTHORISATION",
        success: "true",
        pspReference: pspOf(p),
        merchantAccountCode: fakes.adyen.merchantAccount,
        merchantReference: p.id,
        amount: { value: o.amountMinor ?? AMOUNT, currency: "EUR" },
        paymentMethod: "visa",
        eventDate: adyenDate(o.at),
      },
    ]),
  refunded: (p, refundId, amountMinor, o) =>
    adyenDelivery([
      {
        eventCode: "REFUND",
        success: "true",
        pspReference: refundId,
        originalReference: pspOf(p),
        merchantAccountCode: fakes.adyen.merchantAccount,
        merchantReference: p.id,
        amount: { value: amountMinor, currency: "EUR" },
        eventDate: adyenDate(o.at),
      },
    ]),
  unknown: (p) =>
    adyenDelivery([
      {
        eventCode: "REPORT_AVAILABLE",
        success: "true",
        pspReference: `R${pspOf(p)}`,
        merchantAccountCode: fakes.adyen.merchantAccount,
      },
    ]),
  forged: (d) => ({ ...d, body: d.body.replace(`"value":${AMOUNT}`, `"value":1`) }),
};

describe.each(ENGINES)("provider webhooks on %s", (engine) => {
  let handle: DbHandle;
  let db: Db;
  let owner: ServiceContext;
  let merchantId: string;

  beforeAll(async () => {
    handle = await openTestDatabase(engine);
    db = handle.db;
    ({ owner, merchantId } = await merchantWithRoles(db));
  });
  afterAll(async () => {
    await handle?.close();
  });

  describe.each([STRIPE, PAYPAL, ADYEN])("$provider", (wire) => {
    let connectionId: string;
    let counter = 0;

    beforeAll(async () => {
      connectionId = await fakes.connect(owner, wire.provider, {
        label: wire.provider,
        stripeWebhookSecret: STRIPE_SECRET,
      });
    });

    async function newPayment(): Promise<Payment> {
      counter += 1;
      return createCheckout(db, merchantId, {
        connectionId,
        amountMinor: AMOUNT,
        currency: "EUR",
        methods: wire.methods,
        description: "Lunch",
        idempotencyKey: `${wire.provider}-${engine}-${counter}`,
      });
    }

    function post(delivery: Delivery) {
      return handleWebhookRequest(
        db,
        connectionId,
        new Request(`${APP_URL}/api/webhooks/${connectionId}`, {
          method: "POST",
          headers: delivery.headers,
          body: delivery.body,
        }),
      );
    }

    const ago = (seconds: number) => new Date(Date.now() - seconds * 1000);

    it("applies a verified payment and answers with the provider's acknowledgement", async () => {
      const payment = await newPayment();
      const response = await post(wire.paid(payment, { at: ago(5) }));
      expect(response.status).toBe(200);
      if (wire.provider === "adyen") expect(await response.text()).toBe("[accepted]");
      const after = await paymentRow(db, merchantId, payment.id);
      expect(after.status).toBe("succeeded");
      if (wire.provider === "adyen")
        expect(after).toMatchObject({ providerPaymentId: pspOf(payment), method: "card" });
      if (wire.provider === "stripe") expect(after.providerPaymentId).toBe(intentOf(payment));
    });

    it("refuses a delivery altered after signing, changing nothing but the counters", async () => {
      const payment = await newPayment();
      const before = await connectionRow(db, merchantId, connectionId);
      const response = await post(wire.forged(wire.paid(payment, { at: ago(5) })));
      expect(response.status).toBe(400);
      expect((await paymentRow(db, merchantId, payment.id)).status).toBe("created");
      expect((await connectionRow(db, merchantId, connectionId)).signatureFailures).toBe(
        before.signatureFailures + 1,
      );
      const rows = await deliveriesOf(db, merchantId, connectionId);
      expect(rows.find((r) => r.id === response.headers.get("x-parley-delivery"))).toMatchObject({
        status: "rejected",
        verified: false,
      });
      expect(
        (await eventsOf(db, merchantId, payment.id)).filter((e) => e.source === "provider"),
      ).toHaveLength(0);
    });

    it("applies the same event delivered twice once; a refund is not doubled", async () => {
      const payment = await newPayment();
      const paid = wire.paid(payment, { at: ago(30) });
      const refund = wire.refunded(payment, `RF${payment.id.slice(4, 16)}`, 500, { at: ago(10) });
      for (const d of [paid, paid, refund, refund]) expect((await post(d)).status).toBe(200);
      expect(await paymentRow(db, merchantId, payment.id)).toMatchObject({
        status: "partially_refunded",
        refundedMinor: 500,
      });
      expect(
        (await eventsOf(db, merchantId, payment.id)).filter((e) => e.source === "provider"),
      ).toHaveLength(2);
      const rows = await db
        .select()
        .from(refunds)
        .where(and(eq(refunds.merchantId, merchantId), eq(refunds.paymentId, payment.id)));
      expect(rows).toHaveLength(1);
    });

    it("reaches the same state when events arrive newest first", async () => {
      const t0 = Date.now();
      const at = (secondsAgo: number) => new Date(t0 - secondsAgo * 1000);
      const story = (p: Payment) => [
        wire.pending(p, { at: at(120) }),
        wire.paid(p, { at: at(90) }),
        wire.refunded(p, `RF${p.id.slice(4, 16)}`, AMOUNT, { at: at(60) }),
      ];
      const inOrder = await newPayment();
      const reversed = await newPayment();
      for (const d of story(inOrder)) await post(d);
      for (const d of story(reversed).reverse()) await post(d);
      const a = await paymentRow(db, merchantId, inOrder.id);
      const b = await paymentRow(db, merchantId, reversed.id);
      expect(a).toMatchObject({ status: "refunded", refundedMinor: AMOUNT });
      expect({
        status: b.status,
        refundedMinor: b.refundedMinor,
        flags: b.flags,
        succeededAt: b.succeededAt,
      }).toEqual({
        status: a.status,
        refundedMinor: a.refundedMinor,
        flags: a.flags,
        succeededAt: a.succeededAt,
      });
      const refundRows = await db
        .select()
        .from(refunds)
        .where(and(eq(refunds.merchantId, merchantId), eq(refunds.paymentId, reversed.id)));
      expect(refundRows).toMatchObject([{ status: "succeeded", amountMinor: AMOUNT }]);
    });

    it("flags a different amount on the timeline instead of marking the payment paid", async () => {
      const payment = await newPayment();
      await post(wire.paid(payment, { at: ago(5), amountMinor: 99 }));
      const after = await paymentRow(db, merchantId, payment.id);
      expect(after.status).not.toBe("succeeded");
      expect(after.flags).toContain("amount_mismatch");
      const reported = (await eventsOf(db, merchantId, payment.id)).find(
        (e) => e.source === "provider",
      )!;
      expect(reported.detail?.flags).toContain("amount_mismatch");
    });

    it("keeps an unknown event type on the delivery and ignores it", async () => {
      const payment = await newPayment();
      const response = await post(wire.unknown(payment));
      expect(response.status).toBe(200);
      const row = (await deliveriesOf(db, merchantId, connectionId)).find(
        (r) => r.id === response.headers.get("x-parley-delivery"),
      )!;
      expect(row.status).toBe("ignored");
      expect(row.eventTypes.length).toBe(1);
      expect((await paymentRow(db, merchantId, payment.id)).status).toBe("created");
    });

    it("recovers after a crash mid-apply", async () => {
      const payment = await newPayment();
      const d = wire.paid(payment, { at: ago(5) });
      const reply = await ingestWebhook(
        db,
        connectionId,
        {
          rawBody: d.body,
          headers: new Headers(d.headers),
          url: `${APP_URL}/api/webhooks/${connectionId}`,
        },
        { failAfterEventIndex: 0 },
      );
      expect(reply.status).toBe(200);
      expect((await paymentRow(db, merchantId, payment.id)).status).toBe("created");
      await recoverInbox(db, { olderThanMs: 0 });
      expect((await paymentRow(db, merchantId, payment.id)).status).toBe("succeeded");
      await post(d);
      expect(
        (await eventsOf(db, merchantId, payment.id)).filter((e) => e.source === "provider"),
      ).toHaveLength(1);
    });
  });

  it("stripe: refuses a genuine but stale delivery", async () => {
    const id = await fakes.connect(owner, "stripe", {
      label: "stale",
      stripeWebhookSecret: STRIPE_SECRET,
    });
    const event = buildStripeEvent("customer.created", { id: "cus_1", object: "customer" });
    const { payload, header } = signStripeEvent(
      event,
      STRIPE_SECRET,
      Math.floor(Date.now() / 1000) - 600,
    );
    const response = await handleWebhookRequest(
      db,
      id,
      new Request(`${APP_URL}/api/webhooks/${id}`, {
        method: "POST",
        headers: { "stripe-signature": header },
        body: payload,
      }),
    );
    expect(response.status).toBe(400);
    const [row] = await deliveriesOf(db, merchantId, id);
    expect(row.error).toMatch(/^stale/);
  });

  it("adyen: a batch that crashes halfway applies none of it, then all of it on recovery", async () => {
    const id = await fakes.connect(owner, "adyen", { label: "batch" });
    const p1 = await createCheckout(db, merchantId, {
      connectionId: id,
      amountMinor: AMOUNT,
      currency: "EUR",
      idempotencyKey: `batch-1-${engine}`,
    });
    const p2 = await createCheckout(db, merchantId, {
      connectionId: id,
      amountMinor: AMOUNT,
      currency: "EUR",
      idempotencyKey: `batch-2-${engine}`,
    });
    const one = JSON.parse(ADYEN.paid(p1, { at: new Date() }).body);
    const two = JSON.parse(ADYEN.paid(p2, { at: new Date() }).body);
    const body = JSON.stringify({
      live: "false",
      notificationItems: [...one.notificationItems, ...two.notificationItems],
    });
    const reply = await ingestWebhook(
      db,
      id,
      { rawBody: body, headers: new Headers(), url: "" },
      { failAfterEventIndex: 0 },
    );
    expect(reply).toMatchObject({ status: 200, body: "[accepted]" });
    expect((await paymentRow(db, merchantId, p1.id)).status).toBe("created");
    expect((await paymentRow(db, merchantId, p2.id)).status).toBe("created");
    expect(
      (await eventsOf(db, merchantId, p1.id)).filter((e) => e.source === "provider"),
    ).toHaveLength(0);
    const summary = await recoverInbox(db, { olderThanMs: 0 });
    expect(summary.failed).toBe(0);
    expect((await paymentRow(db, merchantId, p1.id)).status).toBe("succeeded");
    expect((await paymentRow(db, merchantId, p2.id)).status).toBe("succeeded");
  });

  it("paypal: a buyer approval enqueues a capture job, which captures and marks the payment paid", async () => {
    const id = await fakes.connect(owner, "paypal", { label: "capture" });
    const payment = await createCheckout(db, merchantId, {
      connectionId: id,
      amountMinor: AMOUNT,
      currency: "EUR",
      methods: ["paypal"],
      idempotencyKey: `approve-${engine}`,
    });
    fakes.paypal.approve(payment.providerPaymentId!);
    const order = {
      id: payment.providerPaymentId,
      status: "APPROVED",
      intent: "CAPTURE",
      purchase_units: [
        { reference_id: payment.id, custom_id: payment.id, amount: paypalMoney(AMOUNT) },
      ],
    };
    const event = {
      id: `WH-approve-${payment.id}`,
      event_type: "CHECKOUT.ORDER.APPROVED",
      create_time: new Date().toISOString(),
      resource: order,
    };
    const d = paypalDelivery(event);
    const response = await handleWebhookRequest(
      db,
      id,
      new Request(`${APP_URL}/api/webhooks/${id}`, {
        method: "POST",
        headers: d.headers,
        body: d.body,
      }),
    );
    expect(response.status).toBe(200);
    expect((await paymentRow(db, merchantId, payment.id)).status).toBe("pending");
    const [job] = await db
      .select()
      .from(jobs)
      .where(
        and(
          eq(jobs.merchantId, merchantId),
          eq(jobs.dedupeKey, `paypal-capture:${payment.providerPaymentId}`),
        ),
      );
    expect(job).toMatchObject({ kind: "payments.paypal_capture", status: "pending" });
    const captures = fakes.paypal.state.captureAttempts;
    await runDueJobs(db, new Date());
    expect(fakes.paypal.state.captureAttempts).toBe(captures + 1);
    expect((await paymentRow(db, merchantId, payment.id)).status).toBe("succeeded");
    // The same approval delivered again: no second capture job.
    await handleWebhookRequest(
      db,
      id,
      new Request(`${APP_URL}/api/webhooks/${id}`, {
        method: "POST",
        headers: d.headers,
        body: d.body,
      }),
    );
    await runDueJobs(db, new Date());
    expect(fakes.paypal.state.captureAttempts).toBe(captures + 1);
  });
});
