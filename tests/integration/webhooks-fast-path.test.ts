// The webhook fast path's shortcuts, each tested where it could go wrong: the connection kept per
// process must follow a credential rotation and a disable/enable at once; the apply reads a
// payment's timeline in the same statement that locks it, so it must notice when another apply
// committed while it waited for that lock; and a plan made on a timeline someone else changed
// without our locks must be redone, not half-kept.
import type { Db, DbHandle } from "@/db/client";
import type { ServiceContext } from "@/lib/auth/context";
import { openCredentials } from "@/lib/connections/credentials";
import {
  buildSandboxEvent,
  SANDBOX_SIGNATURE_HEADER,
  signSandboxWebhook,
  type BuildSandboxEventInput,
} from "@/lib/connections/providers/sandbox/webhooks";
import { rotateCredentials, setConnectionStatus } from "@/lib/connections/service";
import { newId } from "@/lib/ids";
import { createCheckout } from "@/lib/payments/checkout";
import { applyEvents } from "@/lib/webhooks/apply/events";
import { ingestWebhook } from "@/lib/webhooks/ingest";
import { namedStatement, runNamed, textArray } from "@/lib/webhooks/named-statements";
import { handleWebhookRequest } from "@/lib/webhooks/receive";
import { recoverInbox } from "@/lib/webhooks/recovery";
import { storeVerifiedDelivery } from "@/lib/webhooks/store";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  APP_URL,
  configurePipelineEnv,
  connectionRow,
  deliveriesOf,
  eventsOf,
  merchantWithRoles,
  paymentRow,
  sandboxConnection,
} from "./helpers/pipeline-fixtures";
import { recordStatements } from "./helpers/statements";
import { ENGINES, openTestDatabase } from "./helpers/test-db";

configurePipelineEnv();

interface Setup {
  db: Db;
  owner: ServiceContext;
  merchantId: string;
  connectionId: string;
  secret: string;
}

async function setUp(handle: DbHandle): Promise<Setup> {
  const db = handle.db;
  const { owner, merchantId } = await merchantWithRoles(db);
  const { id, webhookSecret } = await sandboxConnection(owner);
  return { db, owner, merchantId, connectionId: id, secret: webhookSecret };
}

