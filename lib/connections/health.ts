// A connection's health for the dashboard, over the last hour and the last day: volume, success
// rate, median time-to-pay, signature failures and failed deliveries, when it last heard from its
// provider, an hourly sparkline, and a green/amber/red verdict (lib/connections/health-status.ts).
// Cheap by construction: two grouped queries over one day of rows, each on an index led by
// (merchant_id, connection_id, time), whatever the connection's history. A connection's payments
// are in its own mode; the mode filter says so rather than trusting it.
import type { DbOrTx } from "@/db/client";
import { payments, webhookInbox, type Connection, type Mode } from "@/db/schema";
import {
  classifyHealth,
  PENDING_GRACE_MS,
  type HealthVerdict,
  type HealthWindowFigures,
} from "@/lib/connections/health-status";
import { and, eq, gte, inArray, sql } from "drizzle-orm";

export type { HealthLevel, HealthVerdict, HealthWindowFigures } from "./health-status";

export interface HourBucket {
  /** The hour's start. */
  start: Date;
  volume: number;
  succeeded: number;
}

export interface ConnectionHealth {
  hour: HealthWindowFigures;
  day: HealthWindowFigures;
  /** Payments of the last day waiting on the provider for longer than the grace period. */
  pending: number;
  /** The last verified delivery (moves about once a second at most). */
  lastWebhookAt: Date | null;
  lastError: string | null;
  lastErrorAt: Date | null;
  /** 24 hourly buckets of the last day, oldest first (the last one is the hour now running). */
  hourly: HourBucket[];
  verdict: HealthVerdict;
}

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

// A payment that was captured counts as a success even if it was later refunded or disputed.
const PAID = sql`${payments.status} in ('succeeded','partially_refunded','refunded','disputed')`;
const WAITING = sql`${payments.status} in ('created','pending')`;

type HealthRow = Pick<
  Connection,
  "id" | "mode" | "status" | "lastEventAt" | "lastError" | "lastErrorAt"
>;

interface PaymentStats {
  connectionId: string;
  hourVolume: number;
  hourSucceeded: number;
  hourFailed: number;
  hourMedianSeconds: number | null;
  dayVolume: number;
  daySucceeded: number;
  dayFailed: number;
  dayMedianSeconds: number | null;
  pending: number;
}

interface InboxStats {
  connectionId: string;
  hourSignatureFailures: number;
  daySignatureFailures: number;
  hourErrors: number;
  dayErrors: number;
}

function window(
  volume: number,
  succeeded: number,
  failed: number,
  medianSeconds: number | null,
  signatureFailures: number,
  errors: number,
): HealthWindowFigures {
  const decided = succeeded + failed;
  return {
    volume,
    succeeded,
    failed,
    successRate: decided > 0 ? succeeded / decided : null,
    medianTimeToPayMs: medianSeconds === null ? null : Math.round(medianSeconds * 1000),
    signatureFailures,
    errors,
  };
}

