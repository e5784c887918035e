// Several app processes on one Postgres database, each with its own pool (two handles here, as
// two `next start` would have; tests/e2e/two-processes.spec.ts runs the real thing): the public
// endpoints' rate limits are one count across them, start-up recovery leaves young deliveries to
// the process applying them, and two recovery passes at once never apply a delivery twice.
import { createFreshDatabase, type FreshDatabase } from "@/db/admin";
import { MIGRATIONS_FOLDER, openPostgres, setDbHandle, type Db, type DbHandle } from "@/db/client";
import { webhookInbox } from "@/db/schema";
import {
  buildSandboxEvent,
  SANDBOX_SIGNATURE_HEADER,
  signSandboxWebhook,
} from "@/lib/connections/providers/sandbox/webhooks";
import {
  checkRateLimit,
  limitPublicEndpoint,
  publicLimit,
  RateLimitedError,
  resetRateLimits,
} from "@/lib/http/rate-limit";
import { newId } from "@/lib/ids";
import { INBOX_STUCK_AFTER_MS } from "@/lib/jobs/poller";
import { enqueueJob } from "@/lib/jobs/queue";
import { runDueJobs, type JobHandler } from "@/lib/jobs/runner";
import { createCheckout } from "@/lib/payments/checkout";
import { recoverInbox } from "@/lib/webhooks/recovery";
import { and, eq, inArray } from "drizzle-orm";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { pgbouncerFor } from "./helpers/pgbouncer";
import {
  configurePipelineEnv,
  merchantWithRoles,
  paymentRow,
  sandboxConnection,
} from "./helpers/pipeline-fixtures";
import { ADMIN_PG_URL, ENGINES } from "./helpers/test-db";

configurePipelineEnv();

// Several processes need a shared server: on a PGlite-only run (npm test runs each engine in its
// own vitest process) the suite is listed once, skipped, rather than missing from the file.
const SERVER_ENGINES = ENGINES.filter((e) => e !== "pglite");

