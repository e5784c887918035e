import { createFreshDatabase, LOCAL_ADMIN_PG_URL } from "@/db/admin";
import { openPglite, openPostgres, type DbHandle } from "@/db/client";

// Integration tests run on both engines Parley supports: an in-memory PGlite and a fresh
// database of its own on a real Postgres server (PARLEY_TEST_PG_URL, the admin connection).
export type Engine = "pglite" | "postgres";

export const ENGINES: Engine[] = (process.env.PARLEY_TEST_ENGINES ?? "pglite,postgres")
  .split(",")
  .map((e) => e.trim())
  .filter((e): e is Engine => e === "pglite" || e === "postgres");

export const ADMIN_PG_URL = process.env.PARLEY_TEST_PG_URL ?? LOCAL_ADMIN_PG_URL;

/** A migrated, empty database; close() also drops a Postgres test database. */
export async function openTestDatabase(engine: Engine = "pglite"): Promise<DbHandle> {
  if (engine === "pglite") {
    const handle = openPglite();
    await handle.migrate();
    return handle;
  }
  const database = await createFreshDatabase(ADMIN_PG_URL, "parley_t");
  const handle = openPostgres(database.url, 5);
  await handle.migrate();
  return {
    ...handle,
    close: async () => {
      await handle.close();
      await database.drop();
    },
  };
}
