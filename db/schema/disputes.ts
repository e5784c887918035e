import { sql } from "drizzle-orm";
import { bigint, check, index, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, merchantIdColumn, modeColumn, tstz, updatedAt } from "./_shared";
import { users } from "./auth";

export type DisputeStatus = "needs_response" | "under_review" | "won" | "lost" | "accepted";
export type DisputeOutcome = "won" | "lost" | "accepted";

export const disputes = pgTable(
  "disputes",
  {
    merchantId: merchantIdColumn(),
    id: text("id").notNull(),
    paymentId: text("payment_id").notNull(),
    connectionId: text("connection_id").notNull(),
    // The payment's mode.
    mode: modeColumn(),
    providerDisputeId: text("provider_dispute_id").notNull(),
    reason: text("reason").notNull(),
    amountMinor: bigint("amount_minor", { mode: "number" }).notNull(),
    currency: text("currency").notNull(),
    status: text("status").$type<DisputeStatus>().notNull().default("needs_response"),
    dueBy: tstz("due_by"),
    assigneeUserId: text("assignee_user_id").references(() => users.id, { onDelete: "set null" }),
    outcome: text("outcome").$type<DisputeOutcome>(),
    submittedAt: tstz("submitted_at"),
    openedAt: tstz("opened_at").notNull().defaultNow(),
    closedAt: tstz("closed_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.merchantId, t.id] }),
    uniqueIndex("disputes_provider_key").on(t.merchantId, t.connectionId, t.providerDisputeId),
    index("disputes_status_due_idx").on(t.merchantId, t.status, t.dueBy),
    index("disputes_payment_idx").on(t.merchantId, t.paymentId),
    index("disputes_updated_idx").on(t.merchantId, t.updatedAt),
    check(
      "disputes_status_check",
      sql`${t.status} in ('needs_response','under_review','won','lost','accepted')`,
    ),
    check("disputes_mode_check", sql`${t.mode} in ('test','live')`),
  ],
);

export const disputeEvidence = pgTable(
  "dispute_evidence",
  {
    merchantId: merchantIdColumn(),
    id: text("id").notNull(),
    disputeId: text("dispute_id").notNull(),
    kind: text("kind").$type<"note" | "receipt" | "transcript" | "shipping" | "file">().notNull(),
    title: text("title").notNull(),
    body: text("body").notNull().default(""),
    fileName: text("file_name"),
    contentType: text("content_type"),
    fileBase64: text("file_base64"),
    createdByUserId: text("created_by_user_id").references(() => users.id, {
      onDelete: "set null",
    }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.merchantId, t.id] }),
    index("dispute_evidence_dispute_idx").on(t.merchantId, t.disputeId),
  ],
);

export type Dispute = typeof disputes.$inferSelect;
export type DisputeEvidence = typeof disputeEvidence.$inferSelect;
