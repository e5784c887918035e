import {
  generateSandboxCredentials,
  sandboxConnector,
  setSandboxStatusLookup,
  type SandboxContext,
  type SandboxCredentials,
} from "@/lib/connections/providers/sandbox";
import {
  SANDBOX_DECLINES,
  SANDBOX_DECLINE_CODES,
  SANDBOX_SIGNATURE_HEADER,
  buildSandboxEvent,
  signSandboxWebhook,
  signedSandboxDelivery,
  verifySandboxSignature,
} from "@/lib/connections/providers/sandbox/webhooks";
import {
  PAYMENT_METHODS,
  ProviderError,
  type CheckoutInput,
  type ConnectorContext,
} from "@/lib/connections/providers/types";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";

const credentials = generateSandboxCredentials();
const ctx: ConnectorContext<SandboxCredentials> = {
  credentials,
  mode: "test",
  appUrl: "https://parley.example/",
};
const T = 1_767_000_000;
const at = (seconds: number) => new Date(seconds * 1000);

afterEach(() => setSandboxStatusLookup(undefined));

function checkoutInput(overrides: Partial<CheckoutInput> = {}): CheckoutInput {
  return {
    paymentId: "pay_1",
    amountMinor: 150_000,
    currency: "IDR",
    description: "Nasi goreng",
    methods: ["card"],
    idempotencyKey: "pay_1:checkout:1",
    successUrl: "https://parley.example/done",
    cancelUrl: "https://parley.example/cancel",
    ...overrides,
  };
}

function request(body: string, signature: string | null) {
  const headers = new Headers();
  if (signature !== null) headers.set(SANDBOX_SIGNATURE_HEADER, signature);
  return { rawBody: body, headers, url: "https://parley.example/api/webhooks/con_1" };
}

describe("Sandbox credentials and capabilities", () => {
  it("generates distinct whsec_sbx_ secrets that verify", async () => {
    const other = generateSandboxCredentials();
    expect(credentials.webhookSecret).toMatch(/^whsec_sbx_[\w-]{32}$/);
    expect(other.webhookSecret).not.toBe(credentials.webhookSecret);
    expect(await sandboxConnector.verifyCredentials(ctx)).toEqual({
      ok: true,
      accountLabel: "Parley Sandbox",
      message: "Sandbox is built in",
    });
    const broken = await sandboxConnector.verifyCredentials({
      ...ctx,
      credentials: { webhookSecret: "nope" },
    });
    expect(broken).toMatchObject({ ok: false, reason: "invalid_credentials" });
  });

  it("offers every method but crypto, and many currencies", () => {
    const { methods, currencies } = sandboxConnector.capabilities(ctx);
    expect(methods).toEqual(PAYMENT_METHODS.filter((m) => m !== "crypto"));
    expect(currencies).toEqual(
      expect.arrayContaining(["EUR", "USD", "GBP", "IDR", "CNY", "JPY", "KWD"]),
    );
  });
});

describe("Sandbox checkout", () => {
  it("derives the same checkout from the same idempotency key", async () => {
    const first = await sandboxConnector.createCheckout(ctx, checkoutInput());
    const retry = await sandboxConnector.createCheckout(ctx, checkoutInput());
    expect(retry).toEqual(first);
    expect(first.providerCheckoutId).toMatch(/^sbxcs_[0-9a-f]{24}$/);
    expect(first.providerPaymentId).toMatch(/^sbxpi_[0-9a-f]{24}$/);
    expect(first.url).toBe(`https://parley.example/pay/sandbox/${first.providerCheckoutId}`);
  });

  it("gives different keys, or another connection's secret, different checkouts", async () => {
    const a = await sandboxConnector.createCheckout(ctx, checkoutInput());
    const b = await sandboxConnector.createCheckout(
      ctx,
      checkoutInput({ idempotencyKey: "pay_1:checkout:2" }),
    );
    const c = await sandboxConnector.createCheckout(
      { ...ctx, credentials: generateSandboxCredentials() },
      checkoutInput(),
    );
    expect(new Set([a.providerCheckoutId, b.providerCheckoutId, c.providerCheckoutId]).size).toBe(
      3,
    );
  });

  it("refuses non-positive or fractional amounts and unknown currencies", async () => {
    for (const bad of [{ amountMinor: 0 }, { amountMinor: 12.5 }, { currency: "XTS" }]) {
      await expect(sandboxConnector.createCheckout(ctx, checkoutInput(bad))).rejects.toBeTruthy();
    }
  });

  it("refunds deterministically per idempotency key", async () => {
    const input = {
      providerPaymentId: "sbxpi_x",
      amountMinor: 500,
      currency: "EUR",
      idempotencyKey: "ref_1",
    };
    const first = await sandboxConnector.refund(ctx, input);
    expect(first).toEqual({
      providerRefundId: expect.stringMatching(/^sbxre_/),
      status: "succeeded",
    });
    expect(await sandboxConnector.refund(ctx, input)).toEqual(first);
    expect(
      (await sandboxConnector.refund(ctx, { ...input, idempotencyKey: "ref_2" })).providerRefundId,
    ).not.toBe(first.providerRefundId);
  });

  it("accepts dispute evidence and acceptance locally", async () => {
    const evidence = { providerDisputeId: "sbxdp_1", idempotencyKey: "submit:1", submit: true };
    await expect(
      sandboxConnector.submitDisputeEvidence(ctx, {
        ...evidence,
        fields: { uncategorizedText: "Delivered" },
        files: [],
      }),
    ).resolves.toEqual({ providerFileIds: {} });
    await expect(
      sandboxConnector.submitDisputeEvidence(ctx, {
        ...evidence,
        fields: { uncategorizedText: "  " },
        files: [],
      }),
    ).rejects.toBeInstanceOf(ProviderError);
    await expect(
      sandboxConnector.acceptDispute(ctx, "sbxdp_1", "accept:1"),
    ).resolves.toBeUndefined();
  });
});

