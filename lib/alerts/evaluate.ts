// The alert evaluator, run by the durable job runner (lib/jobs/builtin.ts), one merchant per
// transaction: fold the payment events recorded after the merchant's watermark into per-minute
// buckets (and move the watermark, in the same transaction), then evaluate each enabled rule on
// the buckets inside its window, open an episode for each new firing scope and resolve the
// episodes whose condition cleared. Cost per pass: the new events, the window's buckets, and
// the merchant's rules and connections — never the payment history.
import type { Db, DbOrTx, Tx } from "@/db/client";
import {
  alertBuckets,
  alertCursors,
  alertRules,
  alerts,
  connections,
  merchants,
  paymentEvents,
  payments,
  webhookInbox,
  type Alert,
  type AlertRule,
  type Mode,
} from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { publishEvent, type ConsoleEvent } from "@/lib/events/bus";
import { newId } from "@/lib/ids";
import { and, asc, eq, gte, inArray, lt, sql } from "drizzle-orm";
import { defaultRuleRows } from "./defaults";
import {
  bucketDeltas,
  cardTestingFirings,
  DECLINE_SCOPE_PREFIX,
  disputesTodayFirings,
  failureRateFirings,
  startOfUtcDay,
  webhookSilenceFirings,
  windowStart,
  type Firing,
  type ScopeSum,
} from "./rules";
import { MAX_WINDOW_MINUTES, MODES_WATCHED, parseRuleConfig } from "./schemas";

export const ALERTS_JOB = "alerts.evaluate";
export const ALERTS_EVERY_MS = 15_000;
/**
 * Events recorded in the last seconds wait for the next pass: recorded_at is its transaction's
 * start, so a transaction still committing may hold an earlier one than an event already seen.
 */
export const FOLD_LAG_MS = 2_000;
export const FOLD_BATCH = 5_000;
export const SYSTEM_ACTOR = { userId: null, email: "system:alerts" };
const KEEP_BUCKETS_MS = (MAX_WINDOW_MINUTES + 60) * 60_000;

export interface EvaluationSummary {
  merchantId: string;
  /** False when another process held this merchant's cursor: it is evaluating right now. */
  evaluated: boolean;
  folded: number;
  fired: string[];
  resolved: string[];
}

export async function evaluateAllMerchants(db: Db, now: Date): Promise<EvaluationSummary[]> {
  const rows = await db.select({ id: merchants.id }).from(merchants).orderBy(asc(merchants.id));
  const out: EvaluationSummary[] = [];
  for (const { id } of rows) out.push(await evaluateMerchantAlerts(db, id, now));
  return out;
}

export async function evaluateMerchantAlerts(
  db: Db,
  merchantId: string,
  now: Date,
  options: { batch?: number } = {},
): Promise<EvaluationSummary> {
  const changes: ConsoleEvent[] = [];
  const summary = await db.transaction(async (tx) => {
    const result: EvaluationSummary = {
      merchantId,
      evaluated: false,
      folded: 0,
      fired: [],
      resolved: [],
    };
    await ensureCursor(tx, merchantId, now);
    const [cursor] = await tx
      .select({
        // As text: a JS Date would drop the microseconds, and the bound must be exact.
        recordedAt: sql<string | null>`${alertCursors.lastRecordedAt}::text`,
        eventId: alertCursors.lastEventId,
      })
      .from(alertCursors)
      .where(eq(alertCursors.merchantId, merchantId))
      .for("update", { skipLocked: true });
    if (!cursor) return result;
    result.evaluated = true;
    result.folded = await foldNewEvents(tx, merchantId, cursor, now, options.batch ?? FOLD_BATCH);
    await tx
      .delete(alertBuckets)
      .where(
        and(
          eq(alertBuckets.merchantId, merchantId),
          inArray(alertBuckets.mode, [...MODES_WATCHED]),
          lt(alertBuckets.minute, new Date(now.getTime() - KEEP_BUCKETS_MS)),
        ),
      );
    await reconcileEpisodes(tx, merchantId, now, result, changes);
    return result;
  });
  for (const event of changes) await publishEvent(db, event);
  return summary;
}

