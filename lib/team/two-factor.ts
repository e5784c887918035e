import {
  memberships,
  merchants,
  userRecoveryCodes,
  userSessions,
  userTwoFactor,
  users,
} from "@/db/schema";
import { auditAs } from "@/lib/audit/record";
import { assertCan, type ServiceContext } from "@/lib/auth/context";
import { ConflictError, NotFoundError } from "@/lib/errors";
import { and, eq, isNull, sql } from "drizzle-orm";
import {
  requireTwoFactorSchema,
  resetTwoFactorSchema,
  type RequireTwoFactorInput,
  type ResetTwoFactorInput,
} from "./schemas";

// The owner's side of two-factor: the merchant's policy, and resetting a member who lost their
// authenticator. Both audited in the same transaction; the reset ends the member's sessions.

export async function setRequireTwoFactor(
  ctx: ServiceContext,
  input: RequireTwoFactorInput,
): Promise<{ required: boolean }> {
  assertCan(ctx, "team.security");
  const { required } = requireTwoFactorSchema.parse(input);
  return ctx.db.transaction(async (tx) => {
    const [before] = await tx
      .select({ required: merchants.requireTwoFactor })
      .from(merchants)
      .where(eq(merchants.id, ctx.merchantId))
      .for("update");
    if (!before) throw new NotFoundError("Merchant");
    if (before.required === required) return { required };
    await tx
      .update(merchants)
      .set({ requireTwoFactor: required })
      .where(eq(merchants.id, ctx.merchantId));
    await auditAs(tx, ctx, {
      action: "team.two_factor_policy",
      targetType: "merchant",
      targetId: ctx.merchantId,
      summary: required
        ? "Two-factor authentication is now required for every member"
        : "Two-factor authentication is no longer required for every member (owners and admins still need it with a live connection)",
      before: { requireTwoFactor: before.required },
      after: { requireTwoFactor: required },
    });
    return { required };
  });
}

/**
 * Removes a member's authenticator and recovery codes and ends all their sessions: they sign in
 * with their password and set up a new app (enrolment is required again wherever the policy
 * says so). Not for yourself: the Account page turns your own off with a code.
 */
export async function resetMemberTwoFactor(
  ctx: ServiceContext,
  input: ResetTwoFactorInput,
  now = new Date(),
): Promise<{ userId: string; email: string; sessionsEnded: number }> {
  assertCan(ctx, "team.security");
  const { userId } = resetTwoFactorSchema.parse(input);
  if (userId === ctx.user.id) {
    throw new ConflictError("Use your Account page to change your own two-factor authentication.");
  }
  return ctx.db.transaction(async (tx) => {
    const [member] = await tx
      .select({ email: users.email })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.merchantId, ctx.merchantId), eq(memberships.userId, userId)));
    if (!member) throw new NotFoundError("Member");
    const removed = await tx
      .delete(userTwoFactor)
      .where(eq(userTwoFactor.userId, userId))
      .returning({ userId: userTwoFactor.userId });
    if (removed.length === 0) {
      throw new ConflictError(`${member.email} has no two-factor authentication to reset.`);
    }
    await tx.delete(userRecoveryCodes).where(eq(userRecoveryCodes.userId, userId));
    const ended = await tx
      .update(userSessions)
      .set({ revokedAt: now })
      .where(and(eq(userSessions.userId, userId), isNull(userSessions.revokedAt)))
      .returning({ id: userSessions.id });
    await tx
      .update(users)
      .set({ sessionVersion: sql`${users.sessionVersion} + 1` })
      .where(eq(users.id, userId));
    await auditAs(tx, ctx, {
      action: "member.two_factor_reset",
      targetType: "user",
      targetId: userId,
      summary: `${member.email}'s two-factor authentication was reset; ${ended.length} session${ended.length === 1 ? "" : "s"} ended`,
      after: { sessionsEnded: ended.length },
    });
    return { userId, email: member.email, sessionsEnded: ended.length };
  });
}
