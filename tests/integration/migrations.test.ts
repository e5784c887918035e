import type { DbHandle } from "@/db/client";
import * as schema from "@/db/schema";
import { REFERENCE_TABLES } from "@/db/schema";
import { is, sql } from "drizzle-orm";
import { getTableConfig, PgTable } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES, openTestDatabase } from "./helpers/test-db";

// Every table the schema declares, read from drizzle's table config (nothing listed by hand).
const SCHEMA_TABLES = (Object.values(schema) as unknown[])
  .filter((value): value is PgTable => is(value, PgTable))
  .map((table) => ({ table, config: getTableConfig(table) }));
const REFERENCE_NAMES = new Set(REFERENCE_TABLES.map((t) => getTableConfig(t).name));
// Merchant-owned = has a merchant_id column and is not a reference table (replicated, not
// sharded, in a distributed deployment): those are sharded by merchant_id, so each of their
// primary keys and unique indexes must lead with it.
const MERCHANT_OWNED = SCHEMA_TABLES.filter(
  ({ config }) =>
    config.columns.some((c) => c.name === "merchant_id") && !REFERENCE_NAMES.has(config.name),
).map(({ config }) => config.name);

describe.each(ENGINES)("migrations on %s", (engine) => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await openTestDatabase(engine);
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("apply from zero and create every table of the schema", async () => {
    const result = await handle.db.execute(
      sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
    );
    const tables = result.rows.map((r) => (r as { table_name: string }).table_name);
    expect(SCHEMA_TABLES.length).toBeGreaterThan(25);
    for (const { config } of SCHEMA_TABLES) expect(tables).toContain(config.name);
  });

  it("starts every merchant-owned primary key and unique index with merchant_id", async () => {
    // Read from the migrated database (what the migrations made), not from the schema.
    const result = await handle.db.execute(sql`
      select t.relname as table_name, i.relname as index_name,
             (select a.attname from pg_attribute a where a.attrelid = t.oid and a.attnum = ix.indkey[0]) as first_column
      from pg_index ix
      join pg_class t on t.oid = ix.indrelid
      join pg_class i on i.oid = ix.indexrelid
      join pg_namespace n on n.oid = t.relnamespace
      where n.nspname = 'public' and ix.indisunique`);
    const rows = result.rows as { table_name: string; index_name: string; first_column: string }[];
    const merchantOwned = new Set(MERCHANT_OWNED);
    const offenders = rows.filter(
      (r) => merchantOwned.has(r.table_name) && r.first_column !== "merchant_id",
    );
    expect(offenders).toEqual([]);
    // The check saw the tables it is about: invites and flows are among them, every one has a key.
    expect(MERCHANT_OWNED).toEqual(expect.arrayContaining(["invites", "flows", "payments"]));
    for (const table of MERCHANT_OWNED)
      expect(
        rows.some((r) => r.table_name === table),
        table,
      ).toBe(true);
  });

  it("keeps the global lookups in the one reference table, keyed by kind and key", async () => {
    expect([...REFERENCE_NAMES]).toEqual(["global_lookups"]);
    const result = await handle.db.execute(sql`
      select pg_get_indexdef(ix.indexrelid) as def
      from pg_index ix join pg_class t on t.oid = ix.indrelid
      where t.relname = 'global_lookups' and ix.indisunique`);
    const defs = result.rows.map((r) => String((r as { def: string }).def));
    expect(defs).toHaveLength(1);
    expect(defs[0]).toMatch(/\(kind, lookup_key\)/);
  });

  it("re-running migrations is a no-op", async () => {
    await expect(handle.migrate()).resolves.toBeUndefined();
  });
});
