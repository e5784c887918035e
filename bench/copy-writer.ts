// COPY FROM STDIN in Postgres' text format, one stream per table, with backpressure: the bench
// seeder (bench/seed-payments.ts) writes millions of rows this way, ~10× faster than INSERTs.
// pg has no COPY API of its own; pg-copy-streams drives its protocol messages (CopyData,
// CopyDone) for us, which we would otherwise have to frame by hand on pg's private connection.
import { once } from "node:events";
import { finished } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";

const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPES: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };

/** One value as COPY text: \N for null, ISO instants, JSON for objects, escaped strings. */
export function copyText(value: unknown): string {
  if (value === null || value === undefined) return "\\N";
  let text: string;
  if (typeof value === "string") text = value;
  else if (typeof value === "number" || typeof value === "boolean") return String(value);
  else if (value instanceof Date) return value.toISOString();
  else text = JSON.stringify(value);
  return NEEDS_ESCAPE.test(text) ? text.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]) : text;
}

const FLUSH_AT_CHARS = 1 << 20;

export class CopyWriter {
  rows = 0;
  private buffer = "";
  private stream: ReturnType<typeof copyFrom> | undefined;

  /** `columns` are the database's column names, in the order `push` gives values. */
  constructor(
    private readonly client: pg.ClientBase,
    readonly table: string,
    readonly columns: readonly string[],
  ) {}

  start(): void {
    const list = this.columns.map((c) => `"${c}"`).join(", ");
    this.stream = this.client.query(copyFrom(`copy "${this.table}" (${list}) from stdin`));
  }

  push(values: readonly unknown[]): void {
    let line = "";
    for (let i = 0; i < values.length; i++) line += (i ? "\t" : "") + copyText(values[i]);
    this.buffer += line + "\n";
    this.rows += 1;
  }

  /** Sends what is buffered once it is large enough (or always, with force), waiting on drain. */
  async flush(force = false): Promise<void> {
    if (!this.stream) throw new Error(`copy into ${this.table} was not started`);
    if (this.buffer.length === 0 || (!force && this.buffer.length < FLUSH_AT_CHARS)) return;
    const chunk = this.buffer;
    this.buffer = "";
    if (!this.stream.write(chunk)) await once(this.stream, "drain");
  }

  async end(): Promise<void> {
    await this.flush(true);
    const stream = this.stream!;
    stream.end();
    await finished(stream);
  }
}
