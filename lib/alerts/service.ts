// Alert and rule changes a member makes: acknowledge, snooze, and rule add / edit / enable /
// delete. Each checks its permission, stays inside the member's merchant (another merchant's
// id is "not found"), writes its audit entry in the same transaction, and tells the console.
import type { DbOrTx } from "@/db/client";
import { alertRules, alerts, type Alert, type AlertRule, type Mode } from "@/db/schema";
import { auditAs } from "@/lib/audit/record";
import { assertCan, type ServiceContext } from "@/lib/auth/context";
import { ConflictError, NotFoundError } from "@/lib/errors";
import { publishEvent } from "@/lib/events/bus";
import { newId } from "@/lib/ids";
import { and, eq, inArray } from "drizzle-orm";
import { configOf, type RuleInput } from "./schemas";

async function loadAlert(db: DbOrTx, merchantId: string, alertId: string): Promise<Alert> {
  const [row] = await db
    .select()
    .from(alerts)
    .where(and(eq(alerts.merchantId, merchantId), eq(alerts.id, alertId)))
    .for("update");
  if (!row) throw new NotFoundError("That alert");
  return row;
}

async function loadRule(db: DbOrTx, merchantId: string, ruleId: string): Promise<AlertRule> {
  const [row] = await db
    .select()
    .from(alertRules)
    .where(and(eq(alertRules.merchantId, merchantId), eq(alertRules.id, ruleId)))
    .for("update");
  if (!row) throw new NotFoundError("That rule");
  return row;
}

/** Tells the console an alert changed (after the transaction committed). */
async function announceAlert(ctx: ServiceContext, mode: Mode, alertId: string): Promise<void> {
  await publishEvent(ctx.db, { kind: "alert", merchantId: ctx.merchantId, mode, id: alertId });
}

const ruleSnapshot = (r: AlertRule) => ({
  name: r.name,
  mode: r.mode,
  kind: r.kind,
  enabled: r.enabled,
  config: r.config,
});

/** Acknowledged: someone is on it. It stays until the condition clears. */
export async function acknowledgeAlert(ctx: ServiceContext, alertId: string, now = new Date()) {
  assertCan(ctx, "alerts.acknowledge");
  const updated = await ctx.db.transaction(async (tx) => {
    const alert = await loadAlert(tx, ctx.merchantId, alertId);
    if (alert.status !== "open") return alert;
    const [row] = await tx
      .update(alerts)
      .set({ status: "acknowledged", acknowledgedByUserId: ctx.user.id, acknowledgedAt: now })
      .where(and(eq(alerts.merchantId, ctx.merchantId), eq(alerts.id, alertId)))
      .returning();
    await auditAs(tx, ctx, {
      action: "alert.acknowledged",
      targetType: "alert",
      targetId: alertId,
      summary: `Acknowledged: ${alert.title}`,
      before: { status: alert.status },
      after: { status: "acknowledged" },
    });
    return row;
  });
  await announceAlert(ctx, updated.mode, alertId);
  return { id: updated.id, status: updated.status };
}

/** Snoozed until a time: it neither counts as active nor re-fires nor resolves before then. */
export async function snoozeAlert(
  ctx: ServiceContext,
  alertId: string,
  minutes: number,
  now = new Date(),
) {
  assertCan(ctx, "alerts.acknowledge");
  const until = new Date(now.getTime() + minutes * 60_000);
  const updated = await ctx.db.transaction(async (tx) => {
    const alert = await loadAlert(tx, ctx.merchantId, alertId);
    if (alert.status === "resolved") throw new ConflictError("That alert is already resolved.");
    const [row] = await tx
      .update(alerts)
      .set({ snoozedUntil: until })
      .where(and(eq(alerts.merchantId, ctx.merchantId), eq(alerts.id, alertId)))
      .returning();
    await auditAs(tx, ctx, {
      action: "alert.snoozed",
      targetType: "alert",
      targetId: alertId,
      summary: `Snoozed for ${minutes} min: ${alert.title}`,
      before: { snoozedUntil: alert.snoozedUntil?.toISOString() ?? null },
      after: { snoozedUntil: until.toISOString() },
    });
    return row;
  });
  await announceAlert(ctx, updated.mode, alertId);
  return { id: updated.id, snoozedUntil: until.toISOString() };
}

