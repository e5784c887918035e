CREATE TABLE "analytics_payments_monthly" (
	"merchant_id" text NOT NULL,
	"mode" text NOT NULL,
	"month" date NOT NULL,
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
	CONSTRAINT "analytics_payments_monthly_pk" PRIMARY KEY("merchant_id","mode","month","flow_id","flow_version_id","channel","connection_id","provider","method","currency","status","failure_code"),
	CONSTRAINT "analytics_payments_monthly_mode_check" CHECK ("analytics_payments_monthly"."mode" in ('test','live'))
);
--> statement-breakpoint
CREATE TABLE "analytics_revenue_daily" (
	"merchant_id" text NOT NULL,
	"mode" text NOT NULL,
	"currency" text NOT NULL,
	"day" date NOT NULL,
	"payments" integer DEFAULT 0 NOT NULL,
	"paid" integer DEFAULT 0 NOT NULL,
	"paid_minor" bigint DEFAULT 0 NOT NULL,
	"refunded_minor" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "analytics_revenue_daily_pk" PRIMARY KEY("merchant_id","mode","currency","day"),
	CONSTRAINT "analytics_revenue_daily_mode_check" CHECK ("analytics_revenue_daily"."mode" in ('test','live'))
);
--> statement-breakpoint
ALTER TABLE "analytics_payments_monthly" ADD CONSTRAINT "analytics_payments_monthly_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analytics_revenue_daily" ADD CONSTRAINT "analytics_revenue_daily_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Both levels start as the sums of the daily rows already there; the rollup writer keeps them so.
INSERT INTO "analytics_payments_monthly" (merchant_id, mode, month, flow_id, flow_version_id, channel, connection_id, provider, method, currency, status, failure_code, payments, amount_minor, refunded_minor, refunded_payments, disputes, disputed_minor, disputes_won, disputes_lost)
SELECT merchant_id, mode, date_trunc('month', day)::date, flow_id, flow_version_id, channel, connection_id, provider, method, currency, status, failure_code,
  sum(payments), sum(amount_minor), sum(refunded_minor), sum(refunded_payments), sum(disputes), sum(disputed_minor), sum(disputes_won), sum(disputes_lost)
FROM "analytics_payments_daily"
GROUP BY merchant_id, mode, date_trunc('month', day)::date, flow_id, flow_version_id, channel, connection_id, provider, method, currency, status, failure_code;
--> statement-breakpoint
INSERT INTO "analytics_revenue_daily" (merchant_id, mode, currency, day, payments, paid, paid_minor, refunded_minor)
SELECT merchant_id, mode, currency, day, sum(payments),
  coalesce(sum(payments) FILTER (WHERE status IN ('succeeded', 'partially_refunded', 'refunded', 'disputed')), 0),
  coalesce(sum(amount_minor) FILTER (WHERE status IN ('succeeded', 'partially_refunded', 'refunded', 'disputed')), 0),
  sum(refunded_minor)
FROM "analytics_payments_daily"
GROUP BY merchant_id, mode, currency, day;
