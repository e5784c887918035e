// The in-process poller: runs due jobs every interval and sweeps the webhook inbox for
// deliveries stuck mid-apply once a minute. One pass at a time; errors are logged, not thrown.
import { getDb } from "@/db/client";
import { recoverInbox } from "@/lib/webhooks/recovery";
import { ensureRecurringJobs, registerBuiltinJobHandlers } from "./builtin";
import { runDueJobs } from "./runner";

export const INBOX_SWEEP_EVERY_MS = 60_000;
/** A delivery younger than this may still be applying in its request. */
export const INBOX_STUCK_AFTER_MS = 60_000;

export interface JobPoller {
  stop(): Promise<void>;
}

const globalForPoller = globalThis as unknown as { __parleyJobPoller?: JobPoller };

export function startJobPoller(options: { intervalMs?: number } = {}): JobPoller {
  if (globalForPoller.__parleyJobPoller) return globalForPoller.__parleyJobPoller;
  const intervalMs = options.intervalMs ?? 2_000;
  registerBuiltinJobHandlers();
  let running: Promise<void> | undefined;
  let lastSweep = 0;
  let stopped = false;

  const tick = async () => {
    const db = getDb();
    const now = new Date();
    if (now.getTime() - lastSweep >= INBOX_SWEEP_EVERY_MS) {
      lastSweep = now.getTime();
      await ensureRecurringJobs(db, now);
      await recoverInbox(db, { olderThanMs: INBOX_STUCK_AFTER_MS, now });
    }
    // Keep going while a full batch came back: a backlog drains without waiting an interval.
    while (!stopped && (await runDueJobs(db, new Date())).claimed >= 20);
  };

  const timer = setInterval(() => {
    if (running) return;
    running = tick()
      .catch((error: unknown) => console.error("[jobs] poller pass failed", error))
      .finally(() => {
        running = undefined;
      });
  }, intervalMs);
  timer.unref();

  const poller: JobPoller = {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
      globalForPoller.__parleyJobPoller = undefined;
    },
  };
  globalForPoller.__parleyJobPoller = poller;
  return poller;
}

/** Stops this process's poller, if one runs, once its pass in progress ends (shutdown). */
export async function stopJobPoller(): Promise<void> {
  await globalForPoller.__parleyJobPoller?.stop();
}
