// The transactions page at scale, through the production build: `npm run bench -- monitoring
// --payments 1000000` (or `npx tsx bench/monitoring.ts --payments 1000000`).
//
// Seeds a fresh Postgres database (bench/seed-payments.ts; or `--database-url URL` measures one
// seeded before, `--keep` leaves the new one), starts `next start` on it (bench/app-processes.ts),
// signs in as Lumière's owner and times, over HTTP with the session cookie, the first page, the
// page 1,000 deep (reached by following the page's own "Older →" links, then timed, and its
// "Newer" link), every filter of the URL contract and the search box. Beside each, in the same
// run, its floor: the query that page needs, run directly on pg (ideal SQL written here from the
// contract, not the app's), plus a bare node:http server returning the same bytes — so the
// ratio to floor is what Next and the app add. Each scenario also says whether the page shows the
// floor's rows: "ignored" means the page does not read that parameter (yet) and its figure is the
// unfiltered page's. Sequential requests, one client: latency, not throughput.
import { rangeInstants } from "@/lib/payments/schemas";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import { pathToFileURL } from "node:url";
import pg from "pg";
import { measureAlertEvaluation, type AlertEvaluationResult } from "./alert-evaluation";
import { ensureProductionBuild, signIn, startAppProcesses } from "./app-processes";
import { argValue, parseCount, seededOrGivenDatabase } from "./seed-payments";

const PAGE = 50;

export interface ScenarioResult {
  name: string;
  path: string;
  /** Timed requests (fewer than asked when the time budget ran out), and timed floor queries. */
  samples: number;
  floorSamples: number;
  p50Ms: number;
  p95Ms: number;
  /** The same rows straight from pg (its query, timed in this run). */
  floorPgP50Ms: number;
  floorPgP95Ms: number;
  /** pg floor + the bare HTTP server's p50. */
  floorMs: number;
  ratioToFloor: number;
  targetMs: number | null;
  /** Whether the page showed the floor's rows (see compareRows). */
  rows: "same" | "same*" | "ignored" | "differs" | "—";
  status: number;
}

export interface MonitoringResult {
  payments: number;
  machine: { cores: number; loadBefore: number; loadAfter: number };
  seedSeconds: Record<string, number> | null;
  httpFloor: { p50Ms: number; p95Ms: number; bytes: number };
  deepWalk: { pagesReached: number; p50Ms: number; p95Ms: number; seconds: number };
  scenarios: ScenarioResult[];
  /** Null when the evaluator is not in this build (alertsSkipped says why). */
  alerts: AlertEvaluationResult | null;
  alertsSkipped?: string;
}

interface Filter {
  name: string;
  params: [string, string][];
  /** SQL conditions on payments p ($1 merchant, $2 mode, then `args`). */
  where: string[];
  args: unknown[];
  targetMs: number | null;
}

