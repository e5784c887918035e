// The job kinds the payments pipeline runs itself. Other domains register their own kinds
// (e.g. "flow.reminder") with registerJobHandler.
import type { Db } from "@/db/client";
import { ALERTS_EVERY_MS, ALERTS_JOB, evaluateAllMerchants } from "@/lib/alerts/evaluate";
import { refreshRollups, ROLLUP_EVERY_MS, ROLLUP_JOB } from "@/lib/analytics/rollup-job";
import { SANDBOX_DELIVERY_JOB } from "@/lib/connections/sandbox-completions";
import { deliverSandboxJob } from "@/lib/connections/sandbox-emitter";
import {
  DISPUTE_REMINDERS_EVERY_MS,
  DISPUTE_REMINDERS_JOB,
  sendDisputeReminders,
} from "@/lib/disputes/reminders";
import { env } from "@/lib/env";
import { reconcileStalePayments } from "@/lib/payments/reconcile";
import { reconcilePendingRefunds } from "@/lib/payments/refund-reconcile";
import { PAYPAL_CAPTURE_JOB } from "@/lib/webhooks/apply/events";
import { capturePayPalOrderJob } from "@/lib/webhooks/apply/paypal-capture";
import { enqueueJob, SYSTEM_MERCHANT_ID } from "./queue";
import { registerJobHandler } from "./runner";

export const RECONCILE_JOB = "payments.reconcile";
export const RECONCILE_EVERY_MS = 5 * 60_000;

export function registerBuiltinJobHandlers(): void {
  registerJobHandler(RECONCILE_JOB, async (_job, { db, now }) => {
    const summary = await reconcileStalePayments(db, now, {
      olderThanMinutes: env().PARLEY_RECONCILE_AFTER_MINUTES,
    });
    if (summary.errors.length > 0) {
      console.warn(
        `[reconcile] ${summary.errors.length} payment(s) could not be checked`,
        summary.errors,
      );
    }
    // Refunds whose answer never came: asked about, never sent again.
    const refundSummary = await reconcilePendingRefunds(db, now, {
      olderThanMinutes: env().PARLEY_RECONCILE_AFTER_MINUTES,
    });
    if (refundSummary.errors.length > 0) {
      console.warn(
        `[reconcile] ${refundSummary.errors.length} refund(s) could not be checked`,
        refundSummary.errors,
      );
    }
    return { repeatAt: new Date(now.getTime() + RECONCILE_EVERY_MS) };
  });
  // Alert rules: folds the events recorded since the last pass, then fires and resolves.
  registerJobHandler(ALERTS_JOB, async (_job, { db, now }) => {
    await evaluateAllMerchants(db, now);
    return { repeatAt: new Date(now.getTime() + ALERTS_EVERY_MS) };
  });
  // Analytics rollups: the buckets facts touched since the watermark, recounted from raw facts.
  registerJobHandler(ROLLUP_JOB, async (_job, { db, now }) => {
    await refreshRollups(db, now);
    return { repeatAt: new Date(now.getTime() + ROLLUP_EVERY_MS) };
  });
  // Dispute deadlines 5 days and 1 day out: the assignee (or the owners and admins) is told.
  registerJobHandler(DISPUTE_REMINDERS_JOB, async (_job, { db, now }) => {
    await sendDisputeReminders(db, now);
    return { repeatAt: new Date(now.getTime() + DISPUTE_REMINDERS_EVERY_MS) };
  });
  registerJobHandler(PAYPAL_CAPTURE_JOB, capturePayPalOrderJob);
  // A delayed Sandbox webhook whose in-process timer was lost to a restart.
  registerJobHandler(SANDBOX_DELIVERY_JOB, (job, { db }) => deliverSandboxJob(db, job));
}

/** The recurring sweeps exist exactly once each (their dedupe keys keep them single). */
export async function ensureRecurringJobs(db: Db, now: Date = new Date()): Promise<void> {
  await enqueueJob(db, SYSTEM_MERCHANT_ID, {
    kind: RECONCILE_JOB,
    runAt: now,
    dedupeKey: RECONCILE_JOB,
  });
  await enqueueJob(db, SYSTEM_MERCHANT_ID, {
    kind: ALERTS_JOB,
    runAt: now,
    dedupeKey: ALERTS_JOB,
  });
  await enqueueJob(db, SYSTEM_MERCHANT_ID, { kind: ROLLUP_JOB, runAt: now, dedupeKey: ROLLUP_JOB });
  await enqueueJob(db, SYSTEM_MERCHANT_ID, {
    kind: DISPUTE_REMINDERS_JOB,
    runAt: now,
    dedupeKey: DISPUTE_REMINDERS_JOB,
  });
}
