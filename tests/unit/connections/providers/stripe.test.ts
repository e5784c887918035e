import {
  createStripeConnector,
  stripeCredentialsSchema,
  validateStripeCredentials,
  type StripeCredentials,
} from "@/lib/connections/providers/stripe";
import { stripeEvidenceParams } from "@/lib/connections/providers/stripe/disputes";
import { normalizeStripeEvent } from "@/lib/connections/providers/stripe/webhooks";
import {
  isOutcomeUnknown,
  ProviderError,
  type CheckoutInput,
  type ConnectorContext,
} from "@/lib/connections/providers/types";
import { closedPortUrl } from "@/tests/fakes/http-server";
import {
  buildStripeEvent,
  signStripeEvent,
  startFakeStripe,
  type FakeStripe,
} from "@/tests/fakes/stripe-server";
import Stripe from "stripe";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { checkoutInputMaker, providerRejection } from "./helpers";

const connector = createStripeConnector({ maxNetworkRetries: 0 });
let fake: FakeStripe;
let ctx: ConnectorContext<StripeCredentials>;

beforeAll(async () => {
  fake = await startFakeStripe();
  ctx = {
    credentials: { secretKey: fake.validKey, webhookSecret: "whsec_endpoint_secret" },
    mode: "test",
    baseUrl: fake.url,
    appUrl: "http://parley.test",
    timeoutMs: 2_000,
  };
});

afterAll(() => fake.close());
afterEach(() => fake.setLatency(0));

const checkoutInput = checkoutInputMaker("test", {
  description: "2× flat white",
  conversationId: "cnv_abc",
  customerEmail: "ana@example.com",
  locale: "id-ID",
  successUrl: "http://parley.test/pay/done",
  cancelUrl: "http://parley.test/pay/cancel",
});

describe("Stripe credentials", () => {
  it("accepts secret and restricted keys with a whsec_ secret", () => {
    expect(
      stripeCredentialsSchema.safeParse({ secretKey: "sk_test_123", webhookSecret: "whsec_abc" })
        .success,
    ).toBe(true);
    expect(
      stripeCredentialsSchema.safeParse({ secretKey: "rk_live_123", webhookSecret: "whsec_abc" })
        .success,
    ).toBe(true);
  });

  it("explains what is wrong with each field", () => {
    const check = validateStripeCredentials(
      { secretKey: "pk_test_123", webhookSecret: "secret" },
      "test",
    );
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.fieldErrors.secretKey).toMatch(/publishable key/);
    expect(check.fieldErrors.webhookSecret).toMatch(/whsec_/);
    const garbage = validateStripeCredentials(
      { secretKey: "hello", webhookSecret: "whsec_x" },
      "test",
    );
    expect(garbage.ok ? undefined : garbage.fieldErrors.secretKey).toMatch(/sk_test_/);
  });

  it("refuses a key whose mode differs from the connection's", () => {
    const live = validateStripeCredentials(
      { secretKey: "sk_live_123", webhookSecret: "whsec_x" },
      "test",
    );
    expect(live.ok ? undefined : live.fieldErrors.secretKey).toMatch(
      /live key but the connection is in test mode/,
    );
    expect(
      validateStripeCredentials({ secretKey: "sk_live_123", webhookSecret: "whsec_x" }, "live").ok,
    ).toBe(true);
  });
});

describe("verifyCredentials", () => {
  it("names the account when the key works", async () => {
    const result = await connector.verifyCredentials(ctx);
    expect(result).toMatchObject({ ok: true, accountLabel: "Kopi Kenangan Test" });
    expect(fake.requests.at(-1)).toMatchObject({ method: "GET", path: "/v1/account" });
  });

  it("reports Stripe's own message for a wrong key", async () => {
    const wrong = {
      ...ctx,
      credentials: { ...ctx.credentials, secretKey: "sk_test_51WrongKeyWrongKeyWrong9xYz" },
    };
    const result = await connector.verifyCredentials(wrong);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toBe("invalid_credentials");
    expect(result.message).toMatch(/^Invalid API Key provided: sk_test_\*+9xYz$/);
  });

  it("does not call Stripe with a live key on a test connection", async () => {
    const before = fake.requests.length;
    const result = await connector.verifyCredentials({
      ...ctx,
      credentials: { ...ctx.credentials, secretKey: "sk_live_abc" },
    });
    expect(result).toMatchObject({ ok: false, reason: "invalid_credentials" });
    expect(fake.requests.length).toBe(before);
  });

  it("says unreachable when nothing listens", async () => {
    const result = await connector.verifyCredentials({
      ...ctx,
      baseUrl: await closedPortUrl(),
    });
    expect(result).toMatchObject({ ok: false, reason: "unreachable" });
  });

  it("says unreachable when Stripe is slower than the timeout", async () => {
    fake.setLatency(400);
    const result = await connector.verifyCredentials({ ...ctx, timeoutMs: 100 });
    expect(result).toMatchObject({ ok: false, reason: "unreachable" });
  });

  it("goes through ctx.fetch when one is injected", async () => {
    const seen: string[] = [];
    const countingFetch: typeof fetch = (input, init) => {
      seen.push(String(input instanceof Request ? input.url : input));
      return fetch(input, init);
    };
    const result = await connector.verifyCredentials({ ...ctx, fetch: countingFetch });
    expect(result.ok).toBe(true);
    expect(seen).toEqual([`${fake.url}/v1/account`]);
  });

  it("reports a Stripe outage as provider_error", async () => {
    fake.failNext(500, {
      error: { type: "api_error", message: "Something went wrong on Stripe's end." },
    });
    const result = await connector.verifyCredentials(ctx);
    expect(result).toEqual({
      ok: false,
      reason: "provider_error",
      message: "Something went wrong on Stripe's end.",
    });
  });
});

