import { getDb } from "@/db/client";
import { users } from "@/db/schema";
import { ForbiddenError, NotSignedInError } from "@/lib/errors";
import { clientIp } from "@/lib/http/client-ip";
import { eq } from "drizzle-orm";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import "server-only";
import { auth } from "./config";
import { resolveMerchantContext, type MerchantContext } from "./context";
import { can, type Permission } from "./permissions";
import { isSessionLive } from "./sessions";

export const ACTIVE_MERCHANT_COOKIE = "parley_merchant";

/** The signed-in context for this request (memoized per request), or null. */
export const getRequestContext = cache(async (): Promise<MerchantContext | null> => {
  const session = await auth();
  if (!session || !(await isSessionLive(getDb(), session))) return null;
  const [cookieStore, headerList] = await Promise.all([cookies(), headers()]);
  return resolveMerchantContext(
    getDb(),
    { userId: session.userId, sessionVersion: session.sessionVersion },
    cookieStore.get(ACTIVE_MERCHANT_COOKIE)?.value,
    {
      ip: clientIp(headerList),
      userAgent: headerList.get("user-agent"),
    },
  );
});

/** For pages: signed out → sign-in page; role lacks the permission → the forbidden page. */
export async function requirePagePermission(permission: Permission): Promise<MerchantContext> {
  const ctx = await getRequestContext();
  if (!ctx) redirect("/sign-in");
  if (!can(ctx.role, permission)) redirect("/forbidden");
  return ctx;
}

/** For server actions and route handlers: throws, and the caller maps the error once. */
export async function requirePermission(permission: Permission): Promise<MerchantContext> {
  const ctx = await getRequestContext();
  if (!ctx) throw new NotSignedInError();
  if (!can(ctx.role, permission)) throw new ForbiddenError();
  return ctx;
}

/**
 * The signed-in user, whether or not they belong to a merchant (the invitation page needs it for
 * an account that is joining its first team again), or null.
 */
export const getSignedInUser = cache(
  async (): Promise<{ id: string; email: string; sessionId: string } | null> => {
    const session = await auth();
    if (!session?.userId || !session.sessionId || !(await isSessionLive(getDb(), session)))
      return null;
    const [user] = await getDb()
      .select({ id: users.id, email: users.email, sessionVersion: users.sessionVersion })
      .from(users)
      .where(eq(users.id, session.userId));
    if (!user || user.sessionVersion !== (session.sessionVersion ?? 0)) return null;
    return { id: user.id, email: user.email, sessionId: session.sessionId };
  },
);
