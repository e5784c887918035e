import type { Tx } from "@/db/client";
import { invites, memberships, users, type Role } from "@/db/schema";
import { auditAs } from "@/lib/audit/record";
import { assertCan, type ServiceContext } from "@/lib/auth/context";
import { canAssignRole, ROLE_LABELS } from "@/lib/auth/permissions";
import { hashToken, randomToken } from "@/lib/crypto/tokens";
import { AppError, ConflictError, ForbiddenError, NotFoundError } from "@/lib/errors";
import { inviteLookups, recordGlobalLookups } from "@/lib/global-lookups";
import { newId } from "@/lib/ids";
import { and, eq, isNull, sql } from "drizzle-orm";
import { removalRefusal, roleChangeRefusal, type Refusal } from "./rules";
import {
  changeRoleSchema,
  createInviteSchema,
  removeMemberSchema,
  revokeInviteSchema,
  type ChangeRoleInput,
  type CreateInviteInput,
  type RemoveMemberInput,
  type RevokeInviteInput,
} from "./schemas";

// Team writes, callable from server actions and tests alike (no Next imports). Each function
// checks its own permission, stays inside ctx.merchantId, and writes its audit entry in the
// same transaction as the change.

export const INVITE_LIFETIME_MS = 7 * 24 * 3600 * 1000;

export async function changeMemberRole(
  ctx: ServiceContext,
  input: ChangeRoleInput,
): Promise<{ userId: string; email: string; previousRole: Role; role: Role }> {
  assertCan(ctx, "team.manage");
  const { userId, role } = changeRoleSchema.parse(input);
  return ctx.db.transaction(async (tx) => {
    const ownerCount = await lockOwners(tx, ctx.merchantId);
    const target = await lockMember(tx, ctx.merchantId, userId);
    if (target.role === role) return { userId, email: target.email, previousRole: role, role };
    throwIfRefused(
      roleChangeRefusal({
        actorRole: ctx.role,
        currentRole: target.role,
        nextRole: role,
        ownerCount,
      }),
    );

    await tx
      .update(memberships)
      .set({ role, updatedAt: new Date() })
      .where(and(eq(memberships.merchantId, ctx.merchantId), eq(memberships.userId, userId)));
    await bumpSessionVersion(tx, userId);
    await auditAs(tx, ctx, {
      action: "member.role_changed",
      targetType: "user",
      targetId: userId,
      summary: `${target.email}: ${ROLE_LABELS[target.role]} → ${ROLE_LABELS[role]}`,
      before: { role: target.role },
      after: { role },
    });
    return { userId, email: target.email, previousRole: target.role, role };
  });
}

/** Deletes the membership only: the person may still belong to other merchants. */
export async function removeMember(
  ctx: ServiceContext,
  input: RemoveMemberInput,
): Promise<{ userId: string; email: string }> {
  assertCan(ctx, "team.manage");
  const { userId } = removeMemberSchema.parse(input);
  return ctx.db.transaction(async (tx) => {
    const ownerCount = await lockOwners(tx, ctx.merchantId);
    const target = await lockMember(tx, ctx.merchantId, userId);
    throwIfRefused(removalRefusal({ actorRole: ctx.role, targetRole: target.role, ownerCount }));

    await tx
      .delete(memberships)
      .where(and(eq(memberships.merchantId, ctx.merchantId), eq(memberships.userId, userId)));
    await bumpSessionVersion(tx, userId);
    await auditAs(tx, ctx, {
      action: "member.removed",
      targetType: "user",
      targetId: userId,
      summary: `${target.email} was removed from the team`,
      before: { email: target.email, role: target.role },
      after: null,
    });
    return { userId, email: target.email };
  });
}

export interface CreatedInvite {
  inviteId: string;
  email: string;
  role: Role;
  expiresAt: Date;
  /** Shown once in the link; only its hash is stored. */
  token: string;
}

