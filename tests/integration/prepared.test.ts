// db/prepared.ts is the one adapter onto drizzle internals (the session's prepareQuery, since
// drizzle has no public way to name raw SQL). These tests pin what the hot paths rely on, so a
// drizzle upgrade that changes it fails here rather than in production: rows come back as
// objects keyed by column name, a statement given a transaction runs on that transaction's
// connection, and on Postgres the statement is prepared under its name and reused.
import type { DbHandle } from "@/db/client";
import { preparedStatementName, runPrepared, runPreparedSql } from "@/db/prepared";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES, openTestDatabase } from "./helpers/test-db";

describe.each(ENGINES)("named prepared statements on %s", (engine) => {
  let handle: DbHandle;

  beforeAll(async () => {
    handle = await openTestDatabase(engine);
  });

  afterAll(async () => {
    await handle.close();
  });

  it("returns rows as objects keyed by column name, with parameters bound", async () => {
    const rows = await runPrepared(handle.db, "select $1::text as word, $2::int as n", ["hi", 2]);
    expect(rows).toEqual([{ word: "hi", n: 2 }]);
    const typed = await runPreparedSql<{ word: string }>(
      handle.db,
      sql`select ${"there"}::text as word`,
    );
    expect(typed).toEqual([{ word: "there" }]);
  });

  it("keeps timestamptz as text and parses jsonb, the forms db/rows.ts decodes", async () => {
    const [row] = await runPrepared(
      handle.db,
      `select '2026-12-01T10:00:00Z'::timestamptz as at, '{"a":1}'::jsonb as doc`,
      [],
    );
    expect(typeof row.at).toBe("string");
    expect(new Date(row.at as string).toISOString()).toBe("2026-12-01T10:00:00.000Z");
    expect(row.doc).toEqual({ a: 1 });
  });

  it("runs on the transaction's own connection when given a transaction", async () => {
    await handle.db.transaction(async (tx) => {
      await tx.execute(sql`create temporary table prepared_probe (v text) on commit drop`);
      await tx.execute(sql`insert into prepared_probe values ('seen')`);
      const rows = await runPrepared(tx, "select v from prepared_probe", []);
      expect(rows).toEqual([{ v: "seen" }]);
    });
  });

  it.runIf(engine === "postgres")(
    "prepares the statement under its name on that connection",
    async () => {
      const text = "select $1::text as probe_named";
      await handle.db.transaction(async (tx) => {
        await runPrepared(tx, text, ["a"]);
        await runPrepared(tx, text, ["b"]);
        const prepared = await tx.execute<{ name: string; statement: string }>(
          sql`select name, statement from pg_prepared_statements where name = ${preparedStatementName(text)}`,
        );
        expect(prepared.rows).toEqual([{ name: preparedStatementName(text), statement: text }]);
      });
    },
  );
});

// Behind PgBouncer in transaction mode (1.18: no prepared statements across transactions) the
// pool is marked for unnamed statements: a hot statement run many times, each in its own
// transaction and so on whichever server connection the bouncer picks, always works, and
// nothing is left prepared under its name.
describe.runIf(ENGINES.includes("pgbouncer"))("statements behind pgbouncer", () => {
  let handle: DbHandle;

  beforeAll(async () => {
    handle = await openTestDatabase("pgbouncer");
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("runs the hot statements unnamed, in any number of transactions on any connection", async () => {
    const text = "select $1::int as probe_unnamed, pg_backend_pid() as pid";
    const runs = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        handle.db.transaction(async (tx) => (await runPrepared(tx, text, [i]))[0]),
      ),
    );
    expect(runs.map((r) => r.probe_unnamed)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    const prepared = await handle.db.execute<{ n: number }>(
      sql`select count(*)::int as n from pg_prepared_statements where name = ${preparedStatementName(text)}`,
    );
    expect(prepared.rows[0].n).toBe(0);
  });
});
