import type { Db } from "@/db/client";
import { users } from "@/db/schema";
import { auditInEveryMerchant } from "@/lib/audit/record";
import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import { verifyPassword } from "./password";
import { createSession } from "./sessions";
import { clearAttempts, releaseAttempt, signInThrottleKeys, takeAttempt } from "./throttle";

export const signInSchema = z.object({
  email: z.string().trim().toLowerCase().email("Enter a valid email address").max(254),
  password: z.string().min(1, "Enter your password").max(200),
});

export type SignInResult =
  | {
      ok: true;
      user: { id: string; email: string; name: string; sessionVersion: number };
      sessionId: string;
    }
  | { ok: false; reason: "invalid" | "rate_limited"; retryAfterMs?: number };

/**
 * Checks an email and password. Same answer for an unknown email and a wrong password, and the
 * same throttling for both, so the sign-in page cannot be used to find accounts.
 */
export async function authenticate(
  db: Db,
  input: { email: string; password: string },
  client: { ip: string | null; userAgent: string | null },
  now = new Date(),
): Promise<SignInResult> {
  const parsed = signInSchema.safeParse(input);
  if (!parsed.success) return { ok: false, reason: "invalid" };
  const { email, password } = parsed.data;
  // Counted before the password is checked (see throttle.ts): no window for parallel guesses.
  const attempt = await takeAttempt(db, signInThrottleKeys(email, client.ip), now);
  if (!attempt.allowed)
    return { ok: false, reason: "rate_limited", retryAfterMs: attempt.retryAfterMs };

  const [user] = await db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = ${email}`);
  const ok = await verifyPassword(password, user?.passwordHash);
  if (!user || !ok) return { ok: false, reason: "invalid" };

  const [accountAddress, ...wider] = attempt.counted;
  const sessionId = await db.transaction(async (tx) => {
    await clearAttempts(tx, accountAddress ? [accountAddress] : []);
    await releaseAttempt(tx, wider);
    await tx.update(users).set({ lastSignInAt: now }).where(eq(users.id, user.id));
    await auditInEveryMerchant(tx, user, {
      action: "auth.sign_in",
      summary: `${user.email} signed in`,
      client,
    });
    return createSession(tx, user.id, client, now);
  });

  return {
    ok: true,
    user: { id: user.id, email: user.email, name: user.name, sessionVersion: user.sessionVersion },
    sessionId,
  };
}
