// Analytics view latency on a large rollup: one merchant with synthetic rollup rows for ~2 years
// (days × flows × channels × connections × methods × currencies × statuses), then each view's
// query p50/p95 for 7-, 30- and 365-day ranges, the Flows list's conversion read, the daily CSV
// export's rows/s and memory at ~100k and ~1M rows, one rollup job pass after a batch of payment
// changes, and what the change feed's triggers add to a payment update.
// The rollup size, not the payment count, drives view latency: the rows inserted here are what
// a merchant with the printed number of distinct daily combinations would have.
import { createFreshDatabase, LOCAL_ADMIN_PG_URL } from "@/db/admin";
import { openPostgres, type Db } from "@/db/client";
import { merchants } from "@/db/schema";
import { csvLine } from "@/lib/analytics/csv";
import { chartExport, csvLines } from "@/lib/analytics/export";
import { flowConversions } from "@/lib/analytics/flow-conversions";
import {
  failureReasons,
  getFlowFunnel,
  revenueSeries,
  riskBy,
  successRates,
  summarizeByCurrency,
} from "@/lib/analytics/queries";
import { addDays, todayIn } from "@/lib/analytics/range";
import { rebuildRollups, refreshRollups } from "@/lib/analytics/rollup-job";
import { writeLevels } from "@/lib/analytics/rollup-writer";
import type { ReadContext } from "@/lib/auth/context";
import { sql } from "drizzle-orm";
import v8 from "node:v8";
import { runInNewContext } from "node:vm";

const ADMIN_URL = process.env.PARLEY_TEST_PG_URL ?? LOCAL_ADMIN_PG_URL;

export interface AnalyticsBenchRow {
  view: string;
  days: number;
  p50Ms: number;
  p95Ms: number;
}

export interface AnalyticsBenchResult {
  rollupRows: { payments: number; funnel: number; steps: number; monthly: number; revenue: number };
  views: AnalyticsBenchRow[];
  csv: CsvRun[];
  /** Median ms of a single-row payment UPDATE (autocommit) with the change feed's triggers, and without. */
  updateMsWithTriggers: number;
  updateMsWithoutTriggers: number;
  jobPassMs: number;
  jobBuckets: number;
}

/** Synthetic daily payment rollup rows: flows × 2 channels × 3 connections × 3 methods × 3 currencies × 5 statuses a day. */
async function seedPaymentRollup(
  db: Db,
  merchantId: string,
  first: string,
  last: string,
  flowCount: number,
): Promise<void> {
  await db.execute(sql`
      insert into analytics_payments_daily (merchant_id, mode, day, flow_id, flow_version_id, channel,
        connection_id, provider, method, currency, status, failure_code, payments, amount_minor,
        refunded_minor, refunded_payments, disputes, disputed_minor, disputes_won, disputes_lost)
      select ${merchantId}, 'live', d::date, 'flow_' || f, 'flow_' || f || '_v1', ch, 'conn_' || c,
        (array['stripe','adyen','paypal'])[c], m, cur, st,
        case when st = 'failed' then 'card_declined' else '' end,
        5 + (f + c) % 7, 100000 * (1 + f), case when st = 'refunded' then 50000 else 0 end,
        case when st = 'refunded' then 1 else 0 end, case when st = 'disputed' then 1 else 0 end,
        case when st = 'disputed' then 100000 else 0 end, 0, 0
      from generate_series(${first}::date, ${last}::date, interval '1 day') d,
        generate_series(1, ${flowCount}) f, unnest(array['web','telegram']) ch, generate_series(1, 3) c,
        unnest(array['card','apple_pay','paypal']) m, unnest(array['EUR','JPY','KWD']) cur,
        unnest(array['succeeded','failed','expired','refunded','disputed']) st`);
}