export async function createRule(ctx: ServiceContext, input: RuleInput, now = new Date()) {
  assertCan(ctx, "alerts.manage");
  const row = {
    merchantId: ctx.merchantId,
    id: newId("alertRule"),
    mode: input.mode,
    kind: input.kind,
    name: input.name,
    config: configOf(input),
    enabled: input.enabled,
    createdAt: now,
    updatedAt: now,
  };
  await ctx.db.transaction(async (tx) => {
    await tx.insert(alertRules).values(row);
    await auditAs(tx, ctx, {
      action: "alert_rule.created",
      targetType: "alert_rule",
      targetId: row.id,
      summary: `Alert rule added: ${row.name} (${row.mode})`,
      after: ruleSnapshot(row),
    });
  });
  return { id: row.id };
}

export async function updateRule(
  ctx: ServiceContext,
  ruleId: string,
  input: RuleInput,
  now = new Date(),
) {
  assertCan(ctx, "alerts.manage");
  await ctx.db.transaction(async (tx) => {
    const before = await loadRule(tx, ctx.merchantId, ruleId);
    const [after] = await tx
      .update(alertRules)
      .set({
        name: input.name,
        mode: input.mode,
        kind: input.kind,
        config: configOf(input),
        enabled: input.enabled,
        updatedAt: now,
      })
      .where(and(eq(alertRules.merchantId, ctx.merchantId), eq(alertRules.id, ruleId)))
      .returning();
    await auditAs(tx, ctx, {
      action: "alert_rule.updated",
      targetType: "alert_rule",
      targetId: ruleId,
      summary: `Alert rule changed: ${after.name} (${after.mode})`,
      before: ruleSnapshot(before),
      after: ruleSnapshot(after),
    });
  });
  return { id: ruleId };
}

export async function setRuleEnabled(
  ctx: ServiceContext,
  ruleId: string,
  enabled: boolean,
  now = new Date(),
) {
  assertCan(ctx, "alerts.manage");
  await ctx.db.transaction(async (tx) => {
    const before = await loadRule(tx, ctx.merchantId, ruleId);
    if (before.enabled === enabled) return;
    await tx
      .update(alertRules)
      .set({ enabled, updatedAt: now })
      .where(and(eq(alertRules.merchantId, ctx.merchantId), eq(alertRules.id, ruleId)));
    await auditAs(tx, ctx, {
      action: enabled ? "alert_rule.enabled" : "alert_rule.disabled",
      targetType: "alert_rule",
      targetId: ruleId,
      summary: `Alert rule ${enabled ? "turned on" : "turned off"}: ${before.name} (${before.mode})`,
      before: { enabled: before.enabled },
      after: { enabled },
    });
  });
  return { id: ruleId, enabled };
}

/** Deleting a rule resolves its open episodes (the next pass would, too; now is clearer). */
export async function deleteRule(ctx: ServiceContext, ruleId: string, now = new Date()) {
  assertCan(ctx, "alerts.manage");
  const resolved = await ctx.db.transaction(async (tx) => {
    const before = await loadRule(tx, ctx.merchantId, ruleId);
    const rows = await tx
      .update(alerts)
      .set({ status: "resolved", resolvedAt: now })
      .where(
        and(
          eq(alerts.merchantId, ctx.merchantId),
          eq(alerts.ruleId, ruleId),
          inArray(alerts.status, ["open", "acknowledged"]),
        ),
      )
      .returning({ id: alerts.id, mode: alerts.mode });
    await tx
      .delete(alertRules)
      .where(and(eq(alertRules.merchantId, ctx.merchantId), eq(alertRules.id, ruleId)));
    await auditAs(tx, ctx, {
      action: "alert_rule.deleted",
      targetType: "alert_rule",
      targetId: ruleId,
      summary: `Alert rule deleted: ${before.name} (${before.mode})`,
      before: ruleSnapshot(before),
      after: rows.length > 0 ? { resolvedAlerts: rows.map((r) => r.id) } : null,
    });
    return rows;
  });
  for (const row of resolved) {
    await announceAlert(ctx, row.mode, row.id);
  }
  return { id: ruleId };
}
