CREATE TABLE "dispute_events" (
	"merchant_id" text NOT NULL,
	"id" text NOT NULL,
	"dispute_id" text NOT NULL,
	"kind" text NOT NULL,
	"provider_event_id" text,
	"raw_type" text,
	"from_stage" text,
	"to_stage" text,
	"from_status" text,
	"to_status" text,
	"body" text DEFAULT '' NOT NULL,
	"detail" jsonb,
	"actor_user_id" text,
	"occurred_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "dispute_events_merchant_id_id_pk" PRIMARY KEY("merchant_id","id"),
	CONSTRAINT "dispute_events_kind_check" CHECK ("dispute_events"."kind" in ('provider','refused','note','assigned'))
);
--> statement-breakpoint
ALTER TABLE "disputes" DROP CONSTRAINT "disputes_status_check";--> statement-breakpoint
ALTER TABLE "disputes" ADD COLUMN "stage" text DEFAULT 'chargeback' NOT NULL;--> statement-breakpoint
ALTER TABLE "disputes" ADD COLUMN "provider_status" text;--> statement-breakpoint
ALTER TABLE "disputes" ADD COLUMN "provider_reason" text;--> statement-breakpoint
ALTER TABLE "disputes" ADD COLUMN "provider_reason_code" text;--> statement-breakpoint
ALTER TABLE "dispute_events" ADD CONSTRAINT "dispute_events_actor_user_id_users_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "dispute_events_dispute_idx" ON "dispute_events" USING btree ("merchant_id","dispute_id","occurred_at");--> statement-breakpoint
CREATE UNIQUE INDEX "dispute_events_provider_key" ON "dispute_events" USING btree ("merchant_id","dispute_id","provider_event_id");--> statement-breakpoint
ALTER TABLE "disputes" ADD CONSTRAINT "disputes_stage_check" CHECK ("disputes"."stage" in ('inquiry','chargeback','pre_arbitration'));--> statement-breakpoint
ALTER TABLE "disputes" ADD CONSTRAINT "disputes_status_check" CHECK ("disputes"."status" in ('needs_response','under_review','won','lost','accepted','expired','canceled'));