/** A gc() for memory baselines (the bench runs without --expose-gc). */
function gcFunction(): () => void {
  v8.setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

export interface CsvRun {
  rows: number;
  rowsPerSecond: number;
  /** Peak RSS and heap during the export, above what they were (after a gc) before it. */
  peakRssDeltaMb: number;
  peakHeapDeltaMb: number;
  /** Heap still held after the export and a gc: what the export kept (constant memory: ~0). */
  retainedHeapMb: number;
  /**
   * The most heap the export held mid-flight: sampled after a gc every LIVE_HEAP_EVERY rows, so
   * garbage V8 has not got round to collecting is not counted (the peak above includes it).
   * Constant memory means this stays the same at 100k and 1M rows.
   */
  liveHeapDeltaMb: number;
}

/** Rows between the mid-export gc samples of CsvRun.liveHeapDeltaMb. */
const LIVE_HEAP_EVERY = 20_000;

const ROLLUP_TABLES = {
  payments: "analytics_payments_daily",
  funnel: "analytics_funnel_daily",
  steps: "analytics_flow_steps_daily",
  monthly: "analytics_payments_monthly",
  revenue: "analytics_revenue_daily",
} as const;

/** How many rows each rollup table holds for one merchant (what its views read). */
async function rollupRowCounts(
  db: Db,
  merchantId: string,
): Promise<Record<keyof typeof ROLLUP_TABLES, number>> {
  const counts = {} as Record<keyof typeof ROLLUP_TABLES, number>;
  for (const [name, table] of Object.entries(ROLLUP_TABLES)) {
    const { rows } = (await db.execute(
      sql`select count(*)::int as n from ${sql.identifier(table)} where merchant_id = ${merchantId}`,
    )) as unknown as { rows: { n: number }[] };
    counts[name as keyof typeof ROLLUP_TABLES] = rows[0].n;
  }
  return counts;
}

/** The daily CSV of a range, consumed as the route streams it (lines encoded to bytes). */
async function measureCsv(
  ctx: ReadContext,
  range: { from: string; to: string },
  gc: () => void,
): Promise<CsvRun> {
  gc();
  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakHeap = before.heapUsed;
  const encoder = new TextEncoder();
  const t = performance.now();
  const exp = await chartExport(ctx, "live", range, { chart: "daily" });
  let lines = 0;
  let nextSample = LIVE_HEAP_EVERY;
  let liveHeap = before.heapUsed;
  let gcMs = 0;
  for await (const chunk of csvLines(exp, csvLine)) {
    if (encoder.encode(chunk).length > 0) lines += chunk.split("\r\n").length - 1;
    const now = process.memoryUsage();
    peakRss = Math.max(peakRss, now.rss);
    peakHeap = Math.max(peakHeap, now.heapUsed);
    if (lines >= nextSample) {
      nextSample += LIVE_HEAP_EVERY;
      const g = performance.now();
      gc();
      liveHeap = Math.max(liveHeap, process.memoryUsage().heapUsed);
      gcMs += performance.now() - g;
    }
  }
  // The samples' gcs are the bench's, not the export's: left out of its time.
  const seconds = (performance.now() - t - gcMs) / 1000;
  gc();
  const after = process.memoryUsage();
  return {
    rows: lines - 1,
    rowsPerSecond: (lines - 1) / seconds,
    peakRssDeltaMb: (peakRss - before.rss) / 1_048_576,
    peakHeapDeltaMb: (peakHeap - before.heapUsed) / 1_048_576,
    retainedHeapMb: (after.heapUsed - before.heapUsed) / 1_048_576,
    liveHeapDeltaMb: (liveHeap - before.heapUsed) / 1_048_576,
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Each view's p50/p95 for 7-, 30- and 365-day ranges ending today (the Flows list's read: 30). */
async function measureViews(
  db: Db,
  merchantId: string,
  today: string,
  funnelFlowId: string,
  iterations: number,
): Promise<AnalyticsBenchRow[]> {
  const ctx: ReadContext = { db, merchantId, role: "analyst" };
  const views: [string, (r: { from: string; to: string }) => Promise<unknown>][] = [
    ["revenue per currency", (r) => summarizeByCurrency(ctx, "live", r)],
    [
      "funnel + drop-off (one flow)",
      (r) => getFlowFunnel(ctx, "live", r, { flowId: funnelFlowId }),
    ],
    ["success by provider", (r) => successRates(ctx, "live", r, "provider")],
    ["success by method", (r) => successRates(ctx, "live", r, "method")],
    ["success by connection", (r) => successRates(ctx, "live", r, "connection")],
    ["failure reasons", (r) => failureReasons(ctx, "live", r)],
    ["revenue series (EUR, per day)", (r) => revenueSeries(ctx, "live", r, "EUR", "day")],
    ["risk by flow", (r) => riskBy(ctx, "live", r, "flow")],
    ["Flows list conversion (30 d)", () => flowConversions(db, merchantId, "live", 30)],
  ];
  const rows: AnalyticsBenchRow[] = [];
  for (const [view, read] of views) {
    for (const days of view.startsWith("Flows list") ? [30] : [7, 30, 365]) {
      const range = { from: addDays(today, -(days - 1)), to: today };
      await read(range);
      const times: number[] = [];
      for (let i = 0; i < iterations; i++) {
        const t = performance.now();
        await read(range);
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      rows.push({ view, days, p50Ms: percentile(times, 50), p95Ms: percentile(times, 95) });
    }
  }
  return rows;
}

export interface SeededAnalyticsResult {
  merchant: string;
  payments: number;
  rollupRows: { payments: number; funnel: number; steps: number; monthly: number; revenue: number };
  /** Seconds the rollups took to build here, or null when they were built already. */
  rebuildSeconds: number | null;
  views: AnalyticsBenchRow[];
  csv: CsvRun[];
}

/**
 * The same views on a payments seed (bench/seed-payments.ts, kept with --keep), for its largest
 * merchant: the rollups its real facts produce, built here first if the rollup job has not.
 */
export async function runSeeded(options: {
  databaseUrl: string;
  iterations?: number;
  log?: (line: string) => void;
}): Promise<SeededAnalyticsResult> {
  const log = options.log ?? ((line: string) => console.error(`[analytics] ${line}`));
  const iterations = options.iterations ?? 40;
  const handle = openPostgres(options.databaseUrl, 4);
  try {
    await handle.migrate();
    const db = handle.db;
    const rowsOf = async <T>(query: ReturnType<typeof sql>) =>
      ((await db.execute(query)) as unknown as { rows: T[] }).rows;
    const unbuilt = await rowsOf<{ n: number }>(sql`select count(*)::int as n from merchants m
      where not exists (select 1 from analytics_watermarks w where w.merchant_id = m.id)`);
    let rebuildSeconds: number | null = null;
    if (unbuilt[0].n > 0) {
      log(`building the rollups of ${unbuilt[0].n} merchant(s) from their facts (minutes at 10M)`);
      const t = performance.now();
      await rebuildRollups(db);
      rebuildSeconds = (performance.now() - t) / 1000;
      await db.execute(sql`analyze`);
    }
    const [biggest] = await rowsOf<{ id: string; name: string; timezone: string; n: number }>(sql`
      select m.id, m.name, m.timezone, count(*)::int as n from payments p
        join merchants m on m.id = p.merchant_id
       where p.mode = 'live' group by m.id order by n desc limit 1`);
    if (!biggest) throw new Error("no live payments in this database: seed it first");
    const merchantId = biggest.id;
    const [flow] = await rowsOf<{ flow_id: string }>(sql`
      select flow_id from analytics_funnel_daily where merchant_id = ${merchantId} and mode = 'live'
       group by flow_id order by sum(started) desc limit 1`);
    const rollupRows = await rollupRowCounts(db, merchantId);
    log(
      `${biggest.name}: ${biggest.n.toLocaleString("en")} live payments, ${rollupRows.payments.toLocaleString("en")} daily payment rollup rows`,
    );
    const today = todayIn(biggest.timezone);
    const views = await measureViews(db, merchantId, today, flow?.flow_id ?? "", iterations);
    const gc = gcFunction();
    const exportCtx: ReadContext = { db, merchantId, role: "analyst" };
    const csv: CsvRun[] = [];
    for (const days of [37, 365]) {
      csv.push(await measureCsv(exportCtx, { from: addDays(today, -(days - 1)), to: today }, gc));
    }
    return {
      merchant: biggest.name,
      payments: biggest.n,
      rollupRows,
      rebuildSeconds,
      views,
      csv,
    };
  } finally {
    await handle.close();
  }
}

export async function run(
  options: { days?: number; iterations?: number } = {},
): Promise<AnalyticsBenchResult> {
  const totalDays = options.days ?? 730;
  const iterations = options.iterations ?? 40; // p95 = the 2nd-worst of 40, not the worst of 15
  const database = await createFreshDatabase(ADMIN_URL, "parley_bench");
  const handle = openPostgres(database.url, 4);
  try {
    await handle.migrate();
    const db = handle.db;
    const merchantId = "mer_bench_analytics";
    await db
      .insert(merchants)
      .values({ id: merchantId, name: "Bench", slug: "bench-analytics", timezone: "Europe/Paris" });
    const today = todayIn("Europe/Paris");
    const first = addDays(today, -(totalDays - 1));
    // 4 flows × 2 channels × 3 connections × 3 methods × 3 currencies × 5 statuses = 1,080 rows a day.
    await seedPaymentRollup(db, merchantId, first, today, 4);
    await writeLevels(db, { merchantId, mode: "live", timeZone: "Europe/Paris", days: "all" });
    await db.execute(sql`
      insert into analytics_funnel_daily (merchant_id, mode, day, flow_id, flow_version_id, channel,
        started, reached_pay, method_chosen, link_sent, link_opened, paid, paid_seconds_sum)
      select ${merchantId}, 'live', d::date, 'flow_' || f, 'flow_' || f || '_v' || v, ch, 100, 80, 70, 65, 60, 50, 50 * 300
      from generate_series(${first}::date, ${today}::date, interval '1 day') d, generate_series(1, 4) f,
        generate_series(1, 3) v, unnest(array['web','telegram']) ch`);
    await db.execute(sql`
      insert into analytics_flow_steps_daily (merchant_id, mode, day, flow_id, flow_version_id, channel, node_id, reached, stopped)
      select ${merchantId}, 'live', d::date, 'flow_1', 'flow_1_v' || v, ch, 'node_' || n, 100 - n * 5, n
      from generate_series(${first}::date, ${today}::date, interval '1 day') d, generate_series(1, 3) v,
        unnest(array['web','telegram']) ch, generate_series(1, 12) n`);
    await db.execute(sql`insert into flows (merchant_id, id, name, public_key, draft_graph)
      select ${merchantId}, 'flow_' || f, 'Flow ' || f, 'pk_bench_' || f, '{}'::jsonb from generate_series(1, 4) f`);
    await db.execute(sql`insert into global_lookups (kind, lookup_key, merchant_id, target_id)
      select 'flow_public_key', 'pk_bench_' || f, ${merchantId}, 'flow_' || f from generate_series(1, 4) f`);
    await db.execute(sql`analyze`);
    const rollupRows = await rollupRowCounts(db, merchantId);

    const rows = await measureViews(db, merchantId, today, "flow_1", iterations);

    // The daily CSV at ~100k and ~1M rows, from a merchant with 2,700 combinations a day
    // (10 flows): peak memory should not grow with the row count.
    const exportMerchant = "mer_bench_export";
    await db.insert(merchants).values({
      id: exportMerchant,
      name: "Bench export",
      slug: "bench-export",
      timezone: "Europe/Paris",
    });
    await seedPaymentRollup(db, exportMerchant, addDays(today, -370), today, 10);
    await db.execute(sql`analyze analytics_payments_daily`);
    const gc = gcFunction();
    const exportCtx: ReadContext = { db, merchantId: exportMerchant, role: "analyst" };
    const csv: CsvRun[] = [];
    for (const days of [37, 371]) {
      csv.push(await measureCsv(exportCtx, { from: addDays(today, -(days - 1)), to: today }, gc));
    }

    // One job pass after 200 payments changed (the buckets they touch are recounted).
    await db.execute(sql`insert into payments (merchant_id, id, connection_id, provider, amount_minor, currency,
        status, idempotency_key, mode, created_at, updated_at)
      select ${merchantId}, 'pay_b' || i, 'conn_1', 'stripe', 1000, 'EUR', 'succeeded', 'k' || i, 'live',
        now() - (i % 30) * interval '1 day', now() from generate_series(1, 200) i`);
    // Both merchants are built (the export merchant's synthetic rows have no facts behind
    // them: a first-time recount would wipe them and time that instead).
    await db.execute(
      sql`insert into analytics_watermarks (merchant_id, through)
        values (${merchantId}, now() - interval '1 minute'), (${exportMerchant}, now() - interval '1 minute')`,
    );
    const j = performance.now();
    const pass = await refreshRollups(db);
    const jobPassMs = performance.now() - j;

    // What the change feed's triggers add to ingest: a webhook's status write is one single-row
    // UPDATE of payments in its own transaction; timed with the triggers and without them.
    const updateMs = async (rounds: number) => {
      const t0 = performance.now();
      for (let i = 0; i < rounds; i++) {
        await db.execute(sql`update payments set status = ${i % 2 ? "succeeded" : "pending"},
          updated_at = now() where merchant_id = ${merchantId} and id = ${`pay_b${1 + (i % 200)}`}`);
      }
      return (performance.now() - t0) / rounds;
    };
    const withTriggers: number[] = [];
    const withoutTriggers: number[] = [];
    await updateMs(100);
    for (let round = 0; round < 3; round++) {
      withTriggers.push(await updateMs(300));
      await db.execute(sql`alter table payments disable trigger user`);
      withoutTriggers.push(await updateMs(300));
      await db.execute(sql`alter table payments enable trigger user`);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

    return {
      rollupRows,
      updateMsWithTriggers: median(withTriggers),
      updateMsWithoutTriggers: median(withoutTriggers),
      views: rows,
      csv,
      jobPassMs,
      jobBuckets: pass.buckets,
    };
  } finally {
    await handle.close();
    await database.drop();
  }
}
