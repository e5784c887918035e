// The statements every chat message sends are prepared once per connection instead of parsed
// and planned each time: planning the step's read costs Postgres about four times what running
// it does. node-postgres prepares a statement that carries a name; the name here is a hash of
// the text, so one text always has one name (a name reused for another text is an error).
// Inside a transaction, and on PGlite, statements run as usual.
import type { DbOrTx } from "@/db/client";
import { type SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { createHash } from "node:crypto";
import pg from "pg";

const dialect = new PgDialect();

/** Texts seen so far and their names; a bound keeps a stream of odd texts from growing it. */
const names = new Map<string, string>();
const MAX_NAMED_TEXTS = 500;

function nameOf(text: string): string | undefined {
  let name = names.get(text);
  if (name === undefined && names.size < MAX_NAMED_TEXTS) {
    name = `conv_${createHash("sha1").update(text).digest("hex").slice(0, 20)}`;
    names.set(text, name);
  }
  return name;
}

function poolOf(db: DbOrTx): pg.Pool | undefined {
  const client = (db as { $client?: unknown }).$client;
  return client instanceof pg.Pool ? client : undefined;
}

/** Runs a statement (prepared on Postgres's pool) and returns its rows, as the driver parsed them. */
export async function queryRows<T extends Record<string, unknown>>(
  db: DbOrTx,
  statement: SQL,
): Promise<T[]> {
  const pool = poolOf(db);
  if (!pool) return (await db.execute<T>(statement)).rows as T[];
  const { sql: text, params } = dialect.sqlToQuery(statement);
  const result = await pool.query<T>({ name: nameOf(text), text, values: params });
  return result.rows;
}
