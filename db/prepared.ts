// Hot statements run as named prepared statements: Postgres parses and plans each once per
// connection instead of once per call (planning these CTEs costs more than running them).
// Drizzle names the statements of its query builders but not raw SQL, so a statement goes to the
// session itself, which runs it on the transaction's own connection when given a transaction.
// node-postgres prepares a statement that carries a name; PGlite ignores the name. The name is a
// hash of the text, so one name always means one text on every connection.
import { createHash } from "node:crypto";
import type { DbOrTx } from "./client";

const names = new Map<string, string>();

export function preparedStatementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `parley_${createHash("sha256").update(text).digest("hex").slice(0, 20)}`;
    names.set(text, name);
  }
  return name;
}

/** Runs `text` with `params` as a named prepared statement; the driver's raw result. */
export function runPrepared(db: DbOrTx, text: string, params: unknown[]): Promise<unknown> {
  return db._.session
    .prepareQuery({ sql: text, params }, undefined, preparedStatementName(text), false)
    .execute();
}
