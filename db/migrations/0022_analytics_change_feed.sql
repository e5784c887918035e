CREATE TABLE "analytics_changes" (
	"merchant_id" text NOT NULL,
	"id" bigint GENERATED ALWAYS AS IDENTITY (sequence name "analytics_changes_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"mode" text NOT NULL,
	"day" date NOT NULL,
	CONSTRAINT "analytics_changes_pk" PRIMARY KEY("merchant_id","id"),
	CONSTRAINT "analytics_changes_mode_check" CHECK ("analytics_changes"."mode" in ('test','live'))
);
--> statement-breakpoint
ALTER TABLE "analytics_changes" ADD CONSTRAINT "analytics_changes_merchant_id_merchants_id_fk" FOREIGN KEY ("merchant_id") REFERENCES "public"."merchants"("id") ON DELETE cascade ON UPDATE no action;

-- The change feed's writers: after every statement on a fact table, the (merchant, mode, local
-- day) buckets its rows touched (old and new) go into analytics_changes, in the same
-- transaction. Statement-level with transition tables, so a bulk COPY adds one insert, not one
-- per row. The day is cut in the merchant's time zone, as the rollups are.
--> statement-breakpoint
CREATE FUNCTION "analytics_note_payments"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO analytics_changes (merchant_id, mode, day)
    SELECT DISTINCT b.merchant_id, b.mode, (b.at AT TIME ZONE m.timezone)::date FROM (
      SELECT p.merchant_id, p.mode, p.created_at AS at FROM new_rows p
      UNION ALL
      SELECT c.merchant_id, c.mode, c.started_at FROM new_rows p
        JOIN conversations c ON c.merchant_id = p.merchant_id AND c.id = p.conversation_id
    ) b JOIN merchants m ON m.id = b.merchant_id;
  END IF;
  IF TG_OP <> 'INSERT' THEN
    INSERT INTO analytics_changes (merchant_id, mode, day)
    SELECT DISTINCT b.merchant_id, b.mode, (b.at AT TIME ZONE m.timezone)::date FROM (
      SELECT p.merchant_id, p.mode, p.created_at AS at FROM old_rows p
      UNION ALL
      SELECT c.merchant_id, c.mode, c.started_at FROM old_rows p
        JOIN conversations c ON c.merchant_id = p.merchant_id AND c.id = p.conversation_id
    ) b JOIN merchants m ON m.id = b.merchant_id;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "payments_analytics_insert" AFTER INSERT ON "payments" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "analytics_note_payments"();
--> statement-breakpoint
CREATE TRIGGER "payments_analytics_update" AFTER UPDATE ON "payments" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "analytics_note_payments"();
--> statement-breakpoint
CREATE TRIGGER "payments_analytics_delete" AFTER DELETE ON "payments" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "analytics_note_payments"();
--> statement-breakpoint
CREATE FUNCTION "analytics_note_refunds"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO analytics_changes (merchant_id, mode, day)
    SELECT DISTINCT b.merchant_id, b.mode, (b.at AT TIME ZONE m.timezone)::date FROM (
      SELECT p.merchant_id, p.mode, p.created_at AS at FROM new_rows r
        JOIN payments p ON p.merchant_id = r.merchant_id AND p.id = r.payment_id
    ) b JOIN merchants m ON m.id = b.merchant_id;
  END IF;
  IF TG_OP <> 'INSERT' THEN
    INSERT INTO analytics_changes (merchant_id, mode, day)
    SELECT DISTINCT b.merchant_id, b.mode, (b.at AT TIME ZONE m.timezone)::date FROM (
      SELECT p.merchant_id, p.mode, p.created_at AS at FROM old_rows r
        JOIN payments p ON p.merchant_id = r.merchant_id AND p.id = r.payment_id
    ) b JOIN merchants m ON m.id = b.merchant_id;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "refunds_analytics_insert" AFTER INSERT ON "refunds" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "analytics_note_refunds"();
--> statement-breakpoint
CREATE TRIGGER "refunds_analytics_update" AFTER UPDATE ON "refunds" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "analytics_note_refunds"();
--> statement-breakpoint
CREATE TRIGGER "refunds_analytics_delete" AFTER DELETE ON "refunds" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "analytics_note_refunds"();
--> statement-breakpoint
CREATE FUNCTION "analytics_note_disputes"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO analytics_changes (merchant_id, mode, day)
    SELECT DISTINCT b.merchant_id, b.mode, (b.at AT TIME ZONE m.timezone)::date FROM (
      SELECT p.merchant_id, p.mode, p.created_at AS at FROM new_rows d
        JOIN payments p ON p.merchant_id = d.merchant_id AND p.id = d.payment_id
    ) b JOIN merchants m ON m.id = b.merchant_id;
  END IF;
  IF TG_OP <> 'INSERT' THEN
    INSERT INTO analytics_changes (merchant_id, mode, day)
    SELECT DISTINCT b.merchant_id, b.mode, (b.at AT TIME ZONE m.timezone)::date FROM (
      SELECT p.merchant_id, p.mode, p.created_at AS at FROM old_rows d
        JOIN payments p ON p.merchant_id = d.merchant_id AND p.id = d.payment_id
    ) b JOIN merchants m ON m.id = b.merchant_id;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "disputes_analytics_insert" AFTER INSERT ON "disputes" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "analytics_note_disputes"();
