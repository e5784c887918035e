import {
  connections,
  invites,
  memberships,
  merchants,
  users,
  userTwoFactor,
  type Role,
} from "@/db/schema";
import { assertCan, type ReadContext } from "@/lib/auth/context";
import { and, asc, desc, eq, isNull, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";

// Team reads. Not marked "server-only" because integration tests import them directly; they
// are only ever called from server components and actions.

export interface TeamMember {
  userId: string;
  name: string;
  email: string;
  role: Role;
  joinedAt: Date;
  lastSignInAt: Date | null;
  /** An authenticator app is confirmed for this person. */
  twoFactor: boolean;
}

export interface PendingInvite {
  inviteId: string;
  email: string;
  role: Role;
  invitedBy: string | null;
  createdAt: Date;
  expiresAt: Date;
  expired: boolean;
}

const ROLE_ORDER: Record<Role, number> = { owner: 0, admin: 1, support: 2, analyst: 3 };

export async function listTeamMembers(ctx: ReadContext): Promise<TeamMember[]> {
  assertCan(ctx, "team.view");
  const rows = await ctx.db
    .select({
      userId: users.id,
      name: users.name,
      email: users.email,
      role: memberships.role,
      joinedAt: memberships.createdAt,
      lastSignInAt: users.lastSignInAt,
      twoFactor: sql<boolean>`(${userTwoFactor.confirmedAt} is not null and ${userTwoFactor.secretEnc} is not null)`,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .leftJoin(userTwoFactor, eq(userTwoFactor.userId, users.id))
    .where(eq(memberships.merchantId, ctx.merchantId))
    .orderBy(asc(users.name), asc(users.email));
  return rows.sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role]);
}

/** Invites neither accepted nor revoked; expired ones stay listed (marked) until revoked. */
export async function listPendingInvites(
  ctx: ReadContext,
  now = new Date(),
): Promise<PendingInvite[]> {
  assertCan(ctx, "team.view");
  const inviter = alias(users, "inviter");
  const rows = await ctx.db
    .select({
      inviteId: invites.id,
      email: invites.email,
      role: invites.role,
      invitedBy: inviter.email,
      createdAt: invites.createdAt,
      expiresAt: invites.expiresAt,
    })
    .from(invites)
    .leftJoin(inviter, eq(inviter.id, invites.invitedByUserId))
    .where(
      and(
        eq(invites.merchantId, ctx.merchantId),
        isNull(invites.acceptedAt),
        isNull(invites.revokedAt),
      ),
    )
    .orderBy(desc(invites.createdAt));
  return rows.map((r) => ({ ...r, expired: r.expiresAt <= now }));
}

export async function merchantTimezone(
  ctx: Pick<ReadContext, "db" | "merchantId">,
): Promise<string> {
  const [row] = await ctx.db
    .select({ timezone: merchants.timezone })
    .from(merchants)
    .where(eq(merchants.id, ctx.merchantId));
  return row?.timezone ?? "UTC";
}

/** The merchant's two-factor policy and whether it takes live payments (the Team page). */
export async function merchantTwoFactorPolicy(
  ctx: ReadContext,
): Promise<{ requiredForEveryone: boolean; hasLiveConnection: boolean }> {
  assertCan(ctx, "team.view");
  const [row] = await ctx.db
    .select({
      requiredForEveryone: merchants.requireTwoFactor,
      hasLiveConnection: sql<boolean>`exists (select 1 from ${connections} where ${connections.merchantId} = ${merchants.id} and ${connections.mode} = 'live')`,
    })
    .from(merchants)
    .where(eq(merchants.id, ctx.merchantId));
  return row ?? { requiredForEveryone: false, hasLiveConnection: false };
}
