// The overview's figures for one merchant and one mode (test or live): payment counts, revenue
// per currency (gross succeeded, refunded, net) and open disputes, over a window (getOverview)
// or as today vs yesterday by this time and the last 7 days in the merchant's days
// (getOverviewComparison: whole days from the analytics rollups, with a raw tail). Nothing sums
// across modes or currencies.
import { alerts, disputes, payments, type Mode } from "@/db/schema";
import { needsAttention } from "@/lib/alerts/queries";
import { addDays, todayIn } from "@/lib/analytics/range";
import { safeTimeZone, zonedDayStart } from "@/lib/audit/dates";
import { assertCan, type ReadContext } from "@/lib/auth/context";
import { merchantTimezone } from "@/lib/team/queries";
import { and, count, eq, gte, inArray, lte, sql, sum, type SQL } from "drizzle-orm";
import "server-only";
import { negated, rawLines, wholeDayLines, type StatusLine } from "./daily-figures";

export interface RevenueLine {
  currency: string;
  /** Amount of every payment that was captured, including those later refunded or disputed. */
  grossMinor: number;
  /** What was refunded of those payments so far. */
  refundedMinor: number;
  /** Gross minus refunded. */
  netMinor: number;
  /** Captured payments in this currency. */
  payments: number;
}

export interface OverviewFigures {
  mode: Mode;
  payments: number;
  succeeded: number;
  failed: number;
  /** Largest gross first. */
  revenueByCurrency: RevenueLine[];
  openDisputes: number;
  /** Alerts of this mode that need someone: open, not acknowledged, not snoozed. */
  openAlerts: number;
}

// A payment that was captured counts as gross revenue even if it was later refunded or disputed.
export const CAPTURED_STATUSES = [
  "succeeded",
  "partially_refunded",
  "refunded",
  "disputed",
] as const;

/** Counts and revenue per currency (largest gross first) of the payments `scope` selects. */
async function paymentFigures(
  ctx: ReadContext,
  scope: SQL | undefined,
): Promise<{
  payments: number;
  succeeded: number;
  failed: number;
  revenueByCurrency: RevenueLine[];
}> {
  const captured = inArray(payments.status, [...CAPTURED_STATUSES]);
  const [[totals], revenue] = await Promise.all([
    ctx.db
      .select({
        payments: count(),
        succeeded: sql<number>`count(*) filter (where ${captured})`.mapWith(Number),
        failed: sql<number>`count(*) filter (where ${payments.status} = 'failed')`.mapWith(Number),
      })
      .from(payments)
      .where(scope),
    ctx.db
      .select({
        currency: payments.currency,
        grossMinor: sum(payments.amountMinor).mapWith(Number),
        refundedMinor: sum(payments.refundedMinor).mapWith(Number),
        payments: count(),
      })
      .from(payments)
      .where(and(scope, captured))
      .groupBy(payments.currency)
      .orderBy(sql`2 desc`, payments.currency),
  ]);
  return {
    payments: totals?.payments ?? 0,
    succeeded: totals?.succeeded ?? 0,
    failed: totals?.failed ?? 0,
    revenueByCurrency: revenue.map((r) => ({
      currency: r.currency,
      grossMinor: r.grossMinor,
      refundedMinor: r.refundedMinor,
      netMinor: r.grossMinor - r.refundedMinor,
      payments: r.payments,
    })),
  };
}

/** Alerts of this mode that need someone; counted under overview.view, not alerts.view. */
async function alertsNeedingAttention(ctx: ReadContext, mode: Mode, now: Date): Promise<number> {
  const [row] = await ctx.db
    .select({ n: count() })
    .from(alerts)
    .where(and(eq(alerts.merchantId, ctx.merchantId), eq(alerts.mode, mode), needsAttention(now)));
  return row?.n ?? 0;
}

export async function getOverview(
  ctx: ReadContext,
  mode: Mode,
  { days = 30, now = new Date() }: { days?: number; now?: Date } = {},
): Promise<OverviewFigures> {
  assertCan(ctx, "overview.view");
  const since = new Date(now.getTime() - days * 86_400_000);
  const scope = and(
    eq(payments.merchantId, ctx.merchantId),
    eq(payments.mode, mode),
    gte(payments.createdAt, since),
  );
  const [figures, [openDisputes], openAlerts] = await Promise.all([
    paymentFigures(ctx, scope),
    ctx.db
      .select({ n: count() })
      .from(disputes)
      .where(
        and(
          eq(disputes.merchantId, ctx.merchantId),
          eq(disputes.mode, mode),
          inArray(disputes.status, ["needs_response", "under_review"]),
        ),
      ),
    alertsNeedingAttention(ctx, mode, now),
  ]);
  return {
    mode,
    ...figures,
    openDisputes: openDisputes?.n ?? 0,
    openAlerts,
  };
}

export interface PeriodFigures {
  from: Date;
  to: Date;
  payments: number;
  /** Captured (later refunds and disputes still count). */
  succeeded: number;
  failed: number;
  /** succeeded / (succeeded + failed): of the payments that finished; null when none did. */
  successRate: number | null;
  /** Largest gross first. */
  revenueByCurrency: RevenueLine[];
}

