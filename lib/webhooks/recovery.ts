// Re-applies verified deliveries that never finished: "failed" a few times at most (a transient
// error: the route stores a delivery whose apply failed as failed), or still "received" (stored
// by an earlier version, which committed the row before applying it). Runs at
// start-up and every minute from the job poller — of every app process, on Postgres: one pass
// at a time holds a transaction-level advisory lock (which, unlike a session lock, also holds
// behind a transaction-mode pooler), and the others skip theirs. A delivery younger than
// `olderThanMs` may still be applying in another process's request, so it is left to it.
import { sharesServer, type Db } from "@/db/client";
import { webhookInbox } from "@/db/schema";
import { applyDelivery } from "@/lib/webhooks/apply/delivery";
import { and, asc, eq, lt, or, sql } from "drizzle-orm";

/** Failed deliveries are retried automatically this many times; after that, by hand. */
export const MAX_AUTOMATIC_APPLY_ATTEMPTS = 3;

export interface RecoverySummary {
  found: number;
  applied: number;
  failed: number;
  /** True when another process's pass held the lock, so this one did nothing. */
  skipped?: boolean;
}

// Any fixed key; the same in every process.
const RECOVERY_LOCK_KEY = 7354920814;

interface RecoveryOptions {
  olderThanMs: number;
  now?: Date;
  limit?: number;
}

export async function recoverInbox(db: Db, options: RecoveryOptions): Promise<RecoverySummary> {
  // The embedded database has one process (and one connection: a transaction held open here
  // would queue the applies behind it), so there is nobody to exclude.
  if (!sharesServer(db)) return recoverPass(db, options);
  return db.transaction(async (tx) => {
    const { rows } = await tx.execute<{ locked: boolean }>(
      sql`select pg_try_advisory_xact_lock(${RECOVERY_LOCK_KEY}::bigint) as locked`,
    );
    if (!rows[0]?.locked) return { found: 0, applied: 0, failed: 0, skipped: true };
    // The applies run on other pooled connections; this one only holds the lock.
    return recoverPass(db, options);
  });
}

async function recoverPass(db: Db, options: RecoveryOptions): Promise<RecoverySummary> {
  const now = options.now ?? new Date();
  const cutoff = new Date(now.getTime() - options.olderThanMs);
  const stuck = await db
    .select({ merchantId: webhookInbox.merchantId, id: webhookInbox.id })
    .from(webhookInbox)
    .where(
      and(
        eq(webhookInbox.verified, true),
        lt(webhookInbox.receivedAt, cutoff),
        or(
          eq(webhookInbox.status, "received"),
          and(
            eq(webhookInbox.status, "failed"),
            sql`${webhookInbox.attempts} < ${MAX_AUTOMATIC_APPLY_ATTEMPTS}`,
          ),
        ),
      ),
    )
    .orderBy(asc(webhookInbox.receivedAt))
    .limit(options.limit ?? 100);
  const summary: RecoverySummary = { found: stuck.length, applied: 0, failed: 0 };
  for (const row of stuck) {
    try {
      await applyDelivery(db, row.id, { merchantId: row.merchantId, now });
      summary.applied += 1;
    } catch (error) {
      summary.failed += 1;
      console.error(`[webhooks] recovering ${row.id} failed`, error);
    }
  }
  return summary;
}
