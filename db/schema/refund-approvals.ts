import { sql } from "drizzle-orm";
import { bigint, check, index, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, merchantIdColumn, modeColumn, tstz, updatedAt } from "./_shared";
import { merchants, users, type Role } from "./auth";

const money = (name: string) => bigint(name, { mode: "number" });

// How much a role may refund without a second person, per currency (a limit is never summed or
// compared across currencies). A role with no row for a currency has no limit in it; owners are
// never limited and analysts never refund (lib/refunds/limits.ts).
export const refundLimits = pgTable(
  "refund_limits",
  {
    merchantId: merchantIdColumn().references(() => merchants.id, { onDelete: "cascade" }),
    role: text("role").$type<Extract<Role, "admin" | "support">>().notNull(),
    currency: text("currency").notNull(),
    limitMinor: money("limit_minor").notNull(),
    updatedByUserId: text("updated_by_user_id").references(() => users.id, {
      onDelete: "set null",
    }),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.merchantId, t.role, t.currency] }),
    check("refund_limits_role_check", sql`${t.role} in ('admin','support')`),
    check("refund_limits_amount_check", sql`${t.limitMinor} >= 0`),
    check("refund_limits_currency_check", sql`${t.currency} ~ '^[A-Z]{3}$'`),
  ],
);

export type RefundRequestStatus = "pending" | "approved" | "declined" | "failed";

// A refund above its requester's limit, waiting for a second person (maker-checker).
export const refundRequests = pgTable(
  "refund_requests",
  {
    merchantId: merchantIdColumn().references(() => merchants.id, { onDelete: "cascade" }),
    id: text("id").notNull(),
    paymentId: text("payment_id").notNull(),
    // The payment's mode.
    mode: modeColumn(),
    amountMinor: money("amount_minor").notNull(),
    currency: text("currency").notNull(),
    reasonCode: text("reason_code").notNull(),
    note: text("note").notNull().default(""),
    status: text("status").$type<RefundRequestStatus>().notNull().default("pending"),
    idempotencyKey: text("idempotency_key").notNull(),
    requestedByUserId: text("requested_by_user_id").references(() => users.id, {
      onDelete: "set null",
    }),
    requestedByEmail: text("requested_by_email").notNull(),
    decidedByUserId: text("decided_by_user_id").references(() => users.id, {
      onDelete: "set null",
    }),
    decidedByEmail: text("decided_by_email"),
    decidedAt: tstz("decided_at"),
    decisionNote: text("decision_note"),
    // The refund an approval made (or why making it failed).
    refundId: text("refund_id"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.merchantId, t.id] }),
    uniqueIndex("refund_requests_idempotency_key").on(t.merchantId, t.idempotencyKey),
    index("refund_requests_status_idx").on(t.merchantId, t.mode, t.status, t.createdAt),
    index("refund_requests_payment_idx").on(t.merchantId, t.paymentId),
    check("refund_requests_amount_check", sql`${t.amountMinor} > 0`),
    check(
      "refund_requests_status_check",
      sql`${t.status} in ('pending','approved','declined','failed')`,
    ),
    check("refund_requests_mode_check", sql`${t.mode} in ('test','live')`),
  ],
);

export type RefundLimit = typeof refundLimits.$inferSelect;
export type RefundRequestRow = typeof refundRequests.$inferSelect;
