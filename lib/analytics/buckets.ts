// What a rollup bucket is: one merchant, one mode, a set of days in the merchant's time zone
// ("all" for a rebuild). Shared by the recount, the writer and the job.
import type { DbOrTx } from "@/db/client";
import type { Mode } from "@/db/schema";
import { sql, type SQL } from "drizzle-orm";

export interface BucketSet {
  merchantId: string;
  mode: Mode;
  /** IANA time zone the merchant's days are cut in. */
  timeZone: string;
  /** 'YYYY-MM-DD' days, or every day (rebuild). */
  days: readonly string[] | "all";
}

/** Payment statuses that mean the customer paid (refunds and disputes come after a payment). */
export const PAID_STATUSES = ["succeeded", "partially_refunded", "refunded", "disputed"] as const;
/** Statuses of a payment the customer never took to the provider (no attempt). */
export const UNATTEMPTED_STATUSES = ["created", "expired", "canceled"] as const;

export const sqlList = (values: readonly string[]): SQL =>
  sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  );

/** The merchant-local day of a timestamptz column, as a date. */
export const localDay = (column: SQL, timeZone: string): SQL =>
  sql`(${column} at time zone ${timeZone})::date`;

/** A filter keeping rows whose local day is in the set (always true for "all"). */
export function dayFilter(column: SQL, set: BucketSet): SQL {
  if (set.days === "all") return sql`true`;
  if (set.days.length === 0) return sql`false`;
  const sorted = [...set.days].sort();
  const lo = sorted[0];
  const hi = sorted[sorted.length - 1];
  // The range lets the (merchant_id, created_at) index do the work; the list keeps it exact.
  return sql`(${column} >= (${lo}::date::timestamp at time zone ${set.timeZone})
    and ${column} < ((${hi}::date + 1)::timestamp at time zone ${set.timeZone})
    and ${localDay(column, set.timeZone)} in (select value::date from json_array_elements_text(${JSON.stringify(sorted)}::json)))`;
}

export function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}

export async function execRows<T>(db: DbOrTx, query: SQL): Promise<T[]> {
  return rowsOf<T>(await db.execute(query));
}
