CREATE TABLE "refund_limits" (
	"merchant_id" text NOT NULL,
	"role" text NOT NULL,
	"currency" text NOT NULL,
	"limit_minor" bigint NOT NULL,
	"updated_by_user_id" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "refund_limits_merchant_id_role_currency_pk" PRIMARY KEY("merchant_id","role","currency"),
	CONSTRAINT "refund_limits_role_check" CHECK ("refund_limits"."role" in ('admin','support')),
	CONSTRAINT "refund_limits_amount_check" CHECK ("refund_limits"."limit_minor" >= 0),
	CONSTRAINT "refund_limits_currency_check" CHECK ("refund_limits"."currency" ~ '^[A-Z]{3}$')
);
--> statement-breakpoint
CREATE TABLE "refund_requests" (
	"merchant_id" text NOT NULL,
	"id" text NOT NULL,
	"payment_id" text NOT NULL,
	"mode" text NOT NULL,
	"amount_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"reason_code" text NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"idempotency_key" text NOT NULL,
	"requested_by_user_id" text,
	"requested_by_email" text NOT NULL,
	"decided_by_user_id" text,
	"decided_by_email" text,
	"decided_at" timestamp with time zone,
	"decision_note" text,
	"refund_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "refund_requests_merchant_id_id_pk" PRIMARY KEY("merchant_id","id"),
	CONSTRAINT "refund_requests_amount_check" CHECK ("refund_requests"."amount_minor" > 0),
	CONSTRAINT "refund_requests_status_check" CHECK ("refund_requests"."status" in ('pending','approved','declined','failed')),
	CONSTRAINT "refund_requests_mode_check" CHECK ("refund_requests"."mode" in ('test','live'))
);
--> statement-breakpoint
ALTER TABLE "refund_limits" ADD CONSTRAINT "refund_limits_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "refund_limits" ADD CONSTRAINT "refund_limits_updated_by_user_id_users_id_fk" FOREIGN KEY ("updated_by_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "refund_requests" ADD CONSTRAINT "refund_requests_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "refund_requests" ADD CONSTRAINT "refund_requests_requested_by_user_id_users_id_fk" FOREIGN KEY ("requested_by_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "refund_requests" ADD CONSTRAINT "refund_requests_decided_by_user_id_users_id_fk" FOREIGN KEY ("decided_by_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "refund_requests_idempotency_key" ON "refund_requests" USING btree ("merchant_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "refund_requests_status_idx" ON "refund_requests" USING btree ("merchant_id","mode","status","created_at");--> statement-breakpoint
CREATE INDEX "refund_requests_payment_idx" ON "refund_requests" USING btree ("merchant_id","payment_id");