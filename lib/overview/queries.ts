// The overview's figures for one merchant and one mode (test or live): payment counts, revenue
// per currency (gross succeeded, refunded, net) and open disputes, over a window (getOverview)
// or as today vs yesterday by this time and the last 7 days (getOverviewComparison). Nothing sums
// across modes or currencies. Each window is a range on payments(merchant_id, created_at).
import { alerts, disputes, payments, type Mode } from "@/db/schema";
import { needsAttention } from "@/lib/alerts/queries";
import { assertCan, type ReadContext } from "@/lib/auth/context";
import { and, count, eq, gte, inArray, lt, lte, sql, sum, type SQL } from "drizzle-orm";
import "server-only";

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
  /** Since 00:00 UTC today. */
  today: PeriodFigures;
  /** Yesterday from 00:00 UTC to this time of day: a fair comparison with today so far. */
  yesterday: PeriodFigures;
  /** The last 7 × 24 hours. */
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
const DAY = 24 * HOUR;

/** Payment figures for payments created in [from, to). */
async function periodFigures(
  ctx: ReadContext,
  mode: Mode,
  from: Date,
  to: Date,
): Promise<PeriodFigures> {
  const scope = and(
    eq(payments.merchantId, ctx.merchantId),
    eq(payments.mode, mode),
    gte(payments.createdAt, from),
    lt(payments.createdAt, to),
  );
  const figures = await paymentFigures(ctx, scope);
  const { succeeded, failed } = figures;
  return {
    from,
    to,
    ...figures,
    successRate: succeeded + failed > 0 ? succeeded / (succeeded + failed) : null,
  };
}

export async function getOverviewComparison(
  ctx: ReadContext,
  mode: Mode,
  now: Date = new Date(),
): Promise<OverviewComparison> {
  assertCan(ctx, "overview.view");
  const todayStart = new Date(Math.floor(now.getTime() / DAY) * DAY);
  const yesterdayStart = new Date(todayStart.getTime() - DAY);
  const sameTimeYesterday = new Date(now.getTime() - DAY);
  // A payment created at `now` exactly still counts today.
  const until = new Date(now.getTime() + 1);
  const openStatuses = inArray(disputes.status, ["needs_response", "under_review"]);
  const [today, yesterday, last7Days, [openDisputes], activeAlerts] = await Promise.all([
    periodFigures(ctx, mode, todayStart, until),
    periodFigures(ctx, mode, yesterdayStart, new Date(sameTimeYesterday.getTime() + 1)),
    periodFigures(ctx, mode, new Date(now.getTime() - 7 * DAY), until),
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
  return {
    mode,
    now,
    today,
    yesterday,
    last7Days,
    openDisputes: openDisputes?.open ?? 0,
    disputesDueSoon: openDisputes?.dueSoon ?? 0,
    activeAlerts,
  };
}
