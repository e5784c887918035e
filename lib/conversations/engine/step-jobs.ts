// A step's durable jobs (timers, the checkout safety net and its cancellation) as parts of the
// step's own write statement, so they land exactly when the conversation's new state does. They
// follow lib/jobs/queue.ts: enqueueJob keeps a live job with the same dedupe key and replaces a
// finished one; cancelJob cancels only a pending one.
import { jobs } from "@/db/schema";
import { newId } from "@/lib/ids";
import type { EnqueueJobInput } from "@/lib/jobs/queue";
import { sql, type SQL } from "drizzle-orm";
import type { StepJob } from "./step-runner";
import { checkoutJobKey, checkoutRecoveryJob, flowTimerJob } from "./timers";

type KeyedJob = EnqueueJobInput & { dedupeKey: string };

type JobWrite = { enqueue: KeyedJob } | { cancel: string };

function jobWrite(job: StepJob, conversationId: string, now: Date): JobWrite {
  switch (job.type) {
    case "schedule_timer":
      return { enqueue: flowTimerJob(conversationId, job) };
    case "create_checkout":
      return { enqueue: checkoutRecoveryJob(conversationId, job, now) };
    case "cancel_timer":
      return { cancel: job.timerId };
    case "cancel_checkout_recovery":
      return { cancel: checkoutJobKey(job.idempotencyKey) };
  }
}

function enqueue(name: string, merchantId: string, job: KeyedJob): SQL {
  return sql`, ${sql.identifier(name)} as (
    insert into ${jobs} (merchant_id, id, kind, payload, run_at, status, dedupe_key)
    select ${merchantId}, ${newId("job")}, ${job.kind}, ${JSON.stringify(job.payload ?? {})}::jsonb,
      ${(job.runAt ?? new Date()).toISOString()}::timestamptz, 'pending', ${job.dedupeKey}
    from head
    on conflict (merchant_id, dedupe_key) where dedupe_key is not null do update set
      id = excluded.id, kind = excluded.kind, payload = excluded.payload, run_at = excluded.run_at,
      status = 'pending', attempts = 0, last_error = null, locked_until = null,
      finished_at = null, created_at = now()
    where ${jobs}.status in ('done', 'failed', 'canceled'))`;
}

function cancel(name: string, merchantId: string, dedupeKey: string): SQL {
  return sql`, ${sql.identifier(name)} as (
    update ${jobs} set status = 'canceled', finished_at = now(), locked_until = null
    where merchant_id = ${merchantId} and dedupe_key = ${dedupeKey} and status = 'pending'
      and exists (select 1 from head))`;
}

/**
 * The jobs as CTEs that run only when `head` wrote the conversation; null when two of them
 * touch the same key (one statement cannot order them), for the caller to write them one by one.
 */
export function jobParts(
  jobsOfStep: readonly StepJob[],
  merchantId: string,
  conversationId: string,
  now: Date,
): SQL | null {
  const writes = jobsOfStep.map((job) => jobWrite(job, conversationId, now));
  const keys = writes.map((w) => ("enqueue" in w ? w.enqueue.dedupeKey : w.cancel));
  if (new Set(keys).size !== keys.length) return null;
  return sql.join(
    writes.map((w, i) =>
      "enqueue" in w
        ? enqueue(`job_${i}`, merchantId, w.enqueue)
        : cancel(`job_${i}`, merchantId, w.cancel),
    ),
  );
}
