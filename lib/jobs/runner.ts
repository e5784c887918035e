// The handler registry and one pass of the runner: claim what is due, run each job, record
// done / retry / failed. Handlers are plain functions keyed by job kind.
import type { Db } from "@/db/client";
import type { Job } from "@/db/schema";
import { claimDueJobs, completeJob, failJob } from "./queue";

export interface JobContext {
  db: Db;
  now: Date;
}

/** Return `{ repeatAt }` to run the same job again later (recurring jobs). */
export type JobHandler = (job: Job, ctx: JobContext) => Promise<void | { repeatAt?: Date }>;
export type JobHandlers = ReadonlyMap<string, JobHandler>;

// Survives Next's module reloading, like the database handle.
const globalForJobs = globalThis as unknown as { __parleyJobHandlers?: Map<string, JobHandler> };

function registry(): Map<string, JobHandler> {
  return (globalForJobs.__parleyJobHandlers ??= new Map<string, JobHandler>());
}

export function registerJobHandler(kind: string, handler: JobHandler): void {
  registry().set(kind, handler);
}

export function registeredJobHandlers(): JobHandlers {
  return registry();
}

export interface RunSummary {
  claimed: number;
  done: number;
  retried: number;
  failed: number;
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Runs every due job once. A job without a handler fails its attempt (and is retried). */
export async function runDueJobs(
  db: Db,
  now: Date = new Date(),
  handlers: JobHandlers = registeredJobHandlers(),
  options: { limit?: number } = {},
): Promise<RunSummary> {
  const claimed = await claimDueJobs(db, now, options.limit ?? 20);
  const summary: RunSummary = { claimed: claimed.length, done: 0, retried: 0, failed: 0 };
  for (const job of claimed) {
    const handler = handlers.get(job.kind);
    try {
      if (!handler) throw new Error(`No handler is registered for job kind "${job.kind}"`);
      const result = await handler(job, { db, now });
      await completeJob(db, job, now, result?.repeatAt);
      summary.done += 1;
    } catch (error) {
      const outcome = await failJob(db, job, now, errorText(error));
      if (outcome === "failed") summary.failed += 1;
      else summary.retried += 1;
    }
  }
  return summary;
}

export type { Job };
