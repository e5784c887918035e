import type { ChannelKind } from "@/lib/channels/platforms/types";
import type { PaymentMethod, PaymentStatus, ProviderKind } from "@/lib/connections/providers/types";
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
import { merchants, users } from "./auth";

export const PAYMENT_ORIGINS = ["bot", "agent", "console"] as const;
export type PaymentOrigin = (typeof PAYMENT_ORIGINS)[number];

const money = (name: string) => bigint(name, { mode: "number" });

export const payments = pgTable(
  "payments",
  {
    merchantId: merchantIdColumn().references(() => merchants.id, { onDelete: "cascade" }),
    id: text("id").notNull(),
    connectionId: text("connection_id").notNull(),
    provider: text("provider").$type<ProviderKind>().notNull(),
    conversationId: text("conversation_id"),
    flowId: text("flow_id"),
    // The conversation's channel kind, copied at checkout so the list filters by it without
    // joining conversations (null for payments made outside a conversation).
    channel: text("channel").$type<ChannelKind>(),
    amountMinor: money("amount_minor").notNull(),
    currency: text("currency").notNull(),
    method: text("method").$type<PaymentMethod>(),
    status: text("status").$type<PaymentStatus>().notNull().default("created"),
    // One live checkout per conversation step: a retried create finds this key.
    idempotencyKey: text("idempotency_key").notNull(),
    providerCheckoutId: text("provider_checkout_id"),
    providerPaymentId: text("provider_payment_id"),
    checkoutUrl: text("checkout_url"),
    description: text("description").notNull().default(""),
    customerEmail: text("customer_email"),
    customerCountry: text("customer_country"),
    failureCode: text("failure_code"),
    failureMessage: text("failure_message"),
    refundedMinor: money("refunded_minor").notNull().default(0),
    // e.g. amount_mismatch, late_event_ignored — shown on the payment's timeline.
    flags: jsonb("flags").$type<string[]>().notNull().default([]),
    riskScore: integer("risk_score"),
    // The mode of the connection that created the checkout (equal to its conversation's).
    mode: modeColumn(),
    expiresAt: tstz("expires_at"),
    // Who asked for it: the bot's pay step, an agent's payment request in the Inbox (with the
    // agent's user id), or the console's "Create a test payment".
    origin: text("origin").$type<PaymentOrigin>().notNull().default("bot"),
    createdByUserId: text("created_by_user_id"),
    succeededAt: tstz("succeeded_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.merchantId, t.id] }),
    uniqueIndex("payments_idempotency_key").on(t.merchantId, t.idempotencyKey),
    index("payments_created_idx").on(t.merchantId, t.createdAt),
    index("payments_status_created_idx").on(t.merchantId, t.status, t.createdAt),
    // Connection health reads one connection's last day (lib/connections/health.ts).
    index("payments_connection_created_idx").on(t.merchantId, t.connectionId, t.createdAt),
    index("payments_provider_payment_idx").on(t.merchantId, t.connectionId, t.providerPaymentId),
    index("payments_checkout_idx").on(t.providerCheckoutId),
    index("payments_conversation_idx").on(t.merchantId, t.conversationId),
    // The transactions list (lib/payments/queries.ts): newest first within a merchant and mode,
    // keyset-paged on (created_at, id); one index per equality filter keeps each filter an
    // ordered index walk instead of a scan, and the search box's branches are each an index
    // lookup (tests/integration/payments-list-explain.test.ts checks the plans at 1M rows).
    index("payments_list_idx").on(t.merchantId, t.mode, t.createdAt, t.id),
    index("payments_list_status_idx").on(t.merchantId, t.mode, t.status, t.createdAt, t.id),
    index("payments_list_connection_idx").on(
      t.merchantId,
      t.mode,
      t.connectionId,
      t.createdAt,
      t.id,
    ),
    index("payments_list_method_idx").on(t.merchantId, t.mode, t.method, t.createdAt, t.id),
    index("payments_list_flow_idx").on(t.merchantId, t.mode, t.flowId, t.createdAt, t.id),
    index("payments_list_channel_idx").on(t.merchantId, t.mode, t.channel, t.createdAt, t.id),
    index("payments_list_amount_idx").on(t.merchantId, t.mode, t.currency, t.amountMinor),
    // (Provider checkout ids already have payments_checkout_idx.)
    index("payments_search_provider_payment_idx").on(t.merchantId, t.providerPaymentId),
    // Email search is a prefix match on the lower-cased address; the "C" collation lets LIKE
    // 'prefix%' use the btree whatever the database's collation.
    index("payments_search_email_idx").on(
      t.merchantId,
      sql`(lower(${t.customerEmail}) collate "C")`,
    ),
    // Description search is word-prefix full-text search (core Postgres, so PGlite has it too).
    index("payments_search_description_idx").using(
      "gin",
      sql`to_tsvector('simple', ${t.description})`,
    ),
    // The analytics rollup job reads what changed since its watermark (lib/analytics/rollup-job.ts).
    index("payments_updated_idx").on(t.merchantId, t.updatedAt),
    check("payments_amount_check", sql`${t.amountMinor} >= 0`),
    check("payments_currency_check", sql`${t.currency} ~ '^[A-Z]{3}$'`),
    check("payments_mode_check", sql`${t.mode} in ('test','live')`),
    check("payments_origin_check", sql`${t.origin} in ('bot','agent','console')`),
  ],
);

// The payment's timeline: one row per provider event (unique per provider event id) and per
// Parley-side action (created, checkout sent, reconciled, flagged).
export const paymentEvents = pgTable(
  "payment_events",
  {
    merchantId: merchantIdColumn(),
    id: text("id").notNull(),
    paymentId: text("payment_id"),
    connectionId: text("connection_id").notNull(),
    source: text("source").$type<"provider" | "parley">().notNull().default("provider"),
    providerEventId: text("provider_event_id"),
    type: text("type").notNull(),
    rawType: text("raw_type"),
    amountMinor: money("amount_minor"),
    currency: text("currency"),
    statusAfter: text("status_after").$type<PaymentStatus>(),
    detail: jsonb("detail").$type<Record<string, unknown>>(),
    webhookId: text("webhook_id"),
    occurredAt: tstz("occurred_at").notNull(),
    recordedAt: tstz("recorded_at").notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.merchantId, t.id] }),
    uniqueIndex("payment_events_provider_event_key")
      .on(t.merchantId, t.connectionId, t.providerEventId)
      .where(sql`${t.providerEventId} is not null`),
    index("payment_events_payment_idx").on(t.merchantId, t.paymentId, t.occurredAt),
    // The alert evaluator's watermark: events after (recorded_at, id), per merchant.
    index("payment_events_recorded_idx").on(t.merchantId, t.recordedAt, t.id),
  ],
);