describe("createCheckout", () => {
  it("creates a payment-mode Checkout Session in minor units with Parley's references", async () => {
    const input = checkoutInput({ expiresAt: new Date(Date.now() + 2 * 3600_000) });
    const result = await connector.createCheckout(ctx, input);
    const request = fake.requests.at(-1)!;
    expect(request).toMatchObject({
      method: "POST",
      path: "/v1/checkout/sessions",
      idempotencyKey: input.idempotencyKey,
    });
    expect(request.params).toMatchObject({
      mode: "payment",
      line_items: [
        {
          quantity: "1",
          price_data: {
            currency: "eur",
            unit_amount: "1250",
            product_data: { name: "2× flat white" },
          },
        },
      ],
      client_reference_id: input.paymentId,
      metadata: { parley_payment_id: input.paymentId, parley_conversation_id: "cnv_abc" },
      payment_intent_data: { metadata: { parley_payment_id: input.paymentId } },
      success_url: input.successUrl,
      cancel_url: input.cancelUrl,
      expires_at: String(Math.floor(input.expiresAt!.getTime() / 1000)),
      locale: "id",
      customer_email: "ana@example.com",
      allowed_payment_method_types: ["card"],
    });
    const session = fake.state.sessions.get(result.providerCheckoutId)!;
    expect(result.providerCheckoutId).toMatch(/^cs_test_/);
    expect(result.url).toBe(session.url);
    expect(result.expiresAt?.getTime()).toBe((session.expires_at as number) * 1000);
    expect(session.amount_total).toBe(1250);
  });

  it("returns the same session when retried with the same idempotency key", async () => {
    const input = checkoutInput();
    const sessionsBefore = fake.state.sessions.size;
    const first = await connector.createCheckout(ctx, input);
    const second = await connector.createCheckout(ctx, input);
    expect(second).toEqual(first);
    expect(fake.state.sessions.size).toBe(sessionsBefore + 1);
    expect(fake.requests.at(-1)?.replayed).toBe(true);
  });

  it("surfaces reuse of a key for a different checkout as an invalid request", async () => {
    const input = checkoutInput();
    await connector.createCheckout(ctx, input);
    const error = await providerRejection(
      connector.createCheckout(ctx, { ...input, amountMinor: 9999 }),
    );
    expect(error.kind).toBe("invalid_request");
    expect(error.providerCode).toBe("idempotency_error");
    expect(error.message).toContain(input.idempotencyKey);
  });

  it("maps wallets onto card and configures WeChat Pay and EUR bank transfers", async () => {
    fake.state.account.country = "DE";
    const input = checkoutInput({
      methods: ["apple_pay", "google_pay", "wechat_pay", "bank_transfer"],
    });
    await connector.createCheckout(ctx, input);
    const params = fake.requests.at(-1)!.params;
    expect(params.allowed_payment_method_types).toEqual(["card", "wechat_pay", "customer_balance"]);
    expect(params.payment_method_options).toEqual({
      wechat_pay: { client: "web" },
      customer_balance: {
        funding_type: "bank_transfer",
        bank_transfer: { type: "eu_bank_transfer", eu_bank_transfer: { country: "DE" } },
      },
    });
    expect(params.customer_creation).toBe("always");
    fake.state.account.country = "ID";
  });

  it("refuses what Stripe would refuse before calling it", async () => {
    const before = fake.requests.length;
    expect(
      (
        await providerRejection(
          connector.createCheckout(
            ctx,
            checkoutInput({ currency: "IDR", methods: ["bank_transfer"] }),
          ),
        )
      ).kind,
    ).toBe("invalid_request");
    const kwd = await providerRejection(
      connector.createCheckout(ctx, checkoutInput({ currency: "KWD", amountMinor: 1255 })),
    );
    expect(kwd.message).toMatch(/nearest ten/);
    expect(
      (
        await providerRejection(
          connector.createCheckout(ctx, checkoutInput({ methods: ["paypal"] })),
        )
      ).kind,
    ).toBe("invalid_request");
    expect(fake.requests.length).toBe(before);
    await expect(
      connector.createCheckout(ctx, checkoutInput({ currency: "KWD", amountMinor: 1250 })),
    ).resolves.toBeTruthy();
  });

  it("clamps an expiry into Stripe's 30 min – 24 h window", async () => {
    const soon = await connector.createCheckout(
      ctx,
      checkoutInput({ expiresAt: new Date(Date.now() + 5 * 60_000) }),
    );
    expect(soon.expiresAt!.getTime()).toBeGreaterThanOrEqual(Date.now() + 30 * 60_000);
    const late = await connector.createCheckout(
      ctx,
      checkoutInput({ expiresAt: new Date(Date.now() + 3 * 86400_000) }),
    );
    expect(late.expiresAt!.getTime()).toBeLessThanOrEqual(Date.now() + 24 * 3600_000);
  });

  it("falls back to Stripe's automatic locale for languages it lacks", async () => {
    await connector.createCheckout(ctx, checkoutInput({ locale: "sw-KE" }));
    expect(fake.requests.at(-1)!.params.locale).toBe("auto");
    await connector.createCheckout(ctx, checkoutInput({ locale: "pt-br" }));
    expect(fake.requests.at(-1)!.params.locale).toBe("pt-BR");
  });
});

