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

export const DISPUTE_STATUSES = [
  "needs_response",
  "under_review",
  "won",
  "lost",
  "accepted",
  "expired",
  "canceled",
] as const;
export type DisputeStatus = (typeof DISPUTE_STATUSES)[number];
/** How a dispute ended: any status but the two open ones. */
export type DisputeOutcome = Exclude<DisputeStatus, "needs_response" | "under_review">;
/** Where the case stands with the card network (or PayPal): it only moves forward. */
export const DISPUTE_STAGES = ["inquiry", "chargeback", "pre_arbitration"] as const;
export type DisputeStage = (typeof DISPUTE_STAGES)[number];

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
    /** Parley's normalised reason (lib/disputes/reasons.ts), whatever the provider called it. */
    reason: text("reason").notNull(),
    stage: text("stage").$type<DisputeStage>().notNull().default("chargeback"),
    /** The provider's own words, shown on the case page as they were sent. */
    providerStatus: text("provider_status"),
    providerReason: text("provider_reason"),
    providerReasonCode: text("provider_reason_code"),
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
    // The reminder sweep, across merchants: only cases still waiting for an answer.
    index("disputes_awaiting_due_idx")
      .on(t.dueBy)
      .where(sql`${t.status} = 'needs_response'`),
    index("disputes_payment_idx").on(t.merchantId, t.paymentId),
    index("disputes_updated_idx").on(t.merchantId, t.updatedAt),
    check(
      "disputes_status_check",
      sql`${t.status} in ('needs_response','under_review','won','lost','accepted','expired','canceled')`,
    ),
    check("disputes_stage_check", sql`${t.stage} in ('inquiry','chargeback','pre_arbitration')`),
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

export type DisputeEventKind =
  | "provider" // a provider event that moved (or confirmed) the case
  | "refused" // a provider event that broke a transition rule: kept, not applied
  | "note" // an internal note
  | "assigned"; // assignment or reassignment

/** The case's timeline: provider events, refusals, notes and assignments, oldest first. */
export const disputeEvents = pgTable(
  "dispute_events",
  {
    merchantId: merchantIdColumn(),
    id: text("id").notNull(),
    disputeId: text("dispute_id").notNull(),
    kind: text("kind").$type<DisputeEventKind>().notNull(),
    /** Provider events: the provider's event id and type; refusals say why. */
    providerEventId: text("provider_event_id"),
    rawType: text("raw_type"),
    fromStage: text("from_stage").$type<DisputeStage>(),
    toStage: text("to_stage").$type<DisputeStage>(),
    fromStatus: text("from_status").$type<DisputeStatus>(),
    toStatus: text("to_status").$type<DisputeStatus>(),
    body: text("body").notNull().default(""),
    detail: jsonb("detail").$type<Record<string, unknown>>(),
    actorUserId: text("actor_user_id").references(() => users.id, { onDelete: "set null" }),
    occurredAt: tstz("occurred_at").notNull().defaultNow(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.merchantId, t.id] }),
    index("dispute_events_dispute_idx").on(t.merchantId, t.disputeId, t.occurredAt),
    // A replayed provider event adds nothing (notes and assignments carry no provider id).
    uniqueIndex("dispute_events_provider_key").on(t.merchantId, t.disputeId, t.providerEventId),
    check("dispute_events_kind_check", sql`${t.kind} in ('provider','refused','note','assigned')`),
  ],
);

export type Dispute = typeof disputes.$inferSelect;
export type DisputeEvent = typeof disputeEvents.$inferSelect;
export type DisputeEvidence = typeof disputeEvidence.$inferSelect;

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
