// Stripe webhooks through the server a merchant runs, beside a bare floor measured in the same
// run: `npm run bench -- webhooks-next [--payments 2000]` (or `npx tsx bench/webhooks-next.ts`).
//
// A fresh Postgres database, migrated; one merchant with a test-mode Stripe connection whose
// webhook secret is known (sealed with the bench keys, so the app can open it); payments
// inserted as a checkout leaves them (status created, the Checkout Session id, no intent yet).
// Two processes of this worktree's production build on it (bench/app-processes.ts): the
// production server `npm start` runs (scripts/server.ts: webhooks answered in front of Next), and
// for comparison a plain `next start`, where deliveries go through Next's route pipeline.
// Senders in a worker thread POST deliveries signed with Stripe's documented scheme
// (`Stripe-Signature: t=…,v1=HMAC-SHA256(secret, "t.payload")`, tests/fakes/stripe-wire.ts):
// per payment payment_intent.processing then checkout.session.completed, 10 % of payments in the
// reverse order, and 20 % duplicate deliveries — half resent after the payment's own events, half
// put in another sender's queue (so a copy may race its original, or arrive before it).
// The floor, same machine, same Postgres, same senders and deliveries: a bare node:http process
// that reads the raw body, verifies the same HMAC (timing-safe, 5-minute tolerance) and, in one
// statement (so one transaction), inserts the delivery once (bench_floor_deliveries, unique on
// the event id) and moves the payment's status forward by rank. It runs before, between and after
// the two Parley phases; each is compared with the mean of the floors around it. Next's own 404
// for an unknown connection id (the framework plus one indexed lookup, through `next start`) is
// measured too, at the same concurrencies.
// Per phase: deliveries/s, p50/p99/max, transactions and rows written per delivery (from
// pg_stat_database, read after an 11 s wait: an idle backend flushes its counters up to 10 s
// late; pg_stat_statements is not loaded here, so statements themselves are not counted — see
// bench/webhooks.ts for the route's statements), CPU per delivery of the server process tree, the
// database backends and the senders (Linux /proc), and the 1-minute load average.
// Correctness after each Parley phase: every payment succeeded, each provider event recorded
// exactly once in payment_events, no inbox row failed, received or rejected, every answer 200.
import { createFreshDatabase, LOCAL_ADMIN_PG_URL } from "@/db/admin";
import { openPostgres, type Db } from "@/db/client";
import { payments } from "@/db/schema";
import { createConnection } from "@/lib/connections/service";
import { newId, randomBase62 } from "@/lib/ids";
import { buildStripeEvent, signStripeEvent } from "@/tests/fakes/stripe-wire";
import { addMerchant, contextFor } from "@/tests/integration/helpers/pipeline-fixtures";
import { spawn, type ChildProcess } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { pathToFileURL } from "node:url";
import pg from "pg";
import { ensureProductionBuild, startAppProcesses } from "./app-processes";
import { configureBenchEnv } from "./bench-env";
import { percentile } from "./monitoring";
import { argValue, parseCount } from "./seed-payments";
import { cpuMsOf, sendFromWorker, treeCpuMs } from "./senders";

export interface PhaseFigures {
  name: string;
  server: "parley" | "parley-next-start" | "floor" | "next-404";
  senders: number;
  deliveries: number;
  seconds: number;
  deliveriesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Answers by HTTP status. */
  statuses: Record<string, number>;
  /** Committed transactions and rows inserted + updated per delivery (null: not settled). */
  xactsPerDelivery: number | null;
  rowsWrittenPerDelivery: number | null;
  /** CPU ms per delivery: the server's process tree, the database's backends, this process. */
  cpuMsPerDelivery: { server: number | null; database: number | null; senders: number | null };
  load: { before: number; after: number };
}

