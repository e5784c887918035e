// Durable jobs in the `jobs` table: enqueue (with an optional dedupe key), claim due jobs with
// FOR UPDATE SKIP LOCKED so several runners never take the same one, run, retry with backoff.
import type { DbOrTx } from "@/db/client";
import { jobs, type Job } from "@/db/schema";
import { newId } from "@/lib/ids";
import { and, eq, sql } from "drizzle-orm";

/** Jobs that belong to no merchant (reconciliation sweeps) use this merchant id. */
export const SYSTEM_MERCHANT_ID = "_system";
export const MAX_JOB_ATTEMPTS = 5;
/** How long a claimed job is ours; a runner that dies lets it be claimed again after this. */
export const JOB_LOCK_MS = 5 * 60_000;

export interface EnqueueJobInput {
  kind: string;
  runAt?: Date;
  payload?: Record<string, unknown>;
  /** At most one live (pending or running) job per merchant and key. */
  dedupeKey?: string;
}

/**
 * Adds a job. With a dedupe key, a live job with that key is kept as it is (created: false); a
 * finished one (done, failed, canceled) is replaced by the new schedule.
 */
export async function enqueueJob(
  db: DbOrTx,
  merchantId: string,
  input: EnqueueJobInput,
): Promise<{ id: string; created: boolean }> {
  const values = {
    merchantId,
    id: newId("job"),
    kind: input.kind,
    payload: input.payload ?? {},
    runAt: input.runAt ?? new Date(),
    status: "pending" as const,
    dedupeKey: input.dedupeKey ?? null,
  };
  if (!input.dedupeKey) {
    await db.insert(jobs).values(values);
    return { id: values.id, created: true };
  }
  const [row] = await db
    .insert(jobs)
    .values(values)
    .onConflictDoUpdate({
      target: [jobs.merchantId, jobs.dedupeKey],
      targetWhere: sql`${jobs.dedupeKey} is not null`,
      set: {
        id: values.id,
        kind: values.kind,
        payload: values.payload,
        runAt: values.runAt,
        status: "pending",
        attempts: 0,
        lastError: null,
        lockedUntil: null,
        finishedAt: null,
        createdAt: new Date(),
      },
      setWhere: sql`${jobs.status} in ('done','failed','canceled')`,
    })
    .returning({ id: jobs.id });
  if (row) return { id: row.id, created: true };
  const [live] = await db
    .select({ id: jobs.id })
    .from(jobs)
    .where(and(eq(jobs.merchantId, merchantId), eq(jobs.dedupeKey, input.dedupeKey)));
  return { id: live.id, created: false };
}

/** Cancels the pending job with this key; true when there was one. */
export async function cancelJob(
  db: DbOrTx,
  merchantId: string,
  dedupeKey: string,
): Promise<boolean> {
  const rows = await db
    .update(jobs)
    .set({ status: "canceled", finishedAt: new Date(), lockedUntil: null })
    .where(
      and(
        eq(jobs.merchantId, merchantId),
        eq(jobs.dedupeKey, dedupeKey),
        eq(jobs.status, "pending"),
      ),
    )
    .returning({ id: jobs.id });
  return rows.length > 0;
}

// Raw column names: the claim is one SQL statement, so its rows come back unmapped.
type RawJobRow = Record<string, unknown>;

function toDate(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  // A timestamptz comes back as text when the driver leaves it unparsed.
  return value instanceof Date ? value : new Date(value as string);
}

function toJob(row: RawJobRow): Job {
  return {
    merchantId: String(row.merchant_id),
    id: String(row.id),
    kind: String(row.kind),
    payload: (typeof row.payload === "string"
      ? JSON.parse(row.payload)
      : row.payload) as Job["payload"],
    runAt: toDate(row.run_at)!,
    status: row.status as Job["status"],
    attempts: Number(row.attempts),
    lastError: (row.last_error as string | null) ?? null,
    lockedUntil: toDate(row.locked_until),
    dedupeKey: (row.dedupe_key as string | null) ?? null,
    createdAt: toDate(row.created_at)!,
    finishedAt: toDate(row.finished_at),
  };
}

/**
 * Claims up to `limit` due jobs: pending ones whose time has come, and running ones whose
 * runner's lock ran out (it crashed). The attempt is counted on claim, so a job that keeps
 * killing its runner still ends up failed.
 */
export async function claimDueJobs(
  db: DbOrTx,
  now: Date,
  limit: number,
  lockMs = JOB_LOCK_MS,
): Promise<Job[]> {
  const lockedUntil = new Date(now.getTime() + lockMs);
  const result = await db.execute(sql`
    update jobs set status = 'running', locked_until = ${lockedUntil.toISOString()}::timestamptz,
      attempts = attempts + 1
    where (merchant_id, id) in (
      select merchant_id, id from jobs
      where (status = 'pending' and run_at <= ${now.toISOString()}::timestamptz)
         or (status = 'running' and locked_until < ${now.toISOString()}::timestamptz)
      order by run_at
      limit ${limit}
      for update skip locked
    )
    returning *`);
  const rows = (result as unknown as { rows: RawJobRow[] }).rows;
  return rows.map(toJob).sort((a, b) => a.runAt.getTime() - b.runAt.getTime());
}

/** 30 s, 2 min, 8 min, 32 min… after the 1st, 2nd, 3rd… failed attempt. */
export function retryDelayMs(attempts: number): number {
  return 30_000 * 4 ** Math.max(0, attempts - 1);
}

export async function completeJob(db: DbOrTx, job: Job, now: Date, repeatAt?: Date): Promise<void> {
  const key = and(eq(jobs.merchantId, job.merchantId), eq(jobs.id, job.id));
  if (repeatAt) {
    await db
      .update(jobs)
      .set({ status: "pending", runAt: repeatAt, attempts: 0, lastError: null, lockedUntil: null })
      .where(key);
    return;
  }
  await db.update(jobs).set({ status: "done", finishedAt: now, lockedUntil: null }).where(key);
}

export async function failJob(
  db: DbOrTx,
  job: Job,
  now: Date,
  error: string,
): Promise<"retry" | "failed"> {
  const key = and(eq(jobs.merchantId, job.merchantId), eq(jobs.id, job.id));
  const final = job.attempts >= MAX_JOB_ATTEMPTS;
  await db
    .update(jobs)
    .set({
      status: final ? "failed" : "pending",
      lastError: error.slice(0, 2000),
      lockedUntil: null,
      runAt: final ? job.runAt : new Date(now.getTime() + retryDelayMs(job.attempts)),
      finishedAt: final ? now : null,
    })
    .where(key);
  return final ? "failed" : "retry";
}