export type WebhookStatus = "received" | "applied" | "ignored" | "failed" | "rejected";

// Every delivery is written here, raw, before anything acts on it: a crash between "stored"
// and "applied" is recovered by re-applying rows still in "received".
export const webhookInbox = pgTable(
  "webhook_inbox",
  {
    merchantId: merchantIdColumn(),
    id: text("id").notNull(),
    connectionId: text("connection_id").notNull(),
    provider: text("provider").$type<ProviderKind>().notNull(),
    headers: jsonb("headers").$type<Record<string, string>>().notNull(),
    // Verified: the whole body. Refused: its first bytes only (UNVERIFIED_BODY_PREFIX_BYTES), with
    // the whole body's size and SHA-256, so repeats of one forged body become one row.
    rawBody: text("raw_body").notNull(),
    bodyBytes: integer("body_bytes"),
    bodyHash: text("body_hash"),
    /** How many times this refused body arrived within the repeat window (1 for the first). */
    repeatCount: integer("repeat_count").notNull().default(1),
    lastReceivedAt: tstz("last_received_at"),
    verified: boolean("verified").notNull(),
    status: text("status").$type<WebhookStatus>().notNull().default("received"),
    providerEventIds: jsonb("provider_event_ids").$type<string[]>().notNull().default([]),
    eventTypes: jsonb("event_types").$type<string[]>().notNull().default([]),
    attempts: integer("attempts").notNull().default(0),
    error: text("error"),
    receivedAt: tstz("received_at").notNull().defaultNow(),
    appliedAt: tstz("applied_at"),
  },
  (t) => [
    primaryKey({ columns: [t.merchantId, t.id] }),
    index("webhook_inbox_connection_idx").on(t.merchantId, t.connectionId, t.receivedAt),
    index("webhook_inbox_status_idx").on(t.status, t.receivedAt),
    index("webhook_inbox_refused_hash_idx").on(t.merchantId, t.connectionId, t.bodyHash),
  ],
);

export type RefundStatus = "pending" | "succeeded" | "failed";

export const refunds = pgTable(
  "refunds",
  {
    merchantId: merchantIdColumn(),
    id: text("id").notNull(),
    paymentId: text("payment_id").notNull(),
    // The payment's mode.
    mode: modeColumn(),
    amountMinor: money("amount_minor").notNull(),
    currency: text("currency").notNull(),
    status: text("status").$type<RefundStatus>().notNull().default("pending"),
    reason: text("reason").notNull().default(""),
    // Why, as a code each provider maps to its own (lib/refunds/reason-codes.ts); null before codes.
    reasonCode: text("reason_code"),
    providerRefundId: text("provider_refund_id"),
    idempotencyKey: text("idempotency_key").notNull(),
    // Why a refund is still pending (the provider did not answer, or answers only by webhook),
    // or why it failed: shown beside the refund.
    outcomeReason: text("outcome_reason"),
    // When Parley last asked the provider where this refund stands.
    providerCheckedAt: tstz("provider_checked_at"),
    createdByUserId: text("created_by_user_id").references(() => users.id, {
      onDelete: "set null",
    }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.merchantId, t.id] }),
    uniqueIndex("refunds_idempotency_key").on(t.merchantId, t.idempotencyKey),
    uniqueIndex("refunds_provider_refund_key")
      .on(t.merchantId, t.paymentId, t.providerRefundId)
      .where(sql`${t.providerRefundId} is not null`),
    index("refunds_created_idx").on(t.merchantId, t.createdAt),
    index("refunds_status_idx").on(t.status, t.createdAt),
    index("refunds_updated_idx").on(t.merchantId, t.updatedAt),
    check("refunds_amount_check", sql`${t.amountMinor} > 0`),
    check("refunds_mode_check", sql`${t.mode} in ('test','live')`),
  ],
);

export type Payment = typeof payments.$inferSelect;
export type NewPayment = typeof payments.$inferInsert;
export type PaymentEvent = typeof paymentEvents.$inferSelect;
export type WebhookDelivery = typeof webhookInbox.$inferSelect;
export type Refund = typeof refunds.$inferSelect;