/** Nearest-rank percentile (p in 0–100); NaN for no values. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
const round = (n: number) => Number(n.toFixed(1));

/** Payment ids in the order the page lists them (links to /transactions/pay_…). */
function paymentIdsIn(html: string): string[] {
  const ids: string[] = [];
  for (const m of html.matchAll(/href="\/transactions\/(pay_[A-Za-z0-9]+)/g))
    if (ids.at(-1) !== m[1]) ids.push(m[1]);
  return [...new Set(ids)];
}

/** The href of the first link whose text matches (e.g. "Older →"), HTML entities decoded. */
function linkHref(html: string, text: RegExp): string | null {
  for (const m of html.matchAll(/<a\b[^>]*?href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/g)) {
    if (text.test(m[2].replace(/<[^>]+>/g, "")))
      return m[1]
        .replace(/&amp;/g, "&")
        .replace(/&#x27;/g, "'")
        .replace(/&quot;/g, '"');
  }
  return null;
}

async function timedGet(url: string, cookie: string) {
  const t0 = performance.now();
  const response = await fetch(url, { headers: { cookie }, redirect: "manual" });
  const body = await response.text();
  return { ms: performance.now() - t0, status: response.status, body };
}

/** A bare node:http server answering every request with the same page: HTTP's own cost. */
async function bareServer(body: string): Promise<{ server: Server; url: string }> {
  const bytes = Buffer.from(body);
  const server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

interface Probe {
  merchantId: string;
  connectionId: string;
  flowId: string;
  stripePaymentId: string;
  paymentId: string;
  email: string;
  orderRef: string;
  /** The merchant's time zone: the page's ranges are days there, so the floors' are too. */
  timeZone: string;
}

/** Values to filter and search by, picked from Lumière's live payments. */
async function probes(db: pg.Client, merchantId: string): Promise<Probe> {
  const one = async <T>(sql: string, args: unknown[]): Promise<T> => {
    const { rows } = await db.query(sql, args);
    if (!rows[0]) throw new Error(`no probe row for: ${sql}`);
    return rows[0] as T;
  };
  const stripe = await one<{ id: string; ppi: string; cid: string; description: string }>(
    `select id, provider_payment_id as ppi, connection_id as cid, description from payments
      where merchant_id = $1 and mode = 'live' and provider = 'stripe' and provider_payment_id is not null
        and created_at < now() - interval '20 days' order by created_at desc limit 1`,
    [merchantId],
  );
  const adyen = await one<{ cid: string }>(
    `select id as cid from connections where merchant_id = $1 and provider = 'adyen' and mode = 'live'`,
    [merchantId],
  );
  const flow = await one<{ fid: string }>(
    `select flow_id as fid from payments where merchant_id = $1 and mode = 'live' and flow_id is not null
      order by created_at desc limit 1`,
    [merchantId],
  );
  const email = await one<{ email: string }>(
    `select customer_email as email from payments where merchant_id = $1 and mode = 'live'
      and customer_email is not null and created_at < now() - interval '45 days'
      order by created_at desc limit 1`,
    [merchantId],
  );
  const zone = await one<{ timezone: string }>(`select timezone from merchants where id = $1`, [
    merchantId,
  ]);
  return {
    timeZone: zone.timezone,
    merchantId,
    connectionId: adyen.cid,
    flowId: flow.fid,
    stripePaymentId: stripe.ppi,
    paymentId: stripe.id,
    email: email.email,
    orderRef: stripe.description.split("#").at(-1) ?? "",
  };
}

function filters(p: Probe, now: Date): Filter[] {
  const day = 86_400_000;
  const from = new Date(now.getTime() - 45 * day).toISOString().slice(0, 10);
  const to = new Date(now.getTime() - 42 * day).toISOString().slice(0, 10);
  // The instants the page's own ranges cover (days in the merchant's zone), so each floor reads
  // the rows the page shows; in UTC days, "today" and the custom range read other rows.
  const instants = (range: "today" | "7d" | "30d") =>
    rangeInstants({ range, from: undefined, to: undefined }, p.timeZone, now).createdFrom!;
  const custom = rangeInstants({ range: "custom", from, to }, p.timeZone, now);
  const t50 = 50;
  return [
    { name: "first page (no filter)", params: [], where: [], args: [], targetMs: t50 },
    {
      name: "status=succeeded",
      params: [["status", "succeeded"]],
      where: ["p.status = $3"],
      args: ["succeeded"],
      targetMs: t50,
    },
    {
      name: "status=failed,canceled (comma)",
      params: [["status", "failed,canceled"]],
      where: ["p.status = any($3)"],
      args: [["failed", "canceled"]],
      targetMs: t50,
    },
    {
      name: "status=refunded&status=partially_refunded",
      params: [
        ["status", "refunded"],
        ["status", "partially_refunded"],
      ],
      where: ["p.status = any($3)"],
      args: [["refunded", "partially_refunded"]],
      targetMs: t50,
    },
    {
      name: "connection=<Adyen APAC>",
      params: [["connection", p.connectionId]],
      where: ["p.connection_id = $3"],
      args: [p.connectionId],
      targetMs: t50,
    },
    {
      name: "provider=paypal",
      params: [["provider", "paypal"]],
      where: ["p.provider = $3"],
      args: ["paypal"],
      targetMs: t50,
    },
    {
      name: "method=apple_pay",
      params: [["method", "apple_pay"]],
      where: ["p.method = $3"],
      args: ["apple_pay"],
      targetMs: t50,
    },
    {
      name: "currency=JPY",
      params: [["currency", "JPY"]],
      where: ["p.currency = $3"],
      args: ["JPY"],
      targetMs: t50,
    },
    {
      // Major units, as a person types them, within one currency (the contract needs both).
      name: "currency=EUR&min=100&max=150",
      params: [
        ["currency", "EUR"],
        ["min", "100"],
        ["max", "150"],
      ],
      where: ["p.currency = $3", "p.amount_minor between $4 and $5"],
      args: ["EUR", 10_000, 15_000],
      targetMs: t50,
    },
    {
      name: "flow=<a live flow>",
      params: [["flow", p.flowId]],
      where: ["p.flow_id = $3"],
      args: [p.flowId],
      targetMs: t50,
    },
    {
      name: "channel=whatsapp",
      params: [["channel", "whatsapp"]],
      where: [
        "exists (select 1 from conversations c where c.merchant_id = p.merchant_id and c.id = p.conversation_id and c.channel = $3)",
      ],
      args: ["whatsapp"],
      targetMs: t50,
    },
    {
      name: "range=today",
      params: [["range", "today"]],
      where: ["p.created_at >= $3"],
      args: [instants("today")],
      targetMs: t50,
    },
    {
      name: "range=7d",
      params: [["range", "7d"]],
      where: ["p.created_at >= $3"],
      args: [instants("7d")],
      targetMs: t50,
    },
    {
      name: "range=30d",
      params: [["range", "30d"]],
      where: ["p.created_at >= $3"],
      args: [instants("30d")],
      targetMs: t50,
    },
    {
      name: "range=custom (3 days, 6 weeks ago)",
      params: [
        ["range", "custom"],
        ["from", from],
        ["to", to],
      ],
      where: ["p.created_at >= $3", "p.created_at < $4"],
      args: [custom.createdFrom!, custom.createdBefore!],
      targetMs: t50,
    },
    {
      name: "status+provider+currency+30d",
      params: [
        ["status", "succeeded"],
        ["provider", "stripe"],
        ["currency", "EUR"],
        ["range", "30d"],
      ],
      where: ["p.status = $3", "p.provider = $4", "p.currency = $5", "p.created_at >= $6"],
      args: ["succeeded", "stripe", "EUR", instants("30d")],
      targetMs: t50,
    },
    {
      name: "status=failed&method=bank_transfer (rare)",
      params: [
        ["status", "failed"],
        ["method", "bank_transfer"],
      ],
      where: ["p.status = $3", "p.method = $4"],
      args: ["failed", "bank_transfer"],
      targetMs: t50,
    },
    {
      name: "q=<Stripe pi_…>",
      params: [["q", p.stripePaymentId]],
      where: ["p.provider_payment_id = $3"],
      args: [p.stripePaymentId],
      targetMs: 20,
    },
    {
      name: "q=<Parley pay_…>",
      params: [["q", p.paymentId]],
      where: ["p.id = $3"],
      args: [p.paymentId],
      targetMs: 20,
    },
    {
      name: "q=<customer email>",
      params: [["q", p.email]],
      where: [`(lower(p.customer_email) collate "C") like lower($3) || '%'`],
      args: [p.email],
      targetMs: t50,
    },
    {
      name: "q=<order number, a description word>",
      params: [["q", p.orderRef]],
      where: ["to_tsvector('simple', p.description) @@ to_tsquery('simple', $3 || ':*')"],
      args: [p.orderRef],
      targetMs: t50,
    },
  ];
}

function pathFor(params: [string, string][]): string {
  const query = new URLSearchParams(params).toString();
  return query ? `/transactions?${query}` : "/transactions";
}

function floorSql(filter: Filter, cursor?: { createdAt: Date; id: string }) {
  const where = ["p.merchant_id = $1", "p.mode = $2", ...filter.where];
  if (cursor)
    where.push(`(p.created_at, p.id) < ($${3 + filter.args.length}, $${4 + filter.args.length})`);
  return {
    text: `select p.* from payments p where ${where.join(" and ")} order by p.created_at desc, p.id desc limit ${PAGE + 1}`,
    args: [...filter.args, ...(cursor ? [cursor.createdAt, cursor.id] : [])],
  };
}

/**
 * Up to `samples` timings, but no more than SAMPLE_BUDGET_MS of them once 5 are in: a query
 * that scans (a filter without its index) still gets a figure without stalling the run.
 */
const SAMPLE_BUDGET_MS = 8_000;
async function sampled(samples: number, once: () => Promise<number>): Promise<number[]> {
  const times: number[] = [];
  const started = performance.now();
  while (times.length < samples) {
    times.push(await once());
    if (times.length >= 5 && performance.now() - started > SAMPLE_BUDGET_MS) break;
  }
  return times;
}

async function timePg(
  db: pg.Client,
  sql: { text: string; args: unknown[] },
  merchantId: string,
  samples: number,
) {
  const values = [merchantId, "live", ...sql.args];
  const query = { text: sql.text, values };
  const ids = (await db.query<{ id: string }>(query)).rows.map((r) => r.id);
  const times = await sampled(samples, async () => {
    const t0 = performance.now();
    await db.query(query);
    return performance.now() - t0;
  });
  return {
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    samples: times.length,
    ids: ids.slice(0, PAGE),
  };
}

async function timeHttp(url: string, cookie: string, samples: number) {
  await timedGet(url, cookie);
  const first = await timedGet(url, cookie);
  const times = await sampled(samples, async () => (await timedGet(url, cookie)).ms);
  return {
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    ...first,
    samples: times.length,
  };
}

/**
 * Whether the page listed the floor's rows: "same"; "same*" when the floor's first page is the
 * unfiltered one anyway (a date range that holds the newest rows), so it cannot tell; "ignored"
 * when the page shows the unfiltered rows instead (it does not read the parameter yet).
 */
function compareRows(
  pageIds: string[],
  floorIds: string[],
  unfiltered: string[],
): ScenarioResult["rows"] {
  const same = (a: string[], b: string[]) =>
    a.length === b.length && a.every((id, i) => id === b[i]);
  if (pageIds.length === 0 && floorIds.length === 0) return "same";
  const n = Math.min(pageIds.length, floorIds.length);
  if (n > 0 && pageIds.length <= floorIds.length && same(pageIds, floorIds.slice(0, n)))
    return unfiltered.length && same(floorIds.slice(0, unfiltered.length), unfiltered)
      ? "same*"
      : "same";
  if (unfiltered.length && same(pageIds, unfiltered)) return "ignored";
  return "differs";
}

export async function run(
  options: {
    payments?: number;
    databaseUrl?: string;
    keep?: boolean;
    samples?: number;
    deepPages?: number;
    log?: (line: string) => void;
  } = {},
): Promise<MonitoringResult> {
  const log = options.log ?? ((line: string) => console.error(`[monitoring] ${line}`));
  const payments = options.payments ?? 1_000_000;
  const samples = options.samples ?? 30;
  const deepPages = options.deepPages ?? 1_000;
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
  const [{ n: paymentsInDb }] = (
    await db.query<{ n: number }>("select count(*)::int as n from payments")
  ).rows;
  const apps = await startAppProcesses({ databaseUrl, count: 1 });
  let bare: Server | undefined;
  try {
    const app = apps.apps[0];
    const { rows: owners } = await db.query<{ id: string }>(
      `select id from merchants where slug = 'lumiere-bistro'`,
    );
    const merchantId = owners[0].id;
    const cookie = `${await signIn(app.url, "owner@parley.test", "parley-demo")}; parley_merchant=${merchantId}; parley_view_mode=live`;
    const probe = await probes(db, merchantId);
    const now = new Date();
    const all = filters(probe, now);

    // The HTTP floor: the first page's own bytes from a server that does nothing else.
    const firstPage = await timedGet(`${app.url}/transactions`, cookie);
    if (firstPage.status !== 200)
      throw new Error(`/transactions answered ${firstPage.status}: is the sign-in working?`);
    const unfilteredIds = paymentIdsIn(firstPage.body);
    const bareStarted = await bareServer(firstPage.body);
    bare = bareStarted.server;
    const httpFloor = await timeHttp(bareStarted.url, "", samples * 2);
    log(
      `HTTP floor (bare node:http, ${firstPage.body.length.toLocaleString("en")} bytes): p50 ${round(httpFloor.p50)} ms`,
    );

    const scenarios: ScenarioResult[] = [];
    const record = (
      name: string,
      path: string,
      http: Awaited<ReturnType<typeof timeHttp>>,
      floor: Awaited<ReturnType<typeof timePg>>,
      targetMs: number | null,
      rows: ScenarioResult["rows"],
    ) => {
      const floorMs = floor.p50 + httpFloor.p50;
      const result: ScenarioResult = {
        name,
        path,
        samples: http.samples,
        floorSamples: floor.samples,
        p50Ms: round(http.p50),
        p95Ms: round(http.p95),
        floorPgP50Ms: round(floor.p50),
        floorPgP95Ms: round(floor.p95),
        floorMs: round(floorMs),
        ratioToFloor: Number((http.p50 / floorMs).toPrecision(2)),
        targetMs,
        rows,
        status: http.status,
      };
      scenarios.push(result);
      log(
        `${name}: p50 ${result.p50Ms} ms, p95 ${result.p95Ms} ms · floor ${result.floorMs} ms (pg ${result.floorPgP50Ms}) · rows ${rows}`,
      );
    };

    for (const filter of all) {
      const path = pathFor(filter.params);
      const floor = await timePg(db, floorSql(filter), merchantId, samples);
      const http = await timeHttp(`${app.url}${path}`, cookie, samples);
      const rows =
        http.status !== 200
          ? "—"
          : filter.params.length === 0
            ? compareRows(paymentIdsIn(http.body), floor.ids, [])
            : compareRows(paymentIdsIn(http.body), floor.ids, unfilteredIds);
      record(filter.name, path, http, floor, filter.targetMs, rows);
    }

    // Page 1,000 deep: follow the page's own "Older →" link, as a person (or a script) would.
    log(`walking ${deepPages} pages by the "Older →" link`);
    const walkTimes: number[] = [];
    const walkStarted = performance.now();
    let path = "/transactions";
    let page = await timedGet(`${app.url}${path}`, cookie);
    let reached = 1;
    while (reached < deepPages) {
      const older = linkHref(page.body, /Older/);
      if (!older) break;
      path = older;
      page = await timedGet(`${app.url}${path}`, cookie);
      walkTimes.push(page.ms);
      reached += 1;
      if (reached % 100 === 0) log(`  page ${reached}: ${round(page.ms)} ms`);
    }
    const deepWalk = {
      pagesReached: reached,
      p50Ms: round(percentile(walkTimes, 50)),
      p95Ms: round(percentile(walkTimes, 95)),
      seconds: round((performance.now() - walkStarted) / 1000),
    };
    const deepIds = paymentIdsIn(page.body);
    // Its floor: the same page by keyset from the row just above it.
    const { rows: above } = await db.query<{ created_at: Date; id: string }>(
      `select created_at, id from payments where merchant_id = $1 and mode = 'live'
        order by created_at desc, id desc offset $2 limit 1`,
      [merchantId, PAGE * (reached - 1) - 1],
    );
    const noFilter = all[0];
    const deepFloor = above[0]
      ? await timePg(
          db,
          floorSql(noFilter, { createdAt: above[0].created_at, id: above[0].id }),
          merchantId,
          samples,
        )
      : { p50: NaN, p95: NaN, samples: 0, ids: [] };
    const deepHttp = await timeHttp(`${app.url}${path}`, cookie, samples);
    record(
      `page ${reached.toLocaleString("en")} deep (keyset)`,
      path,
      deepHttp,
      deepFloor,
      50,
      compareRows(deepIds, deepFloor.ids, []),
    );
    // "← Newer" (a cursor to the page above); pages without one may offer "← Newest" (the top).
    const newer = linkHref(page.body, /Newer/) ?? linkHref(page.body, /Newest/);
    if (newer) {
      const newerHttp = await timeHttp(`${app.url}${newer}`, cookie, samples);
      const newerIsTop = !/[?&](before|after)=/.test(newer);
      record(
        `page ${reached - 1} by its "Newer" link${newerIsTop ? " (goes to the newest page)" : ""}`,
        newer,
        newerHttp,
        deepFloor,
        50,
        "—",
      );
    }

    // With no app process left: the app's own job would evaluate the same events.
    await apps.stop();
    const alerts = await measureAlertEvaluation(databaseUrl, merchantId, { log });
    if ("skipped" in alerts) log(`alert evaluation skipped: ${alerts.skipped}`);

    return {
      payments: paymentsInDb,
      ...("skipped" in alerts ? { alerts: null, alertsSkipped: alerts.skipped } : { alerts }),
      machine: { cores: os.cpus().length, loadBefore, loadAfter: os.loadavg()[0] },
      seedSeconds,
      httpFloor: {
        p50Ms: round(httpFloor.p50),
        p95Ms: round(httpFloor.p95),
        bytes: firstPage.body.length,
      },
      deepWalk,
      scenarios,
    };
  } finally {
    if (bare) {
      bare.closeAllConnections();
      await new Promise((resolve) => bare!.close(resolve));
    }
    await apps.stop();
    await db.end();
    if (drop) await drop();
  }
}

/** Options from argv: --payments N, --database-url URL, --keep, --samples N, --deep-pages N. */
export function optionsFromArgs(args: readonly string[]) {
  return {
    payments: parseCount(
      argValue(args, "--payments") ?? process.env.BENCH_MONITORING_PAYMENTS,
      1_000_000,
    ),
    samples: parseCount(argValue(args, "--samples"), 30),
    deepPages: parseCount(argValue(args, "--deep-pages"), 1_000),
    keep: args.includes("--keep"),
    ...(argValue(args, "--database-url") && { databaseUrl: argValue(args, "--database-url") }),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await run(optionsFromArgs(process.argv.slice(2)));
  console.log(JSON.stringify(result, null, 2));
}
