// Webhook throughput and latency on a real Postgres: `npx tsx bench/webhooks.ts`.
//
// A fresh database (created and dropped through PARLEY_TEST_PG_URL, the admin connection), one
// Sandbox connection and N payments. The route handler runs behind a tiny node:http server, so
// every delivery pays for HTTP parsing, the body limit, signature verification, the inbox write
// and the apply transaction before its response. Two senders post concurrently from a worker
// thread (the provider is not in our process); a delivery's latency is from sending the request
// to receiving the response, which is sent only once the delivery is applied. A first phase
// answers without touching the database, to show what the machine's HTTP alone costs. Phase 2
// adds 20 % duplicate deliveries and 10 % of payments whose events arrive out of order.
// Correctness is checked after each phase. Each phase also reports what load on the machine
// hardly moves: statements per delivery and CPU per delivery (server thread, database backends).
// BENCH_PAYMENTS and BENCH_SENDERS size the run; BENCH_TRACE_SQL=N prints statements.
import { createFreshDatabase, LOCAL_ADMIN_PG_URL } from "@/db/admin";
import { openPostgres, type Db } from "@/db/client";
import { paymentEvents, payments, webhookInbox } from "@/db/schema";
import {
  buildSandboxEvent,
  signedSandboxDelivery,
} from "@/lib/connections/providers/sandbox/webhooks";
import { newId, randomBase62 } from "@/lib/ids";
import { handleWebhookRequest } from "@/lib/webhooks/receive";
import {
  addMerchant,
  contextFor,
  sandboxConnection,
} from "@/tests/integration/helpers/pipeline-fixtures";
import { and, count, eq, inArray, sql } from "drizzle-orm";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { availableParallelism, loadavg } from "node:os";
import { Readable } from "node:stream";
import { pathToFileURL } from "node:url";
import pg from "pg";
import { configureBenchEnv } from "./bench-env";
import { cpuMsOf, sendFromWorker } from "./senders";

export interface PhaseResult {
  name: string;
  payments: number;
  deliveries: number;
  seconds: number;
  deliveriesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Statements sent to Postgres (BEGIN and COMMIT included) per delivery: robust to load. */
  queriesPerDelivery: number;
  /**
   * CPU per delivery of the server's thread and of the database's backends (Linux /proc, null
   * elsewhere): what 2 cores can sustain is about 2000 / (server + database + HTTP client), and
   * unlike throughput it hardly moves with the machine's load.
   */
  cpuMsPerDelivery: { server: number | null; database: number | null };
  /** Every payment ended succeeded, with exactly two provider events and no failed delivery. */
  correct: boolean;
}

export interface BenchResult {
  engine: "postgres";
  senders: number;
  /** 1-minute load average and cores while running: other work on the machine skews results. */
  machine: { cores: number; loadAverageBefore: number; loadAverageAfter: number };
  baseline: Omit<PhaseResult, "correct" | "payments" | "queriesPerDelivery" | "cpuMsPerDelivery">;
  phases: PhaseResult[];
  target: { deliveriesPerSecond: number; p99Ms: number };
}

interface Delivery {
  paymentId: string;
  body: string;
  headers: Record<string, string>;
}

const ADMIN_URL = process.env.PARLEY_TEST_PG_URL ?? LOCAL_ADMIN_PG_URL;

/**
 * Counts every statement any pg client of this process sends (the pool's clients included), so
 * a phase can report round trips per delivery. Installed once; `BENCH_TRACE_SQL=N` also prints
 * the first N statements after each reset, to see what one delivery costs.
 */
