CREATE TABLE "dispute_files" (
	"merchant_id" text NOT NULL,
	"id" text NOT NULL,
	"dispute_id" text NOT NULL,
	"slot" text NOT NULL,
	"file_name" text NOT NULL,
	"content_type" text NOT NULL,
	"size_bytes" integer NOT NULL,
	"sha256" text NOT NULL,
	"bytes" "bytea" NOT NULL,
	"provider_file_id" text,
	"uploaded_by_user_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "dispute_files_merchant_id_id_pk" PRIMARY KEY("merchant_id","id"),
	CONSTRAINT "dispute_files_content_type_check" CHECK ("dispute_files"."content_type" in ('application/pdf','image/png','image/jpeg'))
);
--> statement-breakpoint
CREATE TABLE "dispute_responses" (
	"merchant_id" text NOT NULL,
	"dispute_id" text NOT NULL,
	"fields" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"state" text DEFAULT 'draft' NOT NULL,
	"submission_key" text,
	"staged_at" timestamp with time zone,
	"last_error" text,
	"updated_by_user_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "dispute_responses_merchant_id_dispute_id_pk" PRIMARY KEY("merchant_id","dispute_id"),
	CONSTRAINT "dispute_responses_state_check" CHECK ("dispute_responses"."state" in ('draft','sending','unknown','submitted','accepted'))
);
--> statement-breakpoint
ALTER TABLE "dispute_files" ADD CONSTRAINT "dispute_files_uploaded_by_user_id_users_id_fk" FOREIGN KEY ("uploaded_by_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dispute_responses" ADD CONSTRAINT "dispute_responses_updated_by_user_id_users_id_fk" FOREIGN KEY ("updated_by_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "dispute_files_dispute_idx" ON "dispute_files" USING btree ("merchant_id","dispute_id");--> statement-breakpoint
-- hand-written: move base64 evidence files into dispute_files as bytes before dropping the columns
-- (drizzle-kit put the drops above; they moved here so the backfill can read them). PDFs and
-- images keep their bytes; a plain-text file's text joins the evidence row's body.
INSERT INTO "dispute_files" ("merchant_id", "id", "dispute_id", "slot", "file_name", "content_type", "size_bytes", "sha256", "bytes", "uploaded_by_user_id", "created_at")
SELECT "merchant_id", "id", "dispute_id",
  CASE WHEN "kind" = 'receipt' THEN 'receipt' WHEN "kind" = 'transcript' THEN 'customer_communication' WHEN "kind" = 'shipping' THEN 'shipping_documentation' ELSE 'uncategorized' END,
  coalesce("file_name", 'evidence'), "content_type", length(decode("file_base64", 'base64')),
  encode(sha256(decode("file_base64", 'base64')), 'hex'), decode("file_base64", 'base64'), "created_by_user_id", "created_at"
FROM "dispute_evidence"
WHERE "file_base64" IS NOT NULL AND "content_type" IN ('application/pdf', 'image/png', 'image/jpeg');--> statement-breakpoint
UPDATE "dispute_evidence" SET "body" = trim(both E'\n' from "body" || E'\n\n' || convert_from(decode("file_base64", 'base64'), 'UTF8'))
WHERE "file_base64" IS NOT NULL AND ("content_type" IS NULL OR "content_type" LIKE 'text/%');--> statement-breakpoint
ALTER TABLE "dispute_evidence" DROP COLUMN "file_name";--> statement-breakpoint
ALTER TABLE "dispute_evidence" DROP COLUMN "content_type";--> statement-breakpoint
ALTER TABLE "dispute_evidence" DROP COLUMN "file_base64";
