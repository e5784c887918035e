// A connection's health for the dashboard: when it last heard from its provider, how many
// deliveries failed verification, and how its payments fared over the last 30 days. A
// connection's payments are in its own mode; the mode filter says so rather than trusting it.
import type { DbOrTx } from "@/db/client";
import { payments, type Connection, type Mode } from "@/db/schema";
import { and, count, eq, gte, inArray, sql } from "drizzle-orm";

export interface ConnectionHealth {
  lastEventAt: Date | null;
  signatureFailures: number;
  /** succeeded / (succeeded + failed) over 30 days, as a fraction; null with neither. */
  successRate: number | null;
  payments30d: number;
  lastError: string | null;
  lastErrorAt: Date | null;
}

export const HEALTH_WINDOW_DAYS = 30;

// A payment that was captured counts as a success even if it was later refunded or disputed.
const PAID = sql`${payments.status} in ('succeeded','partially_refunded','refunded','disputed')`;

export async function connectionHealth(
  db: DbOrTx,
  merchantId: string,
  rows: Pick<
    Connection,
    "id" | "mode" | "lastEventAt" | "signatureFailures" | "lastError" | "lastErrorAt"
  >[],
  now: Date = new Date(),
): Promise<Map<string, ConnectionHealth>> {
  const since = new Date(now.getTime() - HEALTH_WINDOW_DAYS * 86_400_000);
  const stats = (
    await Promise.all(
      (["test", "live"] as const satisfies readonly Mode[]).map((mode) =>
        statsFor(
          db,
          merchantId,
          mode,
          rows.filter((r) => r.mode === mode).map((r) => r.id),
          since,
        ),
      ),
    )
  ).flat();
  const byId = new Map(stats.map((s) => [s.connectionId, s]));
  return new Map(
    rows.map((row) => {
      const s = byId.get(row.id);
      const decided = (s?.succeeded ?? 0) + (s?.failed ?? 0);
      return [
        row.id,
        {
          lastEventAt: row.lastEventAt,
          signatureFailures: row.signatureFailures,
          successRate: decided > 0 ? (s?.succeeded ?? 0) / decided : null,
          payments30d: Number(s?.total ?? 0),
          lastError: row.lastError,
          lastErrorAt: row.lastErrorAt,
        },
      ];
    }),
  );
}

/** Payment counts per connection, over connections of one mode and payments of that mode. */
async function statsFor(db: DbOrTx, merchantId: string, mode: Mode, ids: string[], since: Date) {
  return ids.length
    ? db
        .select({
          connectionId: payments.connectionId,
          total: count(),
          succeeded: sql<number>`count(*) filter (where ${PAID})`.mapWith(Number),
          failed: sql<number>`count(*) filter (where ${payments.status} = 'failed')`.mapWith(
            Number,
          ),
        })
        .from(payments)
        .where(
          and(
            eq(payments.merchantId, merchantId),
            eq(payments.mode, mode),
            inArray(payments.connectionId, ids),
            gte(payments.createdAt, since),
          ),
        )
        .groupBy(payments.connectionId)
    : [];
}
