import {
  captureOrder,
  clearPayPalTokenCache,
  PAYPAL_REFUND_REPLAY_WINDOW_MS,
  paypalConnector,
  type PayPalCredentials,
  paypalCredentialsSchema,
  paypalEventNeedsCapture,
} from "@/lib/connections/providers/paypal";
import { paypalEvidenceInput } from "@/lib/connections/providers/paypal/disputes";
import { normalizePayPalEvent } from "@/lib/connections/providers/paypal/webhooks";
import { type ConnectorContext } from "@/lib/connections/providers/types";
import { closedPortUrl } from "@/tests/fakes/http-server";
import { type FakePayPal, startFakePayPal } from "@/tests/fakes/paypal-server";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { checkoutInputMaker, providerRejection } from "./helpers";

let fake: FakePayPal;
let ctx: ConnectorContext<PayPalCredentials>;
// A port that was just open and is now closed: connections are refused.
let deadUrl: string;

beforeAll(async () => {
  fake = await startFakePayPal();
  deadUrl = await closedPortUrl();
  ctx = {
    credentials: {
      clientId: fake.clientId,
      clientSecret: fake.clientSecret,
      webhookId: fake.webhookId,
    },
    mode: "test",
    baseUrl: fake.url,
    appUrl: "https://parley.test",
    timeoutMs: 2000,
  };
});
afterAll(() => fake.close());
beforeEach(() => clearPayPalTokenCache());

const checkoutInput = checkoutInputMaker("", { methods: ["paypal", "card"] });

