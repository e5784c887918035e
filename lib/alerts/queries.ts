// Reads for the alerts page, the shell's badge and the overview: one merchant, one mode.
import type { Mode } from "@/db/schema";
import { alertRules, alerts, users, type Alert, type AlertRule } from "@/db/schema";
import { assertCan, type ReadContext } from "@/lib/auth/context";
import { and, asc, count, desc, eq, inArray, isNull, lte, or, type SQL } from "drizzle-orm";
import "server-only";

export type AlertView = Alert & { acknowledgedByEmail: string | null };

/** Needs someone: open (not acknowledged) and not snoozed. The badge and the overview count these. */
export function needsAttention(now: Date) {
  return and(
    eq(alerts.status, "open"),
    or(isNull(alerts.snoozedUntil), lte(alerts.snoozedUntil, now)),
  );
}

export async function countAlertsNeedingAttention(
  ctx: ReadContext,
  mode: Mode,
  now = new Date(),
): Promise<number> {
  assertCan(ctx, "alerts.view");
  const [row] = await ctx.db
    .select({ n: count() })
    .from(alerts)
    .where(and(eq(alerts.merchantId, ctx.merchantId), eq(alerts.mode, mode), needsAttention(now)));
  return Number(row?.n ?? 0);
}

const alertColumns = {
  alert: alerts,
  acknowledgedByEmail: users.email,
};

/** One mode's alerts whose status `status` selects, newest opened first, with who acknowledged. */
async function alertViews(
  ctx: ReadContext,
  mode: Mode,
  status: SQL,
  limit: number,
): Promise<AlertView[]> {
  const rows = await ctx.db
    .select(alertColumns)
    .from(alerts)
    .leftJoin(users, eq(users.id, alerts.acknowledgedByUserId))
    .where(and(eq(alerts.merchantId, ctx.merchantId), eq(alerts.mode, mode), status))
    .orderBy(desc(alerts.openedAt), desc(alerts.id))
    .limit(limit);
  return rows.map((r) => ({ ...r.alert, acknowledgedByEmail: r.acknowledgedByEmail }));
}

/** Unresolved episodes, newest first: open, acknowledged and snoozed alike. */
export async function listActiveAlerts(ctx: ReadContext, mode: Mode): Promise<AlertView[]> {
  assertCan(ctx, "alerts.view");
  return alertViews(ctx, mode, inArray(alerts.status, ["open", "acknowledged"]), 200);
}

/** Resolved episodes, most recently opened first. */
export async function listAlertHistory(
  ctx: ReadContext,
  mode: Mode,
  limit = 50,
): Promise<AlertView[]> {
  assertCan(ctx, "alerts.view");
  return alertViews(ctx, mode, eq(alerts.status, "resolved"), Math.min(Math.max(limit, 1), 200));
}

export async function listAlertRules(ctx: ReadContext, mode: Mode): Promise<AlertRule[]> {
  assertCan(ctx, "alerts.view");
  return ctx.db
    .select()
    .from(alertRules)
    .where(and(eq(alertRules.merchantId, ctx.merchantId), eq(alertRules.mode, mode)))
    .orderBy(asc(alertRules.createdAt), asc(alertRules.id));
}

export function isSnoozed(alert: Pick<Alert, "snoozedUntil">, now = new Date()): boolean {
  return alert.snoozedUntil !== null && alert.snoozedUntil > now;
}
