-- Test and live (issue 15). Columns are added nullable, backfilled, then made NOT NULL.
-- Backfill rules (hand-written; drizzle-kit generated the rest):
--   connections    Sandbox is always test.
--   payments       the mode of the connection that created them (is_test where it is gone).
--   refunds        their payment's mode; disputes likewise.
--   flow_versions  'live' when the merchant has a live connection, else 'test' (a flow's pay
--                  nodes draw on all of the merchant's connections; all-test means a test flow).
--   conversations  simulations 'test'; others their flow version's mode ('test' without one).
UPDATE "connections" SET "mode" = 'test' WHERE "provider" = 'sandbox' AND "mode" <> 'test';--> statement-breakpoint
ALTER TABLE "connections" ADD CONSTRAINT "connections_sandbox_test_check" CHECK ("connections"."provider" <> 'sandbox' or "connections"."mode" = 'test');--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "mode" text;--> statement-breakpoint
UPDATE "payments" p SET "mode" = coalesce(
  (SELECT k."mode" FROM "connections" k WHERE k."merchant_id" = p."merchant_id" AND k."id" = p."connection_id"),
  CASE WHEN p."is_test" THEN 'test' ELSE 'live' END);--> statement-breakpoint
ALTER TABLE "payments" ALTER COLUMN "mode" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "payments" DROP COLUMN "is_test";--> statement-breakpoint
ALTER TABLE "refunds" ADD COLUMN "mode" text;--> statement-breakpoint
UPDATE "refunds" r SET "mode" = coalesce(
  (SELECT p."mode" FROM "payments" p WHERE p."merchant_id" = r."merchant_id" AND p."id" = r."payment_id"),
  'test');--> statement-breakpoint
ALTER TABLE "refunds" ALTER COLUMN "mode" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "disputes" ADD COLUMN "mode" text;--> statement-breakpoint
UPDATE "disputes" d SET "mode" = coalesce(
  (SELECT p."mode" FROM "payments" p WHERE p."merchant_id" = d."merchant_id" AND p."id" = d."payment_id"),
  (SELECT k."mode" FROM "connections" k WHERE k."merchant_id" = d."merchant_id" AND k."id" = d."connection_id"),
  'test');--> statement-breakpoint
ALTER TABLE "disputes" ALTER COLUMN "mode" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "flow_versions" ADD COLUMN "mode" text;--> statement-breakpoint
UPDATE "flow_versions" v SET "mode" = CASE WHEN EXISTS (
  SELECT 1 FROM "connections" k WHERE k."merchant_id" = v."merchant_id" AND k."mode" = 'live')
  THEN 'live' ELSE 'test' END;--> statement-breakpoint
ALTER TABLE "flow_versions" ALTER COLUMN "mode" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "conversations" ADD COLUMN "mode" text;--> statement-breakpoint
UPDATE "conversations" c SET "mode" = CASE WHEN c."is_simulation" THEN 'test' ELSE coalesce(
  (SELECT v."mode" FROM "flow_versions" v WHERE v."merchant_id" = c."merchant_id" AND v."id" = c."flow_version_id"),
  'test') END;--> statement-breakpoint
ALTER TABLE "conversations" ALTER COLUMN "mode" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "conversations" ADD CONSTRAINT "conversations_mode_check" CHECK ("conversations"."mode" in ('test','live'));--> statement-breakpoint
ALTER TABLE "conversations" ADD CONSTRAINT "conversations_simulation_test_check" CHECK (not "conversations"."is_simulation" or "conversations"."mode" = 'test');--> statement-breakpoint
ALTER TABLE "disputes" ADD CONSTRAINT "disputes_mode_check" CHECK ("disputes"."mode" in ('test','live'));--> statement-breakpoint
ALTER TABLE "flow_versions" ADD CONSTRAINT "flow_versions_mode_check" CHECK ("flow_versions"."mode" in ('test','live'));--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_mode_check" CHECK ("payments"."mode" in ('test','live'));--> statement-breakpoint
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_mode_check" CHECK ("refunds"."mode" in ('test','live'));