export interface Correctness {
  correct: boolean;
  /** Expected provider events not recorded (or payments not succeeded). */
  lost: number;
  /** Provider events recorded more than once. */
  doubleApplied: number;
  notSucceeded: number;
  /** Inbox rows failed, received or rejected (Parley) — 0 for the floor. */
  failedDeliveries: number;
  non200: number;
}

export interface Comparison {
  senders: number;
  /** Parley's production server (webhooks in front of Next). */
  parley: PhaseFigures & Correctness;
  /** The same deliveries through `next start` (Next's route pipeline), for comparison. */
  parleyNextStart: PhaseFigures & Correctness;
  /** Before the production server, between the two, after `next start`. */
  floors: (PhaseFigures & Correctness)[];
  /** The mean of the floors around the production server's phase. */
  floorDeliveriesPerSecond: number;
  /** Parley ÷ the mean of the floors around it. */
  ratio: number;
  nextStartFloorDeliveriesPerSecond: number;
  nextStartRatio: number;
  next404: PhaseFigures;
}

export interface WebhooksNextResult {
  payments: number;
  machine: { cores: number; loadBefore: number; loadAfter: number };
  comparisons: Comparison[];
  aims: { ratio: number; p99Ms: number; p99AtSenders: number };
}

interface Delivery {
  body: string;
  headers: Record<string, string>;
}

interface BenchPayment {
  id: string;
  checkoutId: string;
  intentId: string;
}

const ADMIN_URL = process.env.PARLEY_TEST_PG_URL ?? LOCAL_ADMIN_PG_URL;
const ROOT = path.resolve(import.meta.dirname, "..");
const STATS_SETTLE_MS = Number(process.env.BENCH_STATS_SETTLE_MS ?? 11_000);
const round = (n: number, digits = 1) => Number(n.toFixed(digits));

// The floor, plain JavaScript in a process of its own (as `next start` is): node:http, node:crypto
// and pg, nothing else. Its configuration comes in FLOOR_CONFIG; it prints its port.
const FLOOR_SOURCE = `
const http = require("node:http");
const crypto = require("node:crypto");
const pg = require("pg");
const { databaseUrl, secret, merchantId, connectionId } = JSON.parse(process.env.FLOOR_CONFIG);
const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
pool.on("error", () => {});
const TOLERANCE_S = 300;
const RANK = "case %s when 'created' then 0 when 'pending' then 1 when 'succeeded' then 2 else 3 end";
const APPLY = "with delivery as (" +
  " insert into bench_floor_deliveries (event_id, payment_id, type, body) values ($1, $4, $6, $7)" +
  " on conflict (event_id) do nothing returning payment_id)" +
  " update payments p set status = $5, updated_at = now() from delivery d" +
  " where p.merchant_id = $2 and p.connection_id = $3 and p.id = d.payment_id" +
  " and " + RANK.replace("%s", "p.status") + " < " + RANK.replace("%s", "$5::text");
function verified(raw, header) {
  let t; const v1 = [];
  for (const part of String(header || "").split(",")) {
    const i = part.indexOf("=");
    if (part.slice(0, i) === "t") t = part.slice(i + 1);
    else if (part.slice(0, i) === "v1") v1.push(part.slice(i + 1));
  }
  if (!t || v1.length === 0 || Math.abs(Date.now() / 1000 - Number(t)) > TOLERANCE_S) return false;
  const expected = crypto.createHmac("sha256", secret).update(t + "." + raw, "utf8").digest();
  return v1.some((hex) => {
    const given = Buffer.from(hex, "hex");
    return given.length === expected.length && crypto.timingSafeEqual(given, expected);
  });
}
function statusFor(event) {
  const object = event.data.object;
  if (event.type === "payment_intent.processing") return "pending";
  if (event.type === "payment_intent.succeeded") return "succeeded";
  if (event.type === "checkout.session.completed")
    return object.payment_status === "unpaid" ? "pending" : "succeeded";
  return null;
}
function reply(res, status, body) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}
const server = http.createServer((req, res) => {
  const chunks = [];
  let size = 0;
  req.on("data", (chunk) => {
    size += chunk.length;
    if (size > 1024 * 1024) req.destroy();
    else chunks.push(chunk);
  });
  req.on("end", () => {
    const raw = Buffer.concat(chunks).toString("utf8");
    if (!verified(raw, req.headers["stripe-signature"])) return reply(res, 400, { error: "bad signature" });
    let event;
    try { event = JSON.parse(raw); } catch { return reply(res, 400, { error: "not JSON" }); }
    const status = statusFor(event);
    const paymentId = event.data.object.metadata && event.data.object.metadata.parley_payment_id;
    if (!status || !paymentId) return reply(res, 200, { received: true, ignored: true });
    pool
      .query(APPLY, [event.id, merchantId, connectionId, paymentId, status, event.type, raw])
      .then(() => reply(res, 200, { received: true }))
      .catch((error) => reply(res, 500, { error: String(error) }));
  });
});
server.keepAliveTimeout = 30000;
server.listen(0, "127.0.0.1", () => console.log(JSON.stringify({ port: server.address().port })));
process.on("SIGTERM", () => { server.close(); pool.end().finally(() => process.exit(0)); });
`;