const statementCounter = (() => {
  let count = 0;
  const traceLimit = Number(process.env.BENCH_TRACE_SQL ?? 0);
  let traced = traceLimit;
  const original = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  (pg.Client.prototype as { query: (...args: unknown[]) => unknown }).query = function (
    this: pg.Client,
    ...args: unknown[]
  ) {
    count += 1;
    if (traced < traceLimit) {
      traced += 1;
      const config = args[0] as string | { text?: string };
      console.error(`[sql ${traced}]`, typeof config === "string" ? config : config?.text);
    }
    return original.apply(this, args);
  };
  return {
    reset: () => {
      count = 0;
      traced = 0;
    },
    read: () => count,
  };
})();

/** The CPU used so far by this (main) thread and by each backend of the bench database. */
async function cpuSnapshot(
  db: Db,
): Promise<{ server: number | null; backends: Map<number, number> }> {
  const { rows } = (await db.execute(
    sql`select pid from pg_stat_activity where datname = current_database()`,
  )) as unknown as { rows: { pid: number }[] };
  const backends = new Map<number, number>();
  for (const { pid } of rows) {
    const ms = cpuMsOf(`/proc/${pid}/stat`);
    if (ms !== null) backends.set(pid, ms);
  }
  return { server: cpuMsOf(`/proc/self/task/${process.pid}/stat`), backends };
}

function cpuPerDelivery(
  before: Awaited<ReturnType<typeof cpuSnapshot>>,
  after: Awaited<ReturnType<typeof cpuSnapshot>>,
  deliveries: number,
): PhaseResult["cpuMsPerDelivery"] {
  const server =
    before.server === null || after.server === null ? null : after.server - before.server;
  let database: number | null = after.backends.size ? 0 : null;
  for (const [pid, ms] of after.backends) database! += ms - (before.backends.get(pid) ?? 0);
  const per = (ms: number | null) => (ms === null ? null : Number((ms / deliveries).toFixed(3)));
  return { server: per(server), database: per(database) };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** node:http → the route's fetch-style handler, body streamed as the route would receive it. */
function startServer(db: Db): Promise<{ server: Server; url: string }> {
  const server = createServer((req: IncomingMessage, res) => {
    const url = `http://${req.headers.host}${req.url}`;
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === "string") headers.set(name, value);
    }
    const request = new Request(url, {
      method: req.method,
      headers,
      body: Readable.toWeb(req) as ReadableStream<Uint8Array>,
      duplex: "half",
    } as RequestInit);
    const connectionId = new URL(url).pathname.split("/").at(-1) ?? "";
    handleWebhookRequest(db, connectionId, request)
      .then(async (response) => {
        res.writeHead(response.status, {
          "content-type": response.headers.get("content-type") ?? "text/plain",
        });
        res.end(await response.text());
      })
      .catch((error: unknown) => {
        res.writeHead(500);
        res.end(String(error));
      });
  });
  server.keepAliveTimeout = 30_000;
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
    ),
  );
}

// Plain JavaScript, run in a worker thread: fetch with keep-alive, one loop per sender.

