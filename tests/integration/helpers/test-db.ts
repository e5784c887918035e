import { openPglite, openPostgres, type DbHandle } from "@/db/client";
import { randomBase62 } from "@/lib/ids";
import pg from "pg";

// Integration tests run on both engines Parley supports: an in-memory PGlite and a fresh
// database of its own on a real Postgres server (PARLEY_TEST_PG_URL, the admin connection).
export type Engine = "pglite" | "postgres";

export const ENGINES: Engine[] = (process.env.PARLEY_TEST_ENGINES ?? "pglite,postgres")
  .split(",")
  .map((e) => e.trim())
  .filter((e): e is Engine => e === "pglite" || e === "postgres");

export const ADMIN_PG_URL =
  process.env.PARLEY_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** A migrated, empty database; close() also drops a Postgres test database. */
export async function openTestDatabase(engine: Engine = "pglite"): Promise<DbHandle> {
  if (engine === "pglite") {
    const handle = openPglite();
    await handle.migrate();
    return handle;
  }
  const name = `parley_t_${randomBase62(10).toLowerCase()}`;
  const admin = new pg.Client({ connectionString: ADMIN_PG_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(ADMIN_PG_URL);
  url.pathname = `/${name}`;
  const handle = openPostgres(url.toString(), 5);
  await handle.migrate();
  return {
    ...handle,
    close: async () => {
      await handle.close();
      const cleanup = new pg.Client({ connectionString: ADMIN_PG_URL });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}