describe("fetchPayment", () => {
  async function openSession(overrides: Partial<CheckoutInput> = {}) {
    return (await connector.createCheckout(ctx, checkoutInput(overrides))).providerCheckoutId;
  }

  it("reports an unpaid session as created and a paid one through its PaymentIntent", async () => {
    const sessionId = await openSession();
    expect(await connector.fetchPayment(ctx, sessionId)).toMatchObject({
      providerPaymentId: sessionId,
      status: "created",
    });
    const intent = fake.payCheckout(sessionId, { status: "succeeded", method: "apple_pay" });
    const state = await connector.fetchPayment(ctx, intent.id);
    expect(state).toEqual({
      providerPaymentId: intent.id,
      status: "succeeded",
      amountMinor: 1250,
      currency: "EUR",
      method: "apple_pay",
    });
    expect(await connector.fetchPayment(ctx, sessionId)).toEqual(state);
  });

  it.each([
    [{ status: "requires_action" } as const, "requires_action"],
    [{ status: "processing", method: "customer_balance" } as const, "pending"],
    [{ status: "canceled" } as const, "canceled"],
  ])("maps PaymentIntent %o to %s", async (outcome, expected) => {
    const intent = fake.payCheckout(await openSession(), outcome);
    expect((await connector.fetchPayment(ctx, intent.id)).status).toBe(expected);
  });

  it.each(["insufficient_funds", "expired_card", "fraudulent"])(
    "reports a %s decline as failed with the code",
    async (code) => {
      const intent = fake.payCheckout(await openSession(), { status: "failed", declineCode: code });
      const state = await connector.fetchPayment(ctx, intent.id);
      expect(state.status).toBe("failed");
      expect(state.failure?.code).toBe(code);
      expect(state.failure?.message).toBeTruthy();
    },
  );

  it("reports an expired session", async () => {
    const sessionId = await openSession();
    fake.expireCheckout(sessionId);
    expect((await connector.fetchPayment(ctx, sessionId)).status).toBe("expired");
  });

  it("follows refunds and disputes on the charge", async () => {
    const intent = fake.payCheckout(await openSession({ amountMinor: 2000 }), {
      status: "succeeded",
    });
    await connector.refund(ctx, {
      providerPaymentId: intent.id,
      amountMinor: 500,
      currency: "EUR",
      idempotencyKey: `r_${intent.id}_1`,
    });
    expect((await connector.fetchPayment(ctx, intent.id)).status).toBe("partially_refunded");
    await connector.refund(ctx, {
      providerPaymentId: intent.id,
      amountMinor: 1500,
      currency: "EUR",
      idempotencyKey: `r_${intent.id}_2`,
    });
    expect((await connector.fetchPayment(ctx, intent.id)).status).toBe("refunded");
    const disputed = fake.payCheckout(await openSession(), { status: "succeeded" });
    fake.openDispute(disputed.id);
    expect((await connector.fetchPayment(ctx, disputed.id)).status).toBe("disputed");
  });

  it("passes Stripe's 404 through as an invalid request", async () => {
    const error = await providerRejection(connector.fetchPayment(ctx, "pi_doesnotexist"));
    expect(error).toMatchObject({
      kind: "invalid_request",
      status: 404,
      providerCode: "resource_missing",
    });
    expect(error.message).toBe("No such payment_intent: 'pi_doesnotexist'");
  });
});

