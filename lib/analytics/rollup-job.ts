// Keeps the analytics rollups equal to the facts. A recurring durable job ("analytics.rollup",
// registered in lib/jobs/builtin.ts) reads, per merchant, which (mode, day) buckets any payment,
// refund, dispute or conversation touched since its watermark, recounts those buckets from raw
// facts and replaces them — one transaction per merchant, the watermark moved in it. The
// webhook and chat paths write nothing here. `rebuildRollups` recounts every bucket.
import type { Db, DbOrTx } from "@/db/client";
import { analyticsWatermarks, merchants, MODES, type Mode } from "@/db/schema";
import { eq, sql } from "drizzle-orm";
import { execRows, localDay, type BucketSet } from "./buckets";
import { recountFlowSteps, recountFunnel, recountPayments } from "./recount";
import { postgresRollupWriter, type RollupWriter } from "./rollup-writer";

export const ROLLUP_JOB = "analytics.rollup";
export const ROLLUP_EVERY_MS = 60_000;
/**
 * How far before the watermark each pass looks again: a fact stamped with updated_at = t by a
 * transaction that commits after a pass started at t is still seen by the next pass. Recounting
 * a bucket twice is harmless.
 */
export const ROLLUP_LOOKBACK_MS = 10 * 60_000;

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

/** The (mode, day) buckets facts changed since `since` touched, for one merchant. */
export async function touchedBuckets(
  db: DbOrTx,
  merchantId: string,
  timeZone: string,
  since: Date,
): Promise<Map<Mode, Set<string>>> {
  const at = since.toISOString();
  const payDay = localDay(sql`p.created_at`, timeZone);
  const convDay = localDay(sql`c.started_at`, timeZone);
  const rows = await execRows<{ mode: Mode; day: string }>(
    db,
    sql`
    select p.mode, to_char(${payDay}, 'YYYY-MM-DD') as day from payments p
      where p.merchant_id = ${merchantId} and p.updated_at >= ${at}::timestamptz
    union select p.mode, to_char(${payDay}, 'YYYY-MM-DD') from refunds r
      join payments p on p.merchant_id = r.merchant_id and p.id = r.payment_id
      where r.merchant_id = ${merchantId} and r.updated_at >= ${at}::timestamptz
    union select p.mode, to_char(${payDay}, 'YYYY-MM-DD') from disputes d
      join payments p on p.merchant_id = d.merchant_id and p.id = d.payment_id
      where d.merchant_id = ${merchantId} and d.updated_at >= ${at}::timestamptz
    union select c.mode, to_char(${convDay}, 'YYYY-MM-DD') from conversations c
      where c.merchant_id = ${merchantId} and c.updated_at >= ${at}::timestamptz
    union select c.mode, to_char(${convDay}, 'YYYY-MM-DD') from payments p
      join conversations c on c.merchant_id = p.merchant_id and c.id = p.conversation_id
      where p.merchant_id = ${merchantId} and p.updated_at >= ${at}::timestamptz`,
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

/** Moves the merchant's watermark up to `now` (greatest: it never moves back). */
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

/** One pass of the job: every merchant's touched buckets recounted (all of them the first time). */
export async function refreshRollups(
  db: Db,
  now: Date = new Date(),
  writerFor: WriterFor = postgresRollupWriter,
): Promise<RollupPassSummary> {
  const all = await db.select({ id: merchants.id, timeZone: merchants.timezone }).from(merchants);
  let buckets = 0;
  for (const merchant of all) {
    await db.transaction(async (tx) => {
      await lockMerchant(tx, merchant.id);
      const [mark] = await tx
        .select({ through: analyticsWatermarks.through })
        .from(analyticsWatermarks)
        .where(eq(analyticsWatermarks.merchantId, merchant.id));
      const writer = writerFor(tx);
      if (!mark) {
        await analyzeSources(tx);
        for (const mode of MODES) {
          await recountAndWrite(
            tx,
            { merchantId: merchant.id, mode, timeZone: merchant.timeZone, days: "all" },
            writer,
          );
        }
        buckets += MODES.length;
      } else {
        const since = new Date(mark.through.getTime() - ROLLUP_LOOKBACK_MS);
        const touched = await touchedBuckets(tx, merchant.id, merchant.timeZone, since);
        for (const [mode, days] of touched) {
          await recountAndWrite(
            tx,
            { merchantId: merchant.id, mode, timeZone: merchant.timeZone, days: [...days] },
            writer,
          );
          buckets += days.size;
        }
      }
      await advanceWatermark(tx, merchant.id, now);
    });
  }
  return { merchants: all.length, buckets };
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
