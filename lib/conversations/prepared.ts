// The statements every chat message sends are prepared once per connection instead of parsed
// and planned each time: planning the step's read cost Postgres about four times what running
// it does. Drizzle names the statements of its query builders but not raw SQL, so a statement
// goes to the session itself (a transaction's session runs it on that transaction's
// connection); node-postgres prepares a statement that carries a name, PGlite ignores it. The
// name is a hash of the text: one text always has one name, as a connection requires.
// (lib/payments/named-statements.ts does the same for the webhook path.)
import type { DbOrTx } from "@/db/client";
import type { SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { createHash } from "node:crypto";

const dialect = new PgDialect();
const names = new Map<string, string>();

function nameOf(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `conv_${createHash("sha256").update(text).digest("hex").slice(0, 20)}`;
    names.set(text, name);
  }
  return name;
}

/** Runs a statement as a named prepared statement and returns its rows as the driver parsed them. */
export async function queryRows<T extends Record<string, unknown>>(
  db: DbOrTx,
  statement: SQL,
): Promise<T[]> {
  const { sql: text, params } = dialect.sqlToQuery(statement);
  const query = db._.session.prepareQuery({ sql: text, params }, undefined, nameOf(text), false);
  return ((await query.execute()) as { rows: T[] }).rows;
}
