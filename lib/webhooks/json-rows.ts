// Rows Postgres returns as JSON (row_to_json inside json_agg, so that one statement can bring a
// payment back together with its timeline) turned into the objects drizzle's own selects give:
// column names to property keys, each value through its column's driver mapping (timestamps to
// Dates, bigints to numbers). The same on pg and PGlite, since both only parse the JSON.
import { getTableColumns, type InferSelectModel, type Table } from "drizzle-orm";

type ColumnEntry = [key: string, column: ReturnType<typeof getTableColumns>[string]];

const columnsByTable = new WeakMap<Table, ColumnEntry[]>();

function columnsOf(table: Table): ColumnEntry[] {
  let entries = columnsByTable.get(table);
  if (!entries) {
    entries = Object.entries(getTableColumns(table));
    columnsByTable.set(table, entries);
  }
  return entries;
}

export function rowFromJson<T extends Table>(
  table: T,
  json: Record<string, unknown>,
): InferSelectModel<T> {
  const row: Record<string, unknown> = {};
  for (const [key, column] of columnsOf(table)) {
    const value = json[column.name];
    row[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return row as InferSelectModel<T>;
}

/** The rows of a SELECT through db.execute, whichever driver ran it. */
export function resultRows(result: unknown): Record<string, unknown>[] {
  return (result as { rows: Record<string, unknown>[] }).rows;
}

/** A json/jsonb column of a raw result: parsed by both drivers, but be lenient with text. */
export function jsonValue<T>(value: unknown): T {
  return (typeof value === "string" ? JSON.parse(value) : value) as T;
}
