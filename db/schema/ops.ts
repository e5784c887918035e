import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { createdAt, merchantIdColumn, modeColumn, tstz, updatedAt } from "./_shared";
import { users } from "./auth";

// The rule kinds lib/alerts evaluates (each kind's config is validated by lib/alerts/schemas.ts).
export type AlertKind = "failure_rate" | "card_testing" | "webhook_silence" | "disputes_today";
export type AlertStatus = "open" | "acknowledged" | "resolved";
export type AlertSeverity = "info" | "warning" | "critical";

// A rule watches one mode: test traffic never raises a live alert.
export const alertRules = pgTable(
  "alert_rules",
  {
    merchantId: merchantIdColumn(),
    id: text("id").notNull(),
    mode: modeColumn(),
    kind: text("kind").$type<AlertKind>().notNull(),
    name: text("name").notNull(),
    // The kind's thresholds and window, e.g. {"failureRateAbovePercent":25,"windowMinutes":15,…}.
    config: jsonb("config").$type<Record<string, unknown>>().notNull(),
    enabled: boolean("enabled").notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.merchantId, t.id] }),
    index("alert_rules_mode_idx").on(t.merchantId, t.mode),
    check("alert_rules_mode_check", sql`${t.mode} in ('test','live')`),
  ],
);

// One row per episode: a rule's condition held for one scope (overall, a connection, an email…)
// from opened_at until resolved_at. The partial unique index keeps one unresolved episode per
// rule and scope, which is what makes firing idempotent.
export const alerts = pgTable(
  "alerts",
  {
    merchantId: merchantIdColumn(),
    id: text("id").notNull(),
    ruleId: text("rule_id"),
    mode: modeColumn(),
    kind: text("kind").$type<AlertKind>().notNull(),
    scopeKey: text("scope_key").notNull().default("all"),
    severity: text("severity").$type<AlertSeverity>().notNull(),
    title: text("title").notNull(),
    detail: jsonb("detail").$type<Record<string, unknown>>().notNull().default({}),
    status: text("status").$type<AlertStatus>().notNull().default("open"),
    acknowledgedByUserId: text("acknowledged_by_user_id").references(() => users.id, {
      onDelete: "set null",
    }),
    acknowledgedAt: tstz("acknowledged_at"),
    // While now < snoozed_until the episode neither counts as active nor resolves or re-fires.
    snoozedUntil: tstz("snoozed_until"),
    openedAt: tstz("opened_at").notNull().defaultNow(),
    resolvedAt: tstz("resolved_at"),
  },
  (t) => [
    primaryKey({ columns: [t.merchantId, t.id] }),
    index("alerts_status_idx").on(t.merchantId, t.status, t.openedAt),
    index("alerts_mode_opened_idx").on(t.merchantId, t.mode, t.openedAt),
    uniqueIndex("alerts_one_unresolved_per_scope")
      .on(t.merchantId, t.ruleId, t.scopeKey)
      .where(sql`${t.status} <> 'resolved'`),
    check("alerts_mode_check", sql`${t.mode} in ('test','live')`),
    check("alerts_status_check", sql`${t.status} in ('open','acknowledged','resolved')`),
  ],
);

// How far the alert evaluator has read each merchant's payment_events: (recorded_at, id) of the
// last event folded into alert_buckets, moved in the same transaction as the buckets.
export const alertCursors = pgTable(
  "alert_cursors",
  {
    merchantId: merchantIdColumn(),
    lastRecordedAt: tstz("last_recorded_at"),
    lastEventId: text("last_event_id"),
    /** Events folded in so far (a running total: what each pass cost, summed). */
    eventsFolded: bigint("events_folded", { mode: "number" }).notNull().default(0),
    evaluatedAt: tstz("evaluated_at"),
  },
  (t) => [primaryKey({ columns: [t.merchantId] })],
);

// Per-minute counters per mode and scope ("all", "conn:<id>", "email:<address>", "ip:<address>",
// "fp:<fingerprint>", "disputes"): rules sum the buckets inside their window only.
export const alertBuckets = pgTable(
  "alert_buckets",
  {
    merchantId: merchantIdColumn(),
    mode: modeColumn(),
    minute: tstz("minute").notNull(),
    scopeKey: text("scope_key").notNull(),
    /** Payment outcomes (succeeded + failed), or disputes opened for the "disputes" scope. */
    attempts: integer("attempts").notNull().default(0),
    failures: integer("failures").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.merchantId, t.mode, t.minute, t.scopeKey] })],
);

export const auditLog = pgTable(
  "audit_log",
  {
    merchantId: merchantIdColumn(),
    id: text("id").notNull(),
    actorUserId: text("actor_user_id"),
    actorEmail: text("actor_email").notNull(),
    action: text("action").notNull(),
    targetType: text("target_type").notNull(),
    targetId: text("target_id"),
    summary: text("summary").notNull(),
    before: jsonb("before").$type<Record<string, unknown> | null>(),
    after: jsonb("after").$type<Record<string, unknown> | null>(),
    ip: text("ip"),
    userAgent: text("user_agent"),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.merchantId, t.id] }),
    index("audit_log_created_idx").on(t.merchantId, t.createdAt),
    index("audit_log_action_idx").on(t.merchantId, t.action, t.createdAt),
    // A payment's detail page reads the entries about it (lib/payments/detail.ts).
    index("audit_log_target_idx").on(t.merchantId, t.targetType, t.targetId),
  ],
);

export type JobStatus = "pending" | "running" | "done" | "failed" | "canceled";

// Durable jobs (reminders, payment timeouts, reconciliation): they survive a restart.
export const jobs = pgTable(
  "jobs",
  {
    merchantId: merchantIdColumn(),
    id: text("id").notNull(),
    kind: text("kind").notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull().default({}),
    runAt: tstz("run_at").notNull(),
    status: text("status").$type<JobStatus>().notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    lockedUntil: tstz("locked_until"),
    dedupeKey: text("dedupe_key"),
    createdAt: createdAt(),
    finishedAt: tstz("finished_at"),
  },
  (t) => [
    primaryKey({ columns: [t.merchantId, t.id] }),
    uniqueIndex("jobs_dedupe_key")
      .on(t.merchantId, t.dedupeKey)
      .where(sql`${t.dedupeKey} is not null`),
    index("jobs_due_idx").on(t.status, t.runAt),
    check(
      "jobs_status_check",
      sql`${t.status} in ('pending','running','done','failed','canceled')`,
    ),
  ],
);

export type AlertRule = typeof alertRules.$inferSelect;
export type Alert = typeof alerts.$inferSelect;
export type AlertCursor = typeof alertCursors.$inferSelect;
export type AlertBucket = typeof alertBuckets.$inferSelect;
export type AuditEntry = typeof auditLog.$inferSelect;
export type Job = typeof jobs.$inferSelect;
