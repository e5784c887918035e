import {
  coinbaseChargeOutcome,
  coinbaseConnector,
  type CoinbaseCredentials,
  coinbaseCredentialsSchema,
  verifyCoinbaseSignature,
} from "@/lib/connections/providers/coinbase";
import {
  type CoinbaseCharge,
  coinbaseLocalToMinor,
} from "@/lib/connections/providers/coinbase/charges";
import { type ConnectorContext, type WebhookParseResult } from "@/lib/connections/providers/types";
import { type FakeCoinbase, startFakeCoinbase } from "@/tests/fakes/coinbase-server";
import { closedPortUrl } from "@/tests/fakes/http-server";
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkoutInputMaker, providerRejection } from "./helpers";

let fake: FakeCoinbase;
let ctx: ConnectorContext<CoinbaseCredentials>;

beforeAll(async () => {
  fake = await startFakeCoinbase();
  fake.state.deliver = false;
  ctx = {
    credentials: { apiKey: fake.apiKey, webhookSecret: fake.webhookSecret },
    mode: "test",
    baseUrl: fake.url,
    appUrl: "https://parley.test",
    timeoutMs: 2000,
  };
});
afterAll(() => fake.close());

const checkoutInput = checkoutInputMaker("cb", { methods: ["crypto"], currency: "USD" });

function parse(rawBody: string, signature: string | null): Promise<WebhookParseResult> {
  const headers = new Headers({ "content-type": "application/json" });
  if (signature !== null) headers.set("X-CC-Webhook-Signature", signature);
  return coinbaseConnector.parseWebhook(ctx, {
    rawBody,
    headers,
    url: "https://parley.test/api/webhooks/con_1",
  });
}

describe("X-CC-Webhook-Signature", () => {
  // A vector computed here with node:crypto, not with the connector's helper.
  const secret = "c0inb4se-shared-secret";
  const body = '{"id":"d1","event":{"id":"e1","type":"charge:confirmed","data":{}}}';
  const vector = createHmac("sha256", secret).update(body).digest("hex");

  it("accepts the hex HMAC-SHA256 of the raw body with the shared secret", () => {
    expect(vector).toMatch(/^[0-9a-f]{64}$/);
    expect(verifyCoinbaseSignature(body, vector, secret)).toBe(true);
    expect(verifyCoinbaseSignature(body, vector.toUpperCase(), secret)).toBe(true);
  });

  it("refuses a tampered body, another secret, a truncated or missing signature", () => {
    expect(verifyCoinbaseSignature(body.replace("e1", "e2"), vector, secret)).toBe(false);
    expect(verifyCoinbaseSignature(body, vector, "another-secret")).toBe(false);
    expect(verifyCoinbaseSignature(body, vector.slice(0, 63), secret)).toBe(false);
    expect(verifyCoinbaseSignature(body, `${vector}00`, secret)).toBe(false);
    expect(verifyCoinbaseSignature(body, null, secret)).toBe(false);
    expect(verifyCoinbaseSignature(body, vector, "")).toBe(false);
  });

  it("verifies on the raw bytes: re-serialized JSON with the same content fails", async () => {
    const charge = {
      id: "ch_1",
      pricing: { local: { amount: "10.00", currency: "USD" } },
      timeline: [{ status: "COMPLETED", time: "2026-12-01T10:00:00Z" }],
    };
    const raw = `{"id":"d2",  "event":{"id":"e2","type":"charge:confirmed","data":${JSON.stringify(charge)}}}`;
    const signature = createHmac("sha256", fake.webhookSecret).update(raw).digest("hex");
    expect((await parse(raw, signature)).ok).toBe(true);
    const reserialized = JSON.stringify(JSON.parse(raw));
    const refused = await parse(reserialized, signature);
    expect(refused).toMatchObject({ ok: false, reason: "bad_signature" });
    expect(await parse(raw, null)).toMatchObject({ ok: false, reason: "bad_signature" });
  });

  it("refuses a forged 'confirmed' for an underpaid charge (signed with another secret)", async () => {
    const raw = JSON.stringify({
      id: "d3",
      event: {
        id: "e3",
        type: "charge:confirmed",
        data: {
          id: "ch_2",
          metadata: { parley_payment_id: "pay_x" },
          pricing: { local: { amount: "10.00", currency: "USD" } },
          timeline: [{ status: "COMPLETED" }],
        },
      },
    });
    const forged = createHmac("sha256", "guessed").update(raw).digest("hex");
    expect(await parse(raw, forged)).toMatchObject({ ok: false, reason: "bad_signature" });
  });
});