describe("refund", () => {
  async function paidIntent(amountMinor = 3000) {
    const session = await connector.createCheckout(ctx, checkoutInput({ amountMinor }));
    return fake.payCheckout(session.providerCheckoutId, { status: "succeeded" }).id;
  }

  it("refunds part of a payment once, even when retried", async () => {
    const intentId = await paidIntent();
    const input = {
      providerPaymentId: intentId,
      amountMinor: 1000,
      currency: "EUR",
      idempotencyKey: `refund_${intentId}`,
      reasonCode: "duplicate" as const,
    };
    const first = await connector.refund(ctx, input);
    const second = await connector.refund(ctx, input);
    expect(first.providerRefundId).toMatch(/^re_/);
    expect(first).toEqual({ providerRefundId: first.providerRefundId, status: "succeeded" });
    expect(second).toEqual(first);
    const refunds = [...fake.state.refunds.values()].filter((r) => r.payment_intent === intentId);
    expect(refunds).toHaveLength(1);
    expect(refunds[0]).toMatchObject({ amount: 1000, reason: "duplicate" });
  });

  it("keeps a free-text reason as metadata and resolves a session id to its payment", async () => {
    const session = await connector.createCheckout(ctx, checkoutInput());
    const intent = fake.payCheckout(session.providerCheckoutId, { status: "succeeded" });
    const result = await connector.refund(ctx, {
      providerPaymentId: session.providerCheckoutId,
      amountMinor: 250,
      currency: "EUR",
      idempotencyKey: `refund_${session.providerCheckoutId}`,
      reason: "Customer changed their mind about the oat milk",
    });
    expect(fake.state.refunds.get(result.providerRefundId)).toMatchObject({
      payment_intent: intent.id,
      reason: null,
      metadata: { parley_reason: "Customer changed their mind about the oat milk" },
    });
  });

  it("passes Stripe's refusal of an over-refund through", async () => {
    const intentId = await paidIntent(1000);
    const error = await providerRejection(
      connector.refund(ctx, {
        providerPaymentId: intentId,
        amountMinor: 1500,
        currency: "EUR",
        idempotencyKey: `over_${intentId}`,
      }),
    );
    expect(error).toMatchObject({ kind: "invalid_request", providerCode: "amount_too_large" });
  });
});

