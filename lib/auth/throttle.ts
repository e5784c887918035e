import type { DbOrTx } from "@/db/client";
import { signInThrottle } from "@/db/schema";
import { eq, sql } from "drizzle-orm";

// Slows down password guessing per account and per client address. Unknown emails are
// throttled exactly like known ones, so the answers never reveal which emails exist.
export const THROTTLE_POLICY = {
  freeFailures: 5,
  windowMs: 15 * 60_000,
  baseLockMs: 30_000,
  maxLockMs: 15 * 60_000,
};

export function throttleKeys(email: string, ip: string | null): string[] {
  const keys = [`email:${email.trim().toLowerCase()}`];
  if (ip) keys.push(`ip:${ip}`);
  return keys;
}

/** Milliseconds until sign-in may be tried again for any of these keys (0 = allowed now). */
export async function lockedForMs(db: DbOrTx, keys: string[], now = new Date()): Promise<number> {
  let wait = 0;
  for (const key of keys) {
    const [row] = await db.select().from(signInThrottle).where(eq(signInThrottle.key, key));
    if (row?.lockedUntil && row.lockedUntil > now) {
      wait = Math.max(wait, row.lockedUntil.getTime() - now.getTime());
    }
  }
  return wait;
}

export function lockDurationMs(failures: number): number {
  const over = failures - THROTTLE_POLICY.freeFailures;
  if (over < 0) return 0;
  return Math.min(THROTTLE_POLICY.baseLockMs * 2 ** over, THROTTLE_POLICY.maxLockMs);
}

export async function recordFailure(db: DbOrTx, keys: string[], now = new Date()): Promise<void> {
  const windowStart = new Date(now.getTime() - THROTTLE_POLICY.windowMs);
  for (const key of keys) {
    // Atomic upsert: a failure outside the window starts a new one.
    const [row] = await db
      .insert(signInThrottle)
      .values({ key, failures: 1, windowStartedAt: now })
      .onConflictDoUpdate({
        target: signInThrottle.key,
        set: {
          failures: sql`case when ${signInThrottle.windowStartedAt} < ${windowStart.toISOString()}::timestamptz then 1 else ${signInThrottle.failures} + 1 end`,
          windowStartedAt: sql`case when ${signInThrottle.windowStartedAt} < ${windowStart.toISOString()}::timestamptz then ${now.toISOString()}::timestamptz else ${signInThrottle.windowStartedAt} end`,
        },
      })
      .returning();
    const lockMs = lockDurationMs(row!.failures);
    if (lockMs > 0) {
      await db
        .update(signInThrottle)
        .set({ lockedUntil: new Date(now.getTime() + lockMs) })
        .where(eq(signInThrottle.key, key));
    }
  }
}

export async function clearFailures(db: DbOrTx, email: string): Promise<void> {
  await db.delete(signInThrottle).where(eq(signInThrottle.key, throttleKeys(email, null)[0]!));
}