export async function connectionHealth(
  db: DbOrTx,
  merchantId: string,
  rows: HealthRow[],
  now: Date = new Date(),
): Promise<Map<string, ConnectionHealth>> {
  // Hour buckets are aligned on the clock's hours; the first starts 23 hours before this one.
  const currentHour = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
  const firstBucket = currentHour - 23 * HOUR_MS;
  const ids = rows.map((r) => r.id);
  const byMode = (["test", "live"] as const satisfies readonly Mode[]).map((mode) => ({
    mode,
    ids: rows.filter((r) => r.mode === mode).map((r) => r.id),
  }));
  const [paymentStats, buckets, inbox] = await Promise.all([
    Promise.all(byMode.map(({ mode, ids }) => paymentStatsFor(db, merchantId, mode, ids, now))),
    Promise.all(
      byMode.map(({ mode, ids }) =>
        hourlyFor(db, merchantId, mode, ids, new Date(firstBucket), now),
      ),
    ),
    inboxStatsFor(db, merchantId, ids, now),
  ]);
  const statsById = new Map(paymentStats.flat().map((s) => [s.connectionId, s]));
  const inboxById = new Map(inbox.map((s) => [s.connectionId, s]));
  const bucketsById = new Map<string, Map<number, { volume: number; succeeded: number }>>();
  for (const b of buckets.flat()) {
    const map =
      bucketsById.get(b.connectionId) ?? new Map<number, { volume: number; succeeded: number }>();
    map.set(b.bucket, { volume: b.volume, succeeded: b.succeeded });
    bucketsById.set(b.connectionId, map);
  }

  return new Map(
    rows.map((row) => {
      const s = statsById.get(row.id);
      const i = inboxById.get(row.id);
      const hour = window(
        s?.hourVolume ?? 0,
        s?.hourSucceeded ?? 0,
        s?.hourFailed ?? 0,
        s?.hourMedianSeconds ?? null,
        i?.hourSignatureFailures ?? 0,
        i?.hourErrors ?? 0,
      );
      const day = window(
        s?.dayVolume ?? 0,
        s?.daySucceeded ?? 0,
        s?.dayFailed ?? 0,
        s?.dayMedianSeconds ?? null,
        i?.daySignatureFailures ?? 0,
        i?.dayErrors ?? 0,
      );
      const own = bucketsById.get(row.id);
      const hourly = Array.from({ length: 24 }, (_, n) => ({
        start: new Date(firstBucket + n * HOUR_MS),
        volume: own?.get(n)?.volume ?? 0,
        succeeded: own?.get(n)?.succeeded ?? 0,
      }));
      const pending = s?.pending ?? 0;
      const lastWebhookAt = row.lastEventAt;
      return [
        row.id,
        {
          hour,
          day,
          pending,
          lastWebhookAt,
          lastError: row.lastError,
          lastErrorAt: row.lastErrorAt,
          hourly,
          verdict: classifyHealth({ status: row.status, hour, day, pending, lastWebhookAt }, now),
        },
      ];
    }),
  );
}

const num = (value: unknown): number => Number(value ?? 0);
const numOrNull = (value: unknown): number | null =>
  value === null || value === undefined ? null : Number(value);

/** Both windows' payment figures per connection, in one pass over the last day's rows. */
async function paymentStatsFor(
  db: DbOrTx,
  merchantId: string,
  mode: Mode,
  ids: string[],
  now: Date,
): Promise<PaymentStats[]> {
  if (ids.length === 0) return [];
  const hourSince = new Date(now.getTime() - HOUR_MS).toISOString();
  const daySince = new Date(now.getTime() - DAY_MS).toISOString();
  const waitingBefore = new Date(now.getTime() - PENDING_GRACE_MS).toISOString();
  const inHour = sql`${payments.createdAt} >= ${hourSince}::timestamptz`;
  const toPay = sql`extract(epoch from (${payments.succeededAt} - ${payments.createdAt}))`;
  const rows = await db
    .select({
      connectionId: payments.connectionId,
      hourVolume: sql`count(*) filter (where ${inHour})`,
      hourSucceeded: sql`count(*) filter (where ${inHour} and ${PAID})`,
      hourFailed: sql`count(*) filter (where ${inHour} and ${payments.status} = 'failed')`,
      hourMedianSeconds: sql`percentile_cont(0.5) within group (order by ${toPay}) filter (where ${inHour} and ${payments.succeededAt} is not null)`,
      dayVolume: sql`count(*)`,
      daySucceeded: sql`count(*) filter (where ${PAID})`,
      dayFailed: sql`count(*) filter (where ${payments.status} = 'failed')`,
      dayMedianSeconds: sql`percentile_cont(0.5) within group (order by ${toPay}) filter (where ${payments.succeededAt} is not null)`,
      pending: sql`count(*) filter (where ${WAITING} and ${payments.createdAt} < ${waitingBefore}::timestamptz)`,
    })
    .from(payments)
    .where(
      and(
        eq(payments.merchantId, merchantId),
        inArray(payments.connectionId, ids),
        gte(payments.createdAt, sql`${daySince}::timestamptz`),
        eq(payments.mode, mode),
      ),
    )
    .groupBy(payments.connectionId);
  return rows.map((r) => ({
    connectionId: r.connectionId,
    hourVolume: num(r.hourVolume),
    hourSucceeded: num(r.hourSucceeded),
    hourFailed: num(r.hourFailed),
    hourMedianSeconds: numOrNull(r.hourMedianSeconds),
    dayVolume: num(r.dayVolume),
    daySucceeded: num(r.daySucceeded),
    dayFailed: num(r.dayFailed),
    dayMedianSeconds: numOrNull(r.dayMedianSeconds),
    pending: num(r.pending),
  }));
}

