// The overview's figures for one merchant and one mode (test or live): payment counts, revenue
// per currency (gross succeeded, refunded, net) and open disputes. Nothing sums across modes.
import { alerts, disputes, payments, type Mode } from "@/db/schema";
import { needsAttention } from "@/lib/alerts/queries";
import { assertCan, type ReadContext } from "@/lib/auth/context";
import { and, count, eq, gte, inArray, sql, sum } from "drizzle-orm";
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
  const captured = inArray(payments.status, [...CAPTURED_STATUSES]);
  const [[totals], revenue, [openDisputes], [openAlerts]] = await Promise.all([
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
    ctx.db
      .select({ n: count() })
      .from(alerts)
      .where(
        and(eq(alerts.merchantId, ctx.merchantId), eq(alerts.mode, mode), needsAttention(now)),
      ),
  ]);
  return {
    mode,
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
    openDisputes: openDisputes?.n ?? 0,
    openAlerts: openAlerts?.n ?? 0,
  };
}