describe("disputes", () => {
  async function disputed() {
    const session = await connector.createCheckout(ctx, checkoutInput());
    const intent = fake.payCheckout(session.providerCheckoutId, { status: "succeeded" });
    return fake.openDispute(intent.id, { reason: "product_not_received" });
  }

  const PDF = new Uint8Array(Buffer.from("%PDF-1.4 receipt", "latin1"));
  const submitInput = (id: string, submit: boolean, key = `submit:${id}`) => ({
    providerDisputeId: id,
    fields: {
      customerEmail: "ana@example.com",
      uncategorizedText: "Delivered at 10:02.",
      customerCommunication: "pack only",
    },
    files: [
      {
        id: "dev_r",
        slot: "receipt" as const,
        name: "receipt.pdf",
        contentType: "application/pdf" as const,
        bytes: PDF,
      },
    ],
    idempotencyKey: key,
    submit,
  });

  it("maps Parley's fields onto Stripe's evidence names, files by slot", () => {
    expect(
      stripeEvidenceParams(
        {
          productDescription: "Two coffees",
          customerEmail: "a@b.c",
          customerPurchaseIp: "203.0.113.9",
          serviceDate: "2026-11-30",
          shippingTrackingNumber: "T1",
          refundPolicyDisclosure: "At checkout",
          duplicateChargeExplanation: "",
          receiptText: "not a Stripe text field",
        },
        { receipt: "file_1", uncategorized: "file_2", customer_communication: "file_3" },
      ),
    ).toEqual({
      product_description: "Two coffees",
      customer_email_address: "a@b.c",
      customer_purchase_ip: "203.0.113.9",
      service_date: "2026-11-30",
      shipping_tracking_number: "T1",
      refund_policy_disclosure: "At checkout",
      receipt: "file_1",
      uncategorized_file: "file_2",
      customer_communication: "file_3",
    });
  });

  it("stages with submit=false, then submits once; a replayed key is not a second submission", async () => {
    const dispute = await disputed();
    const staged = await connector.submitDisputeEvidence(
      ctx,
      submitInput(dispute.id, false, "stage:1"),
    );
    const stored = fake.state.disputes.get(dispute.id)!;
    expect(stored.status).toBe("needs_response");
    const fileId = staged.providerFileIds.dev_r;
    expect(fake.state.files.get(fileId)).toMatchObject({
      purpose: "dispute_evidence",
      filename: "receipt.pdf",
      size: 16,
    });
    expect(stored.evidence).toMatchObject({
      receipt: fileId,
      customer_email_address: "ana@example.com",
    });

    // The staged file is reused (no second upload); the update carries the Idempotency-Key.
    const input = submitInput(dispute.id, true);
    input.files[0] = { ...input.files[0], providerFileId: fileId } as (typeof input.files)[0];
    const uploads = fake.state.files.size;
    await connector.submitDisputeEvidence(ctx, input);
    await connector.submitDisputeEvidence(ctx, input);
    expect(fake.state.files.size).toBe(uploads);
    expect(stored.status).toBe("under_review");
    expect(stored.evidence_details).toMatchObject({ submission_count: 1 });
    expect(
      fake.requests.filter(
        (r) => r.path === `/v1/disputes/${dispute.id}` && r.idempotencyKey === input.idempotencyKey,
      ),
    ).toHaveLength(2);

    const again = await providerRejection(
      connector.submitDisputeEvidence(ctx, submitInput(dispute.id, true, "other")),
    );
    expect(again.kind).toBe("invalid_request");
  });

  it("accepts a dispute by closing it, and re-reads where a dispute stands", async () => {
    const dispute = await disputed();
    expect(await connector.fetchDisputeStanding(ctx, dispute.id)).toBe("needs_response");
    await connector.acceptDispute(ctx, dispute.id, "accept:1");
    expect(fake.state.disputes.get(dispute.id)!.status).toBe("lost");
    expect(fake.requests.at(-1)).toMatchObject({
      method: "POST",
      path: `/v1/disputes/${dispute.id}/close`,
      idempotencyKey: "accept:1",
    });
    expect(await connector.fetchDisputeStanding(ctx, dispute.id)).toBe("closed");
    await expect(connector.acceptDispute(ctx, dispute.id, "accept:2")).rejects.toBeInstanceOf(
      ProviderError,
    );
  });
});

describe("webhookAck", () => {
  it("answers 200 JSON", () => {
    expect(connector.webhookAck()).toEqual({
      status: 200,
      body: '{"received":true}',
      contentType: "application/json",
    });
    expect(connector.capabilities(ctx).methods).toContain("wechat_pay");
  });
});

