ALTER TABLE "refunds" ADD COLUMN "outcome_reason" text;--> statement-breakpoint
ALTER TABLE "refunds" ADD COLUMN "provider_checked_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "refunds_status_idx" ON "refunds" USING btree ("status","created_at");