describe("PayPal credentials", () => {
  it("validates the credential form with readable messages", () => {
    const result = paypalCredentialsSchema.safeParse({
      clientId: "abc",
      clientSecret: " ",
      webhookId: "",
    });
    expect(result.success).toBe(false);
    const messages = result.error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`) ?? [];
    expect(messages).toContain("clientSecret: Enter the PayPal REST app's secret");
    expect(messages.some((m) => m.startsWith("webhookId: Enter the webhook ID"))).toBe(true);
  });

  it("accepts working credentials", async () => {
    const result = await paypalConnector.verifyCredentials(ctx);
    expect(result.ok).toBe(true);
  });

  it("reports PayPal's own message for a wrong secret", async () => {
    const result = await paypalConnector.verifyCredentials({
      ...ctx,
      credentials: { ...ctx.credentials, clientSecret: "nope" },
    });
    expect(result).toEqual({
      ok: false,
      reason: "invalid_credentials",
      message: "Client Authentication failed",
    });
  });

  it("reports an unreachable PayPal", async () => {
    const result = await paypalConnector.verifyCredentials({ ...ctx, baseUrl: deadUrl });
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.reason).toBe("unreachable");
  });

  it("caches the access token and renews it when PayPal revokes it", async () => {
    const before = fake.state.tokensIssued;
    await paypalConnector.createCheckout(ctx, checkoutInput());
    await paypalConnector.createCheckout(ctx, checkoutInput());
    expect(fake.state.tokensIssued - before).toBe(1);
    fake.revokeTokens();
    await paypalConnector.createCheckout(ctx, checkoutInput());
    expect(fake.state.tokensIssued - before).toBe(2);
  });

  it("does not reuse a cached token once the secret is wrong", async () => {
    await paypalConnector.verifyCredentials(ctx);
    const wrong = { ...ctx, credentials: { ...ctx.credentials, clientSecret: "changed" } };
    const error = await providerRejection(paypalConnector.fetchPayment(wrong, "ANY"));
    expect(error.kind).toBe("invalid_credentials");
  });
});

describe("PayPal capabilities", () => {
  it("offers PayPal, cards and Pay Later in PayPal's currencies only", () => {
    const caps = paypalConnector.capabilities(ctx);
    expect(caps.methods.sort()).toEqual(["card", "installments", "paypal"]);
    expect(caps.currencies).toEqual(expect.arrayContaining(["EUR", "USD", "JPY", "GBP"]));
    expect(caps.currencies).not.toContain("IDR");
    expect(caps.currencies).not.toContain("KWD");
  });
});

describe("PayPal checkout", () => {
  it("creates an order with the amount as a decimal string and returns the payer link", async () => {
    const input = checkoutInput({ amountMinor: 1250, currency: "EUR", locale: "en-GB" });
    const result = await paypalConnector.createCheckout(ctx, input);
    const order = fake.state.orders.get(result.providerCheckoutId);
    expect(order?.purchaseUnit.amount).toEqual({ currency_code: "EUR", value: "12.50" });
    expect(order?.purchaseUnit.custom_id).toBe(input.paymentId);
    expect(order?.purchaseUnit.reference_id).toBe(input.paymentId);
    expect(order?.experienceContext).toMatchObject({
      return_url: input.successUrl,
      cancel_url: input.cancelUrl,
      locale: "en-GB",
    });
    expect(result.providerPaymentId).toBe(result.providerCheckoutId);
    expect(result.url).toBe(`${fake.url}/checkoutnow?token=${result.providerCheckoutId}`);
  });

  it("sends JPY without decimals", async () => {
    const result = await paypalConnector.createCheckout(
      ctx,
      checkoutInput({ amountMinor: 1200, currency: "JPY" }),
    );
    expect(fake.state.orders.get(result.providerCheckoutId)?.purchaseUnit.amount).toEqual({
      currency_code: "JPY",
      value: "1200",
    });
  });

  it("refuses KWD clearly before calling PayPal", async () => {
    const before = fake.state.ordersCreated;
    const error = await providerRejection(
      paypalConnector.createCheckout(ctx, checkoutInput({ amountMinor: 1250, currency: "KWD" })),
    );
    expect(error.kind).toBe("invalid_request");
    expect(error.message).toBe("PayPal does not accept payments in KWD");
    expect(fake.state.ordersCreated).toBe(before);
  });

  it("refuses methods PayPal cannot offer", async () => {
    const error = await providerRejection(
      paypalConnector.createCheckout(ctx, checkoutInput({ methods: ["alipay"] })),
    );
    expect(error.message).toContain("alipay");
  });

  it("returns the same order on a retry with the same idempotency key", async () => {
    const input = checkoutInput();
    const before = fake.state.ordersCreated;
    const first = await paypalConnector.createCheckout(ctx, input);
    const retry = await paypalConnector.createCheckout(ctx, input);
    expect(retry.providerCheckoutId).toBe(first.providerCheckoutId);
    expect(fake.state.ordersCreated - before).toBe(1);
    const other = await paypalConnector.createCheckout(ctx, {
      ...input,
      idempotencyKey: `${input.idempotencyKey}-b`,
    });
    expect(other.providerCheckoutId).not.toBe(first.providerCheckoutId);
  });
});

describe("PayPal payment state", () => {
  it("follows an order from payer action to approval to capture", async () => {
    const { providerPaymentId } = await paypalConnector.createCheckout(
      ctx,
      checkoutInput({ amountMinor: 990, currency: "USD" }),
    );
    const id = providerPaymentId!;
    expect((await paypalConnector.fetchPayment(ctx, id)).status).toBe("requires_action");

    fake.approve(id, "card");
    expect((await paypalConnector.fetchPayment(ctx, id)).status).toBe("pending");

    const captured = await captureOrder(ctx, id);
    expect(captured).toMatchObject({
      providerPaymentId: id,
      status: "succeeded",
      amountMinor: 990,
      currency: "USD",
      method: "card",
    });
    expect(await paypalConnector.fetchPayment(ctx, id)).toEqual(captured);
  });

  it("captures once even when asked twice", async () => {
    const { providerPaymentId } = await paypalConnector.createCheckout(ctx, checkoutInput());
    fake.approve(providerPaymentId!);
    const before = fake.state.captureAttempts;
    const first = await captureOrder(ctx, providerPaymentId!);
    const second = await captureOrder(ctx, providerPaymentId!);
    expect(second).toEqual(first);
    expect(fake.state.captureAttempts - before).toBe(1);
    expect(first.method).toBe("paypal");
  });

  it("maps pending and declined captures", async () => {
    const pending = await paypalConnector.createCheckout(ctx, checkoutInput());
    fake.approve(pending.providerPaymentId!);
    fake.state.nextCapture = "PENDING";
    expect((await captureOrder(ctx, pending.providerPaymentId!)).status).toBe("pending");

    const declined = await paypalConnector.createCheckout(ctx, checkoutInput());
    fake.approve(declined.providerPaymentId!);
    fake.state.nextCapture = "DECLINED";
    const state = await captureOrder(ctx, declined.providerPaymentId!);
    expect(state.status).toBe("failed");
    expect(state.failure?.code).toBe("DECLINED");
  });

  it("sends the buyer back when PayPal declines the instrument", async () => {
    const { providerPaymentId } = await paypalConnector.createCheckout(ctx, checkoutInput());
    fake.approve(providerPaymentId!);
    fake.state.nextCapture = "INSTRUMENT_DECLINED";
    const state = await captureOrder(ctx, providerPaymentId!);
    expect(state.status).toBe("requires_action");
    expect(state.failure?.code).toBe("INSTRUMENT_DECLINED");
  });

  it("maps a voided order to canceled", async () => {
    const { providerPaymentId } = await paypalConnector.createCheckout(ctx, checkoutInput());
    fake.state.orders.get(providerPaymentId!)!.status = "VOIDED";
    expect((await paypalConnector.fetchPayment(ctx, providerPaymentId!)).status).toBe("canceled");
  });

  it("turns PayPal's 404 body into a ProviderError with its message", async () => {
    const error = await providerRejection(paypalConnector.fetchPayment(ctx, "NOPE123"));
    expect(error.kind).toBe("invalid_request");
    expect(error.status).toBe(404);
    expect(error.message).toContain("The specified resource does not exist.");
    expect(error.providerCode).toBe("INVALID_RESOURCE_ID");
  });
});

describe("PayPal refunds", () => {
  async function capturedOrder(amountMinor: number, currency = "EUR") {
    const input = checkoutInput({ amountMinor, currency });
    const { providerPaymentId } = await paypalConnector.createCheckout(ctx, input);
    fake.approve(providerPaymentId!);
    await captureOrder(ctx, providerPaymentId!);
    return {
      orderId: providerPaymentId!,
      paymentId: input.paymentId,
      captureId: fake.state.orders.get(providerPaymentId!)!.capture!.id,
    };
  }

  it("refunds the order's capture, idempotently", async () => {
    const { orderId, paymentId, captureId } = await capturedOrder(5000);
    const before = fake.state.refundsCreated;
    const input = {
      providerPaymentId: orderId,
      amountMinor: 1999,
      currency: "EUR",
      idempotencyKey: `rfd_${orderId}`,
      reason: "Broken cup",
    };
    const first = await paypalConnector.refund(ctx, input);
    const retry = await paypalConnector.refund(ctx, input);
    expect(first.status).toBe("succeeded");
    expect(retry.providerRefundId).toBe(first.providerRefundId);
    expect(fake.state.refundsCreated - before).toBe(1);
    expect(fake.state.refunds.get(first.providerRefundId)).toMatchObject({
      captureId,
      amount: { currency_code: "EUR", value: "19.99" },
      custom_id: paymentId,
      note: "Broken cup",
    });
    expect((await paypalConnector.fetchPayment(ctx, orderId)).status).toBe("partially_refunded");
  });

  it("also accepts the capture id and refunds JPY in whole yen", async () => {
    const { orderId, captureId } = await capturedOrder(3000, "JPY");
    const result = await paypalConnector.refund(ctx, {
      providerPaymentId: captureId,
      amountMinor: 3000,
      currency: "JPY",
      idempotencyKey: `rfd_${captureId}`,
    });
    expect(fake.state.refunds.get(result.providerRefundId)?.amount).toEqual({
      currency_code: "JPY",
      value: "3000",
    });
    expect((await paypalConnector.fetchPayment(ctx, orderId)).status).toBe("refunded");
  });

  it("passes PayPal's refusal through", async () => {
    const { orderId } = await capturedOrder(1000);
    const error = await providerRejection(
      paypalConnector.refund(ctx, {
        providerPaymentId: orderId,
        amountMinor: 1001,
        currency: "EUR",
        idempotencyKey: `rfd_over_${orderId}`,
      }),
    );
    expect(error.kind).toBe("invalid_request");
    expect(error.providerCode).toBe("REFUND_AMOUNT_EXCEEDED");
  });

  it("refuses to refund an order that was never captured", async () => {
    const { providerPaymentId } = await paypalConnector.createCheckout(ctx, checkoutInput());
    const error = await providerRejection(
      paypalConnector.refund(ctx, {
        providerPaymentId: providerPaymentId!,
        amountMinor: 100,
        currency: "EUR",
        idempotencyKey: "rfd_none",
      }),
    );
    expect(error.message).toContain("has no capture to refund");
  });
});

describe("PayPal disputes", () => {
  const PDF = new Uint8Array(Buffer.from("%PDF-1.4 fake", "latin1"));

  it("uploads evidence as multipart: the evidences JSON part, then each file", async () => {
    fake.addDispute("PP-D-100");
    await paypalConnector.submitDisputeEvidence(ctx, {
      providerDisputeId: "PP-D-100",
      fields: {
        shippingCarrier: "Courier Co",
        shippingTrackingNumber: "TRK1",
        uncategorizedText: "Delivered.",
      },
      files: [
        {
          id: "dev_1",
          slot: "receipt",
          name: "receipt.pdf",
          contentType: "application/pdf",
          bytes: PDF,
        },
      ],
      idempotencyKey: "submit:dsp_1",
      submit: true,
    });
    const upload = fake.state.evidence.at(-1);
    expect(upload?.disputeId).toBe("PP-D-100");
    expect(upload?.input).toEqual({
      evidences: [
        {
          evidence_type: "PROOF_OF_FULFILLMENT",
          evidence_info: {
            tracking_info: [
              { carrier_name: "OTHER", carrier_name_other: "Courier Co", tracking_number: "TRK1" },
            ],
          },
          documents: [],
        },
        { evidence_type: "PROOF_OF_RECEIPT_COPY", documents: [{ name: "receipt.pdf" }] },
        { evidence_type: "OTHER", notes: "Other: Delivered.", documents: [] },
      ],
    });
    expect(upload?.files).toEqual([
      { field: "file1", name: "receipt.pdf", type: "application/pdf", bytes: 13 },
    ]);
  });

  it("maps policies and the product description to their own evidence types", () => {
    const { evidences } = paypalEvidenceInput(
      { productDescription: "Two coffees", refundPolicyDisclosure: "Shown at checkout" },
      [{ slot: "refund_policy", name: "policy.pdf" }],
    );
    expect(evidences).toEqual([
      {
        evidence_type: "RETURN_POLICY",
        notes: "Refund policy disclosure: Shown at checkout",
        documents: [{ name: "policy.pdf" }],
      },
      { evidence_type: "ITEM_DESCRIPTION", notes: "Two coffees" },
    ]);
  });

  it("accepts a claim", async () => {
    fake.addDispute("PP-D-200");
    await paypalConnector.acceptDispute(ctx, "PP-D-200", "accept:1");
    expect(fake.state.acceptedClaims.at(-1)?.disputeId).toBe("PP-D-200");
  });

  it("reports an unknown dispute", async () => {
    const error = await providerRejection(
      paypalConnector.acceptDispute(ctx, "PP-D-404", "accept:2"),
    );
    expect(error.status).toBe(404);
  });
});

function captureCompletedEvent(overrides: Record<string, unknown> = {}) {
  return {
    id: `WH-${Math.random().toString(36).slice(2)}`,
    event_version: "1.0",
    create_time: "2026-03-01T10:00:00.000Z",
    resource_type: "capture",
    event_type: "PAYMENT.CAPTURE.COMPLETED",
    summary: "Payment completed for EUR 12.5 EUR",
    resource: {
      id: "CAP-1",
      status: "COMPLETED",
      amount: { currency_code: "EUR", value: "12.50" },
      custom_id: "pay_abc",
      supplementary_data: { related_ids: { order_id: "ORDER-1" } },
    },
    ...overrides,
  };
}

describe("PayPal webhooks", () => {
  const now = new Date();
  const request = (rawBody: string, headers: Headers) => ({
    rawBody,
    headers,
    url: "https://parley.test/api/webhooks/con_1",
  });

  it("verifies through PayPal with the raw event embedded verbatim, then normalizes", async () => {
    const event = captureCompletedEvent();
    // PayPal's own bodies are not compact JSON; the bytes must reach PayPal unchanged.
    const rawBody = JSON.stringify(event, null, 2);
    const result = await paypalConnector.parseWebhook(
      ctx,
      request(rawBody, fake.webhookHeaders(event, now)),
      now,
    );
    expect(result).toEqual({
      ok: true,
      events: [
        {
          providerEventId: event.id,
          type: "payment.succeeded",
          rawType: "PAYMENT.CAPTURE.COMPLETED",
          occurredAt: new Date("2026-03-01T10:00:00.000Z"),
          providerPaymentId: "ORDER-1",
          paymentId: "pay_abc",
          amountMinor: 1250,
          currency: "EUR",
          failure: undefined,
        },
      ],
    });
    expect(fake.state.lastVerifyBody).toContain(`"webhook_event":${rawBody}}`);
    expect(fake.state.lastVerifyBody).toContain(`"webhook_id":"${fake.webhookId}"`);
  });

  it("rejects a forged signature", async () => {
    const event = captureCompletedEvent();
    const headers = fake.webhookHeaders(event, now, { "paypal-transmission-sig": "Zm9yZ2Vk" });
    const result = await paypalConnector.parseWebhook(
      ctx,
      request(JSON.stringify(event), headers),
      now,
    );
    expect(result).toMatchObject({ ok: false, reason: "bad_signature" });
  });

  it("rejects a body tampered with after signing", async () => {
    const event = captureCompletedEvent();
    const headers = fake.webhookHeaders(event, now);
    const tampered = JSON.stringify({
      ...event,
      resource: { ...event.resource, amount: { currency_code: "EUR", value: "1.00" } },
    });
    const result = await paypalConnector.parseWebhook(ctx, request(tampered, headers), now);
    expect(result).toMatchObject({ ok: false, reason: "bad_signature" });
  });

  it("rejects a delivery signed for another webhook id", async () => {
    const event = captureCompletedEvent();
    const other = { ...ctx, credentials: { ...ctx.credentials, webhookId: "WH-OTHER" } };
    const result = await paypalConnector.parseWebhook(
      other,
      request(JSON.stringify(event), fake.webhookHeaders(event, now)),
      now,
    );
    expect(result).toMatchObject({ ok: false, reason: "bad_signature" });
  });

  it("refuses stale deliveries without asking PayPal", async () => {
    const event = captureCompletedEvent();
    const sixMinutesAgo = new Date(now.getTime() - 6 * 60 * 1000);
    const calls = fake.state.verifyCalls;
    const result = await paypalConnector.parseWebhook(
      ctx,
      request(JSON.stringify(event), fake.webhookHeaders(event, sixMinutesAgo)),
      now,
    );
    expect(result).toMatchObject({ ok: false, reason: "stale" });
    expect(fake.state.verifyCalls).toBe(calls);
    const fourMinutesAgo = new Date(now.getTime() - 4 * 60 * 1000);
    const fresh = await paypalConnector.parseWebhook(
      ctx,
      request(JSON.stringify(event), fake.webhookHeaders(event, fourMinutesAgo)),
      now,
    );
    expect(fresh.ok).toBe(true);
  });

  it("refuses missing signature headers and malformed bodies without asking PayPal", async () => {
    const event = captureCompletedEvent();
    const calls = fake.state.verifyCalls;
    const headers = fake.webhookHeaders(event, now);
    headers.delete("paypal-transmission-sig");
    expect(
      await paypalConnector.parseWebhook(ctx, request(JSON.stringify(event), headers), now),
    ).toMatchObject({
      ok: false,
      reason: "bad_signature",
      message: "Missing PAYPAL-TRANSMISSION-SIG header",
    });
    expect(
      await paypalConnector.parseWebhook(
        ctx,
        request("{not json", fake.webhookHeaders(event, now)),
        now,
      ),
    ).toMatchObject({
      ok: false,
      reason: "malformed",
    });
    expect(
      await paypalConnector.parseWebhook(
        ctx,
        request('{"hello":1}', fake.webhookHeaders(event, now)),
        now,
      ),
    ).toMatchObject({
      ok: false,
      reason: "malformed",
    });
    expect(fake.state.verifyCalls).toBe(calls);
  });

  it("does not accept what it could not verify when PayPal is unreachable", async () => {
    const event = captureCompletedEvent();
    const result = await paypalConnector.parseWebhook(
      { ...ctx, baseUrl: deadUrl },
      request(JSON.stringify(event), fake.webhookHeaders(event, now)),
      now,
    );
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.reason).toBe("bad_signature");
    expect(result.ok === false && result.message).toContain(
      "Could not verify with PayPal (unreachable",
    );
  });

  it("keeps verified events of unknown types as unknown", async () => {
    const event = {
      ...captureCompletedEvent(),
      event_type: "BILLING.PLAN.CREATED",
      resource: { id: "P-1" },
    };
    const result = await paypalConnector.parseWebhook(
      ctx,
      request(JSON.stringify(event), fake.webhookHeaders(event, now)),
      now,
    );
    expect(result.ok && result.events[0]).toMatchObject({
      type: "unknown",
      rawType: "BILLING.PLAN.CREATED",
      providerEventId: event.id,
    });
  });

  it("answers deliveries with a plain 200", () => {
    expect(paypalConnector.webhookAck().status).toBe(200);
  });
});

describe("PayPal event mapping", () => {
  const base = { id: "WH-1", create_time: "2026-03-01T10:00:00Z" };

  it("marks an approved order pending and asks for a capture", () => {
    const event = normalizePayPalEvent({
      ...base,
      event_type: "CHECKOUT.ORDER.APPROVED",
      resource: {
        id: "ORDER-9",
        status: "APPROVED",
        purchase_units: [
          {
            reference_id: "pay_9",
            custom_id: "pay_9",
            amount: { currency_code: "JPY", value: "500" },
          },
        ],
      },
    });
    expect(event).toMatchObject({
      type: "payment.pending",
      providerPaymentId: "ORDER-9",
      paymentId: "pay_9",
      amountMinor: 500,
      currency: "JPY",
    });
    expect(paypalEventNeedsCapture(event)).toBe(true);
    expect(paypalEventNeedsCapture({ ...event, rawType: "PAYMENT.CAPTURE.COMPLETED" })).toBe(false);
  });

  it("maps denied, declined and pending captures", () => {
    const capture = (status: string) => ({
      id: "CAP-2",
      status,
      amount: { currency_code: "USD", value: "3.00" },
      custom_id: "pay_2",
      status_details: { reason: "BUYER_COMPLAINT" },
    });
    expect(
      normalizePayPalEvent({
        ...base,
        event_type: "PAYMENT.CAPTURE.DENIED",
        resource: capture("DECLINED"),
      }),
    ).toMatchObject({
      type: "payment.failed",
      providerPaymentId: "CAP-2",
      failure: { code: "DECLINED", message: "BUYER_COMPLAINT" },
    });
    expect(
      normalizePayPalEvent({
        ...base,
        event_type: "PAYMENT.CAPTURE.DECLINED",
        resource: capture("DECLINED"),
      }).type,
    ).toBe("payment.failed");
    expect(
      normalizePayPalEvent({
        ...base,
        event_type: "PAYMENT.CAPTURE.PENDING",
        resource: capture("PENDING"),
      }).type,
    ).toBe("payment.pending");
  });

  it("maps a voided order to canceled", () => {
    expect(
      normalizePayPalEvent({
        ...base,
        event_type: "CHECKOUT.ORDER.VOIDED",
        resource: { id: "O-3", status: "VOIDED" },
      }).type,
    ).toBe("payment.canceled");
  });

  it("maps a refund with the capture from its `up` link", () => {
    const event = normalizePayPalEvent({
      ...base,
      event_type: "PAYMENT.CAPTURE.REFUNDED",
      resource: {
        id: "RF-1",
        status: "COMPLETED",
        amount: { currency_code: "EUR", value: "5.05" },
        custom_id: "pay_r",
        links: [{ href: "https://api-m.paypal.com/v2/payments/captures/CAP-77", rel: "up" }],
      },
    });
    expect(event).toMatchObject({
      type: "refund.succeeded",
      providerPaymentId: "CAP-77",
      paymentId: "pay_r",
      refund: { providerRefundId: "RF-1", amountMinor: 505, currency: "EUR" },
    });
  });

  const dispute = (outcome?: string) => ({
    dispute_id: "PP-D-1",
    reason: "MERCHANDISE_OR_SERVICE_NOT_RECEIVED",
    status: outcome ? "RESOLVED" : "WAITING_FOR_SELLER_RESPONSE",
    dispute_amount: { currency_code: "GBP", value: "40.00" },
    seller_response_due_date: "2026-03-20T23:59:59.000Z",
    disputed_transactions: [{ seller_transaction_id: "CAP-5", custom: "pay_d" }],
    ...(outcome ? { dispute_outcome: { outcome_code: outcome } } : {}),
  });

  it("maps dispute creation with its deadline", () => {
    expect(
      normalizePayPalEvent({
        ...base,
        event_type: "CUSTOMER.DISPUTE.CREATED",
        resource: dispute(),
      }),
    ).toMatchObject({
      type: "dispute.opened",
      providerPaymentId: "CAP-5",
      paymentId: "pay_d",
      dispute: {
        providerDisputeId: "PP-D-1",
        reason: "product_not_received",
        providerReason: "MERCHANDISE_OR_SERVICE_NOT_RECEIVED",
        amountMinor: 4000,
        currency: "GBP",
        dueBy: new Date("2026-03-20T23:59:59.000Z"),
      },
    });
    expect(
      normalizePayPalEvent({ ...base, event_type: "CUSTOMER.DISPUTE.UPDATED", resource: dispute() })
        .type,
    ).toBe("dispute.updated");
  });

  it("maps resolutions by outcome", () => {
    const resolved = (outcome: string) =>
      normalizePayPalEvent({
        ...base,
        event_type: "CUSTOMER.DISPUTE.RESOLVED",
        resource: dispute(outcome),
      }).type;
    expect(resolved("RESOLVED_BUYER_FAVOUR")).toBe("dispute.lost");
    expect(resolved("RESOLVED_SELLER_FAVOUR")).toBe("dispute.won");
    expect(resolved("SOMETHING_NEW")).toBe("dispute.updated");
  });

  it("throws on a resource that does not fit its type (parseWebhook turns it into malformed)", () => {
    expect(() =>
      normalizePayPalEvent({
        ...base,
        event_type: "PAYMENT.CAPTURE.COMPLETED",
        resource: { nope: true },
      }),
    ).toThrow();
  });
});

describe("PayPal refund lookup and reversals", () => {
  it("asks GET /v2/payments/refunds/{id}, and says honestly when it cannot be asked", async () => {
    const input = checkoutInput({ amountMinor: 3000 });
    const { providerPaymentId } = await paypalConnector.createCheckout(ctx, input);
    fake.approve(providerPaymentId!);
    await captureOrder(ctx, providerPaymentId!);
    const refund = await paypalConnector.refund(ctx, {
      providerPaymentId: providerPaymentId!,
      amountMinor: 500,
      currency: "EUR",
      idempotencyKey: `lookup_${providerPaymentId}`,
    });
    const before = fake.state.refundsCreated;
    const lookup = { providerPaymentId: providerPaymentId!, idempotencyKey: "ref_x" };
    expect(
      await paypalConnector.fetchRefund(ctx, {
        ...lookup,
        providerRefundId: refund.providerRefundId,
      }),
    ).toEqual({ kind: "found", providerRefundId: refund.providerRefundId, status: "succeeded" });
    expect(
      await paypalConnector.fetchRefund(ctx, { ...lookup, providerRefundId: "NOPE" }),
    ).toMatchObject({ kind: "not_found" });
    expect(await paypalConnector.fetchRefund(ctx, lookup)).toMatchObject({
      kind: "unanswerable",
      message: expect.stringMatching(/awaiting PayPal/),
    });
    expect(fake.state.refundsCreated).toBe(before);
  });

  it("asks about an unnamed refund by replaying its create under the same PayPal-Request-Id", async () => {
    const input = checkoutInput({ amountMinor: 3000 });
    const { providerPaymentId } = await paypalConnector.createCheckout(ctx, input);
    fake.approve(providerPaymentId!);
    await captureOrder(ctx, providerPaymentId!);
    const sentAt = new Date();
    const sent = { amountMinor: 800, currency: "EUR", reason: "late", at: sentAt };
    const key = `ref_replay_${providerPaymentId}`;
    const refund = await paypalConnector.refund(ctx, {
      providerPaymentId: providerPaymentId!,
      amountMinor: 800,
      currency: "EUR",
      idempotencyKey: key,
      reason: "late",
    });
    const before = fake.state.refundsCreated;
    const lookup = { providerPaymentId: providerPaymentId!, idempotencyKey: key, sent };
    // The answer is the refund the first request made, not a new one.
    expect(await paypalConnector.fetchRefund(ctx, lookup)).toEqual({
      kind: "found",
      providerRefundId: refund.providerRefundId,
      status: "succeeded",
    });
    expect(fake.state.refundsCreated).toBe(before);
    expect(fake.state.refundRequests.filter((r) => r.requestId === key)).toHaveLength(2);

    // Past PayPal's key retention a replay could refund twice: it is not sent at all.
    const requests = fake.state.refundRequests.length;
    const late = new Date(sentAt.getTime() + PAYPAL_REFUND_REPLAY_WINDOW_MS + 60_000);
    expect(await paypalConnector.fetchRefund(ctx, { ...lookup, now: late })).toMatchObject({
      kind: "unanswerable",
      message: expect.stringMatching(/may have expired/),
    });
    expect(fake.state.refundRequests).toHaveLength(requests);
  });

  it("a replay of a create that never reached PayPal makes its one refund, and replays of it stay one", async () => {
    const input = checkoutInput({ amountMinor: 3000 });
    const { providerPaymentId } = await paypalConnector.createCheckout(ctx, input);
    fake.approve(providerPaymentId!);
    await captureOrder(ctx, providerPaymentId!);
    const before = fake.state.refundsCreated;
    const lookup = {
      providerPaymentId: providerPaymentId!,
      idempotencyKey: `ref_lost_${providerPaymentId}`,
      sent: { amountMinor: 600, currency: "EUR", at: new Date() },
    };
    const first = await paypalConnector.fetchRefund(ctx, lookup);
    const second = await paypalConnector.fetchRefund(ctx, lookup);
    expect(first).toMatchObject({ kind: "found", status: "succeeded" });
    expect(second).toEqual(first);
    expect(fake.state.refundsCreated).toBe(before + 1);
  });

  it("maps PAYMENT.CAPTURE.REVERSED as a refund of the capture", () => {
    const event = normalizePayPalEvent({
      id: "WH-REV",
      create_time: "2026-03-01T10:00:00Z",
      event_type: "PAYMENT.CAPTURE.REVERSED",
      resource: {
        id: "RF-REV",
        status: "COMPLETED",
        amount: { currency_code: "EUR", value: "20.00" },
        links: [{ href: "https://api-m.paypal.com/v2/payments/captures/CAP-9", rel: "up" }],
      },
    });
    expect(event).toMatchObject({
      type: "refund.succeeded",
      providerPaymentId: "CAP-9",
      refund: { providerRefundId: "RF-REV", amountMinor: 2000, currency: "EUR" },
    });
  });
});
