// The one way rollup rows are written. The job and the rebuild hand a writer whole buckets
// (merchant × mode × days) recounted from raw facts; the writer replaces them. Today it writes
// the Postgres tables of db/schema/analytics.ts; a columnar engine (ClickHouse) would get a
// second implementation of this interface (e.g. ReplacingMergeTree keyed the same way,
// merchant_id first) and be fed the same rows.
import type { DbOrTx } from "@/db/client";
import {
  analyticsFlowStepsDaily,
  analyticsFunnelDaily,
  analyticsPaymentsDaily,
  type FlowStepsDailyRow,
  type FunnelDailyRow,
  type PaymentsDailyRow,
} from "@/db/schema";
import { and, eq, inArray } from "drizzle-orm";
import type { BucketSet } from "./buckets";

export interface RollupBuckets {
  payments: PaymentsDailyRow[];
  funnel: FunnelDailyRow[];
  steps: FlowStepsDailyRow[];
}

export interface RollupWriter {
  /** Replaces every row of the bucket set with `rows` (rows outside the set are an error). */
  replace(set: BucketSet, rows: RollupBuckets): Promise<void>;
}

const CHUNK = 500;

async function insertChunks<T extends Record<string, unknown>>(
  write: (chunk: T[]) => Promise<unknown>,
  rows: T[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await write(rows.slice(i, i + CHUNK));
}

/** Writes into the Postgres rollup tables; pass the transaction that recounted the rows. */
export function postgresRollupWriter(db: DbOrTx): RollupWriter {
  return {
    async replace(set, rows) {
      const inSet = (day: string) => set.days === "all" || set.days.includes(day);
      for (const row of [...rows.payments, ...rows.funnel, ...rows.steps]) {
        if (row.merchantId !== set.merchantId || row.mode !== set.mode || !inSet(row.day)) {
          throw new Error(
            `A rollup row for ${row.merchantId}/${row.mode}/${row.day} is outside its bucket set`,
          );
        }
      }
      for (const table of [analyticsPaymentsDaily, analyticsFunnelDaily, analyticsFlowStepsDaily]) {
        const scope = and(eq(table.merchantId, set.merchantId), eq(table.mode, set.mode));
        if (set.days === "all") await db.delete(table).where(scope);
        else if (set.days.length > 0)
          await db.delete(table).where(and(scope, inArray(table.day, [...set.days])));
      }
      await insertChunks((c) => db.insert(analyticsPaymentsDaily).values(c), rows.payments);
      await insertChunks((c) => db.insert(analyticsFunnelDaily).values(c), rows.funnel);
      await insertChunks((c) => db.insert(analyticsFlowStepsDaily).values(c), rows.steps);
    },
  };
}