describe("parseWebhook", () => {
  const T = 1_767_000_000; // a fixed signing time; `now` is passed explicitly
  const at = (seconds: number) => new Date(seconds * 1000);

  function delivery(event: unknown, options: { secret?: string; timestamp?: number } = {}) {
    const signed = signStripeEvent(
      event,
      options.secret ?? ctx.credentials.webhookSecret,
      options.timestamp ?? T,
    );
    return {
      rawBody: signed.payload,
      headers: new Headers({ "Stripe-Signature": signed.header }),
      url: "http://parley.test/api/webhooks/con_1",
    };
  }

  async function paidFixture() {
    const input = checkoutInput({ amountMinor: 4200 });
    const session = await connector.createCheckout(ctx, input);
    const intent = fake.payCheckout(session.providerCheckoutId, { status: "succeeded" });
    return { input, session: fake.state.sessions.get(session.providerCheckoutId)!, intent };
  }

  it("accepts a genuine delivery and normalizes it", async () => {
    const { input, session, intent } = await paidFixture();
    const event = buildStripeEvent("checkout.session.completed", session, { created: T - 2 });
    const result = await connector.parseWebhook(ctx, delivery(event), at(T + 10));
    expect(result).toEqual({
      ok: true,
      events: [
        {
          providerEventId: event.id,
          type: "payment.succeeded",
          rawType: "checkout.session.completed",
          occurredAt: at(T - 2),
          providerPaymentId: intent.id,
          paymentId: input.paymentId,
          amountMinor: 4200,
          currency: "EUR",
        },
      ],
    });
  });

  it("agrees with the SDK's own test signer", async () => {
    const event = buildStripeEvent("payment_intent.processing", (await paidFixture()).intent);
    const payload = JSON.stringify(event);
    const header = Stripe.webhooks.generateTestHeaderString({
      payload,
      secret: ctx.credentials.webhookSecret,
      timestamp: T,
    });
    const result = await connector.parseWebhook(
      ctx,
      { rawBody: payload, headers: new Headers({ "stripe-signature": header }), url: "" },
      at(T),
    );
    expect(result.ok && result.events[0].type).toBe("payment.pending");
  });

  it("rejects a delivery signed with another secret", async () => {
    const event = buildStripeEvent("payment_intent.succeeded", (await paidFixture()).intent);
    const result = await connector.parseWebhook(
      ctx,
      delivery(event, { secret: "whsec_someone_else" }),
      at(T),
    );
    expect(result).toMatchObject({ ok: false, reason: "bad_signature" });
  });

  it("rejects a body changed after signing", async () => {
    const { intent } = await paidFixture();
    const genuine = delivery(buildStripeEvent("payment_intent.succeeded", intent));
    const tampered = {
      ...genuine,
      rawBody: genuine.rawBody.replace('"amount": 4200', '"amount": 1'),
    };
    expect(tampered.rawBody).not.toBe(genuine.rawBody);
    expect(await connector.parseWebhook(ctx, tampered, at(T))).toMatchObject({
      ok: false,
      reason: "bad_signature",
    });
  });

  it("rejects a missing or garbled signature header", async () => {
    const genuine = delivery(
      buildStripeEvent("payment_intent.succeeded", (await paidFixture()).intent),
    );
    const none = await connector.parseWebhook(ctx, { ...genuine, headers: new Headers() }, at(T));
    expect(none).toMatchObject({ ok: false, reason: "bad_signature" });
    const garbled = await connector.parseWebhook(
      ctx,
      { ...genuine, headers: new Headers({ "stripe-signature": "nonsense" }) },
      at(T),
    );
    expect(garbled).toMatchObject({ ok: false, reason: "bad_signature" });
  });

  it("calls a genuine delivery older than 300 s stale, judged against `now`", async () => {
    const genuine = delivery(
      buildStripeEvent("payment_intent.succeeded", (await paidFixture()).intent),
    );
    expect((await connector.parseWebhook(ctx, genuine, at(T + 300))).ok).toBe(true);
    expect(await connector.parseWebhook(ctx, genuine, at(T + 301))).toMatchObject({
      ok: false,
      reason: "stale",
    });
  });

  it("calls a signed non-JSON body or a misshapen event malformed", async () => {
    expect(await connector.parseWebhook(ctx, delivery("{not json"), at(T))).toMatchObject({
      ok: false,
      reason: "malformed",
    });
    const missingAmount = buildStripeEvent("payment_intent.succeeded", {
      id: "pi_1",
      object: "payment_intent",
      currency: "eur",
    });
    expect(await connector.parseWebhook(ctx, delivery(missingAmount), at(T))).toMatchObject({
      ok: false,
      reason: "malformed",
    });
    expect(await connector.parseWebhook(ctx, delivery({ hello: "world" }), at(T))).toMatchObject({
      ok: false,
      reason: "malformed",
    });
  });

  it("keeps unknown event types as unknown", async () => {
    const event = buildStripeEvent(
      "customer.created",
      { id: "cus_1", object: "customer" },
      { created: T },
    );
    const result = await connector.parseWebhook(ctx, delivery(event), at(T));
    expect(result).toEqual({
      ok: true,
      events: [
        {
          providerEventId: event.id,
          type: "unknown",
          rawType: "customer.created",
          occurredAt: at(T),
        },
      ],
    });
  });
});

