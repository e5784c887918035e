import { sql } from "drizzle-orm";
import {
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
import { createdAt, merchantIdColumn, tstz } from "./_shared";
import { users } from "./auth";

export type AlertKind = "failure_rate" | "fraud_signal" | "dispute_rate" | "webhook_failures";

export const alertRules = pgTable(
  "alert_rules",
  {
    merchantId: merchantIdColumn(),
    id: text("id").notNull(),
    kind: text("kind").$type<AlertKind>().notNull(),
    // e.g. {"failureRate":0.25,"minPayments":20} — validated by the alerts domain's zod schema.
    threshold: jsonb("threshold").$type<Record<string, number>>().notNull(),
    windowMinutes: integer("window_minutes").notNull().default(15),
    enabled: boolean("enabled").notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.merchantId, t.id] })],
);

export const alerts = pgTable(
  "alerts",
  {
    merchantId: merchantIdColumn(),
    id: text("id").notNull(),
    ruleId: text("rule_id"),
    kind: text("kind").$type<AlertKind>().notNull(),
    severity: text("severity").$type<"info" | "warning" | "critical">().notNull(),
    title: text("title").notNull(),
    detail: jsonb("detail").$type<Record<string, unknown>>().notNull().default({}),
    status: text("status").$type<"open" | "acknowledged" | "resolved">().notNull().default("open"),
    acknowledgedByUserId: text("acknowledged_by_user_id").references(() => users.id, {
      onDelete: "set null",
    }),
    openedAt: tstz("opened_at").notNull().defaultNow(),
    resolvedAt: tstz("resolved_at"),
  },
  (t) => [
    primaryKey({ columns: [t.merchantId, t.id] }),
    index("alerts_status_idx").on(t.merchantId, t.status, t.openedAt),
  ],
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
export type AuditEntry = typeof auditLog.$inferSelect;
export type Job = typeof jobs.$inferSelect;
