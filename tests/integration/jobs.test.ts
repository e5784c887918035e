import type { Db, DbHandle } from "@/db/client";
import { jobs, type Job } from "@/db/schema";
import { newId } from "@/lib/ids";
import { cancelJob, enqueueJob, MAX_JOB_ATTEMPTS, retryDelayMs } from "@/lib/jobs/queue";
import { runDueJobs, type JobHandler } from "@/lib/jobs/runner";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES, openTestDatabase } from "./helpers/test-db";

const SECOND = 1000;

describe.each(ENGINES)("durable jobs on %s", (engine) => {
  let handle: DbHandle;
  let db: Db;

  beforeAll(async () => {
    handle = await openTestDatabase(engine);
    db = handle.db;
  });
  afterAll(async () => {
    await handle?.close();
  });

  /** Each test uses its own job kinds, so runs don't see each other's jobs. */
  function kinds() {
    const suffix = newId("job").slice(-8);
    return { a: `test.a.${suffix}`, b: `test.b.${suffix}` };
  }

  async function jobRow(merchantId: string, id: string): Promise<Job> {
    const [row] = await db
      .select()
      .from(jobs)
      .where(and(eq(jobs.merchantId, merchantId), eq(jobs.id, id)));
    return row;
  }

  function recorder() {
    const ran: string[] = [];
    const handler: JobHandler = async (job) => {
      ran.push(job.id);
    };
    return { ran, handler };
  }

  it("runs due jobs only, in run_at order, once", async () => {
    const k = kinds();
    const t0 = new Date(Date.now() + 3600 * SECOND);
    const late = await enqueueJob(db, "mer_jobs", {
      kind: k.a,
      runAt: new Date(t0.getTime() + 60 * SECOND),
    });
    const second = await enqueueJob(db, "mer_jobs", {
      kind: k.a,
      runAt: new Date(t0.getTime() - 5 * SECOND),
    });
    const first = await enqueueJob(db, "mer_jobs", {
      kind: k.a,
      runAt: new Date(t0.getTime() - 10 * SECOND),
    });
    const { ran, handler } = recorder();
    const handlers = new Map([[k.a, handler]]);
    await runDueJobs(db, t0, handlers);
    expect(ran.filter((id) => [first.id, second.id, late.id].includes(id))).toEqual([
      first.id,
      second.id,
    ]);
    await runDueJobs(db, t0, handlers);
    expect(ran.filter((id) => id === first.id)).toHaveLength(1);
    expect(await jobRow("mer_jobs", first.id)).toMatchObject({ status: "done", attempts: 1 });
    expect((await jobRow("mer_jobs", first.id)).finishedAt).toBeInstanceOf(Date);
    expect((await jobRow("mer_jobs", late.id)).status).toBe("pending");
  });

  it("retries a failing job with growing backoff, then gives up after the last attempt", async () => {
    const k = kinds();
    let now = new Date(Date.now() + 2 * 3600 * SECOND);
    const { id } = await enqueueJob(db, "mer_jobs", { kind: k.a, runAt: now, payload: { n: 1 } });
    let calls = 0;
    const handlers = new Map<string, JobHandler>([
      [
        k.a,
        async (job) => {
          calls += 1;
          expect(job.payload).toEqual({ n: 1 });
          throw new Error(`flaky ${calls}`);
        },
      ],
    ]);
    for (let attempt = 1; attempt <= MAX_JOB_ATTEMPTS; attempt++) {
      const summary = await runDueJobs(db, now, handlers);
      expect(summary.claimed).toBeGreaterThanOrEqual(1);
      const row = await jobRow("mer_jobs", id);
      expect(row.attempts).toBe(attempt);
      expect(row.lastError).toContain(`flaky ${attempt}`);
      if (attempt < MAX_JOB_ATTEMPTS) {
        expect(row.status).toBe("pending");
        expect(row.runAt.getTime()).toBe(now.getTime() + retryDelayMs(attempt));
        // Not before its time.
        await runDueJobs(db, new Date(row.runAt.getTime() - 1), handlers);
        expect(calls).toBe(attempt);
        now = row.runAt;
      } else {
        expect(row.status).toBe("failed");
      }
    }
    expect(retryDelayMs(2)).toBeGreaterThan(retryDelayMs(1));
    await runDueJobs(db, new Date(now.getTime() + 86_400 * SECOND), handlers);
    expect(calls).toBe(MAX_JOB_ATTEMPTS);
  });

  it("keeps one live job per dedupe key, and schedules again once it finished or was canceled", async () => {
    const k = kinds();
    const key = `reminder:${k.a}`;
    const runAt = new Date(Date.now() + 3 * 3600 * SECOND);
    const first = await enqueueJob(db, "mer_a", { kind: k.a, runAt, dedupeKey: key });
    const again = await enqueueJob(db, "mer_a", { kind: k.a, runAt, dedupeKey: key });
    expect(first.created).toBe(true);
    expect(again).toEqual({ id: first.id, created: false });
    // The key is per merchant.
    expect((await enqueueJob(db, "mer_b", { kind: k.a, runAt, dedupeKey: key })).created).toBe(
      true,
    );

    expect(await cancelJob(db, "mer_a", key)).toBe(true);
    expect(await cancelJob(db, "mer_a", key)).toBe(false);
    expect((await jobRow("mer_a", first.id)).status).toBe("canceled");
    const { ran, handler } = recorder();
    await runDueJobs(db, runAt, new Map([[k.a, handler]]));
    expect(ran).not.toContain(first.id);

    const revived = await enqueueJob(db, "mer_a", {
      kind: k.a,
      runAt,
      dedupeKey: key,
      payload: { v: 2 },
    });
    expect(revived.created).toBe(true);
    const row = await jobRow("mer_a", revived.id);
    expect(row).toMatchObject({ status: "pending", attempts: 0, payload: { v: 2 } });
    await runDueJobs(db, runAt, new Map([[k.a, handler]]));
    expect(ran).toContain(revived.id);
  });

  it("survives a restart: pending jobs wait for the next runner, and a dead runner's job is taken over", async () => {
    const k = kinds();
    const runAt = new Date(Date.now() + 4 * 3600 * SECOND);
    const pending = await enqueueJob(db, "mer_jobs", { kind: k.a, runAt });
    const orphan = await enqueueJob(db, "mer_jobs", { kind: k.b, runAt });
    // A runner claimed `orphan` and then the process died: running, with a lock that runs out.
    await db
      .update(jobs)
      .set({ status: "running", attempts: 1, lockedUntil: new Date(runAt.getTime() + 60 * SECOND) })
      .where(and(eq(jobs.merchantId, "mer_jobs"), eq(jobs.id, orphan.id)));

    // The "new process": fresh handlers, same database.
    const { ran, handler } = recorder();
    const handlers = new Map([
      [k.a, handler],
      [k.b, handler],
    ]);
    await runDueJobs(db, runAt, handlers);
    expect(ran).toContain(pending.id);
    expect(ran).not.toContain(orphan.id); // its lock still holds
    await runDueJobs(db, new Date(runAt.getTime() + 61 * SECOND), handlers);
    expect(ran).toContain(orphan.id);
    expect(await jobRow("mer_jobs", orphan.id)).toMatchObject({ status: "done", attempts: 2 });
  });

  it("never gives one job to two runners at once", async () => {
    const k = kinds();
    const runAt = new Date(Date.now() + 5 * 3600 * SECOND);
    const ids = new Set<string>();
    for (let i = 0; i < 12; i++)
      ids.add((await enqueueJob(db, "mer_jobs", { kind: k.a, runAt })).id);
    const ran: string[] = [];
    const handler: JobHandler = async (job) => {
      ran.push(job.id);
      await new Promise((resolve) => setTimeout(resolve, 5));
    };
    const handlers = new Map([[k.a, handler]]);
    // Rounds of three concurrent runners until the queue is drained (earlier tests' leftovers too).
    for (let round = 0; round < 6; round++) {
      const summaries = await Promise.all(
        [1, 2, 3].map(() => runDueJobs(db, runAt, handlers, { limit: 5 })),
      );
      if (summaries.every((s) => s.claimed === 0)) break;
    }
    const mine = ran.filter((id) => ids.has(id));
    expect(new Set(mine).size).toBe(mine.length);
    expect(mine.length).toBe(12);
  });

  it("treats a job without a handler as a failed attempt, so a later registration still runs it", async () => {
    const k = kinds();
    const runAt = new Date(Date.now() + 6 * 3600 * SECOND);
    const { id } = await enqueueJob(db, "mer_jobs", { kind: k.a, runAt });
    await runDueJobs(db, runAt, new Map());
    const row = await jobRow("mer_jobs", id);
    expect(row).toMatchObject({ status: "pending", attempts: 1 });
    expect(row.lastError).toMatch(/No handler/);
    const { ran, handler } = recorder();
    await runDueJobs(db, row.runAt, new Map([[k.a, handler]]));
    expect(ran).toContain(id);
  });
});
