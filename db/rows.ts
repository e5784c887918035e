// Raw SQL on the hot paths (db/prepared.ts) reads and writes rows in the drizzle schema's shape,
// so a column added to a table flows through them without anyone re-declaring it:
// - column lists come from the table (`columnNames`, `selectColumns`, `insertableColumns`);
// - rows come back through one decoder (`decodeRow`), each value through its column's own
//   driver mapping, whether the driver parsed it (a flat SELECT) or Postgres returned it inside
//   JSON (row_to_json / to_jsonb, so one statement can bring a row back with its children).
//   Timestamps arrive as text on both drivers (drizzle's sessions keep them unparsed) or as JSON
//   strings, bigints as text, bigint or number, jsonb parsed or as text: the column mapping turns
//   each into what drizzle's own selects give (Date, number, the parsed value), on pg and PGlite.
// - rows to write travel as one JSON parameter in column names (`rowsJson`), read back with
//   jsonb_populate_recordset(null::table, …), so Postgres itself types each field by the table.
import {
  getTableColumns,
  getTableName,
  sql,
  type Column,
  type InferSelectModel,
  type SQL,
  type Table,
} from "drizzle-orm";

type ColumnsOf<T extends Table> = T["_"]["columns"];
type KeyOf<T extends Table> = keyof ColumnsOf<T> & string;

const entriesByTable = new WeakMap<Table, [string, Column][]>();

function entriesOf(table: Table): [string, Column][] {
  let entries = entriesByTable.get(table);
  if (!entries) {
    entries = Object.entries(getTableColumns(table));
    entriesByTable.set(table, entries);
  }
  return entries;
}

function picked<T extends Table>(table: T, keys?: readonly KeyOf<T>[]): [string, Column][] {
  const entries = entriesOf(table);
  if (!keys) return entries;
  return keys.map((key) => {
    const entry = entries.find(([k]) => k === key);
    if (!entry) throw new Error(`${getTableName(table)} has no column ${key}`);
    return entry;
  });
}

/** The database names of the table's columns (or of `keys`), in schema order. */
export function columnNames<T extends Table>(table: T, keys?: readonly KeyOf<T>[]): string[] {
  return picked(table, keys).map(([, column]) => column.name);
}

/**
 * The columns a statement may insert: all of them but those the database fills itself
 * (generated and identity columns) and `except` (columns left to their default).
 */
export function insertableColumns<T extends Table, E extends KeyOf<T> = never>(
  table: T,
  except: readonly E[] = [],
): Exclude<KeyOf<T>, E>[] {
  return entriesOf(table)
    .filter(([key, column]) => {
      const c = column as Column & { generatedIdentity?: unknown; generated?: unknown };
      return !c.generatedIdentity && !c.generated && !(except as readonly string[]).includes(key);
    })
    .map(([key]) => key as Exclude<KeyOf<T>, E>);
}

/**
 * `alias."column" as "<prefix>column", …` for the table's columns (or `keys`): the select list
 * `decodeRow(table, row, { prefix })` reads back.
 */
export function selectColumns<T extends Table>(
  table: T,
  alias: string,
  options: { prefix?: string; keys?: readonly KeyOf<T>[] } = {},
): SQL {
  const prefix = options.prefix ?? "";
  return sql.raw(
    picked(table, options.keys)
      .map(([, column]) => `${alias}."${column.name}" as "${prefix}${column.name}"`)
      .join(", "),
  );
}

/**
 * A row of `table` (or its `keys`) from a raw result or a JSON object keyed by column names
 * (`prefix` + name), each value through its column's driver mapping; absent values are null.
 */
