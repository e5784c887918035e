import type { Db, DbHandle } from "@/db/client";
import { payments } from "@/db/schema";
import type { ServiceContext } from "@/lib/auth/context";
import { connectorFor, overrideConnector } from "@/lib/connections/providers/registry";
import type { Connector } from "@/lib/connections/providers/types";
import { AppError, ConflictError, ForbiddenError, NotFoundError } from "@/lib/errors";
import { CONSOLE_EVENTS_CHANNEL } from "@/lib/events/bus";
import { createCheckout, createTestPayment } from "@/lib/payments/checkout";
import { getPaymentWithTimeline } from "@/lib/payments/detail";
import { listPayments } from "@/lib/payments/queries";
import { refundPayment } from "@/lib/payments/refunds";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  APP_URL,
  auditRows,
  configurePipelineEnv,
  eventsOf,
  merchantWithRoles,
  sandboxConnection,
  useFakeProviders,
} from "./helpers/pipeline-fixtures";
import { recordStatements } from "./helpers/statements";
import { ENGINES, openTestDatabase } from "./helpers/test-db";

configurePipelineEnv();

const fakes = useFakeProviders();

function stripeCreates(): number {
  return fakes.stripe.requests.filter(
    (r) => r.method === "POST" && r.path === "/v1/checkout/sessions" && r.status === 200,
  ).length;
}

