CREATE TABLE "reminder_opt_outs" (
	"merchant_id" text NOT NULL,
	"channel" text NOT NULL,
	"channel_id" text DEFAULT '' NOT NULL,
	"external_user_id" text NOT NULL,
	"conversation_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "reminder_opt_outs_merchant_id_channel_channel_id_external_user_id_pk" PRIMARY KEY("merchant_id","channel","channel_id","external_user_id")
);
--> statement-breakpoint
ALTER TABLE "analytics_funnel_daily" ADD COLUMN "confirmed" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "channels" ADD COLUMN "settings" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "reminder_opt_outs" ADD CONSTRAINT "reminder_opt_outs_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE cascade ON UPDATE no action;