export function decodeRow<T extends Table>(
  table: T,
  record: Record<string, unknown>,
): InferSelectModel<T>;
export function decodeRow<T extends Table, K extends KeyOf<T>>(
  table: T,
  record: Record<string, unknown>,
  options: { prefix?: string; keys: readonly K[] },
): Pick<InferSelectModel<T>, K>;
export function decodeRow<T extends Table>(
  table: T,
  record: Record<string, unknown>,
  options: { prefix?: string },
): InferSelectModel<T>;
export function decodeRow<T extends Table>(
  table: T,
  record: Record<string, unknown>,
  options: { prefix?: string; keys?: readonly KeyOf<T>[] } = {},
): Record<string, unknown> {
  const prefix = options.prefix ?? "";
  const row: Record<string, unknown> = {};
  for (const [key, column] of picked(table, options.keys))
    row[key] = decodeValue(column, record[prefix + column.name]);
  return row;
}

/** One value of `column` (or of an aggregate over it, e.g. max(created_at)); null when absent. */
export function decodeValue<C extends Column>(column: C, value: unknown): C["_"]["data"] | null {
  return value === null || value === undefined ? null : column.mapFromDriverValue(value);
}

/** `'name', alias."name", …` for jsonb_build_object: the JSON `decodeRow(table, json, { keys })` reads. */
export function jsonObjectFields<T extends Table>(
  table: T,
  alias: string,
  keys: readonly KeyOf<T>[],
): SQL {
  return sql.raw(
    picked(table, keys)
      .map(([, column]) => `'${column.name}', ${alias}."${column.name}"`)
      .join(", "),
  );
}

/** A value as a typed parameter of its column (`$n::type`), through the column's driver mapping. */
export function columnParam(column: Column, value: unknown): SQL {
  return sql`${sql.param(value ?? null, column)}::${sql.raw(column.getSQLType())}`;
}

/** `"name" = $n::type, …`: the row's `keys`, for an UPDATE's SET. */
export function assignments<T extends Table, K extends KeyOf<T>>(
  table: T,
  keys: readonly K[],
  row: Pick<InferSelectModel<T>, K>,
): SQL {
  return sql.join(
    picked(table, keys).map(
      ([key, column]) =>
        sql`${sql.raw(`"${column.name}"`)} = ${columnParam(column, (row as Record<string, unknown>)[key])}`,
    ),
    sql`, `,
  );
}

/** `("name", …) values ($n::type, …)`: the row's `keys`, for an INSERT. */
export function insertValues<T extends Table, K extends KeyOf<T>>(
  table: T,
  keys: readonly K[],
  row: Pick<InferSelectModel<T>, K>,
): SQL {
  const entries = picked(table, keys);
  const names = entries.map(([, column]) => `"${column.name}"`).join(", ");
  const values = entries.map(([key, column]) =>
    columnParam(column, (row as Record<string, unknown>)[key]),
  );
  return sql`(${sql.raw(names)}) values (${sql.join(values, sql`, `)})`;
}

/** A value as it goes inside a JSON document: json/jsonb as itself, the rest as the driver's. */
function jsonField(column: Column, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (column.getSQLType() === "jsonb" || column.getSQLType() === "json") return value;
  return column.mapToDriverValue(value);
}

/**
 * Rows as one JSON array keyed by column names, for `jsonb_populate_recordset(null::table, $n)`:
 * every column in `keys`, each value through its column's driver mapping.
 */
export function rowsJson<T extends Table, K extends KeyOf<T>>(
  table: T,
  keys: readonly K[],
  rows: readonly Pick<InferSelectModel<T>, K>[],
): string {
  const entries = picked(table, keys);
  return JSON.stringify(
    rows.map((row) => {
      const out: Record<string, unknown> = {};
      for (const [key, column] of entries)
        out[column.name] = jsonField(column, (row as Record<string, unknown>)[key]);
      return out;
    }),
  );
}

/** The rows of a SELECT through either driver's raw result. */
export function resultRows(result: unknown): Record<string, unknown>[] {
  return (result as { rows: Record<string, unknown>[] }).rows;
}

/** A json/jsonb value of a raw result that no table describes (an aggregate): parsed or text. */
export function jsonValue<T>(value: unknown): T {
  return (typeof value === "string" ? JSON.parse(value) : value) as T;
}