--> statement-breakpoint
CREATE TRIGGER "disputes_analytics_update" AFTER UPDATE ON "disputes" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "analytics_note_disputes"();
--> statement-breakpoint
CREATE TRIGGER "disputes_analytics_delete" AFTER DELETE ON "disputes" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "analytics_note_disputes"();
--> statement-breakpoint
CREATE FUNCTION "analytics_note_conversations"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO analytics_changes (merchant_id, mode, day)
    SELECT DISTINCT b.merchant_id, b.mode, (b.at AT TIME ZONE m.timezone)::date FROM (
      SELECT c.merchant_id, c.mode, c.started_at AS at FROM new_rows c
    ) b JOIN merchants m ON m.id = b.merchant_id;
  END IF;
  IF TG_OP <> 'INSERT' THEN
    INSERT INTO analytics_changes (merchant_id, mode, day)
    SELECT DISTINCT b.merchant_id, b.mode, (b.at AT TIME ZONE m.timezone)::date FROM (
      SELECT c.merchant_id, c.mode, c.started_at AS at FROM old_rows c
    ) b JOIN merchants m ON m.id = b.merchant_id;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "conversations_analytics_insert" AFTER INSERT ON "conversations" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "analytics_note_conversations"();
--> statement-breakpoint
CREATE TRIGGER "conversations_analytics_update" AFTER UPDATE ON "conversations" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "analytics_note_conversations"();
--> statement-breakpoint
CREATE TRIGGER "conversations_analytics_delete" AFTER DELETE ON "conversations" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "analytics_note_conversations"();
--> statement-breakpoint
CREATE FUNCTION "analytics_note_conversation_events"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO analytics_changes (merchant_id, mode, day)
    SELECT DISTINCT b.merchant_id, b.mode, (b.at AT TIME ZONE m.timezone)::date FROM (
      SELECT c.merchant_id, c.mode, c.started_at AS at FROM new_rows e
        JOIN conversations c ON c.merchant_id = e.merchant_id AND c.id = e.conversation_id
    ) b JOIN merchants m ON m.id = b.merchant_id;
  END IF;
  IF TG_OP <> 'INSERT' THEN
    INSERT INTO analytics_changes (merchant_id, mode, day)
    SELECT DISTINCT b.merchant_id, b.mode, (b.at AT TIME ZONE m.timezone)::date FROM (
      SELECT c.merchant_id, c.mode, c.started_at AS at FROM old_rows e
        JOIN conversations c ON c.merchant_id = e.merchant_id AND c.id = e.conversation_id
    ) b JOIN merchants m ON m.id = b.merchant_id;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "conversation_events_analytics_insert" AFTER INSERT ON "conversation_events" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "analytics_note_conversation_events"();
--> statement-breakpoint
CREATE TRIGGER "conversation_events_analytics_update" AFTER UPDATE ON "conversation_events" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "analytics_note_conversation_events"();
--> statement-breakpoint
CREATE TRIGGER "conversation_events_analytics_delete" AFTER DELETE ON "conversation_events" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "analytics_note_conversation_events"();
--> statement-breakpoint
-- Hand-over from the updated_at watermark: everything the old job would still have re-read
-- (10 minutes before each merchant's watermark) becomes a change to claim.
INSERT INTO analytics_changes (merchant_id, mode, day)
SELECT DISTINCT b.merchant_id, b.mode, (b.at AT TIME ZONE m.timezone)::date FROM (
  SELECT p.merchant_id, p.mode, p.created_at AS at, p.updated_at AS touched FROM payments p
  UNION ALL
  SELECT c.merchant_id, c.mode, c.started_at, p.updated_at FROM payments p
    JOIN conversations c ON c.merchant_id = p.merchant_id AND c.id = p.conversation_id
  UNION ALL
  SELECT p.merchant_id, p.mode, p.created_at, r.updated_at FROM refunds r
    JOIN payments p ON p.merchant_id = r.merchant_id AND p.id = r.payment_id
  UNION ALL
  SELECT p.merchant_id, p.mode, p.created_at, d.updated_at FROM disputes d
    JOIN payments p ON p.merchant_id = d.merchant_id AND p.id = d.payment_id
  UNION ALL
  SELECT c.merchant_id, c.mode, c.started_at, c.updated_at FROM conversations c
) b
JOIN merchants m ON m.id = b.merchant_id
JOIN analytics_watermarks w ON w.merchant_id = b.merchant_id
WHERE b.touched >= w.through - interval '10 minutes';
