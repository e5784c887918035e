// Hot statements run as named prepared statements: Postgres parses and plans each once per
// connection instead of once per call (planning these CTEs costs more than running them).
//
// The one adapter onto drizzle internals. Drizzle names the statements of its query builders
// (`.prepare(name)`) but offers no public way to name raw SQL: `db.execute` prepares unnamed, and
// the raw client (`db.$client`, or the pool db/client.ts creates) is not the connection a
// transaction runs on. So a statement goes to the session itself (`db._.session.prepareQuery`),
// which runs it on the transaction's own connection when given a transaction. node-postgres
// prepares a statement that carries a name; PGlite ignores the name.
// tests/integration/prepared.test.ts pins what this relies on (the name reaches Postgres, on the transaction's connection, and rows
// come back as objects keyed by column name on both drivers), so a drizzle upgrade that changes
// it fails there first.
//
// The name is a hash of the text, so one name always means one text on every connection.
//
// Behind a pooler in transaction mode (PgBouncer before 1.21, or without max_prepared_statements)
// consecutive transactions of one client land on different server connections, where a statement
// prepared on another does not exist: db/client.ts then marks the pool, and its statements go
// unnamed (parsed and planned per call, as drizzle's own queries are) — PARLEY_DB_POOLER.
import type { SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { createHash } from "node:crypto";
import type { DbOrTx } from "./client";
import { resultRows } from "./rows";

const names = new Map<string, string>();

// Pools (and each connection they open) whose statements must not be named.
const unnamedSessions = new WeakSet<object>();

/** Every statement through this pool runs unnamed (a transaction-mode pooler is in between). */
export function runUnnamedOn(pool: {
  on(event: "connect", listener: (client: object) => void): unknown;
}): void {
  unnamedSessions.add(pool);
  pool.on("connect", (client) => unnamedSessions.add(client));
}

/** Whether `db` (a database or a transaction) may keep named statements on its connection. */
export function namesStatements(db: DbOrTx): boolean {
  const client = (db._.session as unknown as { client?: object }).client;
  return !(client && unnamedSessions.has(client));
}

export function preparedStatementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `parley_${createHash("sha256").update(text).digest("hex").slice(0, 20)}`;
    names.set(text, name);
  }
  return name;
}

/** Runs `text` with `params` as a named prepared statement; its rows as the driver parsed them. */
export async function runPrepared(
  db: DbOrTx,
  text: string,
  params: unknown[],
): Promise<Record<string, unknown>[]> {
  const result: unknown = await db._.session
    .prepareQuery(
      { sql: text, params },
      undefined,
      namesStatements(db) ? preparedStatementName(text) : undefined,
      false,
    )
    .execute();
  return resultRows(result);
}

const dialect = new PgDialect();

/** Runs a drizzle `sql` statement as a named prepared statement (its text must be fixed per shape). */
export async function runPreparedSql<T extends Record<string, unknown>>(
  db: DbOrTx,
  statement: SQL,
): Promise<T[]> {
  const { sql: text, params } = dialect.sqlToQuery(statement);
  return (await runPrepared(db, text, params)) as T[];
}
