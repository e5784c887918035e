// The webhook path's hot statements run as named prepared statements: Postgres parses and plans
// each once per connection instead of once per delivery, which was a third of its CPU for them
// (planning these CTEs costs more than running them). Drizzle names the statements of its query
// builders (.prepare(name)) but not raw SQL, so a statement goes through db/prepared.ts, which
// runs it on the transaction's own connection when given a transaction. PGlite ignores the name.
//
// A statement's text is fixed (values are parameters, lists are text[] parameters), so that one
// name always means one text on every connection: the name is derived from the text.
//
// A cached generic plan reflects the table sizes of when it was made: made while payment_events
// or webhook_inbox was a few pages long (a brand-new database), it keeps sequential scans as
// they grow, until the next ANALYZE of the table (autovacuum's, within about a minute under
// write load) invalidates it. Established databases never see this; the results returned are
// json or fixed columns, so a migration that changes the tables only causes a re-plan.
import type { DbOrTx } from "@/db/client";
import { preparedStatementName, runPrepared } from "@/db/prepared";

export interface NamedStatement {
  name: string;
  text: string;
}

export function namedStatement(text: string): NamedStatement {
  return { name: preparedStatementName(text), text };
}

export async function runNamed(
  db: DbOrTx,
  statement: NamedStatement,
  params: unknown[],
): Promise<Record<string, unknown>[]> {
  return runPrepared(db, statement.text, params);
}

/** A text[] literal ('{"a","b"}'), so both drivers pass a list as one plain parameter. */
export function textArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(",")}}`;
}

/**
 * Lists of at most one value (nearly every delivery: one event, one payment) are compared with
 * `=` rather than `= any(array)`: the planner costs an array parameter as ten values, which
 * makes a cached generic plan look dearer than planning afresh, so every run was planned again;
 * with `=` the generic plan is kept, and the unique indexes are used whatever the statistics.
 */
export type ListShape = "one" | "many";

export function listShape(...lists: readonly (readonly unknown[])[]): ListShape {
  return lists.every((list) => list.length <= 1) ? "one" : "many";
}

/** `column = $n` or `column = any($n::text[])`, to match `listParam` of the same shape. */
export function matchList(column: string, param: string, shape: ListShape): string {
  return shape === "one" ? `${column} = ${param}` : `${column} = any(${param}::text[])`;
}

export function listParam(values: readonly string[], shape: ListShape): string | null {
  return shape === "one" ? (values[0] ?? null) : textArray(values);
}
