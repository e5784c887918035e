import type { Db, DbHandle } from "@/db/client";
import { connections, jobs, paymentEvents } from "@/db/schema";
import { createStripeConnector } from "@/lib/connections/providers/stripe";
import { overrideConnector } from "@/lib/connections/registry";
import { createConnection } from "@/lib/connections/service";
import {
  ensureRecurringJobs,
  RECONCILE_EVERY_MS,
  RECONCILE_JOB,
  registerBuiltinJobHandlers,
} from "@/lib/jobs/builtin";
import { SYSTEM_MERCHANT_ID } from "@/lib/jobs/queue";
import { runDueJobs } from "@/lib/jobs/runner";
import { createCheckout } from "@/lib/payments/checkout";
import { reconcileStalePayments } from "@/lib/payments/reconcile";
import type { ServiceContext } from "@/lib/payments/service-context";
import { startFakeAdyen, type FakeAdyen } from "@/tests/fakes/adyen-server";
import { startFakePayPal, type FakePayPal } from "@/tests/fakes/paypal-server";
import { startFakeStripe, type FakeStripe } from "@/tests/fakes/stripe-server";
import { and, eq } from "drizzle-orm";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  configurePipelineEnv,
  eventsOf,
  merchantWithRoles,
  paymentRow,
} from "./helpers/pipeline-fixtures";
import { ENGINES, openTestDatabase } from "./helpers/test-db";

configurePipelineEnv();

const HMAC_KEY = "44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056";
const MINUTE = 60_000;

let stripe: FakeStripe;
let paypal: FakePayPal;
let adyen: FakeAdyen;
let deadUrl: string;
let restoreStripe: () => void;

beforeAll(async () => {
  [stripe, paypal, adyen] = await Promise.all([
    startFakeStripe(),
    startFakePayPal(),
    startFakeAdyen(),
  ]);
  restoreStripe = overrideConnector("stripe", createStripeConnector({ maxNetworkRetries: 0 }));
  registerBuiltinJobHandlers();
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  deadUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
  await new Promise((resolve) => probe.close(resolve));
});
afterAll(async () => {
  restoreStripe?.();
  await Promise.all([stripe?.close(), paypal?.close(), adyen?.close()]);
});

