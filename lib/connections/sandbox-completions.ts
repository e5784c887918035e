// The record of each Sandbox checkout's completion, kept in the durable `jobs` table: one row per
// checkout and phase (the first choice; the 3-D Secure challenge after a "requires_action"),
// claimed by its dedupe key before any webhook is sent. So a second submit — even a concurrent
// one — finds the first's outcome instead of sending a second set of webhooks, and a delayed
// delivery is a pending job that survives a restart (the poller sends it if the timer did not).
// Delayed deliveries are capped per connection so a script cannot queue them without bound.
import type { Db, DbOrTx } from "@/db/client";
import { connections, jobs, type Job } from "@/db/schema";
import type {
  SandboxDeclineCode,
  SandboxEvent,
} from "@/lib/connections/providers/sandbox/webhooks";
import { ConflictError } from "@/lib/errors";
import { RateLimitedError } from "@/lib/http/rate-limit";
import { newId } from "@/lib/ids";
import { and, eq, inArray, sql } from "drizzle-orm";

export const SANDBOX_DELIVERY_JOB = "sandbox.deliver";
/** Delayed Sandbox deliveries that may wait at once on one connection. */
export const MAX_PENDING_SANDBOX_DELIVERIES = 20;
/** The poller sends a delayed delivery this long after its time only if the timer did not. */
export const SANDBOX_DELIVERY_FALLBACK_MS = 30_000;

export type SandboxOutcome = "succeeded" | "declined" | "requires_action" | "timeout";
export type SandboxCompletionPhase = "choice" | "challenge";

export interface SandboxCompletionPayload {
  [key: string]: unknown;
  checkoutId: string;
  connectionId: string;
  paymentId: string;
  phase: SandboxCompletionPhase;
  outcome: SandboxOutcome;
  declineCode?: SandboxDeclineCode;
  duplicate: boolean;
  outOfOrder: boolean;
  events: SandboxEvent[];
}

/** A second completion of a finished checkout: carries the outcome it already had. */
export class SandboxCheckoutCompletedError extends ConflictError {
  constructor(
    message: string,
    readonly outcome: SandboxOutcome | null,
    readonly declineCode?: SandboxDeclineCode,
  ) {
    super(message);
    this.name = "SandboxCheckoutCompletedError";
  }
}

function dedupeKey(checkoutId: string, phase: SandboxCompletionPhase): string {
  return `${SANDBOX_DELIVERY_JOB}:${checkoutId}:${phase}`;
}

export async function listSandboxCompletions(
  db: DbOrTx,
  merchantId: string,
  checkoutId: string,
): Promise<SandboxCompletionPayload[]> {
  const rows = await db
    .select({ payload: jobs.payload })
    .from(jobs)
    .where(
      and(
        eq(jobs.merchantId, merchantId),
        inArray(jobs.dedupeKey, [
          dedupeKey(checkoutId, "choice"),
          dedupeKey(checkoutId, "challenge"),
        ]),
      ),
    );
  const all = rows.map((r) => r.payload as SandboxCompletionPayload);
  return all.sort((a, b) => (a.phase === b.phase ? 0 : a.phase === "choice" ? -1 : 1));
}

function alreadyCompleted(latest: SandboxCompletionPayload): SandboxCheckoutCompletedError {
  return new SandboxCheckoutCompletedError(
    "This checkout was already completed.",
    latest.outcome,
    latest.declineCode,
  );
}

/**
 * Which phase a new choice would complete, or the error naming the outcome the checkout already
 * has. A challenge follows only a "requires_action" choice, and only once.
 */
export function nextPhase(
  recorded: SandboxCompletionPayload[],
  outcome: SandboxOutcome,
): SandboxCompletionPhase {
  const choice = recorded.find((r) => r.phase === "choice");
  if (!choice) return "choice";
  const challenge = recorded.find((r) => r.phase === "challenge");
  if (challenge) throw alreadyCompleted(challenge);
  if (choice.outcome === "requires_action" && outcome !== "requires_action") return "challenge";
  throw alreadyCompleted(choice);
}

/**
 * Claims this checkout's phase; throws SandboxCheckoutCompletedError when another submit got
 * there first, and a 429 when the connection already has its fill of delayed deliveries.
 * Returns the job's id: a finished record when delivered now, a pending job when delayed.
 */
export async function claimSandboxCompletion(
  db: Db,
  merchantId: string,
  payload: SandboxCompletionPayload,
  delayMs: number,
  now = new Date(),
): Promise<string> {
  const id = newId("job");
  const delayed = delayMs > 0;
  const inserted = await db.transaction(async (tx) => {
    if (delayed) {
      // One claimer per connection at a time, so the count and the insert cannot interleave.
      await tx
        .select({ id: connections.id })
        .from(connections)
        .where(
          and(eq(connections.merchantId, merchantId), eq(connections.id, payload.connectionId)),
        )
        .for("update");
      const [waiting] = await tx
        .select({ count: sql<number>`count(*)::int` })
        .from(jobs)
        .where(
          and(
            eq(jobs.merchantId, merchantId),
            eq(jobs.kind, SANDBOX_DELIVERY_JOB),
            eq(jobs.status, "pending"),
            sql`${jobs.payload}->>'connectionId' = ${payload.connectionId}`,
          ),
        );
      if (Number(waiting?.count ?? 0) >= MAX_PENDING_SANDBOX_DELIVERIES) {
        throw new RateLimitedError(
          Math.ceil(delayMs / 1000),
          `This Sandbox connection already has ${MAX_PENDING_SANDBOX_DELIVERIES} delayed webhooks waiting. Wait for them to arrive, or choose no delay.`,
        );
      }
    }
    return tx
      .insert(jobs)
      .values({
        merchantId,
        id,
        kind: SANDBOX_DELIVERY_JOB,
        payload,
        runAt: new Date(now.getTime() + (delayed ? delayMs + SANDBOX_DELIVERY_FALLBACK_MS : 0)),
        status: delayed ? "pending" : "done",
        finishedAt: delayed ? null : now,
        dedupeKey: dedupeKey(payload.checkoutId, payload.phase),
      })
      .onConflictDoNothing({
        target: [jobs.merchantId, jobs.dedupeKey],
        where: sql`${jobs.dedupeKey} is not null`,
      })
      .returning({ id: jobs.id });
  });
  if (inserted.length === 0) {
    const recorded = await listSandboxCompletions(db, merchantId, payload.checkoutId);
    const winner = recorded.find((r) => r.phase === payload.phase);
    throw winner
      ? alreadyCompleted(winner)
      : new SandboxCheckoutCompletedError("This checkout was already completed.", null);
  }
  return id;
}

/**
 * Takes a delayed delivery for sending: true for exactly one of the timer and the poller's
 * handler (whoever moves it out of "pending" first; the poller has already marked it running).
 */
export async function takeDelayedDelivery(
  db: DbOrTx,
  merchantId: string,
  jobId: string,
  now = new Date(),
): Promise<boolean> {
  const rows = await db
    .update(jobs)
    .set({ status: "done", finishedAt: now, lockedUntil: null })
    .where(and(eq(jobs.merchantId, merchantId), eq(jobs.id, jobId), eq(jobs.status, "pending")))
    .returning({ id: jobs.id });
  return rows.length > 0;
}

export function completionPayloadOf(job: Job): SandboxCompletionPayload {
  return job.payload as SandboxCompletionPayload;
}