export interface OverviewComparison {
  mode: Mode;
  now: Date;
  /** The merchant's time zone: its days are the Overview's days, as on the Transactions list. */
  timeZone: string;
  /** Since 00:00 today in the merchant's zone (the list's range=today). */
  today: PeriodFigures;
  /** Yesterday from 00:00 to this time of day: a fair comparison with today so far. */
  yesterday: PeriodFigures;
  /** Today and the 6 days before it (the list's range=7d). */
  last7Days: PeriodFigures;
  /** Needing a response or under review, whenever the payment was made. */
  openDisputes: number;
  /** Of those needing a response, due within DISPUTE_DUE_SOON_HOURS (or overdue). */
  disputesDueSoon: number;
  /** Alerts in this mode that need someone (open, not snoozed). */
  activeAlerts: number;
}

export const DISPUTE_DUE_SOON_HOURS = 72;
const HOUR = 3_600_000;

/** A period's figures from its lines (any mix of rolled-up days and raw counts). */
function periodFigures(from: Date, to: Date, lines: readonly StatusLine[]): PeriodFigures {
  const captured = new Set<string>(CAPTURED_STATUSES);
  const byCurrency = new Map<string, RevenueLine>();
  let total = 0;
  let succeeded = 0;
  let failed = 0;
  for (const line of lines) {
    total += line.payments;
    if (line.status === "failed") failed += line.payments;
    if (!captured.has(line.status)) continue;
    succeeded += line.payments;
    const revenue = byCurrency.get(line.currency) ?? {
      currency: line.currency,
      grossMinor: 0,
      refundedMinor: 0,
      netMinor: 0,
      payments: 0,
    };
    revenue.grossMinor += line.amountMinor;
    revenue.refundedMinor += line.refundedMinor;
    revenue.netMinor = revenue.grossMinor - revenue.refundedMinor;
    revenue.payments += line.payments;
    byCurrency.set(line.currency, revenue);
  }
  // A currency whose captured payments all fell outside the window (a day less its rest) is gone.
  const revenueByCurrency = [...byCurrency.values()]
    .filter((r) => r.payments !== 0)
    .sort((a, b) => b.grossMinor - a.grossMinor || (a.currency < b.currency ? -1 : 1));
  return {
    from,
    to,
    payments: total,
    succeeded,
    failed,
    successRate: succeeded + failed > 0 ? succeeded / (succeeded + failed) : null,
    revenueByCurrency,
  };
}

/**
 * Today so far against yesterday by this time, and the last 7 days, in the merchant's days.
 * Whole days come from the rollups where the job has folded them in (lib/overview/daily-figures.ts);
 * yesterday's part is counted raw — the part itself before midday, or yesterday less the rest
 * of it after, whichever is the shorter range.
 */
export async function getOverviewComparison(
  ctx: ReadContext,
  mode: Mode,
  now: Date = new Date(),
): Promise<OverviewComparison> {
  assertCan(ctx, "overview.view");
  const timeZone = safeTimeZone(await merchantTimezone(ctx));
  const today = todayIn(timeZone, now);
  const yesterday = addDays(today, -1);
  const todayStart = zonedDayStart(today, timeZone);
  const yesterdayStart = zonedDayStart(yesterday, timeZone);
  const weekStart = zonedDayStart(addDays(today, -6), timeZone);
  // A payment created at `now` exactly still counts today; yesterday runs as long as today has.
  const until = new Date(now.getTime() + 1);
  const yesterdayUntil = new Date(
    Math.min(
      yesterdayStart.getTime() + (until.getTime() - todayStart.getTime()),
      todayStart.getTime(),
    ),
  );
  const countThePart =
    yesterdayUntil.getTime() - yesterdayStart.getTime() <=
    todayStart.getTime() - yesterdayUntil.getTime();
  const openStatuses = inArray(disputes.status, ["needs_response", "under_review"]);
  const [byDay, laterToday, yesterdayRaw, [openDisputes], activeAlerts] = await Promise.all([
    wholeDayLines(ctx, mode, timeZone, addDays(today, -6), today),
    // Today's whole day less anything created after `now` (nothing, unless `now` is not now).
    rawLines(ctx, mode, until, zonedDayStart(addDays(today, 1), timeZone)),
    countThePart
      ? rawLines(ctx, mode, yesterdayStart, yesterdayUntil)
      : rawLines(ctx, mode, yesterdayUntil, todayStart),
    ctx.db
      .select({
        open: count(),
        dueSoon: sql<number>`count(*) filter (where ${disputes.status} = 'needs_response' and ${lte(
          disputes.dueBy,
          new Date(now.getTime() + DISPUTE_DUE_SOON_HOURS * HOUR),
        )})`.mapWith(Number),
      })
      .from(disputes)
      .where(and(eq(disputes.merchantId, ctx.merchantId), eq(disputes.mode, mode), openStatuses)),
    alertsNeedingAttention(ctx, mode, now),
  ]);
  const todayLines = byDay.get(today) ?? [];
  const yesterdayLines = countThePart
    ? yesterdayRaw
    : [...(byDay.get(yesterday) ?? []), ...negated(yesterdayRaw)];
  return {
    mode,
    now,
    timeZone,
    today: periodFigures(todayStart, until, [...todayLines, ...negated(laterToday)]),
    yesterday: periodFigures(yesterdayStart, yesterdayUntil, yesterdayLines),
    last7Days: periodFigures(weekStart, until, [
      ...[...byDay.values()].flat(),
      ...negated(laterToday),
    ]),
    openDisputes: openDisputes?.open ?? 0,
    disputesDueSoon: openDisputes?.dueSoon ?? 0,
    activeAlerts,
  };
}
