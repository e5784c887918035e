// Each provider's documented dispute webhooks, signed and delivered through the real ingest
// path: the disputes row follows the case (stage, status, the provider's own words), every
// event lands on dispute_events, and an out-of-order event is refused and kept on the timeline.
import type { Db, DbHandle } from "@/db/client";
import { disputeEvents, disputes, payments, webhookInbox, type Payment } from "@/db/schema";
import type { ServiceContext } from "@/lib/auth/context";
import { listDeskDisputes } from "@/lib/disputes/queries";
import { registerBuiltinJobHandlers } from "@/lib/jobs/builtin";
import { createCheckout } from "@/lib/payments/checkout";
import { handleWebhookRequest } from "@/lib/webhooks/receive";
import { adyenNotificationItem } from "@/tests/fakes/adyen-server";
import { buildStripeEvent, signStripeEvent } from "@/tests/fakes/stripe-server";
import { and, asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ADYEN_HMAC_KEY,
  APP_URL,
  configurePipelineEnv,
  merchantWithRoles,
  useFakeProviders,
  type FakeProvider,
} from "./helpers/pipeline-fixtures";
import { ENGINES, openTestDatabase } from "./helpers/test-db";

configurePipelineEnv();

const STRIPE_SECRET = "whsec_dispute_tests";
const AMOUNT = 1250;
const DUE = new Date("2030-03-20T23:59:59.000Z");
const fakes = useFakeProviders();

beforeAll(() => registerBuiltinJobHandlers());

interface Delivery {
  body: string;
  headers: Record<string, string>;
}
const secs = (d: Date) => Math.floor(d.getTime() / 1000);
const ago = (seconds: number) => new Date(Date.now() - seconds * 1000);

function stripeDelivery(event: unknown): Delivery {
  const { payload, header } = signStripeEvent(event, STRIPE_SECRET);
  return {
    body: payload,
    headers: { "content-type": "application/json", "stripe-signature": header },
  };
}
const intentOf = (p: Payment) => `pi_${p.id.slice(4)}`;
const captureOf = (p: Payment) => `CAP${p.id.slice(4, 14).toUpperCase()}`;
const pspOf = (p: Payment) => `PSP${p.id.slice(4, 17).toUpperCase()}`;
const adyenDate = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "+00:00");
const paypalMoney = (minor: number) => ({ currency_code: "EUR", value: (minor / 100).toFixed(2) });

function paypalDelivery(event: Record<string, unknown>): Delivery {
  return {
    body: JSON.stringify(event),
    headers: Object.fromEntries(fakes.paypal.webhookHeaders(event).entries()),
  };
}
function adyenDelivery(items: Parameters<typeof adyenNotificationItem>[0][]): Delivery {
  const body = {
    live: "false",
    notificationItems: items.map((item) => adyenNotificationItem(item, ADYEN_HMAC_KEY)),
  };
  return { body: JSON.stringify(body), headers: { "content-type": "application/json" } };
}

/** A step of the case, on the wire: n makes each delivery's event id its own. */
type Step = (p: Payment, n: number, at: Date) => Delivery;

interface Story {
  provider: FakeProvider;
  methods: ("card" | "paypal")[];
  disputeId: (p: Payment) => string;
  paid: Step;
  opened: Step;
  underReview: Step;
  won: Step;
  /** An "under review" that arrives after the close, as a delivery of its own. */
  late?: Step;
  expected: { reason: string; providerReason: string; providerReasonCode: string | null };
}

const stripeDispute = (p: Payment, status: string) => ({
  id: `dp_${p.id.slice(4)}`,
  object: "dispute",
  amount: AMOUNT,
  currency: "eur",
  reason: "product_not_received",
  status,
  payment_intent: intentOf(p),
  metadata: { parley_payment_id: p.id },
  evidence_details: { due_by: secs(DUE) },
  network_reason_code: "13.1",
});

