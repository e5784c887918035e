// The statements every chat message sends are prepared once per connection (db/prepared.ts):
// planning the step's read cost Postgres about four times what running it does.
import type { DbOrTx } from "@/db/client";
import { runPrepared } from "@/db/prepared";
import type { SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";

const dialect = new PgDialect();

/** Runs a statement as a named prepared statement and returns its rows as the driver parsed them. */
export async function queryRows<T extends Record<string, unknown>>(
  db: DbOrTx,
  statement: SQL,
): Promise<T[]> {
  const { sql: text, params } = dialect.sqlToQuery(statement);
  return ((await runPrepared(db, text, params)) as { rows: T[] }).rows;
}
