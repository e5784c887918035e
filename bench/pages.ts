// Every page of the navigation at scale, through the production build: `npm run bench -- pages
// [--payments N] [--database-url URL] [--keep] [--samples N]` (or `npx tsx bench/pages.ts …`).
//
// Seeds the same database as bench/monitoring.ts (bench/seed-payments.ts, 1M payments by default;
// `--database-url URL` measures one seeded before, `--keep` leaves the new one), starts one `next
// start` on it, waits for the analytics rollup job's first pass to have built every merchant,
// signs in as Lumière's owner and requests each page of NAV_ITEMS (the live view,
// plus the test-data view of /transactions and /analytics) sequentially: 3 warm-ups, then
// `--samples` timed requests on one kept-alive connection. TTFB is the time until the headers and
// the first body chunk have arrived; total until the last. The floor, in the same run, is a bare
// node:http server sending each page's own bytes on the same kind of connection, so "× floor" is
// what Next and the app add. Per page: CPU of the server process tree and of the database's
// backends (/proc), committed transactions from pg_stat_database (the page reads run outside
// transactions, so about one per statement) less the job poller's background rate measured idle,
// and the 1-minute load average before and after. Sequential, one client: latency, not throughput.
import { NAV_ITEMS } from "@/lib/navigation";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { pathToFileURL } from "node:url";
import pg from "pg";
import { ensureProductionBuild, signIn, startAppProcesses } from "./app-processes";
import { percentile } from "./monitoring";
import { argValue, parseCount, seededOrGivenDatabase } from "./seed-payments";
import { cpuMsOf, treeCpuMs } from "./senders";

export const TTFB_TARGET_MS = 200;
const WARM_UPS = 3;
/** Once 10 samples are in, a page gets no more than this much time (a slow page still reports). */
const PAGE_BUDGET_MS = 30_000;
/** pg_stat_database lags: a backend flushes its counts when idle, within ~10 s (PG 15). */
const STATS_SETTLE_MS = Number(process.env.BENCH_STATS_SETTLE_MS ?? 11_000);
const round = (n: number, digits = 1) => Number(n.toFixed(digits));
/** How long the rollup job's first pass may take on a fresh seed before the bench gives up. */
const ROLLUPS_WAIT_MS = 20 * 60_000;

export interface PageResult {
  label: string;
  path: string;
  view: "live" | "test";
  status: number;
  bytes: number;
  samples: number;
  ttfbP50Ms: number;
  ttfbP95Ms: number;
  totalP50Ms: number;
  totalP95Ms: number;
  /** The bare node:http server sending this page's bytes, same client, same run. */
  floorTtfbP50Ms: number;
  floorTtfbP95Ms: number;
  /** TTFB p95 ÷ floor TTFB p95. */
  timesFloor: number;
  met: boolean;
  /** CPU ms per request: the next start process tree, and the database's backends. */
  cpuMsPerRequest: { server: number | null; database: number | null };
  /** Committed + rolled-back transactions per request, background subtracted (null: unknown). */
  xactsPerRequest: number | null;
  load: { before: number; after: number };
}

export interface PagesResult {
  payments: number;
  machine: { cores: number; loadBefore: number; loadAfter: number };
  seedSeconds: Record<string, number> | null;
  samplesAsked: number;
  /** Transactions per second on the database with no request in flight (the job poller). */
  backgroundXactsPerSecond: number | null;
  pages: PageResult[];
}

interface Timing {
  ttfbMs: number;
  totalMs: number;
  status: number;
  location?: string;
  body: Buffer;
}

/** One GET on a kept-alive agent: TTFB = headers + first body chunk, total = last chunk. */
function timedRequest(agent: http.Agent, url: string, cookie: string): Promise<Timing> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const request = http.request(url, { agent, headers: cookie ? { cookie } : {} }, (response) => {
      let firstChunkAt: number | undefined;
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => {
        firstChunkAt ??= performance.now();
        chunks.push(chunk);
      });
      response.on("end", () => {
        const ended = performance.now();
        resolve({
          ttfbMs: (firstChunkAt ?? ended) - started,
          totalMs: ended - started,
          status: response.statusCode ?? 0,
          ...(response.headers.location && { location: response.headers.location }),
          body: Buffer.concat(chunks),
        });
      });
      response.on("error", reject);
    });
    request.on("error", reject);
    request.end();
  });
}

