ALTER TABLE "payments" ADD COLUMN "channel" text;--> statement-breakpoint
CREATE INDEX "payments_list_idx" ON "payments" USING btree ("merchant_id","mode","created_at","id");--> statement-breakpoint
CREATE INDEX "payments_list_status_idx" ON "payments" USING btree ("merchant_id","mode","status","created_at","id");--> statement-breakpoint
CREATE INDEX "payments_list_connection_idx" ON "payments" USING btree ("merchant_id","mode","connection_id","created_at","id");--> statement-breakpoint
CREATE INDEX "payments_list_method_idx" ON "payments" USING btree ("merchant_id","mode","method","created_at","id");--> statement-breakpoint
CREATE INDEX "payments_list_flow_idx" ON "payments" USING btree ("merchant_id","mode","flow_id","created_at","id");--> statement-breakpoint
CREATE INDEX "payments_list_channel_idx" ON "payments" USING btree ("merchant_id","mode","channel","created_at","id");--> statement-breakpoint
CREATE INDEX "payments_list_amount_idx" ON "payments" USING btree ("merchant_id","mode","currency","amount_minor");--> statement-breakpoint
CREATE INDEX "payments_search_provider_payment_idx" ON "payments" USING btree ("merchant_id","provider_payment_id");--> statement-breakpoint
CREATE INDEX "payments_search_email_idx" ON "payments" USING btree ("merchant_id",(lower("customer_email") collate "C"));--> statement-breakpoint
CREATE INDEX "payments_search_description_idx" ON "payments" USING gin (to_tsvector('simple', "description"));--> statement-breakpoint
-- hand-written: payments made before this migration take their conversation's channel kind.
UPDATE "payments" SET "channel" = c."channel" FROM "conversations" c WHERE c."merchant_id" = "payments"."merchant_id" AND c."id" = "payments"."conversation_id" AND "payments"."channel" IS NULL;
