CREATE TABLE "conversation_handoffs" (
	"merchant_id" text NOT NULL,
	"conversation_id" text NOT NULL,
	"mode" text NOT NULL,
	"status" text NOT NULL,
	"reason" text DEFAULT '' NOT NULL,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"assigned_user_id" text,
	"assigned_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "conversation_handoffs_merchant_id_conversation_id_pk" PRIMARY KEY("merchant_id","conversation_id"),
	CONSTRAINT "conversation_handoffs_status_check" CHECK ("conversation_handoffs"."status" in ('waiting','assigned','returned','closed')),
	CONSTRAINT "conversation_handoffs_assigned_check" CHECK ("conversation_handoffs"."status" <> 'assigned' or "conversation_handoffs"."assigned_user_id" is not null),
	CONSTRAINT "conversation_handoffs_mode_check" CHECK ("conversation_handoffs"."mode" in ('test','live'))
);
--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "origin" text DEFAULT 'bot' NOT NULL;--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "created_by_user_id" text;--> statement-breakpoint
ALTER TABLE "conversation_handoffs" ADD CONSTRAINT "conversation_handoffs_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "conversation_handoffs_inbox_idx" ON "conversation_handoffs" USING btree ("merchant_id","mode","status","requested_at");--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_origin_check" CHECK ("payments"."origin" in ('bot','agent','console'));--> statement-breakpoint
-- hand-written: conversations the bot handed off within the last day (the hold during which the
-- customer's messages still reach them) wait in the Inbox.
INSERT INTO "conversation_handoffs" ("merchant_id", "conversation_id", "mode", "status", "reason", "requested_at", "updated_at")
SELECT "merchant_id", "id", "mode", 'waiting', 'flow', "updated_at", "updated_at" FROM "conversations"
WHERE "status" = 'handed_off' AND NOT "is_simulation" AND "updated_at" >= now() - interval '1 day'
ON CONFLICT DO NOTHING;
