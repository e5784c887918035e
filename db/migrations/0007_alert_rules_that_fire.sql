CREATE TABLE "alert_buckets" (
	"merchant_id" text NOT NULL,
	"mode" text NOT NULL,
	"minute" timestamp with time zone NOT NULL,
	"scope_key" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "alert_buckets_merchant_id_mode_minute_scope_key_pk" PRIMARY KEY("merchant_id","mode","minute","scope_key")
);
--> statement-breakpoint
CREATE TABLE "alert_cursors" (
	"merchant_id" text NOT NULL,
	"last_recorded_at" timestamp with time zone,
	"last_event_id" text,
	"events_folded" bigint DEFAULT 0 NOT NULL,
	"evaluated_at" timestamp with time zone,
	CONSTRAINT "alert_cursors_merchant_id_pk" PRIMARY KEY("merchant_id")
);
--> statement-breakpoint
-- hand-written: rules and alerts written before this migration (only the demo seed wrote them)
-- get a mode (live: the seed's were about live traffic), a name and a config in the new shape;
-- the seed's kinds without an evaluator are mapped to the nearest kind that has one. Drizzle's
-- "ADD COLUMN … NOT NULL" without a default fails on a table with rows.
ALTER TABLE "alert_rules" ADD COLUMN "mode" text DEFAULT 'live' NOT NULL;--> statement-breakpoint
ALTER TABLE "alert_rules" ADD COLUMN "name" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "alert_rules" ADD COLUMN "config" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "alert_rules" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
UPDATE "alert_rules" SET
  "name" = 'Failure rate (overall)',
  "config" = jsonb_build_object(
    'scope', 'overall',
    'failureRateAbovePercent', coalesce(round((("threshold"->>'failureRate')::numeric) * 100), 25),
    'windowMinutes', "window_minutes",
    'minAttempts', coalesce(("threshold"->>'minPayments')::int, 20))
  WHERE "kind" = 'failure_rate';--> statement-breakpoint
UPDATE "alert_rules" SET "kind" = 'card_testing', "name" = 'Card testing (one email)',
  "config" = '{"key":"email","declinesAbove":5,"windowMinutes":10}'::jsonb
  WHERE "kind" = 'fraud_signal';--> statement-breakpoint
UPDATE "alert_rules" SET "kind" = 'disputes_today', "name" = 'Disputes opened today',
  "config" = '{"disputesAbove":3}'::jsonb
  WHERE "kind" = 'dispute_rate';--> statement-breakpoint
UPDATE "alert_rules" SET "kind" = 'webhook_silence', "name" = 'Webhooks stopped',
  "config" = '{"silentMinutes":30}'::jsonb
  WHERE "kind" = 'webhook_failures';--> statement-breakpoint
ALTER TABLE "alert_rules" ALTER COLUMN "mode" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "alert_rules" ALTER COLUMN "name" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "alert_rules" ALTER COLUMN "config" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "mode" text DEFAULT 'live' NOT NULL;--> statement-breakpoint
ALTER TABLE "alerts" ALTER COLUMN "mode" DROP DEFAULT;--> statement-breakpoint
UPDATE "alerts" SET "kind" = 'card_testing' WHERE "kind" = 'fraud_signal';--> statement-breakpoint
UPDATE "alerts" SET "kind" = 'disputes_today' WHERE "kind" = 'dispute_rate';--> statement-breakpoint
UPDATE "alerts" SET "kind" = 'webhook_silence' WHERE "kind" = 'webhook_failures';--> statement-breakpoint
-- end hand-written
ALTER TABLE "alerts" ADD COLUMN "scope_key" text DEFAULT 'all' NOT NULL;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "acknowledged_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "snoozed_until" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "alert_rules_mode_idx" ON "alert_rules" USING btree ("merchant_id","mode");--> statement-breakpoint
CREATE INDEX "alerts_mode_opened_idx" ON "alerts" USING btree ("merchant_id","mode","opened_at");--> statement-breakpoint
CREATE UNIQUE INDEX "alerts_one_unresolved_per_scope" ON "alerts" USING btree ("merchant_id","rule_id","scope_key") WHERE "alerts"."status" <> 'resolved';--> statement-breakpoint
CREATE INDEX "payment_events_recorded_idx" ON "payment_events" USING btree ("merchant_id","recorded_at","id");--> statement-breakpoint
ALTER TABLE "alert_rules" DROP COLUMN "threshold";--> statement-breakpoint
ALTER TABLE "alert_rules" DROP COLUMN "window_minutes";--> statement-breakpoint
ALTER TABLE "alert_rules" ADD CONSTRAINT "alert_rules_mode_check" CHECK ("alert_rules"."mode" in ('test','live'));--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_mode_check" CHECK ("alerts"."mode" in ('test','live'));--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_status_check" CHECK ("alerts"."status" in ('open','acknowledged','resolved'));