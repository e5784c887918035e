// Each flow's conversion over the last days, from the funnel rollup (no scan of conversations):
// what the Flows list shows. Days are the merchant's own.
import type { DbOrTx } from "@/db/client";
import { analyticsFunnelDaily as funnel, merchants, type Mode } from "@/db/schema";
import { and, between, eq, sql } from "drizzle-orm";
import { addDays, isTimeZone, todayIn } from "./range";

export async function flowConversions(
  db: DbOrTx,
  merchantId: string,
  mode: Mode,
  lastDays: number,
  now: Date = new Date(),
): Promise<Map<string, { started: number; paid: number }>> {
  const [merchant] = await db
    .select({ timeZone: merchants.timezone })
    .from(merchants)
    .where(eq(merchants.id, merchantId));
  const zone = merchant && isTimeZone(merchant.timeZone) ? merchant.timeZone : "UTC";
  const to = todayIn(zone, now);
  const from = addDays(to, -(lastDays - 1));
  const rows = await db
    .select({
      flowId: funnel.flowId,
      started: sql<number>`coalesce(sum(${funnel.started}), 0)`.mapWith(Number),
      paid: sql<number>`coalesce(sum(${funnel.paid}), 0)`.mapWith(Number),
    })
    .from(funnel)
    .where(
      and(eq(funnel.merchantId, merchantId), eq(funnel.mode, mode), between(funnel.day, from, to)),
    )
    .groupBy(funnel.flowId);
  return new Map(rows.map((r) => [r.flowId, { started: r.started, paid: r.paid }]));
}