function deliver(s: Setup, body: unknown, secret = s.secret, connectionId = s.connectionId) {
  const raw = JSON.stringify(body);
  return handleWebhookRequest(
    s.db,
    connectionId,
    new Request(`${APP_URL}/api/webhooks/${connectionId}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        [SANDBOX_SIGNATURE_HEADER]: signSandboxWebhook(raw, secret),
      },
      body: raw,
    }),
  );
}

async function newPayment(s: Setup) {
  return createCheckout(s.db, s.merchantId, {
    connectionId: s.connectionId,
    amountMinor: 2500,
    currency: "EUR",
    methods: ["card"],
    description: "Two croissants",
    idempotencyKey: newId("payment"),
  });
}

function event(
  payment: { id: string; providerPaymentId: string | null },
  input: Partial<BuildSandboxEventInput> & Pick<BuildSandboxEventInput, "type">,
) {
  return buildSandboxEvent({
    providerPaymentId: payment.providerPaymentId!,
    paymentId: payment.id,
    amountMinor: 2500,
    currency: "EUR",
    ...input,
  });
}

describe.each(ENGINES)("webhook fast path on %s", (engine) => {
  let handle: DbHandle;
  let s: Setup;

  beforeAll(async () => {
    handle = await openTestDatabase(engine);
    s = await setUp(handle);
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("follows a credential rotation at once: the old secret is refused, the new one accepted", async () => {
    const payment = await newPayment(s);
    expect((await deliver(s, event(payment, { type: "payment.pending" }))).status).toBe(200);
    // The Sandbox makes up its own new secret on rotation.
    await rotateCredentials(s.owner, s.connectionId, {});
    const rotated = await connectionRow(s.db, s.merchantId, s.connectionId);
    const next = openCredentials(rotated.credentialsEncrypted, s.connectionId).webhookSecret;
    expect(next).not.toBe(s.secret);

    const stale = await deliver(s, event(payment, { type: "payment.succeeded" }));
    expect(stale.status).toBe(400);
    expect((await paymentRow(s.db, s.merchantId, payment.id)).status).toBe("pending");
    expect((await connectionRow(s.db, s.merchantId, s.connectionId)).signatureFailures).toBe(1);

    const fresh = await deliver(s, event(payment, { type: "payment.succeeded" }), next);
    expect(fresh.status).toBe(200);
    expect((await paymentRow(s.db, s.merchantId, payment.id)).status).toBe("succeeded");
    s.secret = next;
  });

  it("passes lists to the prepared statements intact, whatever characters the ids hold", async () => {
    const ids = ["plain", 'with "quotes"', "back\\slash", "comma,brace}{", "", "ünï"];
    const [row] = await runNamed(s.db, namedStatement("select $1::text[] as ids"), [
      textArray(ids),
    ]);
    expect(row.ids).toEqual(ids);
  });

  it("stores a replay as applied without applying it, and anything new the full way", async () => {
    const payment = await newPayment(s);
    const success = event(payment, { type: "payment.succeeded" });
    expect((await deliver(s, success)).status).toBe(200);
    const replay = await deliver(s, success);
    expect(replay.status).toBe(200);
    const stored = (await deliveriesOf(s.db, s.merchantId, s.connectionId)).find(
      (d) => d.id === replay.headers.get("x-parley-delivery"),
    );
    expect(stored).toMatchObject({
      status: "applied",
      attempts: 1,
      eventTypes: ["payment.succeeded"],
      providerEventIds: [success.id],
      error: null,
    });
    expect(stored!.appliedAt).toBeInstanceOf(Date);
    expect(
      (await eventsOf(s.db, s.merchantId, payment.id)).filter(
        (e) => e.providerEventId === success.id,
      ),
    ).toHaveLength(1);

    // A replay only when every event is recorded: one new event among them means a full apply.
    const row = await connectionRow(s.db, s.merchantId, s.connectionId);
    const request = { rawBody: "{}", headers: new Headers() };
    const now = new Date();
    const store = (ids: string[]) => storeVerifiedDelivery(s.db, row, request, now, ids);
    expect((await store([success.id]))?.replay).toBe(true);
    expect((await store([success.id, success.id]))?.replay).toBe(true);
    expect((await store([success.id, "evt_sbx_not_yet"]))?.replay).toBe(false);
    expect((await store(["evt_sbx_not_yet"]))?.replay).toBe(false);
    expect((await store([]))?.replay).toBe(true);
  });

  // recordStatements sees node-postgres' statements only: PGlite's transactions go unrecorded.
  it.runIf(engine !== "pglite")(
    "stores and applies a first delivery in one transaction, and a replay in one too",
    async () => {
      const payment = await newPayment(s);
      const pending = event(payment, { type: "payment.pending" });
      const transactions = (statements: string[]) => ({
        begins: statements.filter((t) => /^\s*begin\b/i.test(t)).length,
        commits: statements.filter((t) => /^\s*commit\b/i.test(t)).length,
        // A statement outside BEGIN … COMMIT would commit on its own (the inbox row once did).
        wrapped: /^\s*begin\b/i.test(statements[0]) && /^\s*commit\b/i.test(statements.at(-1)!),
        statements: statements.length,
      });
      const first = await recordStatements(() => deliver(s, pending));
      expect(first.result.status).toBe(200);
      // BEGIN, store, lock and read, write, COMMIT: one commit, nothing committed on its own.
      expect(transactions(first.statements)).toEqual({
        begins: 1,
        commits: 1,
        wrapped: true,
        statements: 5,
      });
      expect((await paymentRow(s.db, s.merchantId, payment.id)).status).toBe("pending");

      const replay = await recordStatements(() => deliver(s, pending));
      expect(replay.result.status).toBe(200);
      // BEGIN, store (as applied), COMMIT.
      expect(transactions(replay.statements)).toEqual({
        begins: 1,
        commits: 1,
        wrapped: true,
        statements: 3,
      });
      const stored = (await deliveriesOf(s.db, s.merchantId, s.connectionId)).filter((d) =>
        [first.result, replay.result].some((r) => r.headers.get("x-parley-delivery") === d.id),
      );
      expect(stored.map((d) => [d.status, d.attempts, d.error])).toEqual([
        ["applied", 1, null],
        ["applied", 1, null],
      ]);
    },
  );

  it("keeps a delivery whose apply fails, stored as failed, for recovery to apply", async () => {
    const payment = await newPayment(s);
    const success = event(payment, { type: "payment.succeeded" });
    const raw = JSON.stringify(success);
    const reply = await ingestWebhook(
      s.db,
      s.connectionId,
      {
        rawBody: raw,
        headers: new Headers({ [SANDBOX_SIGNATURE_HEADER]: signSandboxWebhook(raw, s.secret) }),
        url: "",
      },
      { failAfterEventIndex: 0 },
    );
    // Answered as before: the delivery is stored, so the provider needn't resend it.
    expect(reply.status).toBe(200);
    const stored = (await deliveriesOf(s.db, s.merchantId, s.connectionId)).find(
      (d) => d.id === reply.deliveryId,
    );
    expect(stored).toMatchObject({
      status: "failed",
      verified: true,
      attempts: 1,
      rawBody: raw,
      providerEventIds: [success.id],
      eventTypes: ["payment.succeeded"],
    });
    expect(stored!.error).toMatch(/Injected crash/);
    // The apply rolled back: nothing of it is on the timeline or the payment.
    expect(
      (await eventsOf(s.db, s.merchantId, payment.id)).map((e) => e.providerEventId),
    ).not.toContain(success.id);
    expect((await paymentRow(s.db, s.merchantId, payment.id)).status).toBe("created");

    const summary = await recoverInbox(s.db, { olderThanMs: 0 });
    expect(summary.applied).toBeGreaterThanOrEqual(1);
    expect((await paymentRow(s.db, s.merchantId, payment.id)).status).toBe("succeeded");
    const recovered = (await deliveriesOf(s.db, s.merchantId, s.connectionId)).find(
      (d) => d.id === reply.deliveryId,
    );
    expect(recovered).toMatchObject({ status: "applied", attempts: 2, error: null });
  });

  it("follows a disable and a re-enable at once", async () => {
    const payment = await newPayment(s);
    expect((await deliver(s, event(payment, { type: "payment.pending" }))).status).toBe(200);
    await setConnectionStatus(s.owner, s.connectionId, "disabled");
    const refused = await deliver(s, event(payment, { type: "payment.succeeded" }));
    expect(refused.status).toBe(410);
    expect((await paymentRow(s.db, s.merchantId, payment.id)).status).toBe("pending");

    await setConnectionStatus(s.owner, s.connectionId, "active");
    expect((await deliver(s, event(payment, { type: "payment.succeeded" }))).status).toBe(200);
    expect((await paymentRow(s.db, s.merchantId, payment.id)).status).toBe("succeeded");
    const refusals = (await deliveriesOf(s.db, s.merchantId, s.connectionId)).filter((d) =>
      d.error?.startsWith("connection_disabled"),
    );
    expect(refusals).toHaveLength(1);
  });
});

// Two transactions at once on one payment: PGlite runs one at a time, so only Postgres can.
describe.runIf(ENGINES.includes("postgres"))("webhook apply races on postgres", () => {
  let handle: DbHandle;
  let s: Setup;

  beforeAll(async () => {
    handle = await openTestDatabase("postgres");
    s = await setUp(handle);
  });
  afterAll(async () => {
    await handle?.close();
  });

  /** Runs `work` in a transaction that stays open until the returned release is called. */
  async function holdTransaction(work: Parameters<Db["transaction"]>[0]) {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let ready!: () => void;
    const started = new Promise<void>((resolve) => (ready = resolve));
    const done = s.db.transaction(async (tx) => {
      await work(tx);
      ready();
      await gate;
    });
    await started;
    return { release, done };
  }

  /** Waits until some statement of this database is waiting for a lock. */
  async function someoneWaitsForALock(): Promise<void> {
    for (let i = 0; i < 200; i++) {
      const { rows } = (await s.db.execute(
        sql`select count(*)::int as n from pg_stat_activity
            where datname = current_database() and wait_event_type = 'Lock'`,
      )) as unknown as { rows: { n: number }[] };
      if (rows[0].n > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error("nobody ever waited for a lock");
  }

  it("sees the events of an apply that committed while it waited for the payment's lock", async () => {
    const payment = await newPayment(s);
    expect((await deliver(s, event(payment, { type: "payment.succeeded" }))).status).toBe(200);
    const connection = await connectionRow(s.db, s.merchantId, s.connectionId);
    const first = event(payment, {
      type: "refund.succeeded",
      refund: { providerRefundId: "sbxre_first", amountMinor: 700 },
    });
    const { release, done } = await holdTransaction(async (tx) => {
      await applyEvents(tx, connection, [
        {
          providerEventId: first.id,
          type: "refund.succeeded",
          rawType: "refund.succeeded",
          occurredAt: new Date(first.created * 1000),
          paymentId: payment.id,
          providerPaymentId: payment.providerPaymentId!,
          refund: { providerRefundId: "sbxre_first", amountMinor: 700, currency: "EUR" },
        },
      ]);
    });
    const second = event(payment, {
      type: "refund.succeeded",
      refund: { providerRefundId: "sbxre_second", amountMinor: 300 },
    });
    const pending = deliver(s, second);
    await someoneWaitsForALock();
    release();
    await done;
    expect((await pending).status).toBe(200);

    // Folded on top of the refund it waited for, not on the timeline it saw before waiting.
    expect(await paymentRow(s.db, s.merchantId, payment.id)).toMatchObject({
      status: "partially_refunded",
      refundedMinor: 1000,
    });
  });

  it("redoes an apply whose event someone recorded meanwhile without its locks", async () => {
    // An event for no payment of ours locks nothing; the same event is being recorded elsewhere.
    const orphan = buildSandboxEvent({
      type: "payment.succeeded",
      providerPaymentId: "sbxpi_nobody_here",
      amountMinor: 900,
      currency: "EUR",
    });
    const connection = await connectionRow(s.db, s.merchantId, s.connectionId);
    const { release, done } = await holdTransaction(async (tx) => {
      await applyEvents(tx, connection, [
        {
          providerEventId: orphan.id,
          type: "payment.succeeded",
          rawType: "payment.succeeded",
          occurredAt: new Date(orphan.created * 1000),
          providerPaymentId: "sbxpi_nobody_here",
        },
      ]);
    });
    const pending = deliver(s, orphan);
    await someoneWaitsForALock();
    release();
    await done;
    const response = await pending;
    expect(response.status).toBe(200);

    // Recorded once, by the other apply; this delivery is a replay of it, not an unmatched event.
    const [{ n }] = (
      (await s.db.execute(
        sql`select count(*)::int as n from payment_events
            where merchant_id = ${s.merchantId} and provider_event_id = ${orphan.id}`,
      )) as unknown as { rows: { n: number }[] }
    ).rows as [{ n: number }];
    expect(n).toBe(1);
    const delivery = (await deliveriesOf(s.db, s.merchantId, s.connectionId)).find(
      (d) => d.id === response.headers.get("x-parley-delivery"),
    );
    expect(delivery).toMatchObject({ status: "applied", attempts: 1, error: null });
  });
});
