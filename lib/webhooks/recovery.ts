// Re-applies verified deliveries that never finished: still "received" (the process died
// between storing and applying) or "failed" a few times at most (a transient error). Runs at
// start-up and every minute from the job poller.
import type { Db } from "@/db/client";
import { webhookInbox } from "@/db/schema";
import { applyDelivery } from "@/lib/webhooks/apply/delivery";
import { and, asc, eq, lt, or, sql } from "drizzle-orm";

/** Failed deliveries are retried automatically this many times; after that, by hand. */
export const MAX_AUTOMATIC_APPLY_ATTEMPTS = 3;

export interface RecoverySummary {
  found: number;
  applied: number;
  failed: number;
}

export async function recoverInbox(
  db: Db,
  options: { olderThanMs: number; now?: Date; limit?: number },
): Promise<RecoverySummary> {
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
