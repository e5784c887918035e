// The Overview's payment figures, per merchant-local day and exact, without recounting a week of
// payments on every request: a whole day the rollup job has folded in is read from
// analytics_payments_daily; a day with a note in the change feed (analytics_changes: a fact of
// that mode and day committed since the job last recounted it), or every day when the job has
// not built this merchant yet, is counted raw from payments, as is any partial window. One
// merchant and one mode per read; nothing sums across modes.
import type { Mode } from "@/db/schema";
import { payments } from "@/db/schema";
import { execRows } from "@/lib/analytics/buckets";
import { addDays } from "@/lib/analytics/range";
import type { ReadContext } from "@/lib/auth/context";
import { and, eq, gte, lt, sql } from "drizzle-orm";
import "server-only";

/** Payments of one currency and status: how many, their amounts and what was refunded of them. */
export interface StatusLine {
  currency: string;
  status: string;
  payments: number;
  amountMinor: number;
  refundedMinor: number;
}

/** Raw lines of the payments created in [from, to). */
export async function rawLines(
  ctx: ReadContext,
  mode: Mode,
  from: Date,
  to: Date,
): Promise<StatusLine[]> {
  if (to <= from) return [];
  const rows = await ctx.db
    .select({
      currency: payments.currency,
      status: payments.status,
      payments: sql<number>`count(*)`.mapWith(Number),
      amountMinor: sql<number>`coalesce(sum(${payments.amountMinor}), 0)`.mapWith(Number),
      refundedMinor: sql<number>`coalesce(sum(${payments.refundedMinor}), 0)`.mapWith(Number),
    })
    .from(payments)
    .where(
      and(
        eq(payments.merchantId, ctx.merchantId),
        eq(payments.mode, mode),
        gte(payments.createdAt, from),
        lt(payments.createdAt, to),
      ),
    )
    .groupBy(payments.currency, payments.status);
  return rows;
}

/**
 * Lines per whole local day from `fromDay` to `toDay` (YYYY-MM-DD, inclusive, at most a few
 * weeks) as the payments are now. One statement, so one snapshot: the days it counts raw (noted
 * in the change feed, or all of them before the merchant's first rollup pass) and the rollup rows
 * it reads for the others are seen at the same instant, whatever the job commits meanwhile.
 */
export async function wholeDayLines(
  ctx: ReadContext,
  mode: Mode,
  timeZone: string,
  fromDay: string,
  toDay: string,
): Promise<Map<string, StatusLine[]>> {
  const m = ctx.merchantId;
  const days: string[] = [];
  for (let d = fromDay; d <= toDay; d = addDays(d, 1)) days.push(d);
  const rows = await execRows<{
    day: string;
    currency: string;
    status: string;
    payments: string | number;
    amount_minor: string | number | null;
    refunded_minor: string | number | null;
  }>(
    ctx.db,
    // The days as a VALUES list (the planner knows how many); each raw day is its own index
    // range on payments_list_idx (the lateral subquery keeps it one per day, never a scan).
    sql`
    with days(day) as (values ${sql.join(
      days.map((d) => sql`(${d}::date)`),
      sql`, `,
    )}), raw_days as (
      select days.day from days
      where not exists (select 1 from analytics_watermarks w where w.merchant_id = ${m})
        or days.day in (select c.day from analytics_changes c
          where c.merchant_id = ${m} and c.mode = ${mode})
    )
    select to_char(r.day, 'YYYY-MM-DD') as day, r.currency, r.status, sum(r.payments) as payments,
      sum(r.amount_minor) as amount_minor, sum(r.refunded_minor) as refunded_minor
    from analytics_payments_daily r
    where r.merchant_id = ${m} and r.mode = ${mode}
      and r.day between ${fromDay}::date and ${toDay}::date
      and r.day not in (select day from raw_days)
    group by r.day, r.currency, r.status
    union all
    select to_char(n.day, 'YYYY-MM-DD'), x.currency, x.status, x.payments, x.amount_minor,
      x.refunded_minor
    from raw_days n cross join lateral (
      select p.currency, p.status, count(*) as payments, sum(p.amount_minor) as amount_minor,
        sum(p.refunded_minor) as refunded_minor
      from payments p
      where p.merchant_id = ${m} and p.mode = ${mode}
        and p.created_at >= (n.day::timestamp at time zone ${timeZone})
        and p.created_at < ((n.day + 1)::timestamp at time zone ${timeZone})
      group by p.currency, p.status
    ) x`,
  );
  const byDay = new Map<string, StatusLine[]>();
  for (const r of rows) {
    const lines = byDay.get(r.day) ?? [];
    lines.push({
      currency: r.currency,
      status: r.status,
      payments: Number(r.payments),
      amountMinor: Number(r.amount_minor ?? 0),
      refundedMinor: Number(r.refunded_minor ?? 0),
    });
    byDay.set(r.day, lines);
  }
  return byDay;
}

/** The lines taken away: a whole day less the part of it not in a window. */
export function negated(lines: readonly StatusLine[]): StatusLine[] {
  return lines.map((l) => ({
    ...l,
    payments: -l.payments,
    amountMinor: -l.amountMinor,
    refundedMinor: -l.refundedMinor,
  }));
}