/**
 * A merchant's first pass starts the watermark at its newest event (history is not replayed)
 * and, if it has no rules yet, gives it the default rules in both modes.
 */
async function ensureCursor(tx: Tx, merchantId: string, now: Date): Promise<void> {
  const inserted = await tx.execute(sql`
    insert into ${alertCursors} (merchant_id, last_recorded_at, last_event_id, evaluated_at)
    select ${merchantId}, newest.recorded_at, newest.id, null
    from (select 1) as one
    left join lateral (
      select ${paymentEvents.recordedAt} as recorded_at, ${paymentEvents.id} as id
      from ${paymentEvents}
      where ${paymentEvents.merchantId} = ${merchantId}
      order by ${paymentEvents.recordedAt} desc, ${paymentEvents.id} desc
      limit 1
    ) as newest on true
    on conflict (merchant_id) do nothing
    returning merchant_id`);
  if (inserted.rows.length === 0) return;
  const [existing] = await tx
    .select({ id: alertRules.id })
    .from(alertRules)
    .where(eq(alertRules.merchantId, merchantId))
    .limit(1);
  if (existing) return;
  await tx.insert(alertRules).values(defaultRuleRows(merchantId, now));
}

/** Reads the events after the watermark (oldest first), adds them to the buckets, moves it. */
async function foldNewEvents(
  tx: Tx,
  merchantId: string,
  cursor: { recordedAt: string | null; eventId: string | null },
  now: Date,
  batch: number,
) {
  const before = new Date(now.getTime() - FOLD_LAG_MS);
  const e = paymentEvents;
  const rows = await newEventsQuery(tx, merchantId, cursor, before, batch);
  if (rows.length === 0) {
    await tx
      .update(alertCursors)
      .set({ evaluatedAt: now })
      .where(eq(alertCursors.merchantId, merchantId));
    return 0;
  }
  const foldable = rows.filter((r): r is typeof r & { mode: Mode } => r.mode !== null);
  const deltas = bucketDeltas(foldable);
  for (let i = 0; i < deltas.length; i += 500) {
    await tx
      .insert(alertBuckets)
      .values(deltas.slice(i, i + 500).map((d) => ({ merchantId, ...d })))
      .onConflictDoUpdate({
        target: [
          alertBuckets.merchantId,
          alertBuckets.mode,
          alertBuckets.minute,
          alertBuckets.scopeKey,
        ],
        set: {
          attempts: sql`${alertBuckets.attempts} + excluded.attempts`,
          failures: sql`${alertBuckets.failures} + excluded.failures`,
        },
      });
  }
  const last = rows[rows.length - 1];
  // The watermark is copied inside the database: a JS Date would drop recorded_at's microseconds.
  await tx
    .update(alertCursors)
    .set({
      lastRecordedAt: sql`(select ${e.recordedAt} from ${e} where ${e.merchantId} = ${merchantId} and ${e.id} = ${last.id})`,
      lastEventId: last.id,
      eventsFolded: sql`${alertCursors.eventsFolded} + ${rows.length}`,
      evaluatedAt: now,
    })
    .where(eq(alertCursors.merchantId, merchantId));
  return rows.length;
}

async function windowSums(
  tx: Tx,
  merchantId: string,
  mode: Mode,
  since: Date,
  scope: ReturnType<typeof sql>,
): Promise<ScopeSum[]> {
  const b = alertBuckets;
  const rows = await tx
    .select({
      scopeKey: b.scopeKey,
      attempts: sql<number>`sum(${b.attempts})`.mapWith(Number),
      failures: sql<number>`sum(${b.failures})`.mapWith(Number),
    })
    .from(b)
    .where(and(eq(b.merchantId, merchantId), eq(b.mode, mode), gte(b.minute, since), scope))
    .groupBy(b.scopeKey);
  return rows;
}