describe("Stripe event mapping", () => {
  const T = 1_767_000_000;

  async function parse(type: string, object: Record<string, unknown>) {
    const signed = signStripeEvent(
      buildStripeEvent(type, object, { created: T }),
      ctx.credentials.webhookSecret,
      T,
    );
    const result = await connector.parseWebhook(
      ctx,
      {
        rawBody: signed.payload,
        headers: new Headers({ "stripe-signature": signed.header }),
        url: "",
      },
      new Date(T * 1000),
    );
    if (!result.ok) throw new Error(`${result.reason}: ${result.message}`);
    expect(result.events).toHaveLength(1);
    return result.events[0];
  }

  async function scenario() {
    const input = checkoutInput({ amountMinor: 5000 });
    const { providerCheckoutId } = await connector.createCheckout(ctx, input);
    return { input, sessionId: providerCheckoutId };
  }

  it("maps Checkout Session events", async () => {
    const paid = await scenario();
    const intent = fake.payCheckout(paid.sessionId, { status: "succeeded" });
    const session = fake.state.sessions.get(paid.sessionId)!;
    expect(await parse("checkout.session.completed", session)).toMatchObject({
      type: "payment.succeeded",
      providerPaymentId: intent.id,
      paymentId: paid.input.paymentId,
    });
    expect(await parse("checkout.session.async_payment_succeeded", session)).toMatchObject({
      type: "payment.succeeded",
    });

    const transfer = await scenario();
    fake.payCheckout(transfer.sessionId, { status: "processing", method: "customer_balance" });
    const unpaid = fake.state.sessions.get(transfer.sessionId)!;
    expect(unpaid.payment_status).toBe("unpaid");
    expect(await parse("checkout.session.completed", unpaid)).toMatchObject({
      type: "payment.pending",
      paymentId: transfer.input.paymentId,
    });
    expect(await parse("checkout.session.async_payment_failed", unpaid)).toMatchObject({
      type: "payment.failed",
      failure: { code: "async_payment_failed" },
    });

    const abandoned = await scenario();
    const expired = fake.expireCheckout(abandoned.sessionId);
    expect(await parse("checkout.session.expired", expired)).toMatchObject({
      type: "payment.expired",
      providerPaymentId: abandoned.sessionId,
      paymentId: abandoned.input.paymentId,
      amountMinor: 5000,
    });
  });

  it("maps PaymentIntent events, with decline codes", async () => {
    const { input, sessionId } = await scenario();
    const intent = fake.payCheckout(sessionId, { status: "succeeded" });
    expect(await parse("payment_intent.succeeded", intent)).toMatchObject({
      type: "payment.succeeded",
      providerPaymentId: intent.id,
      paymentId: input.paymentId,
      amountMinor: 5000,
      currency: "EUR",
    });
    for (const [raw, type] of [
      ["payment_intent.requires_action", "payment.requires_action"],
      ["payment_intent.processing", "payment.pending"],
      ["payment_intent.canceled", "payment.canceled"],
    ] as const) {
      expect((await parse(raw, intent)).type).toBe(type);
    }
    const declined = fake.payCheckout((await scenario()).sessionId, {
      status: "failed",
      declineCode: "insufficient_funds",
    });
    expect(await parse("payment_intent.payment_failed", declined)).toMatchObject({
      type: "payment.failed",
      failure: { code: "insufficient_funds", message: "Your card has insufficient funds." },
    });
    const cvc = fake.payCheckout((await scenario()).sessionId, {
      status: "failed",
      declineCode: "incorrect_cvc",
    });
    expect((await parse("payment_intent.payment_failed", cvc)).failure?.code).toBe("incorrect_cvc");
    // The declined card's fingerprint (for card-testing alerts), when the error names the card.
    const withCard = {
      ...cvc,
      last_payment_error: {
        ...(cvc as { last_payment_error?: object }).last_payment_error,
        payment_method: { id: "pm_1", card: { fingerprint: "Xt5EWLLDS7FJjR1c" } },
      },
    };
    expect((await parse("payment_intent.payment_failed", withCard)).cardFingerprint).toBe(
      "Xt5EWLLDS7FJjR1c",
    );
  });

  it("maps refund events with the refund's id and amount", async () => {
    const { sessionId } = await scenario();
    const intent = fake.payCheckout(sessionId, { status: "succeeded" });
    const { providerRefundId } = await connector.refund(ctx, {
      providerPaymentId: intent.id,
      amountMinor: 1200,
      currency: "EUR",
      idempotencyKey: `wh_${intent.id}`,
    });
    const refund = fake.state.refunds.get(providerRefundId)!;
    const expected = {
      providerPaymentId: intent.id,
      refund: { providerRefundId, amountMinor: 1200, currency: "EUR" },
    };
    expect(await parse("refund.created", refund)).toMatchObject({
      type: "refund.succeeded",
      ...expected,
    });
    expect(await parse("refund.updated", refund)).toMatchObject({
      type: "refund.succeeded",
      ...expected,
    });
    expect(await parse("refund.updated", { ...refund, status: "pending" })).toMatchObject({
      type: "unknown",
      rawType: "refund.updated",
    });
    expect(
      await parse("refund.failed", {
        ...refund,
        status: "failed",
        failure_reason: "expired_or_canceled_card",
      }),
    ).toMatchObject({
      type: "refund.failed",
      failure: { code: "expired_or_canceled_card" },
      ...expected,
    });
    const charge = fake.state.charges.get(intent.latest_charge as string)!;
    expect(
      await parse("charge.refunded", { ...charge, refunds: { object: "list", data: [refund] } }),
    ).toMatchObject({
      type: "refund.succeeded",
      ...expected,
      amountMinor: 5000,
      paymentId: expect.stringMatching(/^pay_/),
    });
    const summary = await parse("charge.refunded", charge);
    expect(summary).toMatchObject({ type: "refund.succeeded", providerPaymentId: intent.id });
    expect(summary.refund).toBeUndefined();
  });

  it("maps dispute events with reason, amount and due date", async () => {
    const { sessionId } = await scenario();
    const intent = fake.payCheckout(sessionId, { status: "succeeded" });
    const dispute = fake.openDispute(intent.id, { reason: "product_not_received", amount: 5000 });
    const dueBy = (dispute.evidence_details as { due_by: number }).due_by;
    expect(await parse("charge.dispute.created", dispute)).toMatchObject({
      type: "dispute.opened",
      providerPaymentId: intent.id,
      dispute: {
        providerDisputeId: dispute.id,
        reason: "product_not_received",
        amountMinor: 5000,
        currency: "EUR",
        dueBy: new Date(dueBy * 1000),
      },
    });
    expect(
      (await parse("charge.dispute.updated", { ...dispute, status: "under_review" })).type,
    ).toBe("dispute.updated");
    expect((await parse("charge.dispute.closed", fake.closeDispute(dispute.id, "won"))).type).toBe(
      "dispute.won",
    );
    expect((await parse("charge.dispute.closed", { ...dispute, status: "lost" })).type).toBe(
      "dispute.lost",
    );
    expect(
      (await parse("charge.dispute.closed", { ...dispute, status: "warning_closed" })).type,
    ).toBe("dispute.won");
  });
});