/** Payments per clock hour since `from` (bucket 0 is the hour starting at `from`). */
async function hourlyFor(
  db: DbOrTx,
  merchantId: string,
  mode: Mode,
  ids: string[],
  from: Date,
  now: Date,
) {
  if (ids.length === 0) return [];
  const fromText = from.toISOString();
  const bucket = sql<number>`floor(extract(epoch from (${payments.createdAt} - ${fromText}::timestamptz)) / 3600)::int`;
  const rows = await db
    .select({
      connectionId: payments.connectionId,
      bucket,
      volume: sql`count(*)`,
      succeeded: sql`count(*) filter (where ${PAID})`,
    })
    .from(payments)
    .where(
      and(
        eq(payments.merchantId, merchantId),
        inArray(payments.connectionId, ids),
        gte(payments.createdAt, sql`${fromText}::timestamptz`),
        sql`${payments.createdAt} <= ${now.toISOString()}::timestamptz`,
        eq(payments.mode, mode),
      ),
    )
    .groupBy(payments.connectionId, sql`2`);
  return rows.map((r) => ({
    connectionId: r.connectionId,
    bucket: Number(r.bucket),
    volume: num(r.volume),
    succeeded: num(r.succeeded),
  }));
}

/** Refused (signature) and failed deliveries per connection over both windows. */
async function inboxStatsFor(
  db: DbOrTx,
  merchantId: string,
  ids: string[],
  now: Date,
): Promise<InboxStats[]> {
  if (ids.length === 0) return [];
  const hourSince = new Date(now.getTime() - HOUR_MS).toISOString();
  const daySince = new Date(now.getTime() - DAY_MS).toISOString();
  const inHour = sql`${webhookInbox.receivedAt} >= ${hourSince}::timestamptz`;
  const refused = sql`${webhookInbox.verified} = false`;
  const failed = sql`${webhookInbox.verified} and ${webhookInbox.status} = 'failed'`;
  const rows = await db
    .select({
      connectionId: webhookInbox.connectionId,
      hourSignatureFailures: sql`coalesce(sum(${webhookInbox.repeatCount}) filter (where ${inHour} and ${refused}), 0)`,
      daySignatureFailures: sql`coalesce(sum(${webhookInbox.repeatCount}) filter (where ${refused}), 0)`,
      hourErrors: sql`count(*) filter (where ${inHour} and ${failed})`,
      dayErrors: sql`count(*) filter (where ${failed})`,
    })
    .from(webhookInbox)
    .where(
      and(
        eq(webhookInbox.merchantId, merchantId),
        inArray(webhookInbox.connectionId, ids),
        gte(webhookInbox.receivedAt, sql`${daySince}::timestamptz`),
      ),
    )
    .groupBy(webhookInbox.connectionId);
  return rows.map((r) => ({
    connectionId: r.connectionId,
    hourSignatureFailures: num(r.hourSignatureFailures),
    daySignatureFailures: num(r.daySignatureFailures),
    hourErrors: num(r.hourErrors),
    dayErrors: num(r.dayErrors),
  }));
}