describe.each(ENGINES)("reconciliation on %s", (engine) => {
  let handle: DbHandle;
  let db: Db;
  let owner: ServiceContext;
  let merchantId: string;
  let stripeId: string;
  let counter = 0;

  beforeAll(async () => {
    handle = await openTestDatabase(engine);
    db = handle.db;
    ({ owner, merchantId } = await merchantWithRoles(db));
    stripeId = (
      await createConnection(owner, {
        provider: "stripe",
        label: "Stripe",
        mode: "test",
        credentials: { secretKey: stripe.validKey, webhookSecret: "whsec_reconcile" },
        apiBaseUrl: stripe.url,
      })
    ).id;
  });
  afterAll(async () => {
    await handle?.close();
  });

  function checkout(connectionId: string, methods: ("card" | "paypal")[] = ["card"]) {
    counter += 1;
    return createCheckout(db, merchantId, {
      connectionId,
      amountMinor: 2000,
      currency: "EUR",
      methods,
      idempotencyKey: `reconcile-${engine}-${counter}`,
    });
  }

  const later = (minutes: number) => new Date(Date.now() + minutes * MINUTE);

  it("finds a Stripe payment whose webhook never came, once, through the apply path", async () => {
    const payment = await checkout(stripeId);
    stripe.payCheckout(payment.providerCheckoutId!, { status: "succeeded" });

    const early = await reconcileStalePayments(db, later(10), { olderThanMinutes: 30 });
    expect(early.errors).toEqual([]);
    expect((await paymentRow(db, merchantId, payment.id)).status).toBe("created");

    // Two sweeps at once (two app instances): one records the change, the other dedupes on its id.
    const sweeps = await Promise.all([
      reconcileStalePayments(db, later(31), { olderThanMinutes: 30 }),
      reconcileStalePayments(db, later(31), { olderThanMinutes: 30 }),
    ]);
    expect(sweeps.flatMap((s) => s.errors)).toEqual([]);
    const after = await paymentRow(db, merchantId, payment.id);
    expect(after.status).toBe("succeeded");
    // It also learned the PaymentIntent, which Stripe's later refund events name.
    expect(after.providerPaymentId).toBe(
      stripe.state.sessions.get(payment.providerCheckoutId!)!.payment_intent,
    );
    const reconciled = (await eventsOf(db, merchantId, payment.id)).filter(
      (e) => e.type === "reconciled",
    );
    expect(reconciled).toHaveLength(1);
    expect(reconciled[0]).toMatchObject({
      source: "parley",
      providerEventId: `reconcile:${payment.id}:succeeded`,
      rawType: "payment.succeeded",
      statusAfter: "succeeded",
    });
    // No longer stale: the next sweep leaves it alone.
    const next = await reconcileStalePayments(db, later(40), { olderThanMinutes: 30 });
    expect(next.checked).toBeLessThanOrEqual(sweeps[0]!.checked);
    expect(
      (await eventsOf(db, merchantId, payment.id)).filter((e) => e.type === "reconciled"),
    ).toHaveLength(1);
  });

  it("expires a Stripe checkout the customer abandoned", async () => {
    const payment = await checkout(stripeId);
    stripe.expireCheckout(payment.providerCheckoutId!);
    await reconcileStalePayments(db, later(31), { olderThanMinutes: 30 });
    expect((await paymentRow(db, merchantId, payment.id)).status).toBe("expired");
  });

  it("asks Adyen about the payment link and PayPal about the order", async () => {
    const { id: adyenId } = await createConnection(owner, {
      provider: "adyen",
      label: "Adyen",
      mode: "test",
      credentials: {
        apiKey: adyen.apiKey,
        merchantAccount: adyen.merchantAccount,
        hmacKey: HMAC_KEY,
      },
      apiBaseUrl: adyen.url,
    });
    const { id: paypalId } = await createConnection(owner, {
      provider: "paypal",
      label: "PayPal",
      mode: "test",
      credentials: {
        clientId: paypal.clientId,
        clientSecret: paypal.clientSecret,
        webhookId: paypal.webhookId,
      },
      apiBaseUrl: paypal.url,
    });
    const viaAdyen = await checkout(adyenId);
    const viaPayPal = await checkout(paypalId, ["paypal"]);
    adyen.setLinkStatus(viaAdyen.providerCheckoutId!, "completed");
    const summary = await reconcileStalePayments(db, later(31), { olderThanMinutes: 30 });
    expect(summary.errors.filter((e) => [viaAdyen.id, viaPayPal.id].includes(e.paymentId))).toEqual(
      [],
    );
    expect((await paymentRow(db, merchantId, viaAdyen.id)).status).toBe("succeeded");
    // The order waits for the buyer (PAYER_ACTION_REQUIRED).
    expect((await paymentRow(db, merchantId, viaPayPal.id)).status).toBe("requires_action");
  });

  it("reports a provider it cannot reach and leaves the payment as it was", async () => {
    const { id } = await createConnection(owner, {
      provider: "stripe",
      label: "Moved away",
      mode: "test",
      credentials: { secretKey: stripe.validKey, webhookSecret: "whsec_reconcile" },
      apiBaseUrl: stripe.url,
    });
    const payment = await checkout(id);
    // The provider becomes unreachable after the checkout was made.
    await db
      .update(connections)
      .set({ apiBaseUrl: deadUrl })
      .where(and(eq(connections.merchantId, merchantId), eq(connections.id, id)));
    const summary = await reconcileStalePayments(db, later(31), { olderThanMinutes: 30 });
    expect(summary.errors.find((e) => e.paymentId === payment.id)?.message).toBeTruthy();
    expect((await paymentRow(db, merchantId, payment.id)).status).toBe("created");
  });

  it("runs as a recurring durable job", async () => {
    const payment = await checkout(stripeId);
    stripe.payCheckout(payment.providerCheckoutId!, { status: "succeeded" });
    await ensureRecurringJobs(db, new Date());
    await ensureRecurringJobs(db, new Date()); // still one
    const now = later(31);
    await runDueJobs(db, now);
    expect((await paymentRow(db, merchantId, payment.id)).status).toBe("succeeded");
    const rows = await db
      .select()
      .from(jobs)
      .where(and(eq(jobs.merchantId, SYSTEM_MERCHANT_ID), eq(jobs.kind, RECONCILE_JOB)));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "pending", attempts: 0 });
    expect(rows[0]!.runAt.getTime()).toBe(now.getTime() + RECONCILE_EVERY_MS);
    const events = await db
      .select()
      .from(paymentEvents)
      .where(eq(paymentEvents.paymentId, payment.id));
    expect(events.some((e) => e.type === "reconciled")).toBe(true);
  });
});
