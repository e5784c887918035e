import type { Db } from "@/db/client";
import { memberships, users } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import { verifyPassword } from "./password";
import { clearFailures, lockedForMs, recordFailure, throttleKeys } from "./throttle";

export const signInSchema = z.object({
  email: z.string().trim().toLowerCase().email("Enter a valid email address").max(254),
  password: z.string().min(1, "Enter your password").max(200),
});

export type SignInResult =
  | { ok: true; user: { id: string; email: string; name: string; sessionVersion: number } }
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
  const keys = throttleKeys(email, client.ip);

  const wait = await lockedForMs(db, keys, now);
  if (wait > 0) return { ok: false, reason: "rate_limited", retryAfterMs: wait };

  const [user] = await db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = ${email}`);
  const ok = await verifyPassword(password, user?.passwordHash);
  if (!user || !ok) {
    await recordFailure(db, keys, now);
    return { ok: false, reason: "invalid" };
  }

  await db.transaction(async (tx) => {
    await clearFailures(tx, email);
    await tx.update(users).set({ lastSignInAt: now }).where(eq(users.id, user.id));
    const rows = await tx.select().from(memberships).where(eq(memberships.userId, user.id));
    for (const m of rows) {
      await recordAudit(tx, {
        merchantId: m.merchantId,
        actor: { userId: user.id, email: user.email },
        action: "auth.sign_in",
        targetType: "user",
        targetId: user.id,
        summary: `${user.email} signed in`,
        ip: client.ip,
        userAgent: client.userAgent,
      });
    }
  });

  return {
    ok: true,
    user: { id: user.id, email: user.email, name: user.name, sessionVersion: user.sessionVersion },
  };
}
