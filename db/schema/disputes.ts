import { sql } from "drizzle-orm";
import {
  bigint,
  check,
  customType,
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

// Bytes, not base64 text: node-postgres hands back a Buffer, PGlite a Uint8Array.
const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => "bytea",
  fromDriver: (value) => (Buffer.isBuffer(value) ? value : Buffer.from(value)),
});

/** Which evidence slot a file answers (the providers' own document categories). */
export const EVIDENCE_FILE_SLOTS = [
  "receipt",
  "customer_communication",
  "service_documentation",
  "shipping_documentation",
  "refund_policy",
  "cancellation_policy",
  "uncategorized",
] as const;
export type EvidenceFileSlot = (typeof EVIDENCE_FILE_SLOTS)[number];

/** Uploaded evidence files, checked by content on the way in, served only to authorised roles. */
export const disputeFiles = pgTable(
  "dispute_files",
  {
    merchantId: merchantIdColumn(),
    id: text("id").notNull(),
    disputeId: text("dispute_id").notNull(),
    slot: text("slot").$type<EvidenceFileSlot>().notNull(),
    fileName: text("file_name").notNull(),
    /** Sniffed from the bytes, never taken from the browser. */
    contentType: text("content_type")
      .$type<"application/pdf" | "image/png" | "image/jpeg">()
      .notNull(),
    sizeBytes: integer("size_bytes").notNull(),
    sha256: text("sha256").notNull(),
    bytes: bytea("bytes").notNull(),
    /** The provider's id once uploaded there (Stripe file_…), so a resend reuses it. */
    providerFileId: text("provider_file_id"),
    uploadedByUserId: text("uploaded_by_user_id").references(() => users.id, {
      onDelete: "set null",
    }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.merchantId, t.id] }),
    index("dispute_files_dispute_idx").on(t.merchantId, t.disputeId),
    check(
      "dispute_files_content_type_check",
      sql`${t.contentType} in ('application/pdf','image/png','image/jpeg')`,
    ),
  ],
);

export type EvidenceResponseState = "draft" | "sending" | "unknown" | "submitted" | "accepted";

/**
 * The merchant's answer to one dispute: the evidence fields as last saved, a version the form
 * echoes back (a stale form is refused), and where the submission stands with the provider.
 */
export const disputeResponses = pgTable(
  "dispute_responses",
  {
    merchantId: merchantIdColumn(),
    disputeId: text("dispute_id").notNull(),
    fields: jsonb("fields").$type<Record<string, string>>().notNull().default({}),
    version: integer("version").notNull().default(1),
    state: text("state").$type<EvidenceResponseState>().notNull().default("draft"),
    /** Stripe's Idempotency-Key (and the fakes' dedupe key) for the one submission. */
    submissionKey: text("submission_key"),
    stagedAt: tstz("staged_at"),
    lastError: text("last_error"),
    updatedByUserId: text("updated_by_user_id").references(() => users.id, {
      onDelete: "set null",
    }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.merchantId, t.disputeId] }),
    check(
      "dispute_responses_state_check",
      sql`${t.state} in ('draft','sending','unknown','submitted','accepted')`,
    ),
  ],
);

export type DisputeFile = typeof disputeFiles.$inferSelect;
export type DisputeResponse = typeof disputeResponses.$inferSelect;
export type Dispute = typeof disputes.$inferSelect;
export type DisputeEvidence = typeof disputeEvidence.$inferSelect;
