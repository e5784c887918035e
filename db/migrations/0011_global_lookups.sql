CREATE TABLE "global_lookups" (
	"kind" text NOT NULL,
	"lookup_key" text NOT NULL,
	"merchant_id" text NOT NULL,
	"target_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "global_lookups_kind_lookup_key_pk" PRIMARY KEY("kind","lookup_key"),
	CONSTRAINT "global_lookups_kind_check" CHECK ("global_lookups"."kind" in ('invite_token','flow_public_key'))
);
--> statement-breakpoint
CREATE TABLE "rate_limit_windows" (
	"key" text PRIMARY KEY NOT NULL,
	"window_ends_at" timestamp with time zone NOT NULL,
	"hits" integer NOT NULL
);
--> statement-breakpoint
DROP INDEX "invites_token_hash_key";--> statement-breakpoint
DROP INDEX "flows_public_key_key";--> statement-breakpoint
ALTER TABLE "global_lookups" ADD CONSTRAINT "global_lookups_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- hand-written: every existing invite token and flow public key gets its lookup row (they were
-- unique on their own until now, so no two rows claim one key).
INSERT INTO "global_lookups" ("kind", "lookup_key", "merchant_id", "target_id", "created_at")
SELECT 'invite_token', "token_hash", "merchant_id", "id", "created_at" FROM "invites";--> statement-breakpoint
INSERT INTO "global_lookups" ("kind", "lookup_key", "merchant_id", "target_id", "created_at")
SELECT 'flow_public_key', "public_key", "merchant_id", "id", "created_at" FROM "flows";
