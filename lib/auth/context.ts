import type { Db } from "@/db/client";
import { memberships, merchants, users, type Role } from "@/db/schema";
import { ForbiddenError } from "@/lib/errors";
import { and, asc, eq } from "drizzle-orm";
import { can, type Permission } from "./permissions";
import type { SecondFactorState } from "./two-factor/gate";

export interface SessionClaims {
  userId?: string;
  sessionVersion?: number;
}

export interface MerchantOption {
  id: string;
  name: string;
  role: Role;
}

/** Who is asking, for which merchant, with which role — resolved fresh on every request. */
export interface MerchantContext {
  db: Db;
  user: { id: string; email: string; name: string };
  merchantId: string;
  merchantName: string;
  role: Role;
  merchants: MerchantOption[];
  ip: string | null;
  userAgent: string | null;
  /** Set for a browser's request (lib/auth/server.ts): its session and second-factor state. */
  sessionId?: string;
  secondFactor?: SecondFactorState;
}

/**
 * What a dashboard service takes from a request — the merchant scope, the role it checks, and
 * who acts from where for the audit entry. The one context type of lib/: pages and the action
 * wrapper pass their MerchantContext, tests build just these fields.
 */
export type ServiceContext = Pick<
  MerchantContext,
  "db" | "merchantId" | "role" | "user" | "ip" | "userAgent"
>;

/** The part of a ServiceContext a read needs: the merchant scope and the role it checks. */
export type ReadContext = Pick<ServiceContext, "db" | "merchantId" | "role">;

/**
 * Turns a session's claims into a context, or null when the session no longer holds: the user
 * is gone, their session version was bumped (removed, role changed, signed out everywhere), or
 * they belong to no merchant. The requested merchant is used only if they are a member of it.
 */
export async function resolveMerchantContext(
  db: Db,
  claims: SessionClaims,
  requestedMerchantId: string | undefined,
  client: { ip: string | null; userAgent: string | null } = { ip: null, userAgent: null },
): Promise<MerchantContext | null> {
  if (!claims.userId) return null;
  const [user] = await db.select().from(users).where(eq(users.id, claims.userId));
  if (!user || user.sessionVersion !== (claims.sessionVersion ?? 0)) return null;

  const rows = await db
    .select({ id: merchants.id, name: merchants.name, role: memberships.role })
    .from(memberships)
    .innerJoin(merchants, eq(merchants.id, memberships.merchantId))
    .where(eq(memberships.userId, user.id))
    .orderBy(asc(merchants.name));
  if (rows.length === 0) return null;

  const active = rows.find((r) => r.id === requestedMerchantId) ?? rows[0];
  return {
    db,
    user: { id: user.id, email: user.email, name: user.name },
    merchantId: active.id,
    merchantName: active.name,
    role: active.role,
    merchants: rows,
    ip: client.ip,
    userAgent: client.userAgent,
  };
}

export function assertCan(ctx: Pick<MerchantContext, "role">, permission: Permission): void {
  if (!can(ctx.role, permission)) throw new ForbiddenError();
}

export async function isMember(db: Db, userId: string, merchantId: string): Promise<boolean> {
  const [row] = await db
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.userId, userId), eq(memberships.merchantId, merchantId)));
  return Boolean(row);
}
