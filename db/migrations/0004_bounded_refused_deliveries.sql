ALTER TABLE "connections" ADD COLUMN "refused_window_start" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "connections" ADD COLUMN "refused_window_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "webhook_inbox" ADD COLUMN "body_bytes" integer;--> statement-breakpoint
ALTER TABLE "webhook_inbox" ADD COLUMN "body_hash" text;--> statement-breakpoint
ALTER TABLE "webhook_inbox" ADD COLUMN "repeat_count" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "webhook_inbox" ADD COLUMN "last_received_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "webhook_inbox_refused_hash_idx" ON "webhook_inbox" USING btree ("merchant_id","connection_id","body_hash");