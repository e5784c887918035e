CREATE TABLE "notifications" (
	"merchant_id" text NOT NULL,
	"id" text NOT NULL,
	"user_id" text NOT NULL,
	"mode" text NOT NULL,
	"kind" text NOT NULL,
	"subject_id" text NOT NULL,
	"dedupe_key" text NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"href" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"read_at" timestamp with time zone,
	CONSTRAINT "notifications_merchant_id_id_pk" PRIMARY KEY("merchant_id","id"),
	CONSTRAINT "notifications_mode_check" CHECK ("notifications"."mode" in ('test','live'))
);
--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "notifications_dedupe_key" ON "notifications" USING btree ("merchant_id","user_id","dedupe_key");--> statement-breakpoint
CREATE INDEX "notifications_user_idx" ON "notifications" USING btree ("merchant_id","user_id","mode","created_at");--> statement-breakpoint
CREATE INDEX "notifications_unread_idx" ON "notifications" USING btree ("merchant_id","user_id","mode") WHERE "notifications"."read_at" is null;--> statement-breakpoint
CREATE INDEX "disputes_awaiting_due_idx" ON "disputes" USING btree ("due_by") WHERE "disputes"."status" = 'needs_response';