/** What HTTP alone costs on this machine: the same senders against a server that does nothing. */
async function httpBaseline(
  deliveries: Delivery[],
  senders: number,
): Promise<Omit<PhaseResult, "correct" | "payments" | "queriesPerDelivery" | "cpuMsPerDelivery">> {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"received":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const queues: Delivery[][] = Array.from({ length: senders }, () => []);
    deliveries.forEach((d, i) => queues[i % senders].push(d));
    const sent = await sendFromWorker(
      `http://127.0.0.1:${(server.address() as AddressInfo).port}/noop`,
      queues,
    );
    const latencies = sent.latencies.sort((a, b) => a - b);
    return {
      name: "HTTP only (no database), for scale",
      deliveries: latencies.length,
      seconds: Number(sent.seconds.toFixed(2)),
      deliveriesPerSecond: Math.round(latencies.length / sent.seconds),
      p50Ms: Number(percentile(latencies, 50).toFixed(2)),
      p99Ms: Number(percentile(latencies, 99).toFixed(2)),
      maxMs: Number(latencies.at(-1)!.toFixed(2)),
    };
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

async function seedPayments(
  db: Db,
  merchantId: string,
  connectionId: string,
  n: number,
): Promise<{ id: string; ref: string }[]> {
  const rows = Array.from({ length: n }, () => ({
    id: newId("payment"),
    ref: `sbxpi_${randomBase62(24)}`,
  }));
  for (let i = 0; i < rows.length; i += 500) {
    await db.insert(payments).values(
      rows.slice(i, i + 500).map((r) => ({
        merchantId,
        id: r.id,
        connectionId,
        provider: "sandbox" as const,
        mode: "test" as const,
        amountMinor: 2500,
        currency: "EUR",
        idempotencyKey: `bench:${r.id}`,
        providerCheckoutId: r.ref.replace("sbxpi_", "sbxcs_"),
        providerPaymentId: r.ref,
        description: "Bench",
      })),
    );
  }
  // Fresh tables have no planner statistics; a live database has them (autovacuum's ANALYZE).
  await db.execute(sql`analyze payments`);
  await db.execute(sql`analyze payment_events`);
  return rows;
}

/** Per payment: pending then succeeded (or the reverse), one second apart on the provider's clock. */
function buildDeliveries(
  list: { id: string; ref: string }[],
  secret: string,
  options: { duplicateShare: number; outOfOrderShare: number },
): Delivery[][] {
  const perPayment = list.map((p, index) => {
    const base = Date.now() - 10_000;
    const events = (["payment.pending", "payment.succeeded"] as const).map((type, i) =>
      buildSandboxEvent({
        type,
        providerPaymentId: p.ref,
        paymentId: p.id,
        amountMinor: 2500,
        currency: "EUR",
        created: new Date(base + i * 1000),
      }),
    );
    if (
      index % Math.round(1 / (options.outOfOrderShare || 1e-9)) === 0 &&
      options.outOfOrderShare > 0
    )
      events.reverse();
    return events.map((event) => ({ paymentId: p.id, ...signedSandboxDelivery(event, secret) }));
  });
  const flat = perPayment.flat();
  const duplicates = Math.round(flat.length * options.duplicateShare);
  for (let i = 0; i < duplicates; i++) {
    const copy = flat[(i * 7919) % flat.length];
    perPayment[list.findIndex((p) => p.id === copy.paymentId)].push(copy);
  }
  return perPayment;
}

async function runPhase(
  name: string,
  db: Db,
  baseUrl: string,
  connectionId: string,
  merchantId: string,
  list: { id: string; ref: string }[],
  perPayment: Delivery[][],
  senders: number,
): Promise<PhaseResult> {
  // Each sender owns whole payments, so a payment's own order is what the phase chose.
  const queues: Delivery[][] = Array.from({ length: senders }, () => []);
  perPayment.forEach((deliveries, i) => queues[i % senders].push(...deliveries));
  const cpuBefore = await cpuSnapshot(db);
  statementCounter.reset();
  const sent = await sendFromWorker(`${baseUrl}/api/webhooks/${connectionId}`, queues);
  const statements = statementCounter.read();
  const cpuAfter = await cpuSnapshot(db);
  if (Object.keys(sent.statuses).some((status) => status !== "200")) {
    throw new Error(`${name}: unexpected answers ${JSON.stringify(sent.statuses)}`);
  }
  const { seconds } = sent;
  const latencies = sent.latencies.sort((a, b) => a - b);

  const ids = list.map((p) => p.id);
  let succeeded = 0;
  let providerEvents = 0;
  for (let i = 0; i < ids.length; i += 1000) {
    const chunk = ids.slice(i, i + 1000);
    const [s] = await db
      .select({ n: count() })
      .from(payments)
      .where(
        and(
          eq(payments.merchantId, merchantId),
          inArray(payments.id, chunk),
          eq(payments.status, "succeeded"),
        ),
      );
    const [e] = await db
      .select({ n: count() })
      .from(paymentEvents)
      .where(
        and(
          eq(paymentEvents.merchantId, merchantId),
          inArray(paymentEvents.paymentId, chunk),
          eq(paymentEvents.source, "provider"),
        ),
      );
    succeeded += s.n;
    providerEvents += e.n;
  }
  const [failed] = await db
    .select({ n: count() })
    .from(webhookInbox)
    .where(
      and(
        eq(webhookInbox.merchantId, merchantId),
        inArray(webhookInbox.status, ["failed", "received", "rejected"]),
      ),
    );
  const deliveries = latencies.length;
  return {
    name,
    payments: list.length,
    deliveries,
    seconds: Number(seconds.toFixed(2)),
    deliveriesPerSecond: Math.round(deliveries / seconds),
    p50Ms: Number(percentile(latencies, 50).toFixed(2)),
    p99Ms: Number(percentile(latencies, 99).toFixed(2)),
    maxMs: Number(latencies.at(-1)!.toFixed(2)),
    queriesPerDelivery: Number((statements / deliveries).toFixed(2)),
    cpuMsPerDelivery: cpuPerDelivery(cpuBefore, cpuAfter, deliveries),
    correct: succeeded === list.length && providerEvents === 2 * list.length && failed.n === 0,
  };
}

export async function run(
  options: { payments?: number; senders?: number } = {},
): Promise<BenchResult> {
  const n = options.payments ?? 2000;
  const senders = options.senders ?? 2;
  configureBenchEnv("http://127.0.0.1:3000");

  const loadBefore = loadavg()[0];
  const database = await createFreshDatabase(ADMIN_URL, "parley_bench");
  const handle = openPostgres(database.url, 10);
  let server: Server | undefined;
  try {
    await handle.migrate();
    const db = handle.db;
    const merchantId = await addMerchant(db, "Bench Bistro");
    const owner = await contextFor(db, merchantId, "owner");
    const { id: connectionId, webhookSecret: secret } = await sandboxConnection(owner, "Bench");

    const started = await startServer(db);
    server = started.server;

    const warmup = await seedPayments(db, merchantId, connectionId, 100);
    await runPhase(
      "warm-up",
      db,
      started.url,
      connectionId,
      merchantId,
      warmup,
      buildDeliveries(warmup, secret, { duplicateShare: 0, outOfOrderShare: 0 }),
      senders,
    );

    const plainList = await seedPayments(db, merchantId, connectionId, n);
    const baseline = await httpBaseline(
      buildDeliveries(plainList, secret, { duplicateShare: 0, outOfOrderShare: 0 }).flat(),
      senders,
    );
    const plain = await runPhase(
      "in order, no duplicates",
      db,
      started.url,
      connectionId,
      merchantId,
      plainList,
      buildDeliveries(plainList, secret, { duplicateShare: 0, outOfOrderShare: 0 }),
      senders,
    );
    const messyList = await seedPayments(db, merchantId, connectionId, n);
    const messy = await runPhase(
      "20% duplicates, 10% out of order",
      db,
      started.url,
      connectionId,
      merchantId,
      messyList,
      buildDeliveries(messyList, secret, { duplicateShare: 0.2, outOfOrderShare: 0.1 }),
      senders,
    );
    return {
      engine: "postgres",
      senders,
      machine: {
        cores: availableParallelism(),
        loadAverageBefore: loadBefore,
        loadAverageAfter: loadavg()[0],
      },
      baseline,
      phases: [plain, messy],
      target: { deliveriesPerSecond: 500, p99Ms: 50 },
    };
  } finally {
    if (server) {
      server.closeAllConnections();
      await new Promise((resolve) => server!.close(resolve));
    }
    await handle.close();
    await database.drop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const payments = Number(process.env.BENCH_PAYMENTS ?? 2000);
  const senders = Number(process.env.BENCH_SENDERS ?? 2);
  run({ payments, senders })
    .then((result) => console.log(JSON.stringify(result, null, 2)))
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
