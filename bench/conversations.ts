// Chat throughput and latency on a real Postgres: `npx tsx bench/conversations.ts`.
//
// A fresh database (created and dropped through PARLEY_TEST_PG_URL, the admin connection), one
// Sandbox connection and a published "Order and pay" flow. The web chat's route handlers run
// behind a tiny node:http server, so each message pays for HTTP, the body limit, the origin
// check, the conversation lock, the runtime step and every row it writes, before its response
// (which carries the bot's reply). 50 customers chat at once, each starting a conversation and
// ordering up to the payment link (the last message also creates the Sandbox checkout); 10 % of
// messages are sent twice with the same id, as a flaky network does. Like the widget, each
// message asks for what came after the last answer's cursor (BENCH_FULL_HISTORY=1: everything).
// Latency is one message's round trip. The customers share the server's thread, as before;
// BENCH_CLIENTS=thread moves them to a worker thread so the server's event loop only serves
// requests (on 2 cores that thread then competes for a core instead: no faster here). Correctness is checked at the end:
// one payment per finished order, for its total. Statements and CPU per message (the server's
// thread, the whole process with the customers, the database's backends) are counted too:
// unlike latency, they do not depend on what else the machine is doing.
import { POST as messageRoute } from "@/app/api/chat/[publicKey]/[conversationId]/route";
import { POST as startRoute } from "@/app/api/chat/[publicKey]/route";
import { createFreshDatabase, LOCAL_ADMIN_PG_URL } from "@/db/admin";
import { type Db, openPostgres, setDbHandle } from "@/db/client";
import { conversationMessages, payments } from "@/db/schema";
import { randomBase62 } from "@/lib/ids";
import { insertShop, productPrice } from "@/tests/integration/conversations.fixtures";
import { and, count, eq, isNotNull, sql } from "drizzle-orm";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { pathToFileURL } from "node:url";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import pg from "pg";
import { configureBenchEnv } from "./bench-env";

export interface ConversationBenchResult {
  engine: "postgres";
  concurrentConversations: number;
  conversations: number;
  messages: number;
  duplicatesSent: number;
  seconds: number;
  messagesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Round trips of the message that also creates the checkout. */
  checkoutP50Ms: number;
  checkoutP99Ms: number;
  /** Every finished order has exactly one payment, for its cart total, and no message was stored twice. */
  correct: boolean;
  /** The first few refusals, when there were any. */
  failures: string[];
  /** Statements sent to Postgres per message, conversation starts included. */
  statementsPerMessage: number;
  /** CPU per message: the server's thread, this process (customers included), the database's backends; null off Linux. */
  cpuMsPerMessage: { server: number | null; process: number | null; database: number | null };
  customers: "thread" | "inline";
  poolSize: number;
  thinkMs: number;
  loadAverage: { before: number; after: number };
}

const ADMIN_URL = process.env.PARLEY_TEST_PG_URL ?? LOCAL_ADMIN_PG_URL;
const FULL_HISTORY = process.env.BENCH_FULL_HISTORY === "1";
/**
 * Mean pause before each message (BENCH_THINK_MS, uniform over 0.5–1.5×). 0, the default, sends
 * the next message as soon as the answer is in: a stress test whose latency is bound by
 * throughput; people take seconds to read and type, which the pause models.
 */
const THINK_MS = Number(process.env.BENCH_THINK_MS ?? 0);
const CUSTOMERS: "thread" | "inline" = process.env.BENCH_CLIENTS === "thread" ? "thread" : "inline";

/** Counts the statements every pg client of this process sends, the pool's included. */
const statementCounter = (() => {
  let count = 0;
  const original = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  (pg.Client.prototype as { query: (...args: unknown[]) => unknown }).query = function (
    this: pg.Client,
    ...args: unknown[]
  ) {
    count += 1;
    return original.apply(this, args);
  };
  return { read: () => count };
})();

