CREATE TABLE "analytics_flow_steps_daily" (
	"merchant_id" text NOT NULL,
	"mode" text NOT NULL,
	"day" date NOT NULL,
	"flow_id" text NOT NULL,
	"flow_version_id" text NOT NULL,
	"channel" text NOT NULL,
	"node_id" text NOT NULL,
	"reached" integer DEFAULT 0 NOT NULL,
	"stopped" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "analytics_flow_steps_daily_pk" PRIMARY KEY("merchant_id","mode","day","flow_id","flow_version_id","channel","node_id"),
	CONSTRAINT "analytics_flow_steps_daily_mode_check" CHECK ("analytics_flow_steps_daily"."mode" in ('test','live'))
);
--> statement-breakpoint
CREATE TABLE "analytics_funnel_daily" (
	"merchant_id" text NOT NULL,
	"mode" text NOT NULL,
	"day" date NOT NULL,
	"flow_id" text NOT NULL,
	"flow_version_id" text NOT NULL,
	"channel" text NOT NULL,
	"started" integer DEFAULT 0 NOT NULL,
	"reached_pay" integer DEFAULT 0 NOT NULL,
	"method_chosen" integer DEFAULT 0 NOT NULL,
	"link_sent" integer DEFAULT 0 NOT NULL,
	"link_opened" integer DEFAULT 0 NOT NULL,
	"paid" integer DEFAULT 0 NOT NULL,
	"paid_seconds_sum" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "analytics_funnel_daily_pk" PRIMARY KEY("merchant_id","mode","day","flow_id","flow_version_id","channel"),
	CONSTRAINT "analytics_funnel_daily_mode_check" CHECK ("analytics_funnel_daily"."mode" in ('test','live'))
);
--> statement-breakpoint
CREATE TABLE "analytics_payments_daily" (
	"merchant_id" text NOT NULL,
	"mode" text NOT NULL,
	"day" date NOT NULL,
	"flow_id" text NOT NULL,
	"flow_version_id" text NOT NULL,
	"channel" text NOT NULL,
	"connection_id" text NOT NULL,
	"provider" text NOT NULL,
	"method" text NOT NULL,
	"currency" text NOT NULL,
	"status" text NOT NULL,
	"failure_code" text NOT NULL,
	"payments" integer DEFAULT 0 NOT NULL,
	"amount_minor" bigint DEFAULT 0 NOT NULL,
	"refunded_minor" bigint DEFAULT 0 NOT NULL,
	"refunded_payments" integer DEFAULT 0 NOT NULL,
	"disputes" integer DEFAULT 0 NOT NULL,
	"disputed_minor" bigint DEFAULT 0 NOT NULL,
	"disputes_won" integer DEFAULT 0 NOT NULL,
	"disputes_lost" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "analytics_payments_daily_pk" PRIMARY KEY("merchant_id","mode","day","flow_id","flow_version_id","channel","connection_id","provider","method","currency","status","failure_code"),
	CONSTRAINT "analytics_payments_daily_mode_check" CHECK ("analytics_payments_daily"."mode" in ('test','live'))
);
--> statement-breakpoint
CREATE TABLE "analytics_watermarks" (
	"merchant_id" text PRIMARY KEY NOT NULL,
	"through" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "analytics_flow_steps_daily" ADD CONSTRAINT "analytics_flow_steps_daily_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analytics_funnel_daily" ADD CONSTRAINT "analytics_funnel_daily_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analytics_payments_daily" ADD CONSTRAINT "analytics_payments_daily_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analytics_watermarks" ADD CONSTRAINT "analytics_watermarks_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "conversations_updated_idx" ON "conversations" USING btree ("merchant_id","updated_at");--> statement-breakpoint
CREATE INDEX "disputes_updated_idx" ON "disputes" USING btree ("merchant_id","updated_at");--> statement-breakpoint
CREATE INDEX "payments_updated_idx" ON "payments" USING btree ("merchant_id","updated_at");--> statement-breakpoint
CREATE INDEX "refunds_updated_idx" ON "refunds" USING btree ("merchant_id","updated_at");