function charge(
  timeline: { status: string; context?: string }[],
  paidLocal: string[] = [],
): CoinbaseCharge {
  return {
    id: "ch_t",
    pricing: { local: { amount: "10.00", currency: "USD" } },
    timeline: timeline.map((t, i) => ({ ...t, time: `2026-12-01T10:0${i}:00Z` })),
    payments: paidLocal.map((amount) => ({
      value: { local: { amount, currency: "USD" }, crypto: { amount: "1", currency: "USDC" } },
    })),
  };
}

describe("the charge status table", () => {
  it.each([
    ["charge:created", [{ status: "NEW" }], [], { type: "unknown" }],
    [
      "charge:pending",
      [{ status: "NEW" }, { status: "PENDING" }],
      ["10.00"],
      { type: "payment.pending" },
    ],
    [
      "charge:confirmed",
      [{ status: "NEW" }, { status: "PENDING" }, { status: "COMPLETED" }],
      ["10.00"],
      { type: "payment.succeeded" },
    ],
    ["charge:failed", [{ status: "NEW" }, { status: "EXPIRED" }], [], { type: "payment.expired" }],
    [
      "charge:failed",
      [{ status: "NEW" }, { status: "PENDING" }, { status: "UNRESOLVED", context: "UNDERPAID" }],
      ["8.00"],
      { type: "payment.pending", settlement: { issue: "underpaid", status: "unresolved" } },
    ],
    [
      "charge:failed",
      [{ status: "NEW" }, { status: "PENDING" }, { status: "UNRESOLVED", context: "OVERPAID" }],
      ["12.50"],
      { type: "payment.pending", settlement: { issue: "overpaid", status: "unresolved" } },
    ],
    [
      "charge:delayed",
      [{ status: "NEW" }, { status: "EXPIRED" }, { status: "UNRESOLVED", context: "DELAYED" }],
      ["10.00"],
      { type: "payment.pending", settlement: { issue: "delayed", status: "unresolved" } },
    ],
    [
      "charge:failed",
      [{ status: "NEW" }, { status: "UNRESOLVED", context: "MULTIPLE" }],
      ["5.00", "5.00"],
      { type: "payment.pending", settlement: { issue: "multiple", status: "unresolved" } },
    ],
    [
      "charge:failed",
      [{ status: "NEW" }, { status: "UNRESOLVED", context: "MANUAL" }],
      ["10.00"],
      { type: "payment.pending", settlement: { issue: "other", status: "unresolved" } },
    ],
    [
      "charge:resolved",
      [
        { status: "NEW" },
        { status: "PENDING" },
        { status: "UNRESOLVED", context: "UNDERPAID" },
        { status: "RESOLVED" },
      ],
      ["8.00"],
      { type: "payment.succeeded", settlement: { issue: "underpaid", status: "resolved" } },
    ],
    [
      "charge:failed",
      [{ status: "NEW" }, { status: "CANCELED" }],
      [],
      { type: "payment.canceled" },
    ],
    // A "completed" charge whose payments do not add up is not a success.
    [
      "charge:confirmed",
      [{ status: "NEW" }, { status: "COMPLETED" }],
      ["9.99"],
      { type: "payment.pending", settlement: { issue: "underpaid", status: "unresolved" } },
    ],
    // Without a timeline, the webhook type decides.
    ["charge:confirmed", [], [], { type: "payment.succeeded" }],
    [
      "charge:delayed",
      [],
      [],
      { type: "payment.pending", settlement: { issue: "delayed", status: "unresolved" } },
    ],
  ] as const)("%s with timeline %j, paid %j → %j", (type, timeline, paid, expected) => {
    const outcome = coinbaseChargeOutcome(type, charge([...timeline], [...paid]));
    expect(outcome).toMatchObject(expected);
    if (!("settlement" in expected)) expect(outcome.settlement).toBeUndefined();
  });

  it("reads Commerce's fiat decimals without rounding", () => {
    expect(coinbaseLocalToMinor("10.00", "USD")).toBe(1000);
    expect(coinbaseLocalToMinor("10.000000", "USD")).toBe(1000);
    expect(coinbaseLocalToMinor("1200", "JPY")).toBe(1200);
    expect(() => coinbaseLocalToMinor("10.005", "USD")).toThrow(RangeError);
  });
});

