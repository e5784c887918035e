import type { DbOrTx } from "@/db/client";
import { userSessions, users } from "@/db/schema";
import { auditInEveryMerchant } from "@/lib/audit/record";
import { newId } from "@/lib/ids";
import { and, eq, gt, isNull, sql } from "drizzle-orm";

// Server-side sessions behind the JWT cookie. The token names its session; a request is signed
// in only while that row is unrevoked and unexpired, so signing out ends the session for anyone
// holding a copy of the cookie, and "sign out everywhere" ends all of them.

export const SESSION_MAX_AGE_S = 7 * 24 * 3600;

export async function createSession(
  db: DbOrTx,
  userId: string,
  client: { ip: string | null; userAgent: string | null },
  now = new Date(),
): Promise<string> {
  const id = newId("session");
  await db.insert(userSessions).values({
    id,
    userId,
    createdAt: now,
    expiresAt: new Date(now.getTime() + SESSION_MAX_AGE_S * 1000),
    userAgent: client.userAgent?.slice(0, 300) ?? null,
    ip: client.ip,
  });
  return id;
}

export interface LiveSession {
  id: string;
  /** When this browser passed the second factor; null = password only so far. */
  secondFactorAt: Date | null;
  /** Its freshest code (sign-in or step-up). */
  steppedUpAt: Date | null;
}

/** True while the session exists for this user, is not revoked and has not expired. */
export async function isSessionLive(
  db: DbOrTx,
  claims: { userId?: string; sessionId?: string },
  now = new Date(),
): Promise<boolean> {
  return (await loadLiveSession(db, claims, now)) !== null;
}

/** The session row while it is live (see isSessionLive), with its second-factor times. */
export async function loadLiveSession(
  db: DbOrTx,
  claims: { userId?: string; sessionId?: string },
  now = new Date(),
): Promise<LiveSession | null> {
  if (!claims.userId || !claims.sessionId) return null;
  const [row] = await db
    .select({
      id: userSessions.id,
      secondFactorAt: userSessions.secondFactorAt,
      steppedUpAt: userSessions.steppedUpAt,
    })
    .from(userSessions)
    .where(
      and(
        eq(userSessions.id, claims.sessionId),
        eq(userSessions.userId, claims.userId),
        isNull(userSessions.revokedAt),
        gt(userSessions.expiresAt, now),
      ),
    );
  return row ?? null;
}

export interface SessionClient {
  ip: string | null;
  userAgent: string | null;
}

/**
 * Sign-out: this browser's session only. Audited in every merchant of the user when a live
 * session ended (a replayed or already-revoked cookie ends nothing and writes nothing).
 */
export async function revokeSession(
  db: DbOrTx,
  claims: { userId?: string; sessionId?: string },
  client: SessionClient = { ip: null, userAgent: null },
  now = new Date(),
): Promise<boolean> {
  const { userId, sessionId } = claims;
  if (!userId || !sessionId) return false;
  return db.transaction(async (tx) => {
    const ended = await tx
      .update(userSessions)
      .set({ revokedAt: now })
      .where(
        and(
          eq(userSessions.id, sessionId),
          eq(userSessions.userId, userId),
          isNull(userSessions.revokedAt),
        ),
      )
      .returning({ id: userSessions.id });
    if (ended.length === 0) return false;
    const [user] = await tx.select().from(users).where(eq(users.id, userId));
    if (user) {
      await auditInEveryMerchant(tx, user, {
        action: "auth.sign_out",
        summary: `${user.email} signed out`,
        client,
      });
    }
    return true;
  });
}

/** "Sign out everywhere": every session of the user, and the session version for good measure. */
export async function revokeAllSessions(
  db: DbOrTx,
  userId: string,
  client: SessionClient = { ip: null, userAgent: null },
  now = new Date(),
): Promise<number> {
  return db.transaction(async (tx) => {
    const revoked = await tx
      .update(userSessions)
      .set({ revokedAt: now })
      .where(and(eq(userSessions.userId, userId), isNull(userSessions.revokedAt)))
      .returning({ id: userSessions.id });
    const [user] = await tx
      .update(users)
      .set({ sessionVersion: sql`${users.sessionVersion} + 1` })
      .where(eq(users.id, userId))
      .returning({ id: users.id, email: users.email });
    if (user) {
      await auditInEveryMerchant(tx, user, {
        action: "auth.sign_out_everywhere",
        summary: `${user.email} signed out everywhere (${revoked.length} session${revoked.length === 1 ? "" : "s"} ended)`,
        after: { sessionsEnded: revoked.length },
        client,
      });
    }
    return revoked.length;
  });
}

export async function countLiveSessions(
  db: DbOrTx,
  userId: string,
  now = new Date(),
): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(userSessions)
    .where(
      and(
        eq(userSessions.userId, userId),
        isNull(userSessions.revokedAt),
        gt(userSessions.expiresAt, now),
      ),
    );
  return row?.n ?? 0;
}