/** Re-inviting an email that has a pending invite revokes the old one, so one link works. */
export async function createInvite(
  ctx: ServiceContext,
  input: CreateInviteInput,
  now = new Date(),
): Promise<CreatedInvite> {
  assertCan(ctx, "team.invite");
  const { email, role } = createInviteSchema.parse(input);
  if (!canAssignRole(ctx.role, role)) throw new ForbiddenError("Only owners can invite owners.");

  return ctx.db.transaction(async (tx) => {
    const [member] = await tx
      .select({ userId: memberships.userId })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(
        and(eq(memberships.merchantId, ctx.merchantId), sql`lower(${users.email}) = ${email}`),
      );
    if (member) {
      const message = `${email} is already a member of this team.`;
      throw new AppError(message, 409, { email: [message] });
    }

    const replaced = await tx
      .update(invites)
      .set({ revokedAt: now })
      .where(
        and(
          eq(invites.merchantId, ctx.merchantId),
          eq(invites.email, email),
          isNull(invites.acceptedAt),
          isNull(invites.revokedAt),
        ),
      )
      .returning({ id: invites.id, role: invites.role });
    for (const old of replaced) {
      await auditAs(tx, ctx, {
        action: "invite.revoked",
        targetType: "invite",
        targetId: old.id,
        summary: `Invite for ${email} replaced by a new one`,
        before: { email, role: old.role, status: "pending" },
        after: { status: "revoked" },
      });
    }

    const token = randomToken(32);
    const tokenHash = hashToken(token);
    const inviteId = newId("invite");
    const expiresAt = new Date(now.getTime() + INVITE_LIFETIME_MS);
    await tx.insert(invites).values({
      merchantId: ctx.merchantId,
      id: inviteId,
      email,
      role,
      tokenHash,
      invitedByUserId: ctx.user.id,
      expiresAt,
      createdAt: now,
    });
    await recordGlobalLookups(
      tx,
      inviteLookups([{ merchantId: ctx.merchantId, id: inviteId, tokenHash }]),
    );
    await auditAs(tx, ctx, {
      action: "invite.created",
      targetType: "invite",
      targetId: inviteId,
      summary: `Invited ${email} as ${ROLE_LABELS[role]}`,
      after: { email, role, expiresAt: expiresAt.toISOString() },
    });
    return { inviteId, email, role, expiresAt, token };
  });
}

export async function revokeInvite(
  ctx: ServiceContext,
  input: RevokeInviteInput,
  now = new Date(),
): Promise<{ inviteId: string }> {
  assertCan(ctx, "team.invite");
  const { inviteId } = revokeInviteSchema.parse(input);
  return ctx.db.transaction(async (tx) => {
    const [invite] = await tx
      .select()
      .from(invites)
      .where(and(eq(invites.id, inviteId), eq(invites.merchantId, ctx.merchantId)))
      .for("update");
    if (!invite) throw new NotFoundError("Invite");
    if (!canAssignRole(ctx.role, invite.role))
      throw new ForbiddenError("Only owners can revoke an owner invite.");
    if (invite.acceptedAt)
      throw new ConflictError("This invite was already accepted; remove the member instead.");
    if (invite.revokedAt) throw new ConflictError("This invite was already revoked.");

    await tx
      .update(invites)
      .set({ revokedAt: now })
      .where(and(eq(invites.id, inviteId), eq(invites.merchantId, ctx.merchantId)));
    await auditAs(tx, ctx, {
      action: "invite.revoked",
      targetType: "invite",
      targetId: inviteId,
      summary: `Revoked the invite for ${invite.email}`,
      before: { email: invite.email, role: invite.role, status: "pending" },
      after: { status: "revoked" },
    });
    return { inviteId };
  });
}

/** Locks this merchant's owner rows so two demotions cannot both see "another owner left". */
async function lockOwners(tx: Tx, merchantId: string): Promise<number> {
  const owners = await tx
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.merchantId, merchantId), eq(memberships.role, "owner")))
    .for("update");
  return owners.length;
}

/** Another merchant's member is indistinguishable from nobody: NotFoundError. */
async function lockMember(
  tx: Tx,
  merchantId: string,
  userId: string,
): Promise<{ role: Role; email: string }> {
  const [row] = await tx
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.merchantId, merchantId), eq(memberships.userId, userId)))
    .for("update");
  if (!row) throw new NotFoundError("Member");
  const [user] = await tx.select({ email: users.email }).from(users).where(eq(users.id, userId));
  return { role: row.role, email: user?.email ?? "unknown" };
}

/** Their current sessions stop working on the next request (lib/auth/context.ts). */
async function bumpSessionVersion(tx: Tx, userId: string): Promise<void> {
  await tx
    .update(users)
    .set({ sessionVersion: sql`${users.sessionVersion} + 1` })
    .where(eq(users.id, userId));
}

function throwIfRefused(refusal: Refusal | null): void {
  if (!refusal) return;
  throw refusal.kind === "forbidden"
    ? new ForbiddenError(refusal.message)
    : new ConflictError(refusal.message);
}