/** utime + stime of a process, in ms (USER_HZ is 100 on Linux); null when /proc can't tell. */
function cpuMsOf(statPath: string): number | null {
  try {
    const stat = readFileSync(statPath, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

/** CPU so far of the main thread, of this process and of each backend of the bench database. */
async function cpuSnapshot(
  db: Db,
): Promise<{ server: number | null; process: number | null; backends: Map<number, number> }> {
  const { rows } = await db.execute<{ pid: number }>(
    sql`select pid from pg_stat_activity where datname = current_database()`,
  );
  const backends = new Map<number, number>();
  for (const { pid } of rows) {
    const ms = cpuMsOf(`/proc/${pid}/stat`);
    if (ms !== null) backends.set(pid, ms);
  }
  return {
    server: cpuMsOf(`/proc/self/task/${process.pid}/stat`),
    process: cpuMsOf("/proc/self/stat"),
    backends,
  };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** node:http → the chat routes, the body streamed as Next would hand it over. */
function startServer(): Promise<{ server: Server; url: string }> {
  const server = createServer((req: IncomingMessage, res) => {
    const url = new URL(`http://${req.headers.host}${req.url}`);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers))
      if (typeof value === "string") headers.set(name, value);
    const request = new Request(url, {
      method: req.method,
      headers,
      body: Readable.toWeb(req) as ReadableStream<Uint8Array>,
      duplex: "half",
    } as RequestInit);
    const [, , , publicKey, conversationId] = url.pathname.split("/");
    const response = conversationId
      ? messageRoute(request, {
          params: Promise.resolve({ publicKey: publicKey, conversationId }),
        })
      : startRoute(request, { params: Promise.resolve({ publicKey: publicKey }) });
    response
      .then(async (answer) => {
        res.writeHead(answer.status, { "content-type": "application/json" });
        res.end(await answer.text());
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

interface Timings {
  all: number[];
  checkout: number[];
  duplicates: number;
  failures: string[];
}

async function postJson(
  url: string,
  body: unknown,
  ip: string,
): Promise<{ status: number; json: { conversationId?: string; cursor?: string | null } }> {
  const response = await fetch(url, {
    method: "POST",
    // The widget's iframe posts same-origin, with its Origin header.
    headers: {
      "content-type": "application/json",
      origin: new URL(url).origin,
      "x-forwarded-for": ip,
    },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    json: (await response.json()) as { conversationId?: string; cursor?: string | null },
  };
}

/** One customer: start, order two of item 1 and one of item 2, finish the cart, confirm it, pay by card. */
async function chat(base: string, publicKey: string, timings: Timings): Promise<boolean> {
  const sessionId = `bench_${randomBase62(16)}`;
  // A fresh address per customer: the chat's per-IP limit is for abuse, not for this load.
  const ip = `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
  // Customers arrive spread out too, not all in the same instant.
  if (THINK_MS > 0) await sleep(THINK_MS * 2 * Math.random());
  const started = await postJson(`${base}/api/chat/${publicKey}`, { sessionId, lang: "en" }, ip);
  if (started.status !== 201 || !started.json.conversationId) {
    timings.failures.push(`start ${started.status}`);
    return false;
  }
  const url = `${base}/api/chat/${publicKey}/${started.json.conversationId}`;
  let cursor = started.json.cursor ?? null;
  const script: { text: string; choice?: string }[] = [
    { text: "1 x2" },
    { text: "Ceramic mug", choice: "MUG" },
    { text: "done" },
    // The confirm step (the amount the customer agreed to is the one charged).
    { text: "Confirm" },
    { text: "Card", choice: "card" },
  ];
  for (const [index, message] of script.entries()) {
    if (THINK_MS > 0) await sleep(THINK_MS * (0.5 + Math.random()));
    const body = { sessionId, messageId: randomUUID(), ...message };
    const sends = Math.random() < 0.1 ? 2 : 1;
    for (let i = 0; i < sends; i++) {
      const after = cursor && !FULL_HISTORY ? `?after=${encodeURIComponent(cursor)}` : "";
      const t0 = performance.now();
      const answer = await postJson(`${url}${after}`, body, ip);
      const ms = performance.now() - t0;
      if (answer.status !== 200) {
        timings.failures.push(`message ${answer.status}`);
        return false;
      }
      cursor = answer.json.cursor ?? cursor;
      timings.all.push(ms);
      if (index === script.length - 1 && i === 0) timings.checkout.push(ms);
      if (i > 0) timings.duplicates += 1;
    }
  }
  return true;
}

interface CustomersJob {
  base: string;
  publicKey: string;
  total: number;
  concurrency: number;
}

interface CustomersOutcome {
  timings: Timings;
  finished: number;
  seconds: number;
}

/** `concurrency` customers at once until `total` conversations have been had. */
async function haveConversations(job: CustomersJob): Promise<CustomersOutcome> {
  const timings: Timings = { all: [], checkout: [], duplicates: 0, failures: [] };
  let next = 0;
  let finished = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: job.concurrency }, async () => {
      while (next < job.total) {
        next += 1;
        if (await chat(job.base, job.publicKey, timings)) finished += 1;
      }
    }),
  );
  return { timings, finished, seconds: (performance.now() - t0) / 1000 };
}

/** Customers ready to go: on a worker thread (this same module), or on this thread. */
async function startCustomers(
  job: CustomersJob,
  where: "thread" | "inline",
): Promise<{ run: () => Promise<CustomersOutcome> }> {
  if (where === "inline") return { run: () => haveConversations(job) };
  // The thread loads this module through tsx, which Node does not hand on to workers itself.
  const loader = `import { register } from ${JSON.stringify(import.meta.resolve("tsx/esm/api"))};
    register(); await import(${JSON.stringify(import.meta.url)});`;
  const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(loader)}`), {
    workerData: { benchCustomers: job },
  });
  const failed = new Promise<never>((_, reject) => {
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`customers' thread exited (${code})`)));
  });
  const next = () => Promise.race([once(worker, "message").then(([m]) => m as unknown), failed]);
  await next(); // loaded
  return {
    run: async () => {
      worker.postMessage("go");
      const outcome = (await next()) as CustomersOutcome;
      await worker.terminate();
      return outcome;
    },
  };
}

const customersJob = isMainThread
  ? undefined
  : (workerData as { benchCustomers?: CustomersJob } | null)?.benchCustomers;
if (customersJob) {
  parentPort!.once("message", () => {
    void haveConversations(customersJob).then((outcome) => parentPort!.postMessage(outcome));
  });
  parentPort!.postMessage("ready");
}

export async function run(
  options: {
    conversations?: number;
    concurrency?: number;
    poolSize?: number;
    customers?: "thread" | "inline";
  } = {},
): Promise<ConversationBenchResult> {
  const total = options.conversations ?? 500;
  const concurrency = options.concurrency ?? 50;
  const poolSize = options.poolSize ?? 20;
  // Each simulated customer has its own address, as a load balancer in front would report it.
  process.env.PARLEY_TRUSTED_PROXY_HOPS ??= "1";
  configureBenchEnv("http://localhost:3000");

  const database = await createFreshDatabase(ADMIN_URL, "parley_bench_chat");
  const handle = openPostgres(database.url, poolSize);
  setDbHandle(handle);
  let server: Server | undefined;
  try {
    await handle.migrate();
    const db: Db = handle.db;
    const shop = await insertShop(db, ["en", "fr"]);
    const expectedTotal = 2 * productPrice(shop.graph, 0) + productPrice(shop.graph, 1);
    const started = await startServer();
    server = started.server;

    const job: CustomersJob = { base: started.url, publicKey: shop.publicKey, total, concurrency };
    const customers = await startCustomers(job, options.customers ?? CUSTOMERS);
    const loadBefore = os.loadavg()[0];
    const cpuBefore = await cpuSnapshot(db);
    const statementsBefore = statementCounter.read();
    const { timings, finished, seconds } = await customers.run();
    const statements = statementCounter.read() - statementsBefore;
    const cpuAfter = await cpuSnapshot(db);
    let databaseMs: number | null = cpuAfter.backends.size ? 0 : null;
    for (const [pid, ms] of cpuAfter.backends)
      databaseMs! += ms - (cpuBefore.backends.get(pid) ?? 0);
    const spent = (key: "server" | "process") =>
      cpuBefore[key] === null || cpuAfter[key] === null ? null : cpuAfter[key] - cpuBefore[key];

    const paymentRows = await db
      .select({ amount: payments.amountMinor })
      .from(payments)
      .where(eq(payments.merchantId, shop.merchantId));
    const [stored] = await db
      .select({ n: count() })
      .from(conversationMessages)
      .where(
        and(
          eq(conversationMessages.merchantId, shop.merchantId),
          eq(conversationMessages.direction, "inbound"),
          isNotNull(conversationMessages.platformMessageId),
        ),
      );
    const uniqueSent = timings.all.length - timings.duplicates;
    const correct =
      timings.failures.length === 0 &&
      paymentRows.length === finished &&
      paymentRows.every((p) => p.amount === expectedTotal) &&
      stored.n === uniqueSent;

    const sorted = [...timings.all].sort((a, b) => a - b);
    const checkout = [...timings.checkout].sort((a, b) => a - b);
    const round = (n: number) => Math.round(n * 10) / 10;
    const perMessage = (ms: number | null) => (ms === null ? null : round(ms / timings.all.length));
    return {
      engine: "postgres",
      concurrentConversations: concurrency,
      conversations: finished,
      messages: timings.all.length,
      duplicatesSent: timings.duplicates,
      seconds: round(seconds),
      messagesPerSecond: round(timings.all.length / seconds),
      p50Ms: round(percentile(sorted, 50)),
      p99Ms: round(percentile(sorted, 99)),
      maxMs: round(sorted.at(-1) ?? 0),
      checkoutP50Ms: round(percentile(checkout, 50)),
      checkoutP99Ms: round(percentile(checkout, 99)),
      correct,
      failures: timings.failures.slice(0, 5),
      statementsPerMessage: round(statements / timings.all.length),
      cpuMsPerMessage: {
        server: perMessage(spent("server")),
        process: perMessage(spent("process")),
        database: perMessage(databaseMs),
      },
      customers: options.customers ?? CUSTOMERS,
      thinkMs: THINK_MS,
      poolSize,
      loadAverage: { before: round(loadBefore), after: round(os.loadavg()[0]) },
    };
  } finally {
    if (server) {
      server.closeAllConnections();
      await new Promise((resolve) => server!.close(resolve));
    }
    setDbHandle(undefined);
    await handle.close();
    await database.drop();
  }
}

if (isMainThread && process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run({
    conversations: Number(process.env.BENCH_CONVERSATIONS ?? 500),
    poolSize: process.env.BENCH_POOL_SIZE ? Number(process.env.BENCH_POOL_SIZE) : undefined,
  })
    .then((result) => console.log(JSON.stringify(result, null, 2)))
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