describe
  .runIf(SERVER_ENGINES.length > 0)
  .each(SERVER_ENGINES.length > 0 ? SERVER_ENGINES : (["postgres"] as const))(
  "two app processes on one Postgres (%s)",
  (engine) => {
    let database: FreshDatabase;
    let a: DbHandle;
    let b: DbHandle;

    beforeAll(async () => {
      database = await createFreshDatabase(ADMIN_PG_URL, "parley_t");
      const direct = openPostgres(database.url, 1);
      await migrate(direct.db, { migrationsFolder: MIGRATIONS_FOLDER });
      await direct.close();
      // Each process's pool: straight to Postgres, or through the bouncer as
      // PARLEY_DB_POOLER=transaction configures it.
      const open = async () => {
        if (engine !== "pgbouncer") return openPostgres(database.url, 5);
        const bouncer = await pgbouncerFor(ADMIN_PG_URL);
        return openPostgres(bouncer.urlFor(database.url), 5, {
          directUrl: database.url,
          namedStatements: false,
        });
      };
      a = await open();
      b = await open();
    });
    afterEach(() => setDbHandle(undefined));
    afterAll(async () => {
      setDbHandle(undefined);
      await a?.close();
      await b?.close();
      await database?.drop();
    });

    it("counts a client's calls once across both processes", async () => {
      setDbHandle(a);
      await resetRateLimits();
      const rule = { limit: 6, windowMs: 60_000 };
      const key = `test:${newId("job")}`;
      const decisions: boolean[] = [];
      for (let i = 0; i < 8; i++) {
        setDbHandle(i % 2 === 0 ? a : b);
        decisions.push((await checkRateLimit(key, rule)).allowed);
      }
      // Kept per process, each would have allowed all eight (four apiece).
      expect(decisions).toEqual([true, true, true, true, true, true, false, false]);
    });

    it("refuses a public endpoint on one process once the other used the allowance", async () => {
      setDbHandle(a);
      await resetRateLimits();
      const headers = new Headers();
      const scope = `sbxcs_${newId("job")}`;
      for (let i = 0; i < publicLimit("checkoutAction").limit; i++)
        await limitPublicEndpoint(headers, "checkoutAction", scope);
      setDbHandle(b);
      await expect(limitPublicEndpoint(headers, "checkoutAction", scope)).rejects.toThrow(
        RateLimitedError,
      );
      // Concurrent calls from both at once never let more through than the limit.
      await resetRateLimits();
      const rule = { limit: 10, windowMs: 60_000 };
      const key = `test:${newId("job")}`;
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) => {
          setDbHandle(i % 2 === 0 ? a : b);
          return checkRateLimit(key, rule);
        }),
      );
      expect(results.filter((r) => r.allowed)).toHaveLength(10);
    });

    it("runs each due job once while both processes' runners poll at the same time", async () => {
      const kind = `test.twoprocesses.${newId("job").slice(-8)}`;
      const runAt = new Date(Date.now() + 3600_000);
      const ids = new Set<string>();
      for (let i = 0; i < 30; i++) ids.add((await enqueueJob(a.db, "mer_two", { kind, runAt })).id);
      const ran: string[] = [];
      const handlers = new Map<string, JobHandler>([
        [
          kind,
          async (job) => {
            ran.push(job.id);
            await new Promise((resolve) => setTimeout(resolve, 5));
          },
        ],
      ]);
      // Each process keeps claiming batches until nothing is due (as its poller does).
      const drain = async (db: Db) => {
        while ((await runDueJobs(db, runAt, handlers)).claimed > 0);
      };
      await Promise.all([drain(a.db), drain(b.db), drain(a.db), drain(b.db)]);
      expect(ran.filter((id) => ids.has(id)).sort()).toEqual([...ids].sort());
    });

    describe("webhook recovery", () => {
      let db: Db;
      let merchantId: string;
      let connectionId: string;
      let secret: string;

      beforeAll(async () => {
        db = a.db;
        const merchant = await merchantWithRoles(db);
        merchantId = merchant.merchantId;
        ({ id: connectionId, webhookSecret: secret } = await sandboxConnection(merchant.owner));
      });

      /** A verified delivery stored `ageMs` ago and never applied (its process died, or is busy). */
      async function storedDelivery(ageMs: number) {
        const payment = await createCheckout(db, merchantId, {
          connectionId,
          amountMinor: 2500,
          currency: "EUR",
          methods: ["card"],
          description: "Two croissants",
          idempotencyKey: newId("payment"),
        });
        const raw = JSON.stringify(
          buildSandboxEvent({
            type: "payment.succeeded",
            providerPaymentId: payment.providerPaymentId!,
            paymentId: payment.id,
            amountMinor: 2500,
            currency: "EUR",
          }),
        );
        const receivedAt = new Date(Date.now() - ageMs);
        const id = newId("webhook");
        await db.insert(webhookInbox).values({
          merchantId,
          id,
          connectionId,
          provider: "sandbox",
          headers: {
            [SANDBOX_SIGNATURE_HEADER.toLowerCase()]: signSandboxWebhook(
              raw,
              secret,
              Math.floor(receivedAt.getTime() / 1000),
            ),
          },
          rawBody: raw,
          verified: true,
          status: "received",
          receivedAt,
        });
        return { id, paymentId: payment.id };
      }

      it("applies each stuck delivery once when both processes sweep at the same time", async () => {
        const stuck = await Promise.all([1, 2, 3, 4].map(() => storedDelivery(10 * 60_000)));
        const young = await storedDelivery(1_000);
        const [fromA, fromB] = await Promise.all([
          recoverInbox(a.db, { olderThanMs: INBOX_STUCK_AFTER_MS }),
          recoverInbox(b.db, { olderThanMs: INBOX_STUCK_AFTER_MS }),
        ]);
        // One pass held the lock and did the work; the other stood aside (or, had the first
        // finished before it began, found nothing left). Between them: each delivery once.
        expect(fromA.applied + fromB.applied).toBe(4);
        expect(fromA.failed + fromB.failed).toBe(0);
        if (fromA.skipped || fromB.skipped) expect(fromA.skipped && fromB.skipped).toBeFalsy();

        const rows = await db
          .select({
            id: webhookInbox.id,
            status: webhookInbox.status,
            attempts: webhookInbox.attempts,
          })
          .from(webhookInbox)
          .where(
            and(
              eq(webhookInbox.merchantId, merchantId),
              inArray(
                webhookInbox.id,
                stuck.map((s) => s.id),
              ),
            ),
          );
        expect(rows.map((r) => [r.status, r.attempts])).toEqual(stuck.map(() => ["applied", 1]));
        for (const { paymentId } of stuck)
          expect((await paymentRow(db, merchantId, paymentId)).status).toBe("succeeded");
        // The young one is another process's to apply (it stored it a second ago): untouched.
        const [youngRow] = await db
          .select({ status: webhookInbox.status, attempts: webhookInbox.attempts })
          .from(webhookInbox)
          .where(and(eq(webhookInbox.merchantId, merchantId), eq(webhookInbox.id, young.id)));
        expect(youngRow).toEqual({ status: "received", attempts: 0 });
        expect((await paymentRow(db, merchantId, young.paymentId)).status).not.toBe("succeeded");
      });
    });
  },
);
