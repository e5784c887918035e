// Coinbase Commerce end to end against the fake: a test connection (credentials sealed, test
// connection telling the truth), charges created through the checkout pipeline, and the fake's
// signed webhooks delivered to the webhook route — the whole crypto lifecycle, including payment
// after expiry and underpayment, duplicates and reordering, forged and mismatched events, a
// charge naming another merchant's payment, and manual refunds.
import type { Db, DbHandle } from "@/db/client";
import { disputes, paymentEvents, payments, refunds } from "@/db/schema";
import { successRates, summarizeByCurrency } from "@/lib/analytics/queries";
import { refreshRollups } from "@/lib/analytics/rollup-job";
import type { ServiceContext } from "@/lib/auth/context";
import { openCredentials } from "@/lib/connections/credentials";
import { createConnection, testConnection } from "@/lib/connections/service";
import { createCheckout } from "@/lib/payments/checkout";
import { derivePaymentView } from "@/lib/payments/facts";
import { recordManualRefund } from "@/lib/payments/manual-refunds";
import { refundPayment } from "@/lib/payments/refunds";
import { handleWebhookRequest } from "@/lib/webhooks/receive";
import {
  type CoinbaseDelivery,
  type FakeCoinbase,
  signCoinbaseBody,
  startFakeCoinbase,
} from "@/tests/fakes/coinbase-server";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  APP_URL,
  auditRows,
  configurePipelineEnv,
  connectionRow,
  merchantWithRoles,
  paymentRow,
} from "./helpers/pipeline-fixtures";
import { ENGINES, openTestDatabase } from "./helpers/test-db";

configurePipelineEnv();
vi.mock("server-only", () => ({}));

