// The one way rollup rows are written. The job and the rebuild hand a writer whole buckets
// (merchant × mode × days) recounted from raw facts; the writer replaces them. Today it writes
// the Postgres tables of db/schema/analytics.ts, and keeps the coarser levels derived from the
// daily payment rows in step in the same transaction: the monthly table (the replaced days'
// old sums taken out of their months, the new ones put in) and the per-currency revenue days.
// A columnar engine (ClickHouse) would get a second implementation of this interface (e.g.
// ReplacingMergeTree keyed the same way, merchant_id first, levels as materialized views) and
// be fed the same rows.
import type { DbOrTx } from "@/db/client";
import {
  analyticsFlowStepsDaily,
  analyticsFunnelDaily,
  analyticsPaymentsDaily,
  type FlowStepsDailyRow,
  type FunnelDailyRow,
  type PaymentsDailyRow,
} from "@/db/schema";
import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import { PAID_STATUSES, sqlList, type BucketSet } from "./buckets";

export interface RollupBuckets {
  payments: PaymentsDailyRow[];
  funnel: FunnelDailyRow[];
  steps: FlowStepsDailyRow[];
}

export interface RollupWriter {
  /** Replaces every row of the bucket set with `rows` (rows outside the set are an error). */
  replace(set: BucketSet, rows: RollupBuckets): Promise<void>;
}

const CHUNK = 500;

async function insertChunks<T extends Record<string, unknown>>(
  write: (chunk: T[]) => Promise<unknown>,
  rows: T[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await write(rows.slice(i, i + CHUNK));
}

const DIMENSIONS = sql.raw(
  "flow_id, flow_version_id, channel, connection_id, provider, method, currency, status, failure_code",
);
const METRICS = [
  "payments",
  "amount_minor",
  "refunded_minor",
  "refunded_payments",
  "disputes",
  "disputed_minor",
  "disputes_won",
  "disputes_lost",
] as const;

/** The daily payment rows of the set (all of the merchant's mode for "all"). */
function dailyScope(set: BucketSet): SQL {
  const scope = sql`merchant_id = ${set.merchantId} and mode = ${set.mode}`;
  if (set.days === "all") return scope;
  return sql`${scope} and day in (${sqlList(set.days)})`;
}

/** Adds (sign 1) or takes out (sign −1) the set's daily payment rows from their months. */
async function foldIntoMonths(db: DbOrTx, set: BucketSet, sign: 1 | -1): Promise<void> {
  const sums = sql.raw(METRICS.map((m) => `${sign} * sum(${m})`).join(", "));
  const adds = sql.raw(
    METRICS.map((m) => `${m} = analytics_payments_monthly.${m} + excluded.${m}`).join(", "),
  );
  await db.execute(sql`
    insert into analytics_payments_monthly (merchant_id, mode, month, ${DIMENSIONS}, ${sql.raw(METRICS.join(", "))})
    select merchant_id, mode, date_trunc('month', day)::date, ${DIMENSIONS}, ${sums}
    from analytics_payments_daily where ${dailyScope(set)}
    group by merchant_id, mode, date_trunc('month', day)::date, ${DIMENSIONS}
    on conflict on constraint analytics_payments_monthly_pk do update set ${adds}`);
}

/**
 * Brings the monthly and per-currency levels in line with the set's new daily payment rows.
 * Exported for bulk loads written straight into the daily table (the analytics bench).
 */
export async function writeLevels(db: DbOrTx, set: BucketSet): Promise<void> {
  const scope = sql`merchant_id = ${set.merchantId} and mode = ${set.mode}`;
  if (set.days === "all") {
    await db.execute(sql`delete from analytics_payments_monthly where ${scope}`);
    await foldIntoMonths(db, set, 1);
    await db.execute(sql`delete from analytics_revenue_daily where ${scope}`);
  } else {
    if (set.days.length === 0) return;
    await foldIntoMonths(db, set, 1);
    // A combination whose payments all moved elsewhere (another status) is left at zero.
    const months = [...new Set(set.days.map((d) => `${d.slice(0, 7)}-01`))];
    await db.execute(sql`delete from analytics_payments_monthly
      where ${scope} and month in (${sqlList(months)}) and payments = 0`);
    await db.execute(
      sql`delete from analytics_revenue_daily where ${scope} and day in (${sqlList(set.days)})`,
    );
  }
  const paid = sql`status in (${sqlList(PAID_STATUSES)})`;
  await db.execute(sql`
    insert into analytics_revenue_daily (merchant_id, mode, currency, day, payments, paid, paid_minor, refunded_minor)
    select merchant_id, mode, currency, day, sum(payments),
      coalesce(sum(payments) filter (where ${paid}), 0),
      coalesce(sum(amount_minor) filter (where ${paid}), 0), sum(refunded_minor)
    from analytics_payments_daily where ${dailyScope(set)}
    group by merchant_id, mode, currency, day`);
}

/** Writes into the Postgres rollup tables; pass the transaction that recounted the rows. */
export function postgresRollupWriter(db: DbOrTx): RollupWriter {
  return {
    async replace(set, rows) {
      const inSet = (day: string) => set.days === "all" || set.days.includes(day);
      for (const row of [...rows.payments, ...rows.funnel, ...rows.steps]) {
        if (row.merchantId !== set.merchantId || row.mode !== set.mode || !inSet(row.day)) {
          throw new Error(
            `A rollup row for ${row.merchantId}/${row.mode}/${row.day} is outside its bucket set`,
          );
        }
      }
      // The old daily sums leave their months before the daily rows are replaced.
      if (set.days !== "all" && set.days.length > 0) await foldIntoMonths(db, set, -1);
      for (const table of [analyticsPaymentsDaily, analyticsFunnelDaily, analyticsFlowStepsDaily]) {
        const scope = and(eq(table.merchantId, set.merchantId), eq(table.mode, set.mode));
        if (set.days === "all") await db.delete(table).where(scope);
        else if (set.days.length > 0)
          await db.delete(table).where(and(scope, inArray(table.day, [...set.days])));
      }
      await insertChunks((c) => db.insert(analyticsPaymentsDaily).values(c), rows.payments);
      await insertChunks((c) => db.insert(analyticsFunnelDaily).values(c), rows.funnel);
      await insertChunks((c) => db.insert(analyticsFlowStepsDaily).values(c), rows.steps);
      await writeLevels(db, set);
    },
  };
}