describe("refund lookup (after a create whose answer never came)", () => {
  it("finds a refund by id, or by the key in its metadata, without creating one", async () => {
    const session = await connector.createCheckout(ctx, checkoutInput({ amountMinor: 3000 }));
    const intentId = fake.payCheckout(session.providerCheckoutId, { status: "succeeded" }).id;
    const created = await connector.refund(ctx, {
      providerPaymentId: intentId,
      amountMinor: 800,
      currency: "EUR",
      idempotencyKey: `ref_lookup_${intentId}`,
    });
    const creates = () =>
      fake.requests.filter((r) => r.method === "POST" && r.path === "/v1/refunds");
    const before = creates().length;
    const found = {
      kind: "found",
      providerRefundId: created.providerRefundId,
      status: "succeeded",
    };
    expect(
      await connector.fetchRefund(ctx, {
        providerPaymentId: intentId,
        providerRefundId: created.providerRefundId,
        idempotencyKey: "ignored",
      }),
    ).toEqual(found);
    expect(
      await connector.fetchRefund(ctx, {
        providerPaymentId: session.providerCheckoutId,
        idempotencyKey: `ref_lookup_${intentId}`,
      }),
    ).toEqual(found);
    expect(
      await connector.fetchRefund(ctx, {
        providerPaymentId: intentId,
        idempotencyKey: "ref_never",
      }),
    ).toMatchObject({ kind: "not_found" });
    expect(creates()).toHaveLength(before);
  });

  it("reads charge.refunded without a refunds list as the cumulative amount_refunded", () => {
    const event = normalizeStripeEvent({
      id: "evt_total",
      type: "charge.refunded",
      created: 1_760_000_000,
      data: {
        object: {
          id: "ch_1",
          amount: 2000,
          amount_refunded: 1500,
          currency: "eur",
          payment_intent: "pi_1",
          metadata: { parley_payment_id: "pay_1" },
        },
      },
    });
    expect(event).toMatchObject({ type: "refund.succeeded", refundedTotalMinor: 1500 });
    expect(event.refund).toBeUndefined();
  });
});

describe("which failures leave a refund's outcome unknown", () => {
  it("keeps timeouts, network errors, 5xx and unreadable answers unknown; 4xx refusals are definite", () => {
    expect(isOutcomeUnknown(new ProviderError("timed out", "unreachable"))).toBe(true);
    expect(isOutcomeUnknown(new ProviderError("boom", "provider_error", 502))).toBe(true);
    expect(isOutcomeUnknown(new ProviderError("unreadable", "provider_error"))).toBe(true);
    expect(isOutcomeUnknown(new ProviderError("slow down", "invalid_request", 429))).toBe(true);
    expect(isOutcomeUnknown(new ProviderError("in progress", "invalid_request", 409))).toBe(true);
    expect(isOutcomeUnknown(new TypeError("fetch failed"))).toBe(true);
    expect(isOutcomeUnknown(new ProviderError("disputed", "invalid_request", 400))).toBe(false);
    expect(isOutcomeUnknown(new ProviderError("bad key", "invalid_credentials", 401))).toBe(false);
    expect(isOutcomeUnknown(new ProviderError("no capture", "invalid_request"))).toBe(false);
  });
});