const STRIPE: Story = {
  provider: "stripe",
  methods: ["card"],
  disputeId: (p) => `dp_${p.id.slice(4)}`,
  paid: (p, _n, at) =>
    stripeDelivery(
      buildStripeEvent(
        "checkout.session.completed",
        {
          id: p.providerCheckoutId,
          object: "checkout.session",
          payment_intent: intentOf(p),
          payment_status: "paid",
          status: "complete",
          amount_total: AMOUNT,
          currency: "eur",
          client_reference_id: p.id,
          metadata: { parley_payment_id: p.id },
        },
        { created: secs(at) },
      ),
    ),
  opened: (p, _n, at) =>
    stripeDelivery(
      buildStripeEvent("charge.dispute.created", stripeDispute(p, "needs_response"), {
        created: secs(at),
      }),
    ),
  underReview: (p, _n, at) =>
    stripeDelivery(
      buildStripeEvent("charge.dispute.updated", stripeDispute(p, "under_review"), {
        created: secs(at),
      }),
    ),
  won: (p, _n, at) =>
    stripeDelivery(
      buildStripeEvent("charge.dispute.closed", stripeDispute(p, "won"), { created: secs(at) }),
    ),
  expected: {
    reason: "product_not_received",
    providerReason: "product_not_received",
    providerReasonCode: "13.1",
  },
};

const paypalDispute = (p: Payment, status: string, outcome?: string) => ({
  dispute_id: `PP-D-${p.id.slice(4, 12)}`,
  reason: "MERCHANDISE_OR_SERVICE_NOT_RECEIVED",
  status,
  dispute_life_cycle_stage: "CHARGEBACK",
  dispute_amount: paypalMoney(AMOUNT),
  seller_response_due_date: DUE.toISOString(),
  ...(outcome && { dispute_outcome: { outcome_code: outcome } }),
  disputed_transactions: [{ seller_transaction_id: captureOf(p), custom: p.id }],
});

const PAYPAL: Story = {
  provider: "paypal",
  methods: ["paypal"],
  disputeId: (p) => `PP-D-${p.id.slice(4, 12)}`,
  paid: (p, _n, at) =>
    paypalDelivery({
      id: `WH-${p.id}-completed`,
      event_type: "PAYMENT.CAPTURE.COMPLETED",
      create_time: at.toISOString(),
      resource: {
        id: captureOf(p),
        status: "COMPLETED",
        amount: paypalMoney(AMOUNT),
        custom_id: p.id,
        supplementary_data: { related_ids: { order_id: p.providerPaymentId } },
      },
    }),
  opened: (p, n, at) =>
    paypalDelivery({
      id: `WH-${p.id}-d${n}`,
      event_type: "CUSTOMER.DISPUTE.CREATED",
      create_time: at.toISOString(),
      resource: paypalDispute(p, "WAITING_FOR_SELLER_RESPONSE"),
    }),
  underReview: (p, n, at) =>
    paypalDelivery({
      id: `WH-${p.id}-d${n}`,
      event_type: "CUSTOMER.DISPUTE.UPDATED",
      create_time: at.toISOString(),
      resource: paypalDispute(p, "UNDER_REVIEW"),
    }),
  won: (p, n, at) =>
    paypalDelivery({
      id: `WH-${p.id}-d${n}`,
      event_type: "CUSTOMER.DISPUTE.RESOLVED",
      create_time: at.toISOString(),
      resource: paypalDispute(p, "RESOLVED", "RESOLVED_SELLER_FAVOUR"),
    }),
  expected: {
    reason: "product_not_received",
    providerReason: "MERCHANDISE_OR_SERVICE_NOT_RECEIVED",
    providerReasonCode: null,
  },
};

const adyenDispute = (p: Payment, eventCode: string, disputeStatus: string, at: Date) =>
  adyenDelivery([
    {
      eventCode,
      success: "true",
      pspReference: `CB${pspOf(p)}`,
      originalReference: pspOf(p),
      merchantAccountCode: fakes.adyen.merchantAccount,
      merchantReference: p.id,
      amount: { value: AMOUNT, currency: "EUR" },
      reason: "Merchandise/Services Not Received",
      eventDate: adyenDate(at),
      additionalData: {
        disputeStatus,
        chargebackReasonCode: "13.1",
        defensePeriodEndsAt: adyenDate(DUE),
      },
    },
  ]);

