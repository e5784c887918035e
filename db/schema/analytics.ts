// Analytics rollups: the shadows of payments, refunds, disputes and conversation events, one row
// per merchant × mode × day (in the merchant's time zone) × dimension. Written only through
// lib/analytics/rollup-writer.ts by the rollup job (lib/analytics/rollup-job.ts), which
// recounts whole (merchant, mode, day) buckets from raw facts; never edited in place.
// Absent dimensions are '' (not null) so they can sit in the primary key.
import { sql } from "drizzle-orm";
import { bigint, check, date, integer, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { merchantIdColumn, modeColumn, tstz, updatedAt } from "./_shared";
import { merchants } from "./auth";

const count = (name: string) => integer(name).notNull().default(0);
const minor = (name: string) => bigint(name, { mode: "number" }).notNull().default(0);
const day = () => date("day", { mode: "string" }).notNull();

/**
 * What a payment rollup row is keyed by after its period, and what it counts: the daily and the
 * monthly tables share them (the monthly row is the sum of its days).
 */
function paymentRollupColumns() {
  return {
    flowId: text("flow_id").notNull(),
    flowVersionId: text("flow_version_id").notNull(),
    channel: text("channel").notNull(),
    connectionId: text("connection_id").notNull(),
    provider: text("provider").notNull(),
    method: text("method").notNull(),
    currency: text("currency").notNull(),
    status: text("status").notNull(),
    /** The provider's failure code for failed payments, '' otherwise. */
    failureCode: text("failure_code").notNull(),
    payments: count("payments"),
    amountMinor: minor("amount_minor"),
    refundedMinor: minor("refunded_minor"),
    refundedPayments: count("refunded_payments"),
    disputes: count("disputes"),
    disputedMinor: minor("disputed_minor"),
    disputesWon: count("disputes_won"),
    disputesLost: count("disputes_lost"),
  };
}

type PaymentRollupColumns = ReturnType<typeof paymentRollupColumns>;

/** The key's dimensions, in key order, after merchant, mode and period. */
function paymentRollupDimensions<C>(t: { [K in keyof PaymentRollupColumns]: C }): C[] {
  return [
    t.flowId,
    t.flowVersionId,
    t.channel,
    t.connectionId,
    t.provider,
    t.method,
    t.currency,
    t.status,
    t.failureCode,
  ];
}

/** Payments by the day they were created, with their current status and what came after. */
export const analyticsPaymentsDaily = pgTable(
  "analytics_payments_daily",
  {
    merchantId: merchantIdColumn().references(() => merchants.id, { onDelete: "cascade" }),
    mode: modeColumn(),
    day: day(),
    ...paymentRollupColumns(),
  },
  (t) => [
    primaryKey({
      name: "analytics_payments_daily_pk",
      columns: [t.merchantId, t.mode, t.day, ...paymentRollupDimensions(t)],
    }),
    check("analytics_payments_daily_mode_check", sql`${t.mode} in ('test','live')`),
  ],
);

/**
 * The same rows summed per calendar month (`month` is its first day), for long ranges: a
 * 365-day view reads ~12 of these per combination plus the partial months at its edges from
 * the daily table. Kept equal to the sum of its days by the rollup writer.
 */
export const analyticsPaymentsMonthly = pgTable(
  "analytics_payments_monthly",
  {
    merchantId: merchantIdColumn().references(() => merchants.id, { onDelete: "cascade" }),
    mode: modeColumn(),
    month: date("month", { mode: "string" }).notNull(),
    ...paymentRollupColumns(),
  },
  (t) => [
    primaryKey({
      name: "analytics_payments_monthly_pk",
      columns: [t.merchantId, t.mode, t.month, ...paymentRollupDimensions(t)],
    }),
    check("analytics_payments_monthly_mode_check", sql`${t.mode} in ('test','live')`),
  ],
);

/**
 * Revenue per currency per day, nothing else: the per-day revenue series and the per-currency
 * totals read one row per day and currency (a year is 365 rows a currency, whatever the number
 * of flows, connections or methods). Kept equal to the daily table's sums by the rollup writer.
 */
export const analyticsRevenueDaily = pgTable(
  "analytics_revenue_daily",
  {
    merchantId: merchantIdColumn().references(() => merchants.id, { onDelete: "cascade" }),
    mode: modeColumn(),
    currency: text("currency").notNull(),
    day: day(),
    payments: count("payments"),
    /** Payments in a paid status, and their amounts (gross revenue). */
    paid: count("paid"),
    paidMinor: minor("paid_minor"),
    refundedMinor: minor("refunded_minor"),
  },
  (t) => [
    primaryKey({
      name: "analytics_revenue_daily_pk",
      columns: [t.merchantId, t.mode, t.currency, t.day],
    }),
    check("analytics_revenue_daily_mode_check", sql`${t.mode} in ('test','live')`),
  ],
);

/**
 * The chat-to-pay funnel, per conversation start day. Each step counts the conversations that
 * reached it or any later one, so the funnel never widens (a flow without a method step still
 * counts its paid conversations as having chosen a method).
 */
export const analyticsFunnelDaily = pgTable(
  "analytics_funnel_daily",
  {
    merchantId: merchantIdColumn().references(() => merchants.id, { onDelete: "cascade" }),
    mode: modeColumn(),
    day: day(),
    flowId: text("flow_id").notNull(),
    flowVersionId: text("flow_version_id").notNull(),
    channel: text("channel").notNull(),
    started: count("started"),
    reachedPay: count("reached_pay"),
    confirmed: count("confirmed"),
    methodChosen: count("method_chosen"),
    linkSent: count("link_sent"),
    linkOpened: count("link_opened"),
    paid: count("paid"),
    /** Σ seconds from the first message to the first paid payment, over `paid` conversations. */
    paidSecondsSum: minor("paid_seconds_sum"),
  },
  (t) => [
    primaryKey({
      name: "analytics_funnel_daily_pk",
      columns: [t.merchantId, t.mode, t.day, t.flowId, t.flowVersionId, t.channel],
    }),
    check("analytics_funnel_daily_mode_check", sql`${t.mode} in ('test','live')`),
  ],
);

/** Per flow node: conversations that entered it, and those whose last step it was (unpaid). */
export const analyticsFlowStepsDaily = pgTable(
  "analytics_flow_steps_daily",
  {
    merchantId: merchantIdColumn().references(() => merchants.id, { onDelete: "cascade" }),
    mode: modeColumn(),
    day: day(),
    flowId: text("flow_id").notNull(),
    flowVersionId: text("flow_version_id").notNull(),
    channel: text("channel").notNull(),
    nodeId: text("node_id").notNull(),
    reached: count("reached"),
    stopped: count("stopped"),
  },
  (t) => [
    primaryKey({
      name: "analytics_flow_steps_daily_pk",
      columns: [t.merchantId, t.mode, t.day, t.flowId, t.flowVersionId, t.channel, t.nodeId],
    }),
    check("analytics_flow_steps_daily_mode_check", sql`${t.mode} in ('test','live')`),
  ],
);

/**
 * The change feed: which (mode, day) buckets a write to payments, refunds, disputes,
 * conversations or conversation events touched, one row per statement and bucket. Written by
 * statement-level triggers (migration 0022) inside the fact's own transaction, so a bucket is
 * noted exactly when its fact commits, whatever its updated_at says; the rollup job claims the
 * rows (delete … returning) in the transaction that recounts those buckets.
 */
export const analyticsChanges = pgTable(
  "analytics_changes",
  {
    merchantId: merchantIdColumn().references(() => merchants.id, { onDelete: "cascade" }),
    id: bigint("id", { mode: "number" }).generatedAlwaysAsIdentity(),
    mode: modeColumn(),
    day: day(),
  },
  (t) => [
    primaryKey({ name: "analytics_changes_pk", columns: [t.merchantId, t.id] }),
    check("analytics_changes_mode_check", sql`${t.mode} in ('test','live')`),
  ],
);

/** When each merchant's rollups were last refreshed; a merchant without a row is recounted in full. */
export const analyticsWatermarks = pgTable("analytics_watermarks", {
  merchantId: merchantIdColumn()
    .primaryKey()
    .references(() => merchants.id, { onDelete: "cascade" }),
  through: tstz("through").notNull(),
  updatedAt: updatedAt(),
});

export type PaymentsDailyRow = typeof analyticsPaymentsDaily.$inferSelect;
export type PaymentsMonthlyRow = typeof analyticsPaymentsMonthly.$inferSelect;
export type RevenueDailyRow = typeof analyticsRevenueDaily.$inferSelect;
export type FunnelDailyRow = typeof analyticsFunnelDaily.$inferSelect;
export type FlowStepsDailyRow = typeof analyticsFlowStepsDaily.$inferSelect;