async function connectionsOf(tx: Tx, merchantId: string) {
  return tx
    .select({
      id: connections.id,
      label: connections.label,
      mode: connections.mode,
      status: connections.status,
    })
    .from(connections)
    .where(eq(connections.merchantId, merchantId));
}

type ConnectionRow = Awaited<ReturnType<typeof connectionsOf>>[number];

async function firingsOf(
  tx: Tx,
  rule: AlertRule,
  now: Date,
  allConnections: ConnectionRow[],
): Promise<Firing[] | null> {
  const parsed = parseRuleConfig(rule.kind, rule.config);
  if (!parsed) return null;
  const { merchantId, mode } = rule;
  const b = alertBuckets;
  switch (parsed.kind) {
    case "failure_rate": {
      const { config } = parsed;
      const scope =
        config.scope === "overall" ? sql`${b.scopeKey} = 'all'` : sql`${b.scopeKey} like 'conn:%'`;
      const sums = await windowSums(
        tx,
        merchantId,
        mode,
        windowStart(now, config.windowMinutes),
        scope,
      );
      const labels = new Map(allConnections.map((c) => [c.id, c.label]));
      return failureRateFirings(config, sums, labels);
    }
    case "card_testing": {
      const { config } = parsed;
      const prefix = DECLINE_SCOPE_PREFIX[config.key];
      const sums = await windowSums(
        tx,
        merchantId,
        mode,
        windowStart(now, config.windowMinutes),
        sql`${b.scopeKey} like ${`${prefix}%`}`,
      );
      return cardTestingFirings(config, sums);
    }
    case "disputes_today": {
      const sums = await windowSums(
        tx,
        merchantId,
        mode,
        startOfUtcDay(now),
        sql`${b.scopeKey} = 'disputes'`,
      );
      return disputesTodayFirings(parsed.config, sums[0]?.attempts ?? 0);
    }
    case "webhook_silence": {
      const since = new Date(now.getTime() - parsed.config.silentMinutes * 60_000);
      const watched = [];
      for (const c of allConnections.filter((c) => c.mode === mode && c.status === "active")) {
        const [waiting] = await tx
          .select({ n: sql<number>`count(*)`.mapWith(Number) })
          .from(payments)
          .where(
            and(
              eq(payments.merchantId, merchantId),
              inArray(payments.status, ["pending", "requires_action"]),
              lt(payments.createdAt, since),
              eq(payments.connectionId, c.id),
              eq(payments.mode, mode),
            ),
          );
        if (waiting.n === 0) continue;
        const [last] = await tx
          .select({ at: webhookInbox.receivedAt })
          .from(webhookInbox)
          .where(
            and(
              eq(webhookInbox.merchantId, merchantId),
              eq(webhookInbox.connectionId, c.id),
              eq(webhookInbox.verified, true),
            ),
          )
          .orderBy(sql`${webhookInbox.receivedAt} desc`)
          .limit(1);
        watched.push({
          id: c.id,
          label: c.label,
          lastWebhookAt: last?.at ?? null,
          waitingPayments: waiting.n,
        });
      }
      return webhookSilenceFirings(parsed.config, watched, now);
    }
  }
}

const episodeKey = (ruleId: string | null, scopeKey: string) => `${ruleId ?? ""}|${scopeKey}`;

