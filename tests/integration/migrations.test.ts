import type { DbHandle } from "@/db/client";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES, openTestDatabase } from "./helpers/test-db";

describe.each(ENGINES)("migrations on %s", (engine) => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await openTestDatabase(engine);
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("apply from zero and create the whole domain", async () => {
    const result = await handle.db.execute(
      sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
    );
    const tables = result.rows.map((r) => (r as { table_name: string }).table_name);
    for (const table of [
      "merchants",
      "users",
      "memberships",
      "invites",
      "connections",
      "flows",
      "flow_versions",
      "conversations",
      "conversation_events",
      "payments",
      "payment_events",
      "webhook_inbox",
      "refunds",
      "disputes",
      "dispute_evidence",
      "alerts",
      "audit_log",
      "jobs",
    ]) {
      expect(tables).toContain(table);
    }
  });

  it("starts every merchant-owned primary key and unique index with merchant_id", async () => {
    const result = await handle.db.execute(sql`
      select t.relname as table_name, i.relname as index_name,
             (select a.attname from pg_attribute a where a.attrelid = t.oid and a.attnum = ix.indkey[0]) as first_column,
             ix.indisunique as is_unique
      from pg_index ix
      join pg_class t on t.oid = ix.indrelid
      join pg_class i on i.oid = ix.indexrelid
      join pg_namespace n on n.oid = t.relnamespace
      where n.nspname = 'public' and ix.indisunique`);
    const rows = result.rows as { table_name: string; index_name: string; first_column: string }[];
    const merchantOwned = new Set([
      "memberships",
      "connections",
      "flows",
      "flow_versions",
      "channels",
      "conversations",
      "conversation_messages",
      "conversation_events",
      "payments",
      "payment_events",
      "webhook_inbox",
      "refunds",
      "disputes",
      "dispute_evidence",
      "alert_rules",
      "alerts",
      "audit_log",
      "jobs",
      "invites",
    ]);
    // Globally unique by design: a token hash and a flow's public key are looked up without a merchant.
    const globalByDesign = new Set(["invites_token_hash_key", "flows_public_key_key"]);
    const offenders = rows.filter(
      (r) =>
        merchantOwned.has(r.table_name) &&
        !globalByDesign.has(r.index_name) &&
        r.first_column !== "merchant_id",
    );
    expect(offenders).toEqual([]);
    expect(rows.filter((r) => merchantOwned.has(r.table_name)).length).toBeGreaterThan(20);
  });

  it("re-running migrations is a no-op", async () => {
    await expect(handle.migrate()).resolves.toBeUndefined();
  });
});