describe.each(ENGINES)("checkout on %s", (engine) => {
  let handle: DbHandle;
  let db: Db;
  let owner: ServiceContext;
  let support: ServiceContext;
  let analyst: ServiceContext;
  let stranger: ServiceContext;
  let merchantId: string;
  const ids: Record<"sandbox" | "stripe" | "paypal" | "adyen", string> = {
    sandbox: "",
    stripe: "",
    paypal: "",
    adyen: "",
  };

  beforeAll(async () => {
    handle = await openTestDatabase(engine);
    db = handle.db;
    ({ owner, support, analyst, merchantId } = await merchantWithRoles(db));
    stranger = (await merchantWithRoles(db, "Other")).owner;
    ids.sandbox = (await sandboxConnection(owner)).id;
    ids.stripe = await fakes.connect(owner, "stripe", { stripeWebhookSecret: "whsec_checkout" });
    ids.paypal = await fakes.connect(owner, "paypal");
    ids.adyen = await fakes.connect(owner, "adyen");
  });
  afterAll(async () => {
    await handle?.close();
  });

  async function paymentsWithKey(key: string) {
    return db
      .select()
      .from(payments)
      .where(and(eq(payments.merchantId, merchantId), eq(payments.idempotencyKey, key)));
  }

  const providerCreates = {
    sandbox: () => 0,
    stripe: stripeCreates,
    paypal: () => fakes.paypal.state.ordersCreated,
    adyen: () => fakes.adyen.state.linksCreated,
  };

  it.each(["sandbox", "stripe", "paypal", "adyen"] as const)(
    "%s: a retry with the same key returns the same payment without a second provider checkout",
    async (provider) => {
      const key = `order-42-${provider}-${engine}`;
      const input = {
        connectionId: ids[provider],
        amountMinor: 1250,
        currency: "EUR",
        methods: provider === "paypal" ? (["paypal"] as const) : (["card"] as const),
        description: "Two flat whites",
        idempotencyKey: key,
        conversationId: "cnv_1",
      };
      const before = providerCreates[provider]();
      const first = await createCheckout(db, merchantId, { ...input, methods: [...input.methods] });
      const second = await createCheckout(db, merchantId, {
        ...input,
        methods: [...input.methods],
      });
      expect(first.replayed).toBe(false);
      expect(second).toMatchObject({
        id: first.id,
        replayed: true,
        checkoutUrl: first.checkoutUrl,
      });
      expect(first.status).toBe("created");
      expect(first.providerCheckoutId).toBeTruthy();
      expect(first.checkoutUrl).toMatch(/^https?:\/\//);
      expect(await paymentsWithKey(key)).toHaveLength(1);
      if (provider !== "sandbox") expect(providerCreates[provider]() - before).toBe(1);
      if (provider === "sandbox")
        expect(first.checkoutUrl).toBe(`${APP_URL}/pay/sandbox/${first.providerCheckoutId}`);
      const timeline = await eventsOf(db, merchantId, first.id);
      expect(timeline.map((e) => e.type)).toEqual(["checkout.created"]);
    },
  );

  it("announces the new payment and its checkout on the bus, with the timeline's checkout row", async () => {
    const heard: string[] = [];
    const listener = handle.listen(
      CONSOLE_EVENTS_CHANNEL,
      (payload) => heard.push(payload),
      () => {},
    );
    await listener.ready;
    try {
      const payment = await createCheckout(db, merchantId, {
        connectionId: ids.sandbox,
        amountMinor: 1_500,
        currency: "EUR",
        idempotencyKey: `announced-${engine}`,
      });
      expect(payment.checkoutUrl).toContain("/pay/sandbox/");
      const event = { kind: "payment", merchantId, mode: payment.mode, id: payment.id };
      await expect
        .poll(() => heard.map((p) => JSON.parse(p)), { timeout: 5_000 })
        .toEqual([event, event]);
      const timeline = await eventsOf(db, merchantId, payment.id);
      const created = timeline.filter((e) => e.type === "checkout.created");
      expect(created).toHaveLength(1);
      expect(created[0]).toMatchObject({
        source: "parley",
        statusAfter: "created",
        amountMinor: 1_500,
        currency: "EUR",
        connectionId: ids.sandbox,
        detail: { providerCheckoutId: payment.providerCheckoutId, url: payment.checkoutUrl },
      });
    } finally {
      await listener.close();
    }
  });

  it.runIf(engine !== "pglite")(
    "creates a checkout in three statements around the provider, a replay in one",
    async () => {
      const request = {
        connectionId: ids.sandbox,
        amountMinor: 2_000,
        currency: "EUR",
        idempotencyKey: `counted-${engine}`,
      };
      const first = await recordStatements(() => createCheckout(db, merchantId, request));
      expect(first.statements).toHaveLength(3);
      const again = await recordStatements(() => createCheckout(db, merchantId, request));
      expect(again.result).toMatchObject({ id: first.result.id, replayed: true });
      expect(again.statements).toHaveLength(1);
    },
  );

  it("finishes a checkout whose first attempt died after the provider answered, without a second session", async () => {
    const real = connectorFor("stripe");
    let calls = 0;
    const crashing: Connector<Record<string, string>> = {
      ...real,
      async createCheckout(ctx, input) {
        calls += 1;
        const result = await real.createCheckout(ctx, input);
        if (calls === 1) throw new Error("process died before storing the checkout");
        return result;
      },
    };
    const restore = overrideConnector("stripe", crashing);
    try {
      const input = {
        connectionId: ids.stripe,
        amountMinor: 990,
        currency: "EUR",
        idempotencyKey: `crash-${engine}`,
      };
      const sessionsBefore = fakes.stripe.state.sessions.size;
      await expect(createCheckout(db, merchantId, input)).rejects.toMatchObject({ status: 502 });
      const [orphan] = await paymentsWithKey(input.idempotencyKey);
      expect(orphan).toMatchObject({ status: "created", providerCheckoutId: null });
      const retried = await createCheckout(db, merchantId, input);
      expect(retried).toMatchObject({ id: orphan.id, replayed: false });
      // Same provider idempotency key: Stripe replayed its first answer.
      expect(fakes.stripe.state.sessions.size - sessionsBefore).toBe(1);
      expect(fakes.stripe.requests.at(-1)).toMatchObject({
        replayed: true,
        idempotencyKey: orphan.id,
      });
      expect(retried.providerCheckoutId).toBe([...fakes.stripe.state.sessions.keys()].at(-1));
      expect((await eventsOf(db, merchantId, orphan.id)).map((e) => e.type).sort()).toEqual([
        "checkout.created",
        "checkout.failed",
      ]);
    } finally {
      restore();
    }
  });

  it("validates amount, currency and methods against the connection", async () => {
    const base = {
      connectionId: ids.paypal,
      amountMinor: 1000,
      currency: "EUR",
      idempotencyKey: `v-${engine}`,
    };
    const reasons = await Promise.all(
      [
        { ...base, amountMinor: 0 },
        { ...base, amountMinor: 10.5 },
        { ...base, currency: "XXX" },
        { ...base, currency: "IDR" }, // Parley knows it, PayPal doesn't take it
        { ...base, methods: ["alipay" as const] },
      ].map((input, i) =>
        createCheckout(db, merchantId, {
          ...input,
          idempotencyKey: `${base.idempotencyKey}-${i}`,
        }).then(
          () => undefined,
          (e: unknown) => e,
        ),
      ),
    );
    for (const error of reasons) expect(error).toMatchObject({ status: 422 });
    expect((reasons[3] as AppError).fieldErrors?.currency).toBeDefined();
    expect((reasons[4] as AppError).fieldErrors?.methods).toBeDefined();
    expect(await paymentsWithKey(`${base.idempotencyKey}-0`)).toHaveLength(0);
  });

  it("refuses to reuse a key for a different payment", async () => {
    const input = {
      connectionId: ids.sandbox,
      amountMinor: 700,
      currency: "EUR",
      idempotencyKey: `reuse-${engine}`,
    };
    await createCheckout(db, merchantId, input);
    await expect(
      createCheckout(db, merchantId, { ...input, amountMinor: 701 }),
    ).rejects.toBeInstanceOf(ConflictError);
  });

  it("reports a provider refusal and keeps the payment for a retry", async () => {
    const input = {
      connectionId: ids.stripe,
      amountMinor: 500,
      currency: "EUR",
      idempotencyKey: `refused-${engine}`,
    };
    fakes.stripe.failNext(500);
    await expect(createCheckout(db, merchantId, input)).rejects.toMatchObject({ status: 502 });
    const retried = await createCheckout(db, merchantId, input);
    expect(retried.providerCheckoutId).toMatch(/^cs_test_/);
    expect(await paymentsWithKey(input.idempotencyKey)).toHaveLength(1);
  });

  it("creates a test payment from the dashboard with a fresh key each time, audited", async () => {
    const a = await createTestPayment(owner, ids.sandbox, {
      amountMinor: 1500,
      currency: "eur",
      description: "Test",
    });
    const b = await createTestPayment(owner, ids.sandbox, {
      amountMinor: 1500,
      currency: "EUR",
      description: "Test",
    });
    expect(a.id).not.toBe(b.id);
    expect(a).toMatchObject({ currency: "EUR", mode: "test" });
    expect(a.checkoutUrl).toContain("/pay/sandbox/");
    await expect(
      createTestPayment(support, ids.sandbox, { amountMinor: 1500, currency: "EUR" }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    const audits = (await auditRows(db, merchantId, "payment.test_created")).map((r) => r.targetId);
    expect(audits).toEqual(expect.arrayContaining([a.id, b.id]));
  });

  it("lists payments newest first with filters, only the merchant's own", async () => {
    const mine = await createCheckout(db, merchantId, {
      connectionId: ids.sandbox,
      amountMinor: 300,
      currency: "EUR",
      idempotencyKey: `list-${engine}`,
    });
    const all = await listPayments(analyst, { mode: "test", limit: 200 });
    expect(all[0].createdAt.getTime()).toBeGreaterThanOrEqual(all.at(-1)!.createdAt.getTime());
    expect(all.map((p) => p.id)).toContain(mine.id);
    expect(
      (await listPayments(analyst, { mode: "test", provider: "stripe" })).every(
        (p) => p.provider === "stripe",
      ),
    ).toBe(true);
    expect(
      (await listPayments(analyst, { mode: "test", connectionId: ids.sandbox })).every(
        (p) => p.connectionId === ids.sandbox,
      ),
    ).toBe(true);
    expect(
      (await listPayments(analyst, { mode: "test", status: "succeeded" })).map((p) => p.id),
    ).not.toContain(mine.id);
    const page = await listPayments(analyst, { mode: "test", limit: 2 });
    const next = await listPayments(analyst, {
      mode: "test",
      limit: 200,
      before: page.at(-1)!.createdAt,
    });
    expect(next.every((p) => p.createdAt < page.at(-1)!.createdAt)).toBe(true);
    expect(await listPayments(stranger, { mode: "test" })).toEqual([]);
    await expect(getPaymentWithTimeline(stranger, mine.id)).rejects.toBeInstanceOf(NotFoundError);
    const timeline = await getPaymentWithTimeline(analyst, mine.id);
    expect(timeline).toMatchObject({ payment: { id: mine.id }, refunds: [], disputes: [] });
    expect(timeline.events.map((e) => e.type)).toEqual(["checkout.created"]);
  });

  it("refuses refunds to roles without the permission, to other merchants, and of unpaid payments", async () => {
    const payment = await createCheckout(db, merchantId, {
      connectionId: ids.sandbox,
      amountMinor: 300,
      currency: "EUR",
      idempotencyKey: `norefund-${engine}`,
    });
    const input = { amountMinor: 100, reason: "test", idempotencyKey: `r-${engine}` };
    await expect(refundPayment(analyst, payment.id, input)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(refundPayment(stranger, payment.id, input)).rejects.toBeInstanceOf(NotFoundError);
    await expect(refundPayment(support, payment.id, input)).rejects.toMatchObject({
      status: 422,
      message: expect.stringMatching(/successful payment/),
    });
  });
});