interface Counters {
  server: number | null;
  senders: number | null;
  backends: Map<number, number>;
}

async function cpuCounters(client: pg.Client, serverPid: number): Promise<Counters> {
  const { rows } = await client.query<{ pid: number }>(
    "select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()",
  );
  const backends = new Map<number, number>();
  for (const { pid } of rows) {
    const ms = cpuMsOf(`/proc/${pid}/stat`);
    if (ms !== null) backends.set(pid, ms);
  }
  return { server: treeCpuMs(serverPid), senders: cpuMsOf("/proc/self/stat"), backends };
}

interface DbCounters {
  xacts: number;
  rowsWritten: number;
}

async function dbCounters(client: pg.Client): Promise<DbCounters> {
  const { rows } = await client.query<{ xacts: string; written: string }>(
    `select xact_commit + xact_rollback as xacts, tup_inserted + tup_updated as written
       from pg_stat_database where datname = current_database()`,
  );
  return { xacts: Number(rows[0].xacts), rowsWritten: Number(rows[0].written) };
}

async function insertPayments(
  db: Db,
  merchantId: string,
  connectionId: string,
  n: number,
): Promise<BenchPayment[]> {
  const list = Array.from({ length: n }, () => ({
    id: newId("payment"),
    checkoutId: `cs_test_${randomBase62(24)}`,
    intentId: `pi_${randomBase62(24)}`,
  }));
  for (let i = 0; i < list.length; i += 500) {
    await db.insert(payments).values(
      list.slice(i, i + 500).map((p) => ({
        merchantId,
        id: p.id,
        connectionId,
        provider: "stripe" as const,
        mode: "test" as const,
        amountMinor: 2500,
        currency: "EUR",
        idempotencyKey: `bench-next:${p.id}`,
        providerCheckoutId: p.checkoutId,
        description: "Webhook bench",
      })),
    );
  }
  return list;
}

/** Stripe's two events for a paid Checkout payment, as its API shapes them. */
function stripeEventsFor(p: BenchPayment, base: number) {
  const metadata = { parley_payment_id: p.id };
  const processing = buildStripeEvent(
    "payment_intent.processing",
    {
      id: p.intentId,
      object: "payment_intent",
      amount: 2500,
      currency: "eur",
      status: "processing",
      metadata,
      payment_method_types: ["card"],
    },
    { created: base },
  );
  const completed = buildStripeEvent(
    "checkout.session.completed",
    {
      id: p.checkoutId,
      object: "checkout.session",
      mode: "payment",
      status: "complete",
      payment_status: "paid",
      payment_intent: p.intentId,
      amount_total: 2500,
      currency: "eur",
      client_reference_id: p.id,
      metadata,
    },
    { created: base + 1 },
  );
  return [processing, completed];
}