describe("Coinbase Commerce connector against the fake", () => {
  it("checks the form's credentials", () => {
    expect(coinbaseCredentialsSchema.safeParse({ apiKey: "k", webhookSecret: "s" }).success).toBe(
      true,
    );
    const missing = coinbaseCredentialsSchema.safeParse({ apiKey: " ", webhookSecret: "" });
    expect(missing.error?.issues.map((i) => i.path[0])).toEqual(["apiKey", "webhookSecret"]);
  });

  it("tells the truth in the connection test", async () => {
    expect(await coinbaseConnector.verifyCredentials(ctx)).toMatchObject({ ok: true });
    const wrong = { ...ctx, credentials: { ...ctx.credentials, apiKey: "nope" } };
    expect(await coinbaseConnector.verifyCredentials(wrong)).toMatchObject({
      ok: false,
      reason: "invalid_credentials",
    });
    const dead = { ...ctx, baseUrl: await closedPortUrl() };
    expect(await coinbaseConnector.verifyCredentials(dead)).toMatchObject({
      ok: false,
      reason: "unreachable",
    });
  });

  it("offers crypto, priced in fiat currencies", () => {
    const caps = coinbaseConnector.capabilities(ctx);
    expect(caps.methods).toEqual(["crypto"]);
    expect(caps.currencies).toEqual(expect.arrayContaining(["USD", "EUR", "GBP"]));
  });

  it("creates a fixed-price charge carrying the payment id, and returns its hosted URL", async () => {
    const input = checkoutInput({ merchantId: "mer_1", amountMinor: 2599 });
    const result = await coinbaseConnector.createCheckout(ctx, input);
    const sent = fake.state.chargeRequests.at(-1)!;
    expect(sent).toMatchObject({
      name: "Two coffees",
      local_price: { amount: "25.99", currency: "USD" },
      pricing_type: "fixed_price",
      metadata: { parley_payment_id: input.paymentId, parley_merchant_id: "mer_1" },
      redirect_url: input.successUrl,
      cancel_url: input.cancelUrl,
    });
    expect(result.url).toBe(fake.charge(result.providerCheckoutId)!.hosted_url);
    expect(result.providerPaymentId).toBe(result.providerCheckoutId);
    expect(result.expiresAt).toBeInstanceOf(Date);

    const state = await coinbaseConnector.fetchPayment(ctx, result.providerPaymentId!);
    expect(state).toMatchObject({ status: "created", amountMinor: 2599, currency: "USD" });
    await fake.pay(result.providerCheckoutId, "exact", "BTC");
    expect(await coinbaseConnector.fetchPayment(ctx, result.providerPaymentId!)).toMatchObject({
      status: "succeeded",
      method: "crypto",
    });
  });

  it("refuses other methods and has no refund API", async () => {
    const error = await providerRejection(
      coinbaseConnector.createCheckout(ctx, checkoutInput({ methods: ["card"] })),
    );
    expect(error.kind).toBe("invalid_request");
    expect(coinbaseConnector.refunds).toBe("manual");
    const refund = await providerRejection(
      coinbaseConnector.refund(ctx, {
        providerPaymentId: "ch",
        amountMinor: 1,
        currency: "USD",
        idempotencyKey: "k",
      }),
    );
    expect(refund.message).toContain("no refund API");
  });

  it("ignores event types Commerce does not send (there is no dispute event)", async () => {
    for (const type of ["charge:disputed", "dispute:created", "charge:refunded"]) {
      const raw = JSON.stringify({
        id: `d-${type}`,
        event: {
          id: `e-${type}`,
          type,
          data: {
            id: "ch_9",
            metadata: { parley_payment_id: "pay_9" },
            pricing: { local: { amount: "10.00", currency: "USD" } },
            timeline: [{ status: "COMPLETED" }],
          },
        },
      });
      const parsed = await parse(
        raw,
        createHmac("sha256", fake.webhookSecret).update(raw).digest("hex"),
      );
      expect(parsed.ok && parsed.events[0]).toMatchObject({ type: "unknown", rawType: type });
      expect(parsed.ok && parsed.events[0].dispute).toBeUndefined();
    }
  });

  it("normalizes the fake's signed deliveries with the amounts received", async () => {
    const input = checkoutInput({ amountMinor: 1000 });
    const { providerCheckoutId } = await coinbaseConnector.createCheckout(ctx, input);
    const [pending, failed] = await fake.pay(providerCheckoutId, "underpay", "ETH");
    const parsedPending = await parse(pending.rawBody, pending.headers["x-cc-webhook-signature"]);
    expect(parsedPending.ok && parsedPending.events[0]).toMatchObject({
      providerEventId: pending.eventId,
      type: "payment.pending",
      providerPaymentId: providerCheckoutId,
      paymentId: input.paymentId,
      amountMinor: 1000,
      currency: "USD",
      method: "crypto",
      received: {
        amountMinor: 800,
        currency: "USD",
        crypto: [{ currency: "ETH", amount: "0.00320000" }],
      },
    });
    const parsedFailed = await parse(failed.rawBody, failed.headers["x-cc-webhook-signature"]);
    expect(parsedFailed.ok && parsedFailed.events[0]).toMatchObject({
      type: "payment.pending",
      rawType: "charge:failed",
      settlement: { issue: "underpaid", status: "unresolved" },
    });
  });
});