/** A bare node:http server answering each path with the bytes the app sent for it. */
async function bareServer(
  bodies: Map<string, Buffer>,
): Promise<{ server: http.Server; url: string }> {
  const server = http.createServer((req, res) => {
    const body = bodies.get(req.url ?? "/") ?? Buffer.alloc(0);
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(body);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function backendCpu(db: pg.Client): Promise<Map<number, number>> {
  const { rows } = await db.query<{ pid: number }>(
    "select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()",
  );
  const cpu = new Map<number, number>();
  for (const { pid } of rows) {
    const ms = cpuMsOf(`/proc/${pid}/stat`);
    if (ms !== null) cpu.set(pid, ms);
  }
  return cpu;
}

async function xacts(db: pg.Client): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    `select xact_commit + xact_rollback as n from pg_stat_database where datname = current_database()`,
  );
  return Number(rows[0].n);
}

export async function run(
  options: {
    payments?: number;
    databaseUrl?: string;
    keep?: boolean;
    samples?: number;
    log?: (line: string) => void;
  } = {},
): Promise<PagesResult> {
  const log = options.log ?? ((line: string) => console.error(`[pages] ${line}`));
  const payments = options.payments ?? 1_000_000;
  const samples = options.samples ?? 30;
  const loadBefore = os.loadavg()[0];
  await ensureProductionBuild(log);

  const { databaseUrl, drop, seedSeconds } = await seededOrGivenDatabase({
    payments,
    databaseUrl: options.databaseUrl,
    keep: options.keep,
    log,
  });

  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  const apps = await startAppProcesses({ databaseUrl, count: 1 });
  const appAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const floorAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  let bare: http.Server | undefined;
  try {
    const [{ n: paymentsInDb }] = (
      await db.query<{ n: number }>("select count(*)::int as n from payments")
    ).rows;
    const app = apps.apps[0];
    const { rows: owners } = await db.query<{ id: string }>(
      `select id from merchants where slug = 'lumiere-bistro'`,
    );
    const merchantId = owners[0].id;
    const session = `${await signIn(app.url, "owner@parley.test", "parley-demo")}; parley_merchant=${merchantId}`;
    const cookieFor = (view: "live" | "test") => `${session}; parley_view_mode=${view}`;

    const targets = [
      ...NAV_ITEMS.map((item) => ({ label: item.label, path: item.href, view: "live" as const })),
      ...NAV_ITEMS.filter((item) => ["/transactions", "/analytics"].includes(item.href)).map(
        (item) => ({ label: item.label, path: item.href, view: "test" as const }),
      ),
    ];

    // The pages read the analytics rollups (Overview, Analytics, Flows): measure them as a merchant
    // would see them, once the rollup job's first pass has built every merchant (minutes on a
    // fresh 1M seed, during which the Overview counts raw and the Analytics page is empty).
    const rollupsStarted = performance.now();
    for (;;) {
      const { rows: unbuilt } = await db.query<{ n: number }>(
        `select count(*)::int as n from merchants m
         where not exists (select 1 from analytics_watermarks w where w.merchant_id = m.id)`,
      );
      if (unbuilt[0].n === 0) break;
      if (performance.now() - rollupsStarted > ROLLUPS_WAIT_MS)
        throw new Error(`the rollup job had not built ${unbuilt[0].n} merchant(s) in time`);
      await sleep(2_000);
    }
    log(`rollups built (waited ${round((performance.now() - rollupsStarted) / 1000)} s)`);

    // The job poller's own transactions, with no request in flight, to subtract from each page's.
    await sleep(STATS_SETTLE_MS);
    const idleStart = await xacts(db);
    const idleStarted = performance.now();
    await sleep(STATS_SETTLE_MS * 2);
    const idleEnd = await xacts(db);
    // Less this client's own read (the first one's commit lands inside the window).
    const backgroundXactsPerSecond = round(
      Math.max(0, idleEnd - idleStart - 1) / ((performance.now() - idleStarted) / 1000),
      2,
    );
    log(`background: ${backgroundXactsPerSecond} transactions/s with no request in flight`);

    const bodies = new Map<string, Buffer>();
    const bareStarted = await bareServer(bodies);
    bare = bareStarted.server;

    const pages: PageResult[] = [];
    for (const target of targets) {
      const cookie = cookieFor(target.view);
      const url = `${app.url}${target.path}`;
      let last: Timing | undefined;
      for (let i = 0; i < WARM_UPS; i++) last = await timedRequest(appAgent, url, cookie);
      if (last!.status !== 200)
        throw new Error(
          `${target.path} (${target.view}) answered ${last!.status} ${last!.location ?? ""}: is the sign-in working?`,
        );
      const floorPath = `/${target.view}${target.path}`;
      bodies.set(floorPath, last!.body);
      // The warm-ups' counts reach pg_stat_database late too: let them land before the window.
      await sleep(STATS_SETTLE_MS);

      const pageLoadBefore = os.loadavg()[0];
      const xactsBefore = await xacts(db);
      const windowStarted = performance.now();
      const serverBefore = treeCpuMs(app.pid);
      const backendsBefore = await backendCpu(db);
      const times: Timing[] = [];
      const started = performance.now();
      while (times.length < samples) {
        times.push(await timedRequest(appAgent, url, cookie));
        if (times.length >= 10 && performance.now() - started > PAGE_BUDGET_MS) break;
      }
      const serverAfter = treeCpuMs(app.pid);
      const backendsAfter = await backendCpu(db);
      const pageLoadAfter = os.loadavg()[0];
      await sleep(STATS_SETTLE_MS);
      const xactsAfter = await xacts(db);
      const windowSeconds = (performance.now() - windowStarted) / 1000;

      // Its floor: the same bytes from a server that does nothing else, on the same kind of agent.
      for (let i = 0; i < WARM_UPS; i++)
        await timedRequest(floorAgent, `${bareStarted.url}${floorPath}`, "");
      const floorTimes: Timing[] = [];
      for (let i = 0; i < Math.max(samples, 30); i++)
        floorTimes.push(await timedRequest(floorAgent, `${bareStarted.url}${floorPath}`, ""));

      const n = times.length;
      const ttfb = times.map((t) => t.ttfbMs);
      const total = times.map((t) => t.totalMs);
      const floorTtfb = floorTimes.map((t) => t.ttfbMs);
      let database: number | null = backendsAfter.size ? 0 : null;
      for (const [pid, ms] of backendsAfter) database! += ms - (backendsBefore.get(pid) ?? 0);
      // Less this client's two pg_stat_activity reads and its first counter read.
      const xactsDelta = xactsAfter - xactsBefore - 3 - backgroundXactsPerSecond * windowSeconds;
      const result: PageResult = {
        ...target,
        status: times[n - 1].status,
        bytes: last!.body.length,
        samples: n,
        ttfbP50Ms: round(percentile(ttfb, 50)),
        ttfbP95Ms: round(percentile(ttfb, 95)),
        totalP50Ms: round(percentile(total, 50)),
        totalP95Ms: round(percentile(total, 95)),
        floorTtfbP50Ms: round(percentile(floorTtfb, 50), 2),
        floorTtfbP95Ms: round(percentile(floorTtfb, 95), 2),
        timesFloor: Math.round(percentile(ttfb, 95) / percentile(floorTtfb, 95)),
        met: times[n - 1].status === 200 && percentile(ttfb, 95) < TTFB_TARGET_MS,
        cpuMsPerRequest: {
          server:
            serverBefore === null || serverAfter === null
              ? null
              : round((serverAfter - serverBefore) / n),
          database: database === null ? null : round(database / n),
        },
        xactsPerRequest: round(Math.max(0, xactsDelta) / n),
        load: { before: round(pageLoadBefore, 2), after: round(pageLoadAfter, 2) },
      };
      pages.push(result);
      log(
        `${target.label} (${target.view}) ${target.path}: ${result.status}, ${Math.round(result.bytes / 1024)} KB · TTFB p50 ${result.ttfbP50Ms} p95 ${result.ttfbP95Ms} ms · total p95 ${result.totalP95Ms} ms · floor p95 ${result.floorTtfbP95Ms} ms · CPU ${result.cpuMsPerRequest.server} + ${result.cpuMsPerRequest.database} ms · ${result.xactsPerRequest} txns · ${result.met ? "met" : "NOT MET"}`,
      );
    }

    return {
      payments: paymentsInDb,
      machine: { cores: os.cpus().length, loadBefore, loadAfter: os.loadavg()[0] },
      seedSeconds,
      samplesAsked: samples,
      backgroundXactsPerSecond,
      pages,
    };
  } finally {
    appAgent.destroy();
    floorAgent.destroy();
    if (bare) {
      bare.closeAllConnections();
      await new Promise((resolve) => bare!.close(resolve));
    }
    await apps.stop();
    await db.end();
    if (drop) await drop();
  }
}

/** Options from argv: --payments N, --database-url URL, --keep, --samples N. */
export function optionsFromArgs(args: readonly string[]) {
  return {
    payments: parseCount(argValue(args, "--payments"), 1_000_000),
    samples: parseCount(argValue(args, "--samples"), 30),
    keep: args.includes("--keep"),
    ...(argValue(args, "--database-url") && { databaseUrl: argValue(args, "--database-url") }),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await run(optionsFromArgs(process.argv.slice(2)));
  console.log(JSON.stringify(result, null, 2));
}