/**
 * Queues per sender, each sender owning whole payments (so a payment's order is the one chosen
 * here), plus duplicates: even ones resent at the end of their payment, odd ones in the next
 * sender's queue at the same relative position. Signed now: Stripe's tolerance is 5 minutes.
 */
function buildQueues(
  list: BenchPayment[],
  secret: string,
  senders: number,
  options: { duplicateShare: number; outOfOrderShare: number },
): Delivery[][] {
  const base = Math.floor(Date.now() / 1000) - 10;
  const outOfOrderEvery = options.outOfOrderShare > 0 ? Math.round(1 / options.outOfOrderShare) : 0;
  const perPayment = list.map((p, index) => {
    const events = stripeEventsFor(p, base);
    if (outOfOrderEvery && index % outOfOrderEvery === 0) events.reverse();
    return events.map((event): Delivery => {
      const { payload, header } = signStripeEvent(event, secret);
      return {
        body: payload,
        headers: {
          "content-type": "application/json; charset=utf-8",
          "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
          "stripe-signature": header,
        },
      };
    });
  });
  const flat = perPayment.flat();
  const duplicates = Math.round(flat.length * options.duplicateShare);
  const crossSender: { at: number; delivery: Delivery; queue: number }[] = [];
  for (let i = 0; i < duplicates; i++) {
    const index = (i * 7919) % flat.length;
    const owner = Math.floor(index / 2);
    if (i % 2 === 0 || senders === 1) perPayment[owner].push(flat[index]);
    else
      crossSender.push({
        at: owner / list.length,
        delivery: flat[index],
        queue: (owner + 1) % senders,
      });
  }
  const queues: Delivery[][] = Array.from({ length: senders }, () => []);
  perPayment.forEach((deliveries, i) => queues[i % senders].push(...deliveries));
  for (const { at, delivery, queue } of crossSender)
    queues[queue].splice(Math.floor(at * queues[queue].length), 0, delivery);
  return queues;
}

async function measure(
  name: string,
  server: PhaseFigures["server"],
  serverPid: number,
  endpoint: string,
  queues: Delivery[][],
  client: pg.Client,
  options: { countStatements: boolean },
): Promise<PhaseFigures> {
  const loadBefore = os.loadavg()[0];
  const dbBefore = options.countStatements ? await dbCounters(client) : null;
  const cpuBefore = await cpuCounters(client, serverPid);
  const sent = await sendFromWorker(endpoint, queues);
  const cpuAfter = await cpuCounters(client, serverPid);
  const loadAfter = os.loadavg()[0];
  const deliveries = sent.latencies.length;
  let dbAfter: DbCounters | null = null;
  if (dbBefore) {
    await sleep(STATS_SETTLE_MS);
    dbAfter = await dbCounters(client);
  }
  const per = (ms: number | null) => (ms === null ? null : round(ms / deliveries, 3));
  const delta = (a: number | null, b: number | null) => (a === null || b === null ? null : b - a);
  let database: number | null = cpuAfter.backends.size ? 0 : null;
  for (const [pid, ms] of cpuAfter.backends) database! += ms - (cpuBefore.backends.get(pid) ?? 0);
  return {
    name,
    server,
    senders: queues.length,
    deliveries,
    seconds: round(sent.seconds, 2),
    deliveriesPerSecond: Math.round(deliveries / sent.seconds),
    p50Ms: round(percentile(sent.latencies, 50)),
    p99Ms: round(percentile(sent.latencies, 99)),
    maxMs: round(Math.max(...sent.latencies)),
    statuses: sent.statuses,
    // The settle read itself and the two counter reads are this process's own transactions.
    xactsPerDelivery:
      dbBefore && dbAfter ? round((dbAfter.xacts - dbBefore.xacts - 2) / deliveries, 2) : null,
    rowsWrittenPerDelivery:
      dbBefore && dbAfter
        ? round((dbAfter.rowsWritten - dbBefore.rowsWritten) / deliveries, 2)
        : null,
    cpuMsPerDelivery: {
      server: per(delta(cpuBefore.server, cpuAfter.server)),
      database: per(database),
      senders: per(delta(cpuBefore.senders, cpuAfter.senders)),
    },
    load: { before: round(loadBefore, 2), after: round(loadAfter, 2) },
  };
}

