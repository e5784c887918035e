import { randomBase62 } from "@/lib/ids";
import pg from "pg";

// Throwaway databases on a Postgres server, made through its admin connection: the test script,
// the integration tests and the benches each run on a fresh database they drop afterwards.

/** A local server with trust auth; callers let PARLEY_TEST_PG_URL override it. */
export const LOCAL_ADMIN_PG_URL = "postgres://postgres@127.0.0.1:5432/postgres";

export interface FreshDatabase {
  name: string;
  url: string;
  /** Drops the database, closing any connection still open on it. */
  drop(): Promise<void>;
}

/** One admin connection for the length of `work`, always closed. */
export async function withAdminClient<T>(
  adminUrl: string,
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** An empty database named `<prefix>_<random>` on the admin connection's server. */
export async function createFreshDatabase(
  adminUrl: string,
  prefix: string,
): Promise<FreshDatabase> {
  // The name goes into DDL unquoted, so it must be a plain lower-case identifier.
  if (!/^[a-z_][a-z0-9_]*$/.test(prefix)) throw new Error(`bad database prefix: ${prefix}`);
  const name = `${prefix}_${randomBase62(10).toLowerCase()}`;
  await withAdminClient(adminUrl, (admin) => admin.query(`create database ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: async () => {
      await withAdminClient(adminUrl, (admin) =>
        admin.query(`drop database if exists ${name} with (force)`),
      );
    },
  };
}