/** Opens an episode per new firing, resolves those whose condition cleared (unless snoozed). */
async function reconcileEpisodes(
  tx: Tx,
  merchantId: string,
  now: Date,
  result: EvaluationSummary,
  changes: ConsoleEvent[],
): Promise<void> {
  const rules = await tx
    .select()
    .from(alertRules)
    .where(and(eq(alertRules.merchantId, merchantId), eq(alertRules.enabled, true)));
  const unresolved = await tx
    .select()
    .from(alerts)
    .where(
      and(eq(alerts.merchantId, merchantId), inArray(alerts.status, ["open", "acknowledged"])),
    );
  const allConnections = rules.length > 0 ? await connectionsOf(tx, merchantId) : [];

  const firing = new Map<string, { rule: AlertRule; firing: Firing }>();
  const evaluatedRules = new Set<string>();
  for (const rule of rules) {
    const found = await firingsOf(tx, rule, now, allConnections);
    if (!found) continue;
    evaluatedRules.add(rule.id);
    for (const f of found) firing.set(episodeKey(rule.id, f.scopeKey), { rule, firing: f });
  }

  const open = new Map(unresolved.map((a) => [episodeKey(a.ruleId, a.scopeKey), a]));
  for (const alert of unresolved) {
    const stillFiring = firing.has(episodeKey(alert.ruleId, alert.scopeKey));
    const ruleLive = alert.ruleId !== null && evaluatedRules.has(alert.ruleId);
    const snoozed = alert.snoozedUntil !== null && alert.snoozedUntil > now;
    if (stillFiring || (ruleLive && snoozed)) continue;
    await resolve(tx, alert, now, ruleLive ? "the condition cleared" : "its rule is off");
    result.resolved.push(alert.id);
    changes.push({ kind: "alert", merchantId, mode: alert.mode, id: alert.id });
  }
  for (const [key, { rule, firing: f }] of firing) {
    if (open.has(key)) continue;
    const row = {
      merchantId,
      id: newId("alert"),
      ruleId: rule.id,
      mode: rule.mode,
      kind: rule.kind,
      scopeKey: f.scopeKey,
      severity: f.severity,
      title: f.title,
      detail: { ...f.detail, rule: rule.name },
      status: "open" as const,
      openedAt: now,
    };
    const inserted = await tx
      .insert(alerts)
      .values(row)
      .onConflictDoNothing()
      .returning({ id: alerts.id });
    if (inserted.length === 0) continue;
    await recordAudit(tx, {
      merchantId,
      actor: SYSTEM_ACTOR,
      action: "alert.fired",
      targetType: "alert",
      targetId: row.id,
      summary: `Alert: ${row.title} (${rule.mode})`,
      after: { ruleId: rule.id, mode: rule.mode, scopeKey: f.scopeKey, ...f.detail },
    });
    result.fired.push(row.id);
    changes.push({ kind: "alert", merchantId, mode: rule.mode, id: row.id });
  }
}

async function resolve(tx: Tx, alert: Alert, now: Date, why: string): Promise<void> {
  await tx
    .update(alerts)
    .set({ status: "resolved", resolvedAt: now })
    .where(and(eq(alerts.merchantId, alert.merchantId), eq(alerts.id, alert.id)));
  await recordAudit(tx, {
    merchantId: alert.merchantId,
    actor: SYSTEM_ACTOR,
    action: "alert.resolved",
    targetType: "alert",
    targetId: alert.id,
    summary: `Resolved: ${alert.title} — ${why}`,
    before: { status: alert.status },
    after: { status: "resolved" },
  });
}

/** The events after the watermark, oldest first: exported so a test can pin its plan. */
export function newEventsQuery(
  tx: DbOrTx,
  merchantId: string,
  cursor: { recordedAt: string | null; eventId: string | null },
  before: Date,
  batch: number,
) {
  const e = paymentEvents;
  return tx
    .select({
      id: e.id,
      type: e.type,
      connectionId: e.connectionId,
      recordedAt: e.recordedAt,
      detail: e.detail,
      mode: payments.mode,
      customerEmail: payments.customerEmail,
    })
    .from(e)
    .leftJoin(payments, and(eq(payments.merchantId, e.merchantId), eq(payments.id, e.paymentId)))
    .where(
      and(
        eq(e.merchantId, merchantId),
        // The watermark as constants: an index bound on (merchant_id, recorded_at, id), so a pass
        // reads only what came after it (a join to the cursor row made it a filter over history).
        cursor.recordedAt === null
          ? undefined
          : sql`(${e.recordedAt}, ${e.id}) > (${cursor.recordedAt}::timestamptz, ${cursor.eventId ?? ""})`,
        lt(e.recordedAt, before),
      ),
    )
    .orderBy(asc(e.recordedAt), asc(e.id))
    .limit(batch);
}