function non200(statuses: Record<string, number>): number {
  return Object.entries(statuses).reduce(
    (n, [status, count]) => n + (status === "200" ? 0 : count),
    0,
  );
}

async function checkParley(
  client: pg.Client,
  merchantId: string,
  list: BenchPayment[],
  statuses: Record<string, number>,
): Promise<Correctness> {
  const ids = list.map((p) => p.id);
  const { rows: paid } = await client.query<{ wrong: string }>(
    `select count(*) filter (where status <> 'succeeded') as wrong
       from payments where merchant_id = $1 and id = any($2::text[])`,
    [merchantId, ids],
  );
  const { rows: events } = await client.query<{ recorded: string; distinct: string }>(
    `select count(*) as recorded, count(distinct provider_event_id) as distinct
       from payment_events
      where merchant_id = $1 and payment_id = any($2::text[]) and source = 'provider'`,
    [merchantId, ids],
  );
  const { rows: inbox } = await client.query<{ bad: string }>(
    `select count(*) as bad from webhook_inbox
      where merchant_id = $1 and status in ('failed', 'received', 'rejected')`,
    [merchantId],
  );
  return verdict({
    notSucceeded: Number(paid[0].wrong),
    expected: 2 * list.length,
    recorded: Number(events[0].recorded),
    distinct: Number(events[0].distinct),
    failedDeliveries: Number(inbox[0].bad),
    non200: non200(statuses),
  });
}

async function checkFloor(
  client: pg.Client,
  merchantId: string,
  list: BenchPayment[],
  statuses: Record<string, number>,
): Promise<Correctness> {
  const ids = list.map((p) => p.id);
  const { rows: paid } = await client.query<{ wrong: string }>(
    `select count(*) filter (where status <> 'succeeded') as wrong
       from payments where merchant_id = $1 and id = any($2::text[])`,
    [merchantId, ids],
  );
  const { rows: stored } = await client.query<{ recorded: string; distinct: string }>(
    `select count(*) as recorded, count(distinct event_id) as distinct
       from bench_floor_deliveries where payment_id = any($1::text[])`,
    [ids],
  );
  return verdict({
    notSucceeded: Number(paid[0].wrong),
    expected: 2 * list.length,
    recorded: Number(stored[0].recorded),
    distinct: Number(stored[0].distinct),
    failedDeliveries: 0,
    non200: non200(statuses),
  });
}

function verdict(c: {
  notSucceeded: number;
  expected: number;
  recorded: number;
  distinct: number;
  failedDeliveries: number;
  non200: number;
}): Correctness {
  const lost = Math.max(c.expected - c.distinct, c.notSucceeded);
  const doubleApplied = c.recorded - c.distinct;
  return {
    correct: lost === 0 && doubleApplied === 0 && c.failedDeliveries === 0 && c.non200 === 0,
    lost,
    doubleApplied,
    notSucceeded: c.notSucceeded,
    failedDeliveries: c.failedDeliveries,
    non200: c.non200,
  };
}