describe.each(ENGINES)("Coinbase Commerce payments, on %s", (engine) => {
  let handle: DbHandle;
  let db: Db;
  let fake: FakeCoinbase;
  let owner: ServiceContext;
  let merchantId: string;
  let connectionId: string;
  let other: { merchantId: string; connectionId: string; owner: ServiceContext };
  let counter = 0;
  const statuses: number[] = [];

  async function post(
    toConnection: string,
    delivery: Pick<CoinbaseDelivery, "rawBody" | "headers">,
  ) {
    const response = await handleWebhookRequest(
      db,
      toConnection,
      new Request(`${APP_URL}/api/webhooks/${toConnection}`, {
        method: "POST",
        headers: delivery.headers,
        body: delivery.rawBody,
      }),
    );
    return response.status;
  }

  async function connect(ctx: ServiceContext, label: string): Promise<string> {
    const { id } = await createConnection(ctx, {
      provider: "coinbase",
      label,
      mode: "test",
      credentials: { apiKey: fake.apiKey, webhookSecret: fake.webhookSecret },
      apiBaseUrl: fake.url,
    });
    return id;
  }

  beforeAll(async () => {
    handle = await openTestDatabase(engine);
    db = handle.db;
    fake = await startFakeCoinbase({
      sink: async (delivery) => {
        statuses.push(await post(connectionId, delivery));
      },
    });
    ({ owner, merchantId } = await merchantWithRoles(db, "Satoshi's Coffee"));
    connectionId = await connect(owner, "Coinbase test");
    const b = await merchantWithRoles(db, "Other Shop");
    other = { merchantId: b.merchantId, owner: b.owner, connectionId: "" };
    other.connectionId = await connect(b.owner, "Other Coinbase");
  });
  afterAll(async () => {
    await fake?.close();
    await handle?.close();
  });

  async function charge(amountMinor = 1000, ctx = { merchantId, connectionId }) {
    counter += 1;
    return createCheckout(db, ctx.merchantId, {
      connectionId: ctx.connectionId,
      amountMinor,
      currency: "USD",
      methods: ["crypto"],
      description: "Beans, 1 kg",
      idempotencyKey: `coinbase-${engine}-${counter}`,
    });
  }

  const row = (paymentId: string, m = merchantId) => paymentRow(db, m, paymentId);

  it("connects with sealed credentials, masked hints and a truthful test", async () => {
    const stored = await connectionRow(db, merchantId, connectionId);
    expect(stored).toMatchObject({ provider: "coinbase", methods: ["crypto"], status: "active" });
    expect(stored.currencies).toContain("USD");
    expect(stored.credentialsEncrypted).not.toContain(fake.apiKey);
    expect(stored.credentialsEncrypted).not.toContain(fake.webhookSecret);
    expect(stored.credentialsHint.apiKey).not.toBe(fake.apiKey);
    expect(stored.credentialsHint.webhookSecret).not.toBe(fake.webhookSecret);
    expect(openCredentials(stored.credentialsEncrypted, connectionId)).toEqual({
      apiKey: fake.apiKey,
      webhookSecret: fake.webhookSecret,
    });
    expect(await testConnection(owner, connectionId)).toMatchObject({ ok: true });

    const { id: wrongId } = await createConnection(owner, {
      provider: "coinbase",
      label: "Wrong key",
      mode: "test",
      credentials: { apiKey: "not-the-key", webhookSecret: "x" },
      apiBaseUrl: fake.url,
    });
    expect(await testConnection(owner, wrongId)).toMatchObject({
      ok: false,
      reason: "invalid_credentials",
    });
    expect((await connectionRow(db, merchantId, wrongId)).status).toBe("error");
  });

  it("an exact payment goes created → pending → paid, with what arrived on chain", async () => {
    const payment = await charge(2500);
    const created = fake.charge(payment.providerCheckoutId!)!;
    expect(payment.checkoutUrl).toBe(created.hosted_url);
    expect(created.metadata).toMatchObject({
      parley_payment_id: payment.id,
      parley_merchant_id: merchantId,
    });
    expect(payment.status).toBe("created");

    await fake.pay(payment.providerCheckoutId!, "exact", "BTC");
    const paid = await row(payment.id);
    expect(paid).toMatchObject({ status: "succeeded", method: "crypto", flags: [] });
    const view = await derivePaymentView(db, paid);
    expect(view.received).toMatchObject({
      amountMinor: 2500,
      currency: "USD",
      crypto: [{ currency: "BTC", amount: "0.00050000", network: "bitcoin" }],
    });
    const events = await db
      .select({ rawType: paymentEvents.rawType, statusAfter: paymentEvents.statusAfter })
      .from(paymentEvents)
      .where(
        and(eq(paymentEvents.merchantId, merchantId), eq(paymentEvents.paymentId, payment.id)),
      );
    expect(events.map((e) => e.rawType)).toEqual(
      expect.arrayContaining(["charge:pending", "charge:confirmed"]),
    );
    expect(statuses.every((s) => s === 200)).toBe(true);
  });

  it("an underpayment is flagged with the amounts received, not paid; resolving it pays it", async () => {
    const payment = await charge(1000);
    await fake.pay(payment.providerCheckoutId!, "underpay", "USDC");
    const flagged = await row(payment.id);
    expect(flagged.status).toBe("pending");
    expect(flagged.flags).toContain("underpaid");
    const view = await derivePaymentView(db, flagged);
    expect(view.settlement).toMatchObject({ issue: "underpaid", status: "unresolved" });
    expect(view.received).toMatchObject({
      amountMinor: 800,
      crypto: [{ amount: "8.00", currency: "USDC" }],
    });

    await fake.resolve(payment.providerCheckoutId!);
    const resolved = await row(payment.id);
    expect(resolved.status).toBe("succeeded");
    // The flag stays: the merchant accepted less than the price.
    expect(resolved.flags).toContain("underpaid");
    expect((await derivePaymentView(db, resolved)).settlement?.status).toBe("resolved");
  });

  it("an overpayment is flagged, not silently paid", async () => {
    const payment = await charge(1000);
    await fake.pay(payment.providerCheckoutId!, "overpay", "ETH");
    const flagged = await row(payment.id);
    expect(flagged.status).toBe("pending");
    expect(flagged.flags).toContain("overpaid");
    expect((await derivePaymentView(db, flagged)).received?.amountMinor).toBe(1250);
  });

  it("expiry closes the payment; a payment after expiry is flagged as delayed, not paid", async () => {
    const expiring = await charge(1000);
    await fake.pay(expiring.providerCheckoutId!, "expire");
    expect((await row(expiring.id)).status).toBe("expired");

    const late = await charge(1000);
    await fake.pay(late.providerCheckoutId!, "late", "ETH");
    const flagged = await row(late.id);
    expect(flagged.status).toBe("expired");
    expect(flagged.flags).toContain("paid_after_expiry");
    await fake.resolve(late.providerCheckoutId!);
    expect(await row(late.id)).toMatchObject({ status: "succeeded" });
  });

  it("duplicates and any order of delivery end in the same state", async () => {
    fake.state.deliver = false;
    try {
      const payment = await charge(1000);
      const sent = await fake.pay(payment.providerCheckoutId!, "underpay", "USDC");
      sent.push(await fake.resolve(payment.providerCheckoutId!));
      // Reversed, then every delivery again (Commerce retries for up to three days).
      for (const delivery of [...sent].reverse())
        expect(await post(connectionId, delivery)).toBe(200);
      const once = await row(payment.id);
      expect(once.status).toBe("succeeded");
      for (const delivery of sent) expect(await post(connectionId, delivery)).toBe(200);
      const twice = await row(payment.id);
      expect(twice).toMatchObject({ status: once.status, flags: once.flags });
      const timeline = await db
        .select()
        .from(paymentEvents)
        .where(
          and(eq(paymentEvents.merchantId, merchantId), eq(paymentEvents.paymentId, payment.id)),
        );
      const ids = timeline.map((e) => e.providerEventId).filter(Boolean);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toHaveLength(sent.length);
    } finally {
      fake.state.deliver = true;
    }
  });

  it("refuses forged and tampered signatures, applying nothing", async () => {
    fake.state.deliver = false;
    try {
      const payment = await charge(1000);
      const [pending, failed] = await fake.pay(payment.providerCheckoutId!, "underpay");
      // Turn the underpayment into a "confirmed" one, signed with a guessed secret.
      const forgedBody = failed.rawBody
        .replace('"charge:failed"', '"charge:confirmed"')
        .replace('"UNRESOLVED","time"', '"COMPLETED","time"');
      const forged = {
        rawBody: forgedBody,
        headers: {
          ...failed.headers,
          "x-cc-webhook-signature": signCoinbaseBody(forgedBody, "guess"),
        },
      };
      expect(await post(connectionId, forged)).toBe(400);
      // The genuine signature over different bytes.
      expect(await post(connectionId, { ...forged, headers: failed.headers })).toBe(400);
      expect(
        await post(connectionId, {
          rawBody: pending.rawBody,
          headers: { "content-type": "application/json" },
        }),
      ).toBe(400);
      const untouched = await row(payment.id);
      expect(untouched.status).toBe("created");
      const applied = await db
        .select()
        .from(paymentEvents)
        .where(
          and(eq(paymentEvents.merchantId, merchantId), eq(paymentEvents.paymentId, payment.id)),
        );
      expect(applied.filter((e) => e.source === "provider")).toHaveLength(0);
    } finally {
      fake.state.deliver = true;
    }
  });

  it("a signed event whose price differs from the payment is flagged and never applied as paid", async () => {
    fake.state.deliver = false;
    try {
      const payment = await charge(1000);
      const sent = await fake.pay(payment.providerCheckoutId!, "exact");
      const confirmed = sent[1];
      for (const [index, local] of [
        { amount: "1.00", currency: "USD" },
        { amount: "10.00", currency: "EUR" },
      ].entries()) {
        const delivery = JSON.parse(confirmed.rawBody) as {
          event: { id: string; data: { pricing: { local: unknown } } };
        };
        delivery.event.id = `${delivery.event.id}-mismatch-${index}`;
        delivery.event.data.pricing.local = local;
        const body = JSON.stringify(delivery);
        const headers = {
          ...confirmed.headers,
          "x-cc-webhook-signature": signCoinbaseBody(body, fake.webhookSecret),
        };
        expect(await post(connectionId, { rawBody: body, headers })).toBe(200);
      }
      const flagged = await row(payment.id);
      expect(flagged.status).not.toBe("succeeded");
      expect(flagged.flags).toContain("amount_mismatch");
    } finally {
      fake.state.deliver = true;
    }
  });

  it("a charge naming another merchant's payment is not applied to it", async () => {
    const theirs = await charge(1000, other);
    fake.state.deliver = false;
    try {
      const ours = await charge(1000);
      const sent = await fake.pay(ours.providerCheckoutId!, "exact");
      // A genuine, signed charge of our connection, whose metadata names their payment.
      const body = sent[1].rawBody
        .replaceAll(ours.id, theirs.id)
        .replaceAll(ours.providerCheckoutId!, theirs.providerCheckoutId!);
      expect(
        await post(connectionId, {
          rawBody: body,
          headers: {
            ...sent[1].headers,
            "x-cc-webhook-signature": signCoinbaseBody(body, fake.webhookSecret),
          },
        }),
      ).toBe(200);
      expect((await row(theirs.id, other.merchantId)).status).toBe("created");
      const leaked = await db
        .select()
        .from(paymentEvents)
        .where(
          and(
            eq(paymentEvents.merchantId, other.merchantId),
            eq(paymentEvents.paymentId, theirs.id),
          ),
        );
      expect(leaked.filter((e) => e.source === "provider")).toHaveLength(0);
    } finally {
      fake.state.deliver = true;
    }
  });

  it("refunds are recorded manually (amount, note, who), audited and counted; never sent", async () => {
    const payment = await charge(3000);
    await fake.pay(payment.providerCheckoutId!, "exact");
    await expect(
      refundPayment(owner, payment.id, { amountMinor: 500, idempotencyKey: `api-${engine}` }),
    ).rejects.toMatchObject({ status: 422, message: expect.stringContaining("no refund API") });

    const input = {
      amountMinor: 1000,
      note: "Sent 10 USDC back, tx 0xabc",
      idempotencyKey: `manual-${engine}-1`,
    };
    const refund = await recordManualRefund(owner, payment.id, input);
    expect(refund).toMatchObject({
      status: "succeeded",
      amountMinor: 1000,
      currency: "USD",
      reason: input.note,
      createdByUserId: owner.user.id,
    });
    expect(refund.providerRefundId).toBe(`manual_${refund.id}`);
    // The same request again is the same refund.
    expect((await recordManualRefund(owner, payment.id, input)).id).toBe(refund.id);
    expect(await row(payment.id)).toMatchObject({
      status: "partially_refunded",
      refundedMinor: 1000,
    });
    const [audit] = await auditRows(db, merchantId, "payment.refund_recorded");
    expect(audit).toMatchObject({ actorUserId: owner.user.id, targetId: payment.id });

    await expect(
      recordManualRefund(owner, payment.id, {
        amountMinor: 2500,
        note: "too much",
        idempotencyKey: `manual-${engine}-2`,
      }),
    ).rejects.toMatchObject({ status: 422 });
    await expect(
      recordManualRefund(owner, payment.id, {
        amountMinor: 100,
        note: "",
        idempotencyKey: `manual-${engine}-3`,
      }),
    ).rejects.toMatchObject({ status: 422 });
    const rows = await db
      .select()
      .from(refunds)
      .where(and(eq(refunds.merchantId, merchantId), eq(refunds.paymentId, payment.id)));
    expect(rows).toHaveLength(1);
  });

  it("counts crypto in analytics like any method: success rate, revenue and refunds in USD", async () => {
    await refreshRollups(db);
    const day = (offset: number) =>
      new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const days = { from: day(-1), to: day(1) };
    const analyst = { db, merchantId, role: "analyst" as const };
    const byMethod = await successRates(analyst, "test", days, "method");
    const crypto = byMethod.find((r) => r.key === "crypto");
    const all = await db.select().from(payments).where(eq(payments.merchantId, merchantId));
    const cryptoPayments = all.filter((p) => p.method === "crypto");
    expect(crypto).toMatchObject({
      attempts: cryptoPayments.length,
      succeeded: cryptoPayments.filter((p) =>
        ["succeeded", "partially_refunded", "refunded"].includes(p.status),
      ).length,
    });
    const [usd] = (await summarizeByCurrency(analyst, "test", days)).filter(
      (r) => r.currency === "USD",
    );
    const paidUsd = all.filter(
      (p) =>
        p.currency === "USD" && ["succeeded", "partially_refunded", "refunded"].includes(p.status),
    );
    expect(usd).toMatchObject({
      grossMinor: paidUsd.reduce((sum, p) => sum + p.amountMinor, 0),
      refundedMinor: all.reduce((sum, p) => sum + p.refundedMinor, 0),
    });
    expect(usd.refundedMinor).toBeGreaterThanOrEqual(1000);
  });

  it("never creates a dispute for a crypto payment", async () => {
    const open = await db.select().from(disputes).where(eq(disputes.merchantId, merchantId));
    expect(open).toHaveLength(0);
    const all = await db.select().from(payments).where(eq(payments.merchantId, merchantId));
    expect(all.some((p) => p.status === "disputed")).toBe(false);
  });
});
