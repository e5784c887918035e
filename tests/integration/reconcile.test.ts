import type { Db, DbHandle } from "@/db/client";
import { connections, jobs, paymentEvents } from "@/db/schema";
import type { ServiceContext } from "@/lib/auth/context";
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
import { closedPortUrl } from "@/tests/fakes/http-server";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  configurePipelineEnv,
  eventsOf,
  merchantWithRoles,
  paymentRow,
  useFakeProviders,
} from "./helpers/pipeline-fixtures";
import { ENGINES, openTestDatabase } from "./helpers/test-db";

configurePipelineEnv();

const MINUTE = 60_000;

const fakes = useFakeProviders();
let deadUrl: string;

beforeAll(async () => {
  registerBuiltinJobHandlers();
  deadUrl = await closedPortUrl();
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
    stripeId = await fakes.connect(owner, "stripe", { stripeWebhookSecret: "whsec_reconcile" });
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
    fakes.stripe.payCheckout(payment.providerCheckoutId!, { status: "succeeded" });

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
      fakes.stripe.state.sessions.get(payment.providerCheckoutId!)!.payment_intent,
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
    expect(next.checked).toBeLessThanOrEqual(sweeps[0].checked);
    expect(
      (await eventsOf(db, merchantId, payment.id)).filter((e) => e.type === "reconciled"),
    ).toHaveLength(1);
  });

  it("expires a Stripe checkout the customer abandoned", async () => {
    const payment = await checkout(stripeId);
    fakes.stripe.expireCheckout(payment.providerCheckoutId!);
    await reconcileStalePayments(db, later(31), { olderThanMinutes: 30 });
    expect((await paymentRow(db, merchantId, payment.id)).status).toBe("expired");
  });

  it("asks Adyen about the payment link and PayPal about the order", async () => {
    const adyenId = await fakes.connect(owner, "adyen");
    const paypalId = await fakes.connect(owner, "paypal");
    const viaAdyen = await checkout(adyenId);
    const viaPayPal = await checkout(paypalId, ["paypal"]);
    fakes.adyen.setLinkStatus(viaAdyen.providerCheckoutId!, "completed");
    const summary = await reconcileStalePayments(db, later(31), { olderThanMinutes: 30 });
    expect(summary.errors.filter((e) => [viaAdyen.id, viaPayPal.id].includes(e.paymentId))).toEqual(
      [],
    );
    expect((await paymentRow(db, merchantId, viaAdyen.id)).status).toBe("succeeded");
    // The order waits for the buyer (PAYER_ACTION_REQUIRED).
    expect((await paymentRow(db, merchantId, viaPayPal.id)).status).toBe("requires_action");
  });

  it("reports a provider it cannot reach and leaves the payment as it was", async () => {
    const id = await fakes.connect(owner, "stripe", {
      label: "Moved away",
      stripeWebhookSecret: "whsec_reconcile",
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
    fakes.stripe.payCheckout(payment.providerCheckoutId!, { status: "succeeded" });
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
    expect(rows[0].runAt.getTime()).toBe(now.getTime() + RECONCILE_EVERY_MS);
    const events = await db
      .select()
      .from(paymentEvents)
      .where(eq(paymentEvents.paymentId, payment.id));
    expect(events.some((e) => e.type === "reconciled")).toBe(true);
  });
});
