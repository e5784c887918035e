import { getDb } from "@/db/client";
import { users } from "@/db/schema";
import { ForbiddenError, NotSignedInError, SecondFactorPendingError } from "@/lib/errors";
import { clientIp } from "@/lib/http/client-ip";
import { eq } from "drizzle-orm";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import "server-only";
import { auth } from "./config";
import { resolveMerchantContext, type MerchantContext } from "./context";
import { can, type Permission } from "./permissions";
import { loadLiveSession } from "./sessions";
import { secondFactorState, type SecondFactorState } from "./two-factor/gate";

export const ACTIVE_MERCHANT_COOKIE = "parley_merchant";

/**
 * The signed-in browser, whatever its second-factor state (memoized per request), or null: the
 * session row must be live and the session version current. Pages use getRequestContext; the
 * sign-in code and enrolment pages use this.
 */
export const getSignedInSession = cache(
  async (): Promise<{
    user: { id: string; email: string; name: string };
    sessionId: string;
    sessionVersion: number;
    secondFactor: SecondFactorState;
  } | null> => {
    const session = await auth();
    if (!session?.userId || !session.sessionId) return null;
    const live = await loadLiveSession(getDb(), session);
    if (!live) return null;
    const [user] = await getDb()
      .select({
        id: users.id,
        email: users.email,
        name: users.name,
        sessionVersion: users.sessionVersion,
      })
      .from(users)
      .where(eq(users.id, session.userId));
    if (!user || user.sessionVersion !== (session.sessionVersion ?? 0)) return null;
    return {
      user: { id: user.id, email: user.email, name: user.name },
      sessionId: live.id,
      sessionVersion: user.sessionVersion,
      secondFactor: await secondFactorState(getDb(), user, live),
    };
  },
);

/**
 * The signed-in context for this request (memoized per request), or null — also while the
 * second factor is still to come: a password alone opens nothing.
 */
export const getRequestContext = cache(async (): Promise<MerchantContext | null> => {
  const signedIn = await getSignedInSession();
  if (!signedIn || signedIn.secondFactor.gate !== "open") return null;
  const [cookieStore, headerList] = await Promise.all([cookies(), headers()]);
  const ctx = await resolveMerchantContext(
    getDb(),
    { userId: signedIn.user.id, sessionVersion: signedIn.sessionVersion },
    cookieStore.get(ACTIVE_MERCHANT_COOKIE)?.value,
    {
      ip: clientIp(headerList),
      userAgent: headerList.get("user-agent"),
    },
  );
  return ctx && { ...ctx, sessionId: signedIn.sessionId, secondFactor: signedIn.secondFactor };
});

/** Where a browser whose password was right goes next, or null when it is simply signed out. */
export async function secondFactorPath(): Promise<string | null> {
  const signedIn = await getSignedInSession();
  if (signedIn?.secondFactor.gate === "code_needed") return "/sign-in/code";
  if (signedIn?.secondFactor.gate === "enrolment_needed") return "/two-factor/setup";
  return null;
}

/** For pages: signed out → sign-in page; role lacks the permission → the forbidden page. */
export async function requirePagePermission(permission: Permission): Promise<MerchantContext> {
  const ctx = await getRequestContext();
  if (!ctx) redirect((await secondFactorPath()) ?? "/sign-in");
  if (!can(ctx.role, permission)) redirect("/forbidden");
  return ctx;
}

/** For server actions and route handlers: throws, and the caller maps the error once. */
export async function requirePermission(permission: Permission): Promise<MerchantContext> {
  const ctx = await getRequestContext();
  if (!ctx) {
    const gate = (await getSignedInSession())?.secondFactor.gate;
    if (gate === "code_needed") throw new SecondFactorPendingError("code");
    if (gate === "enrolment_needed") throw new SecondFactorPendingError("enrolment");
    throw new NotSignedInError();
  }
  if (!can(ctx.role, permission)) throw new ForbiddenError();
  return ctx;
}

/**
 * The signed-in user, whether or not they belong to a merchant (the invitation page needs it for
 * an account that is joining its first team again), or null.
 */
export const getSignedInUser = cache(
  async (): Promise<{ id: string; email: string; sessionId: string } | null> => {
    const signedIn = await getSignedInSession();
    // A browser that has not given its code yet is not that person yet.
    if (!signedIn || signedIn.secondFactor.gate === "code_needed") return null;
    return { id: signedIn.user.id, email: signedIn.user.email, sessionId: signedIn.sessionId };
  },
);
