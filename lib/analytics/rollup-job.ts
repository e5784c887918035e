// Keeps the analytics rollups equal to the facts. Triggers on payments, refunds, disputes,
// conversations and conversation events (migration 0022) note each (mode, day) bucket a write
// touched in analytics_changes, inside the fact's own transaction. A recurring durable job
// ("analytics.rollup", registered in lib/jobs/builtin.ts) claims a merchant's notes
// (delete … returning), recounts those buckets from raw facts and replaces them, all in one
// transaction: a note is gone exactly when its bucket has been recounted after its fact
// committed, so a late commit (whatever its updated_at) is picked up by the next pass, and a
// failed pass leaves the notes for the next one. The webhook and chat paths issue no extra
// statement. `rebuildRollups` recounts every bucket.
import type { Db, DbOrTx } from "@/db/client";
import { analyticsWatermarks, merchants, MODES, type Mode } from "@/db/schema";
import { eq, sql } from "drizzle-orm";
import { execRows, type BucketSet } from "./buckets";
import { recountFlowSteps, recountFunnel, recountPayments } from "./recount";
import { postgresRollupWriter, type RollupWriter } from "./rollup-writer";

export const ROLLUP_JOB = "analytics.rollup";
export const ROLLUP_EVERY_MS = 60_000;

export type WriterFor = (tx: DbOrTx) => RollupWriter;

/** Recounts the buckets of `set` from raw facts and replaces them; returns the rows written. */
async function recountAndWrite(tx: DbOrTx, set: BucketSet, writer: RollupWriter): Promise<number> {
  const [payments, funnel, steps] = [
    await recountPayments(tx, set),
    await recountFunnel(tx, set),
    await recountFlowSteps(tx, set),
  ];
  await writer.replace(set, { payments, funnel, steps });
  return payments.length + funnel.length + steps.length;
}

/**
 * Takes the merchant's noted buckets out of the change feed: only notes whose transactions have
 * committed are visible (and so claimed), and the facts behind them are visible to every later
 * statement of this transaction. Call it before recounting.
 */
export async function claimChangedBuckets(
  tx: DbOrTx,
  merchantId: string,
): Promise<Map<Mode, Set<string>>> {
  const rows = await execRows<{ mode: Mode; day: string }>(
    tx,
    sql`with claimed as (
      delete from analytics_changes where merchant_id = ${merchantId} returning mode, day
    ) select distinct mode, to_char(day, 'YYYY-MM-DD') as day from claimed`,
  );
  const touched = new Map<Mode, Set<string>>();
  for (const row of rows) {
    const days = touched.get(row.mode) ?? new Set<string>();
    days.add(row.day);
    touched.set(row.mode, days);
  }
  return touched;
}

/**
 * Fresh planner statistics before recounting everything: a rebuild right after a bulk load (the
 * demo seed, inside its transaction) otherwise plans nested loops over "1-row" tables and takes
 * minutes instead of a fraction of a second. ANALYZE samples, so it is cheap at any size.
 */
async function analyzeSources(tx: DbOrTx): Promise<void> {
  await tx.execute(sql`analyze payments, conversations, conversation_events, disputes`);
}

/** Marks the merchant's rollups as built, last refreshed at `now` (greatest: it never moves back). */
async function advanceWatermark(tx: DbOrTx, merchantId: string, now: Date): Promise<void> {
  await tx
    .insert(analyticsWatermarks)
    .values({ merchantId, through: now, updatedAt: now })
    .onConflictDoUpdate({
      target: analyticsWatermarks.merchantId,
      set: {
        through: sql`greatest(${analyticsWatermarks.through}, excluded.through)`,
        updatedAt: now,
      },
    });
}

/** Serializes rollup writes of one merchant (the job and a rebuild may run at once). */
async function lockMerchant(tx: DbOrTx, merchantId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`analytics:${merchantId}`}))`);
}

export interface RollupPassSummary {
  merchants: number;
  buckets: number;
}

/** One pass of the job: every merchant with noted changes (or never built) brought up to date. */
export async function refreshRollups(
  db: Db,
  now: Date = new Date(),
  writerFor: WriterFor = postgresRollupWriter,
): Promise<RollupPassSummary> {
  // Only merchants with something to do: the pass costs O(changes), not O(merchants).
  const due = await execRows<{ id: string; time_zone: string }>(
    db,
    sql`select m.id, m.timezone as time_zone
      from merchants m left join analytics_watermarks w on w.merchant_id = m.id
      where w.merchant_id is null
        or exists (select 1 from analytics_changes c where c.merchant_id = m.id)`,
  );
  let buckets = 0;
  for (const merchant of due) {
    await db.transaction(async (tx) => {
      await lockMerchant(tx, merchant.id);
      const touched = await claimChangedBuckets(tx, merchant.id);
      const writer = writerFor(tx);
      const [mark] = await tx
        .select({ through: analyticsWatermarks.through })
        .from(analyticsWatermarks)
        .where(eq(analyticsWatermarks.merchantId, merchant.id));
      if (!mark) {
        await analyzeSources(tx);
        for (const mode of MODES) {
          await recountAndWrite(
            tx,
            { merchantId: merchant.id, mode, timeZone: merchant.time_zone, days: "all" },
            writer,
          );
        }
        buckets += MODES.length;
      } else {
        for (const [mode, days] of touched) {
          await recountAndWrite(
            tx,
            { merchantId: merchant.id, mode, timeZone: merchant.time_zone, days: [...days] },
            writer,
          );
          buckets += days.size;
        }
      }
      await advanceWatermark(tx, merchant.id, now);
    });
  }
  return { merchants: due.length, buckets };
}

/**
 * Recounts every bucket of every merchant (or one) from raw facts: for migrations and repairs.
 * Pass a transaction to rebuild inside it (the demo seed does).
 */
export async function rebuildRollups(
  db: DbOrTx,
  options: { merchantId?: string; now?: Date; writerFor?: WriterFor } = {},
): Promise<{ merchants: number; rows: number }> {
  const now = options.now ?? new Date();
  const writerFor = options.writerFor ?? postgresRollupWriter;
  const query = db.select({ id: merchants.id, timeZone: merchants.timezone }).from(merchants);
  const list = options.merchantId
    ? await query.where(eq(merchants.id, options.merchantId))
    : await query;
  let rows = 0;
  if (list.length > 0) await analyzeSources(db);
  for (const merchant of list) {
    await db.transaction(async (tx) => {
      await lockMerchant(tx, merchant.id);
      await claimChangedBuckets(tx, merchant.id); // all of them are recounted below
      for (const mode of MODES) {
        const set: BucketSet = {
          merchantId: merchant.id,
          mode,
          timeZone: merchant.timeZone,
          days: "all",
        };
        rows += await recountAndWrite(tx, set, writerFor(tx));
      }
      await advanceWatermark(tx, merchant.id, now);
    });
  }
  return { merchants: list.length, rows };
}
