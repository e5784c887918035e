import { alerts, disputes, payments } from "@/db/schema";
import { assertCan, type MerchantContext } from "@/lib/auth/context";
import { and, count, eq, gte, inArray, sql, sum } from "drizzle-orm";
import "server-only";

export interface OverviewFigures {
  payments: number;
  succeeded: number;
  failed: number;
  revenueByCurrency: { currency: string; amountMinor: number }[];
  openDisputes: number;
  openAlerts: number;
}

export async function getOverview(
  ctx: MerchantContext,
  days = 30,
  now = new Date(),
): Promise<OverviewFigures> {
  assertCan(ctx, "overview.view");
  const since = new Date(now.getTime() - days * 86_400_000);
  const scope = and(eq(payments.merchantId, ctx.merchantId), gte(payments.createdAt, since));
  const [totals] = await ctx.db
    .select({
      payments: count(),
      succeeded:
        sql<number>`count(*) filter (where ${payments.status} in ('succeeded','partially_refunded','refunded','disputed'))`.mapWith(
          Number,
        ),
      failed: sql<number>`count(*) filter (where ${payments.status} = 'failed')`.mapWith(Number),
    })
    .from(payments)
    .where(scope);
  const revenue = await ctx.db
    .select({ currency: payments.currency, amountMinor: sum(payments.amountMinor).mapWith(Number) })
    .from(payments)
    .where(and(scope, inArray(payments.status, ["succeeded", "partially_refunded", "disputed"])))
    .groupBy(payments.currency)
    .orderBy(sql`2 desc`);
  const [openDisputes] = await ctx.db
    .select({ n: count() })
    .from(disputes)
    .where(
      and(
        eq(disputes.merchantId, ctx.merchantId),
        inArray(disputes.status, ["needs_response", "under_review"]),
      ),
    );
  const [openAlerts] = await ctx.db
    .select({ n: count() })
    .from(alerts)
    .where(and(eq(alerts.merchantId, ctx.merchantId), eq(alerts.status, "open")));
  return {
    payments: totals?.payments ?? 0,
    succeeded: totals?.succeeded ?? 0,
    failed: totals?.failed ?? 0,
    revenueByCurrency: revenue,
    openDisputes: openDisputes?.n ?? 0,
    openAlerts: openAlerts?.n ?? 0,
  };
}