describe("Sandbox fetchPayment", () => {
  it("asks the registered lookup, or the one on the context first", async () => {
    setSandboxStatusLookup(async (id) =>
      id === "sbxpi_known" ? { providerPaymentId: id, status: "succeeded" } : null,
    );
    expect(await sandboxConnector.fetchPayment(ctx, "sbxpi_known")).toEqual({
      providerPaymentId: "sbxpi_known",
      status: "succeeded",
    });
    const missing = await sandboxConnector
      .fetchPayment(ctx, "sbxpi_other")
      .catch((e: unknown) => e);
    expect(missing).toMatchObject({ kind: "invalid_request", status: 404 });
    const withOwn: SandboxContext = {
      ...ctx,
      lookupSandboxPayment: async (id) => ({ providerPaymentId: id, status: "pending" }),
    };
    expect((await sandboxConnector.fetchPayment(withOwn, "sbxpi_known")).status).toBe("pending");
  });

  it("says clearly when nobody registered a lookup", async () => {
    const error = await sandboxConnector.fetchPayment(ctx, "sbxpi_known").catch((e: unknown) => e);
    expect(error).toMatchObject({
      kind: "provider_error",
      message: expect.stringContaining("setSandboxStatusLookup"),
    });
  });
});

describe("Sandbox webhook signature", () => {
  const body = JSON.stringify(
    buildSandboxEvent({
      type: "payment.succeeded",
      providerPaymentId: "sbxpi_1",
      amountMinor: 100,
      currency: "EUR",
      created: at(T),
    }),
  );

  it("accepts a genuine delivery within five minutes either way", () => {
    const header = signSandboxWebhook(body, credentials.webhookSecret, T);
    expect(header).toMatch(/^t=1767000000,v1=[0-9a-f]{64}$/);
    expect(verifySandboxSignature(body, header, credentials.webhookSecret, at(T + 300))).toEqual({
      ok: true,
    });
    expect(verifySandboxSignature(body, header, credentials.webhookSecret, at(T - 300))).toEqual({
      ok: true,
    });
  });

  it("calls a genuine but old delivery stale", () => {
    const header = signSandboxWebhook(body, credentials.webhookSecret, T);
    expect(
      verifySandboxSignature(body, header, credentials.webhookSecret, at(T + 301)),
    ).toMatchObject({ ok: false, reason: "stale" });
  });

  it("rejects forgeries, tampering and garbage headers", () => {
    const forged = signSandboxWebhook(body, "whsec_sbx_someone_else_entirely", T);
    expect(verifySandboxSignature(body, forged, credentials.webhookSecret, at(T))).toMatchObject({
      reason: "bad_signature",
    });
    const genuine = signSandboxWebhook(body, credentials.webhookSecret, T);
    const tampered = body.replace('"amountMinor":100', '"amountMinor":1');
    expect(tampered).not.toBe(body);
    expect(
      verifySandboxSignature(tampered, genuine, credentials.webhookSecret, at(T)),
    ).toMatchObject({ reason: "bad_signature" });
    for (const header of [
      null,
      "",
      "t=abc,v1=00",
      `v1=${"0".repeat(64)}`,
      `t=${T}`,
      `t=${T},v1=${"0".repeat(64)}`,
    ]) {
      expect(verifySandboxSignature(body, header, credentials.webhookSecret, at(T))).toMatchObject({
        ok: false,
        reason: "bad_signature",
      });
    }
  });

  it("checks the signature before the age, so an old forgery is still a forgery", () => {
    const forged = signSandboxWebhook(body, "whsec_sbx_someone_else_entirely", T - 3600);
    expect(verifySandboxSignature(body, forged, credentials.webhookSecret, at(T))).toMatchObject({
      reason: "bad_signature",
    });
  });

  it("accepts any of several v1 signatures (secret rotation)", () => {
    const old = signSandboxWebhook(body, "whsec_sbx_previous_secret_value", T).split(",")[1];
    const current = signSandboxWebhook(body, credentials.webhookSecret, T);
    expect(
      verifySandboxSignature(body, `${current},${old}`, credentials.webhookSecret, at(T)),
    ).toEqual({ ok: true });
  });

  it("detects any single-character change to the body", () => {
    const header = signSandboxWebhook(body, credentials.webhookSecret, T);
    fc.assert(
      fc.property(
        fc.nat({ max: body.length - 1 }),
        fc.string({ minLength: 1, maxLength: 1 }),
        (index, replacement) => {
          fc.pre(body[index] !== replacement);
          const changed = body.slice(0, index) + replacement + body.slice(index + 1);
          return !verifySandboxSignature(changed, header, credentials.webhookSecret, at(T)).ok;
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("Sandbox parseWebhook", () => {
  async function deliver(event: Parameters<typeof buildSandboxEvent>[0]) {
    const delivery = signedSandboxDelivery(
      buildSandboxEvent({ created: at(T), ...event }),
      credentials.webhookSecret,
      T,
    );
    const result = await sandboxConnector.parseWebhook(
      ctx,
      request(delivery.body, delivery.headers[SANDBOX_SIGNATURE_HEADER]),
      at(T + 5),
    );
    if (!result.ok) throw new Error(`${result.reason}: ${result.message}`);
    return result.events[0];
  }
  const payment = {
    providerPaymentId: "sbxpi_abc",
    paymentId: "pay_42",
    amountMinor: 150_000,
    currency: "IDR",
  };

  it("normalizes a successful payment", async () => {
    const event = await deliver({
      type: "payment.succeeded",
      ...payment,
      method: "wechat_pay",
      id: "evt_sbx_1",
    });
    expect(event).toEqual({
      providerEventId: "evt_sbx_1",
      type: "payment.succeeded",
      rawType: "payment.succeeded",
      occurredAt: at(T),
      ...payment,
      method: "wechat_pay",
    });
  });

  it.each(SANDBOX_DECLINE_CODES)("carries the %s decline code and message", async (code) => {
    const event = await deliver({ type: "payment.failed", ...payment, decline: code });
    expect(event.type).toBe("payment.failed");
    expect(event.failure).toEqual({ code, message: SANDBOX_DECLINES[code] });
  });

  it("maps 3-D Secure, pending and expiry", async () => {
    expect((await deliver({ type: "payment.requires_action", ...payment })).type).toBe(
      "payment.requires_action",
    );
    expect(buildSandboxEvent({ type: "payment.requires_action", ...payment }).data.nextAction).toBe(
      "three_d_secure",
    );
    expect((await deliver({ type: "payment.pending", ...payment })).type).toBe("payment.pending");
    expect((await deliver({ type: "payment.expired", ...payment })).type).toBe("payment.expired");
  });

  it("carries refunds and disputes", async () => {
    const refund = await deliver({
      type: "refund.succeeded",
      ...payment,
      refund: { providerRefundId: "sbxre_1", amountMinor: 50_000 },
    });
    expect(refund).toMatchObject({
      type: "refund.succeeded",
      refund: { providerRefundId: "sbxre_1", amountMinor: 50_000, currency: "IDR" },
    });
    const opened = await deliver({
      type: "dispute.opened",
      ...payment,
      dispute: { providerDisputeId: "sbxdp_1", reason: "product_not_received" },
    });
    expect(opened).toMatchObject({
      type: "dispute.opened",
      dispute: {
        providerDisputeId: "sbxdp_1",
        reason: "product_not_received",
        amountMinor: 150_000,
        currency: "IDR",
        dueBy: at(T + 7 * 86400),
      },
    });
    expect(
      (
        await deliver({
          type: "dispute.won",
          ...payment,
          dispute: { providerDisputeId: "sbxdp_1" },
        })
      ).type,
    ).toBe("dispute.won");
    const lost = await deliver({
      type: "dispute.lost",
      ...payment,
      dispute: { providerDisputeId: "sbxdp_1" },
    });
    expect(lost.type).toBe("dispute.lost");
    expect(lost.dispute?.dueBy).toBeUndefined();
  });

  it("carries a dispute's stage, status and due date through the signed delivery", async () => {
    const escalated = await deliver({
      type: "dispute.updated",
      ...payment,
      dispute: {
        providerDisputeId: "sbxdp_1",
        stage: "pre_arbitration",
        status: "needs_response",
        dueBy: at(T + 10 * 86400),
      },
    });
    expect(escalated.dispute).toMatchObject({
      providerDisputeId: "sbxdp_1",
      stage: "pre_arbitration",
      status: "needs_response",
      dueBy: at(T + 10 * 86400),
    });
    // Older deliveries name no stage: the receiver decides (a chargeback), not the parser.
    const plain = await deliver({ type: "dispute.opened", ...payment });
    expect(plain.dispute).not.toHaveProperty("stage");
    expect(plain.dispute).not.toHaveProperty("status");
    const bogus = buildSandboxEvent({ type: "dispute.opened", ...payment, created: at(T) });
    const body = JSON.stringify({
      ...bogus,
      data: { ...bogus.data, dispute: { ...bogus.data.dispute, stage: "arbitration" } },
    });
    expect(
      await sandboxConnector.parseWebhook(
        ctx,
        request(body, signSandboxWebhook(body, credentials.webhookSecret, T)),
        at(T),
      ),
    ).toMatchObject({ ok: false, reason: "malformed" });
  });

  it("refuses bad signatures, stale deliveries and malformed bodies without throwing", async () => {
    const event = buildSandboxEvent({ type: "payment.succeeded", ...payment, created: at(T) });
    const delivery = signedSandboxDelivery(event, credentials.webhookSecret, T);
    const header = delivery.headers[SANDBOX_SIGNATURE_HEADER];
    expect(
      await sandboxConnector.parseWebhook(ctx, request(delivery.body, header), at(T + 301)),
    ).toMatchObject({ ok: false, reason: "stale" });
    expect(
      await sandboxConnector.parseWebhook(ctx, request(delivery.body, null), at(T)),
    ).toMatchObject({ ok: false, reason: "bad_signature" });
    const notJson = "{oops";
    expect(
      await sandboxConnector.parseWebhook(
        ctx,
        request(notJson, signSandboxWebhook(notJson, credentials.webhookSecret, T)),
        at(T),
      ),
    ).toMatchObject({
      ok: false,
      reason: "malformed",
    });
    const noRefund = JSON.stringify({ ...event, type: "refund.succeeded" });
    expect(
      await sandboxConnector.parseWebhook(
        ctx,
        request(noRefund, signSandboxWebhook(noRefund, credentials.webhookSecret, T)),
        at(T),
      ),
    ).toMatchObject({
      ok: false,
      reason: "malformed",
    });
    const noSecret = { ...ctx, credentials: {} as SandboxCredentials };
    expect(
      await sandboxConnector.parseWebhook(noSecret, request(delivery.body, header), at(T)),
    ).toMatchObject({ ok: false, reason: "bad_signature" });
  });

  it("keeps unknown event types as unknown", async () => {
    const body = JSON.stringify({
      id: "evt_sbx_9",
      type: "payment.teleported",
      created: T,
      data: { providerPaymentId: "sbxpi_abc" },
    });
    const result = await sandboxConnector.parseWebhook(
      ctx,
      request(body, signSandboxWebhook(body, credentials.webhookSecret, T)),
      at(T),
    );
    expect(result).toEqual({
      ok: true,
      events: [
        {
          providerEventId: "evt_sbx_9",
          type: "unknown",
          rawType: "payment.teleported",
          occurredAt: at(T),
          providerPaymentId: "sbxpi_abc",
        },
      ],
    });
  });

  it("acknowledges with 200 JSON", () => {
    expect(sandboxConnector.webhookAck()).toEqual({
      status: 200,
      body: '{"received":true}',
      contentType: "application/json",
    });
  });
});