async function startFloor(config: {
  databaseUrl: string;
  secret: string;
  merchantId: string;
  connectionId: string;
}): Promise<{ url: string; pid: number; stop: () => Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, ["-e", FLOOR_SOURCE], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, FLOOR_CONFIG: JSON.stringify(config) },
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (line) resolve((JSON.parse(line) as { port: number }).port);
    });
    child.once("exit", (code) => reject(new Error(`the floor server exited (${code})`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

export function optionsFromArgs(args: readonly string[]): { payments?: number } {
  return { payments: parseCount(argValue(args, "--payments"), 2000) };
}

export async function run(
  options: { payments?: number; senders?: number[]; log?: (line: string) => void } = {},
): Promise<WebhooksNextResult> {
  const log = options.log ?? ((line: string) => console.error(`[webhooks-next] ${line}`));
  const n = options.payments ?? 2000;
  const concurrencies = options.senders ?? [2, 16];
  const messy = { duplicateShare: 0.2, outOfOrderShare: 0.1 };
  const loadBefore = os.loadavg()[0];
  await ensureProductionBuild(log);
  configureBenchEnv();

  const database = await createFreshDatabase(ADMIN_URL, "parley_bench_next");
  const handle = openPostgres(database.url, 4);
  const client = new pg.Client({ connectionString: database.url });
  const apps: Awaited<ReturnType<typeof startAppProcesses>>[] = [];
  let floor: Awaited<ReturnType<typeof startFloor>> | undefined;
  try {
    await handle.migrate();
    await client.connect();
    const db = handle.db;
    await client.query(
      `create table bench_floor_deliveries (
         event_id text primary key, payment_id text not null, type text not null,
         body text not null, received_at timestamptz not null default now())`,
    );
    const merchantId = await addMerchant(db, "Bench Brasserie");
    const owner = await contextFor(db, merchantId, "owner");
    const secret = `whsec_${randomBase62(32)}`;
    const { id: connectionId } = await createConnection(owner, {
      provider: "stripe",
      label: "Stripe (bench)",
      mode: "test",
      credentials: { secretKey: `sk_test_${randomBase62(24)}`, webhookSecret: secret },
    });
    const perConcurrency = concurrencies.map(() => ({
      parley: [] as BenchPayment[],
      parleyNextStart: [] as BenchPayment[],
      floors: [] as BenchPayment[][],
    }));
    const warmParley = await insertPayments(db, merchantId, connectionId, 200);
    const warmNextStart = await insertPayments(db, merchantId, connectionId, 200);
    const warmFloor = await insertPayments(db, merchantId, connectionId, 200);
    for (const set of perConcurrency) {
      set.parley = await insertPayments(db, merchantId, connectionId, n);
      set.parleyNextStart = await insertPayments(db, merchantId, connectionId, n);
      for (let k = 0; k < 3; k++)
        set.floors.push(await insertPayments(db, merchantId, connectionId, n));
    }
    // Fresh tables have no planner statistics; a live database has them (autovacuum's ANALYZE).
    await client.query("analyze");

    log("starting the production server, next start and the floor");
    const frontApps = await startAppProcesses({ databaseUrl: database.url, server: "parley" });
    apps.push(frontApps);
    const nextApps = await startAppProcesses({ databaseUrl: database.url, server: "next-start" });
    apps.push(nextApps);
    const app = frontApps.apps[0];
    const nextApp = nextApps.apps[0];
    const parleyUrl = `http://127.0.0.1:${app.port}/api/webhooks/${connectionId}`;
    const nextStartUrl = `http://127.0.0.1:${nextApp.port}/api/webhooks/${connectionId}`;
    const unknownUrl = `http://127.0.0.1:${nextApp.port}/api/webhooks/conn_${randomBase62(20)}`;
    floor = await startFloor({ databaseUrl: database.url, secret, merchantId, connectionId });
    const floorUrl = `${floor.url}/api/webhooks/${connectionId}`;

    log("warm-up (not counted)");
    const noCount = { countStatements: false };
    const warm = buildQueues(warmParley, secret, 16, messy);
    await measure("warm-up", "parley", app.pid, parleyUrl, warm, client, noCount);
    const warmNext = buildQueues(warmNextStart, secret, 16, messy);
    await measure(
      "warm-up",
      "parley-next-start",
      nextApp.pid,
      nextStartUrl,
      warmNext,
      client,
      noCount,
    );
    await measure("warm-up", "next-404", nextApp.pid, unknownUrl, warm, client, noCount);
    await measure(
      "warm-up",
      "floor",
      floor.pid,
      floorUrl,
      buildQueues(warmFloor, secret, 16, messy),
      client,
      noCount,
    );
    if (STATS_SETTLE_MS > 0) await sleep(STATS_SETTLE_MS);

    const count = { countStatements: STATS_SETTLE_MS > 0 };
    const comparisons: Comparison[] = [];
    for (const [i, senders] of concurrencies.entries()) {
      const set = perConcurrency[i];
      const floors: (PhaseFigures & Correctness)[] = [];
      const runFloor = async (k: number) => {
        log(`floor ${k + 1} at ${senders} senders`);
        const list = set.floors[k];
        const figures = await measure(
          `bare node:http floor (${["before", "between", "after"][k]})`,
          "floor",
          floor!.pid,
          floorUrl,
          buildQueues(list, secret, senders, messy),
          client,
          count,
        );
        floors.push({
          ...figures,
          ...(await checkFloor(client, merchantId, list, figures.statuses)),
        });
      };
      const runParley = async (
        name: string,
        server: "parley" | "parley-next-start",
        pid: number,
        url: string,
        list: BenchPayment[],
      ) => {
        log(`${name} at ${senders} senders`);
        const queues = buildQueues(list, secret, senders, messy);
        const figures = await measure(name, server, pid, url, queues, client, count);
        const checked = {
          ...figures,
          ...(await checkParley(client, merchantId, list, figures.statuses)),
        };
        if (!checked.correct) log(`INCORRECT at ${senders} senders: ${JSON.stringify(checked)}`);
        return checked;
      };
      await runFloor(0);
      const parley = await runParley(
        "Parley, production server (npm start)",
        "parley",
        app.pid,
        parleyUrl,
        set.parley,
      );
      await runFloor(1);
      const parleyNextStart = await runParley(
        "Parley, next start (route pipeline)",
        "parley-next-start",
        nextApp.pid,
        nextStartUrl,
        set.parleyNextStart,
      );
      await runFloor(2);
      log(`Next's 404 (unknown connection) at ${senders} senders`);
      // The same deliveries (already applied: the 404 never reads them), a quarter of them.
      const some = buildQueues(set.floors[0].slice(0, Math.ceil(n / 4)), secret, senders, messy);
      const next404 = await measure(
        "Next 404, unknown connection",
        "next-404",
        nextApp.pid,
        unknownUrl,
        some,
        client,
        count,
      );
      const meanOf = (pair: PhaseFigures[]) =>
        Math.round(pair.reduce((sum, f) => sum + f.deliveriesPerSecond, 0) / pair.length);
      const floorDeliveriesPerSecond = meanOf(floors.slice(0, 2));
      const nextStartFloorDeliveriesPerSecond = meanOf(floors.slice(1, 3));
      comparisons.push({
        senders,
        parley,
        parleyNextStart,
        floors,
        floorDeliveriesPerSecond,
        ratio: round(parley.deliveriesPerSecond / floorDeliveriesPerSecond, 2),
        nextStartFloorDeliveriesPerSecond,
        nextStartRatio: round(
          parleyNextStart.deliveriesPerSecond / nextStartFloorDeliveriesPerSecond,
          2,
        ),
        next404,
      });
    }
    return {
      payments: n,
      machine: { cores: os.availableParallelism(), loadBefore, loadAfter: os.loadavg()[0] },
      comparisons,
      aims: { ratio: 0.8, p99Ms: 50, p99AtSenders: 16 },
    };
  } finally {
    await floor?.stop();
    await Promise.all(apps.map((a) => a.stop()));
    await client.end().catch(() => {});
    await handle.close();
    await database.drop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run(optionsFromArgs(process.argv.slice(2)))
    .then((result) => console.log(JSON.stringify(result, null, 2)))
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
