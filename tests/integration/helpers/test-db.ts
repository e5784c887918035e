import { createFreshDatabase, LOCAL_ADMIN_PG_URL } from "@/db/admin";
import { openPglite, openPostgres, type DbHandle } from "@/db/client";
import { pgbouncerFor } from "./pgbouncer";

// Integration tests run on both engines Parley supports: an in-memory PGlite and a fresh
// database of its own on a real Postgres server (PARLEY_TEST_PG_URL, the admin connection).
// A third, "pgbouncer", is that Postgres database reached through a PgBouncer in transaction
// mode (helpers/pgbouncer.ts) with Parley set up as PARLEY_DB_POOLER=transaction sets it up:
// statements unnamed, LISTEN and migrations on the direct connection. npm test runs a chosen
// set of files on it (scripts/test.ts).
export type Engine = "pglite" | "postgres" | "pgbouncer";
const KNOWN_ENGINES: readonly string[] = ["pglite", "postgres", "pgbouncer"];

export const ENGINES: Engine[] = (process.env.PARLEY_TEST_ENGINES ?? "pglite,postgres")
  .split(",")
  .map((e) => e.trim())
  .filter((e): e is Engine => KNOWN_ENGINES.includes(e));

export const ADMIN_PG_URL = process.env.PARLEY_TEST_PG_URL ?? LOCAL_ADMIN_PG_URL;

/** A migrated, empty database; close() also drops a Postgres test database. */
export async function openTestDatabase(engine: Engine = "pglite"): Promise<DbHandle> {
  if (engine === "pglite") {
    const handle = openPglite();
    await handle.migrate();
    return handle;
  }
  const database = await createFreshDatabase(ADMIN_PG_URL, "parley_t");
  let handle: DbHandle;
  if (engine === "pgbouncer") {
    const bouncer = await pgbouncerFor(ADMIN_PG_URL);
    // Migrations go over the direct connection, as `npm run db:migrate` does behind a pooler.
    const direct = openPostgres(database.url, 1);
    await direct.migrate();
    await direct.close();
    handle = openPostgres(bouncer.urlFor(database.url), 5, {
      directUrl: database.url,
      namedStatements: false,
    });
  } else {
    handle = openPostgres(database.url, 5);
    await handle.migrate();
  }
  return {
    ...handle,
    close: async () => {
      await handle.close();
      await database.drop();
    },
  };
}
