import type { DbOrTx } from "@/db/client";
import { signInThrottle } from "@/db/schema";
import { DIRECT_CLIENT } from "@/lib/http/client-ip";
import { eq, sql } from "drizzle-orm";

// Slows down password guessing. Every attempt is counted *before* the password is checked, by
// one upsert per key that also decides whether the attempt may go ahead, so concurrent attempts
// cannot all slip through a check-then-act window. A successful attempt gives its count back.
//
// Keys, most specific first:
//   account+address  a few attempts, then an escalating lock: what a guesser from one address hits;
//   address          (known addresses only) many attempts across accounts: password spraying;
//   account          a much higher backstop across every address: distributed guessing.
// Someone who knows only an email locks the account for *their* address, not the owner's; only
// the backstop is shared, and it takes hundreds of guesses per window to hold it.
// Unknown emails are throttled exactly like known ones, so answers never reveal which exist.

export interface ThrottlePolicy {
  freeAttempts: number;
  windowMs: number;
  baseLockMs: number;
  maxLockMs: number;
}

export const THROTTLE_POLICY = {
  accountAddress: {
    freeAttempts: 5,
    windowMs: 15 * 60_000,
    baseLockMs: 30_000,
    maxLockMs: 15 * 60_000,
  },
  address: { freeAttempts: 50, windowMs: 15 * 60_000, baseLockMs: 60_000, maxLockMs: 15 * 60_000 },
  account: { freeAttempts: 200, windowMs: 60 * 60_000, baseLockMs: 60_000, maxLockMs: 15 * 60_000 },
  // Authenticator and recovery codes, per account: a million six-digit codes take years at this rate.
  secondFactor: {
    freeAttempts: 5,
    windowMs: 15 * 60_000,
    baseLockMs: 30_000,
    maxLockMs: 15 * 60_000,
  },
  invite: { freeAttempts: 20, windowMs: 15 * 60_000, baseLockMs: 60_000, maxLockMs: 15 * 60_000 },
} satisfies Record<string, ThrottlePolicy>;

export interface ThrottleKey {
  key: string;
  policy: ThrottlePolicy;
}

/** The keys one sign-in attempt counts against; `ip` null = unknown (no trusted proxy). */
export function signInThrottleKeys(email: string, ip: string | null): ThrottleKey[] {
  const account = email.trim().toLowerCase();
  const keys: ThrottleKey[] = [
    { key: `acct-ip:${account}|${ip ?? DIRECT_CLIENT}`, policy: THROTTLE_POLICY.accountAddress },
  ];
  // An unknown address is everyone's: a per-address lock on it would lock out every user.
  if (ip) keys.push({ key: `ip:${ip}`, policy: THROTTLE_POLICY.address });
  keys.push({ key: `acct:${account}`, policy: THROTTLE_POLICY.account });
  return keys;
}

/** The lock after the `attempts`-th counted attempt in a window (0 = none yet). */
export function lockDurationMs(attempts: number, policy: ThrottlePolicy): number {
  const over = attempts - policy.freeAttempts;
  if (over < 0) return 0;
  return Math.min(policy.baseLockMs * 2 ** over, policy.maxLockMs);
}

export type AttemptDecision =
  { allowed: true; counted: ThrottleKey[] } | { allowed: false; retryAfterMs: number };

/**
 * Counts one attempt against each key, in order, or refuses it at the first locked key (then
 * the keys already counted are given back, and nothing further is counted).
 */
export async function takeAttempt(
  db: DbOrTx,
  keys: ThrottleKey[],
  now = new Date(),
): Promise<AttemptDecision> {
  const counted: ThrottleKey[] = [];
  for (const entry of keys) {
    const row = await countAttempt(db, entry, now);
    if (row.lastAttemptRefused) {
      await releaseAttempt(db, counted);
      const until = row.lockedUntil?.getTime() ?? now.getTime();
      return { allowed: false, retryAfterMs: Math.max(until - now.getTime(), 1) };
    }
    counted.push(entry);
  }
  return { allowed: true, counted };
}

/**
 * One statement: refuse if locked (count unchanged), else count the attempt (a fresh window if
 * the old one ran out) and lock when the count reaches the policy's allowance.
 */
async function countAttempt(db: DbOrTx, { key, policy }: ThrottleKey, now: Date) {
  const t = signInThrottle;
  const at = sql`${now.toISOString()}::timestamptz`;
  const windowStart = sql`${new Date(now.getTime() - policy.windowMs).toISOString()}::timestamptz`;
  const locked = sql`(${t.lockedUntil} is not null and ${t.lockedUntil} > ${at})`;
  const expired = sql`${t.windowStartedAt} < ${windowStart}`;
  const next = sql`(case when ${expired} then 1 else ${t.failures} + 1 end)`;
  const lockFor = sql`least(${policy.baseLockMs}::float8 * power(2::float8, (${next} - ${policy.freeAttempts})::float8), ${policy.maxLockMs}::float8)`;
  const firstLockMs = lockDurationMs(1, policy);
  const [row] = await db
    .insert(t)
    .values({
      key,
      failures: 1,
      windowStartedAt: now,
      lockedUntil: firstLockMs > 0 ? new Date(now.getTime() + firstLockMs) : null,
      lastAttemptRefused: false,
    })
    .onConflictDoUpdate({
      target: t.key,
      set: {
        lastAttemptRefused: locked,
        failures: sql`case when ${locked} then ${t.failures} else ${next} end`,
        windowStartedAt: sql`case when ${locked} then ${t.windowStartedAt} when ${expired} then ${at} else ${t.windowStartedAt} end`,
        lockedUntil: sql`case when ${locked} then ${t.lockedUntil} when ${next} >= ${policy.freeAttempts} then ${at} + ${lockFor} * interval '1 millisecond' else null end`,
      },
    })
    .returning({
      failures: t.failures,
      lockedUntil: t.lockedUntil,
      lastAttemptRefused: t.lastAttemptRefused,
    });
  return row;
}

/** Gives back attempts that turned out not to be guesses (a success, a form error). */
export async function releaseAttempt(db: DbOrTx, keys: ThrottleKey[]): Promise<void> {
  const t = signInThrottle;
  for (const { key, policy } of keys) {
    await db
      .update(t)
      .set({
        failures: sql`greatest(${t.failures} - 1, 0)`,
        lockedUntil: sql`case when ${t.failures} - 1 < ${policy.freeAttempts} then null else ${t.lockedUntil} end`,
      })
      .where(eq(t.key, key));
  }
}

/** After a correct password: that account from that address starts afresh. */
export async function clearAttempts(db: DbOrTx, keys: ThrottleKey[]): Promise<void> {
  for (const { key } of keys) await db.delete(signInThrottle).where(eq(signInThrottle.key, key));
}