const ADYEN: Story = {
  provider: "adyen",
  methods: ["card"],
  disputeId: (p) => `CB${pspOf(p)}`,
  paid: (p, _n, at) =>
    adyenDelivery([
      {
        eventCode: "AUTHORISATION",
        success: "true",
        pspReference: pspOf(p),
        merchantAccountCode: fakes.adyen.merchantAccount,
        merchantReference: p.id,
        amount: { value: AMOUNT, currency: "EUR" },
        paymentMethod: "visa",
        eventDate: adyenDate(at),
      },
    ]),
  opened: (p, _n, at) => adyenDispute(p, "NOTIFICATION_OF_CHARGEBACK", "Undefended", at),
  underReview: (p, _n, at) => adyenDispute(p, "INFORMATION_SUPPLIED", "Pending", at),
  won: (p, _n, at) => adyenDispute(p, "CHARGEBACK_REVERSED", "Won", at),
  // Adyen's event id is pspReference + eventCode: a repeated code is a replay, so the late
  // event is another code.
  late: (p, _n, at) => adyenDispute(p, "ISSUER_COMMENTS", "Pending", at),
  expected: {
    reason: "product_not_received",
    providerReason: "Merchandise/Services Not Received",
    providerReasonCode: "13.1",
  },
};

describe.each(ENGINES)("dispute webhooks on %s", (engine) => {
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

  describe.each([STRIPE, PAYPAL, ADYEN])("$provider", (story) => {
    let connectionId: string;

    beforeAll(async () => {
      connectionId = await fakes.connect(owner, story.provider, {
        label: story.provider,
        stripeWebhookSecret: STRIPE_SECRET,
      });
    });

    const post = (delivery: Delivery) =>
      handleWebhookRequest(
        db,
        connectionId,
        new Request(`${APP_URL}/api/webhooks/${connectionId}`, {
          method: "POST",
          headers: delivery.headers,
          body: delivery.body,
        }),
      );

    async function disputeOf(p: Payment) {
      const [row] = await db
        .select()
        .from(disputes)
        .where(
          and(
            eq(disputes.merchantId, merchantId),
            eq(disputes.providerDisputeId, story.disputeId(p)),
          ),
        );
      return row;
    }

    it("follows the case from opened to won, then refuses an out-of-order event", async () => {
      const payment = await createCheckout(db, merchantId, {
        connectionId,
        amountMinor: AMOUNT,
        currency: "EUR",
        methods: story.methods,
        description: "Lunch",
        idempotencyKey: `dispute-${story.provider}-${engine}`,
      });
      expect((await post(story.paid(payment, 0, ago(60)))).status).toBe(200);

      expect((await post(story.opened(payment, 1, ago(50)))).status).toBe(200);
      expect(await disputeOf(payment)).toMatchObject({
        paymentId: payment.id,
        stage: "chargeback",
        status: "needs_response",
        reason: story.expected.reason,
        providerReason: story.expected.providerReason,
        providerReasonCode: story.expected.providerReasonCode,
        dueBy: DUE,
        amountMinor: AMOUNT,
        currency: "EUR",
      });

      expect((await post(story.underReview(payment, 2, ago(40)))).status).toBe(200);
      expect((await disputeOf(payment)).status).toBe("under_review");

      expect((await post(story.won(payment, 3, ago(30)))).status).toBe(200);
      const won = await disputeOf(payment);
      expect(won).toMatchObject({ status: "won", outcome: "won" });
      expect(won.closedAt).not.toBeNull();

      // A late "under review" (a new delivery with its own event id) cannot reopen it.
      const lateDelivery = (story.late ?? story.underReview)(payment, 4, ago(35));
      const late = await post(lateDelivery);
      // Refused with a 4xx-class answer that says why, never a 5xx.
      expect(late.status).toBe(409);
      const body = (await late.json()) as { refused: { event: string; reason: string }[] };
      expect(body.refused).toHaveLength(1);
      expect(body.refused[0].reason).toMatch(/already ended \(won\)/);
      expect((await disputeOf(payment)).status).toBe("won");
      // The provider resending the same bytes hears the same refusal; nothing more is recorded.
      const resent = await post(lateDelivery);
      expect(resent.status).toBe(409);
      expect(((await resent.json()) as typeof body).refused).toEqual(body.refused);

      const timeline = await db
        .select()
        .from(disputeEvents)
        .where(and(eq(disputeEvents.merchantId, merchantId), eq(disputeEvents.disputeId, won.id)))
        .orderBy(asc(disputeEvents.createdAt));
      expect(timeline.map((e) => [e.kind, e.toStatus])).toEqual([
        ["provider", "needs_response"],
        ["provider", "under_review"],
        ["provider", "won"],
        ["refused", "under_review"],
      ]);
      expect(timeline[3]).toMatchObject({ fromStatus: "won", detail: { refusal: "terminal" } });

      const deliveryId = late.headers.get("x-parley-delivery")!;
      const [inbox] = await db
        .select()
        .from(webhookInbox)
        .where(and(eq(webhookInbox.merchantId, merchantId), eq(webhookInbox.id, deliveryId)));
      expect(inbox.status).toBe("ignored");
      expect(inbox.error).toMatch(/^dispute_refused: /);

      // The desk lists it under its filters, in its own mode only.
      const reader = { ...owner, userId: owner.user.id };
      const closed = await listDeskDisputes(reader, payment.mode, { status: "closed" });
      expect(closed.rows.map((r) => r.id)).toContain(won.id);
      expect(closed.rows.find((r) => r.id === won.id)).toMatchObject({
        provider: story.provider,
        stage: "chargeback",
        status: "won",
      });
      const open = await listDeskDisputes(reader, payment.mode, { status: "open" });
      expect(open.rows.map((r) => r.id)).not.toContain(won.id);
      const otherMode = payment.mode === "test" ? "live" : "test";
      const elsewhere = await listDeskDisputes(reader, otherMode, {});
      expect(elsewhere.rows.map((r) => r.id)).not.toContain(won.id);
    });

    it.runIf(story.provider === "adyen")(
      "a second chargeback after a reversal reopens the case and the payment alike",
      async () => {
        const payment = await createCheckout(db, merchantId, {
          connectionId,
          amountMinor: AMOUNT,
          currency: "EUR",
          methods: story.methods,
          description: "Dinner",
          idempotencyKey: `second-chargeback-${engine}`,
        });
        const paymentStatus = async () =>
          (
            await db
              .select({ status: payments.status })
              .from(payments)
              .where(and(eq(payments.merchantId, merchantId), eq(payments.id, payment.id)))
          )[0].status;
        expect((await post(story.paid(payment, 0, ago(90)))).status).toBe(200);
        expect((await post(story.opened(payment, 1, ago(80)))).status).toBe(200);
        expect((await post(story.won(payment, 2, ago(70)))).status).toBe(200);
        expect(await disputeOf(payment)).toMatchObject({ stage: "chargeback", status: "won" });
        expect(await paymentStatus()).toBe("succeeded");

        // The issuer appeals: Adyen's SECOND_CHARGEBACK opens pre-arbitration.
        expect(
          (await post(adyenDispute(payment, "SECOND_CHARGEBACK", "Undefended", ago(60)))).status,
        ).toBe(200);
        expect(await disputeOf(payment)).toMatchObject({
          stage: "pre_arbitration",
          status: "needs_response",
          outcome: null,
        });
        expect(await paymentStatus()).toBe("disputed");

        expect(
          (await post(adyenDispute(payment, "PREARBITRATION_WON", "Won", ago(50)))).status,
        ).toBe(200);
        expect(await disputeOf(payment)).toMatchObject({
          stage: "pre_arbitration",
          status: "won",
        });
        expect(await paymentStatus()).toBe("succeeded");
      },
    );
  });
});
