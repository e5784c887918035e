import type { Db } from "@/db/client";
import { globalLookups, invites, memberships, merchants, users, type Role } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import { hashPassword } from "@/lib/auth/password";
import { ROLE_LABELS } from "@/lib/auth/permissions";
import {
  releaseAttempt,
  takeAttempt,
  THROTTLE_POLICY,
  type ThrottleKey,
} from "@/lib/auth/throttle";
import { hashToken } from "@/lib/crypto/tokens";
import { AppError, ConflictError } from "@/lib/errors";
import { findGlobalLookup } from "@/lib/global-lookups";
import { DIRECT_CLIENT } from "@/lib/http/client-ip";
import { newId } from "@/lib/ids";
import { zodFieldErrors } from "@/lib/validation";
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import {
  acceptInviteFormSchema,
  inviteTokenSchema,
  newAccountSchema,
  type AcceptInviteInput,
} from "./schemas";

// The public side of an invitation: anyone holding the link, no session. An unusable link
// says why (expired, revoked, used, unknown) but shows nothing about the merchant or email.

export type UnusableReason = "expired" | "revoked" | "accepted" | "unknown";

export type InvitationView =
  | {
      status: "valid";
      merchantName: string;
      role: Role;
      email: string;
      accountExists: boolean;
      expiresAt: Date;
    }
  | { status: UnusableReason };

export class InvitationUnusableError extends AppError {
  constructor(readonly reason: UnusableReason) {
    super(UNUSABLE_MESSAGES[reason], 410);
    this.name = "InvitationUnusableError";
  }
}

export const UNUSABLE_MESSAGES: Record<UnusableReason, string> = {
  expired: "This invitation has expired — ask the person who invited you for a new one.",
  revoked:
    "This invitation was withdrawn — ask the person who invited you for a new one if you still need access.",
  accepted:
    "This invitation has already been used. If it was you, sign in with your email and password.",
  unknown:
    "This invitation link is not valid. Check that you copied the whole link, or ask the person who invited you for a new one.",
};

export async function describeInvitation(
  db: Db,
  token: string,
  now = new Date(),
): Promise<InvitationView> {
  if (!inviteTokenSchema.safeParse(token).success) return { status: "unknown" };
  const tokenHash = hashToken(token);
  const [row] = await db
    .select({ invite: invites, merchantName: merchants.name })
    .from(globalLookups)
    .innerJoin(
      invites,
      and(eq(invites.merchantId, globalLookups.merchantId), eq(invites.id, globalLookups.targetId)),
    )
    .innerJoin(merchants, eq(merchants.id, invites.merchantId))
    .where(and(eq(globalLookups.kind, "invite_token"), eq(globalLookups.lookupKey, tokenHash)));
  if (!row) return { status: "unknown" };
  const { invite } = row;
  if (invite.acceptedAt) return { status: "accepted" };
  if (invite.revokedAt) return { status: "revoked" };
  if (invite.expiresAt <= now) return { status: "expired" };
  const [user] = await db
    .select({ id: users.id })
    .from(users)
    .where(sql`lower(${users.email}) = ${invite.email}`);
  return {
    status: "valid",
    merchantName: row.merchantName,
    role: invite.role,
    email: invite.email,
    accountExists: Boolean(user),
    expiresAt: invite.expiresAt,
  };
}

export interface AcceptedInvitation {
  userId: string;
  merchantId: string;
  createdAccount: boolean;
}

/**
 * Accepts an invitation once. A new email gets an account (name + password); an existing
 * account must be signed in as itself. The invite is claimed with a conditional UPDATE in the
 * same transaction as the membership, so two simultaneous accepts cannot both succeed.
 */
export async function acceptInvite(
  db: Db,
  input: AcceptInviteInput,
  client: InviteRequester = { ip: null, userAgent: null },
  now = new Date(),
): Promise<AcceptedInvitation> {
  // Counted before anything is checked, per client address; given back unless it was a guess.
  const attempt = await takeAttempt(db, inviteThrottleKeys(client.ip), now);
  if (!attempt.allowed) throw new AppError(TOO_MANY_ATTEMPTS, 429);
  try {
    const accepted = await acceptCounted(db, input, client, now);
    await releaseAttempt(db, attempt.counted);
    return accepted;
  } catch (error) {
    if (error instanceof AppError && error.status === 422)
      await releaseAttempt(db, attempt.counted);
    throw error;
  }
}

export const TOO_MANY_ATTEMPTS =
  "Too many attempts to accept invitations from here. Wait a few minutes and try again.";

export function inviteThrottleKeys(ip: string | null): ThrottleKey[] {
  return [{ key: `invite:${ip ?? DIRECT_CLIENT}`, policy: THROTTLE_POLICY.invite }];
}

export interface InviteRequester {
  ip: string | null;
  userAgent: string | null;
  /** The signed-in user, if any: an existing account joins only while signed in as itself. */
  signedInUserId?: string | null;
}

async function acceptCounted(
  db: Db,
  input: AcceptInviteInput,
  client: InviteRequester,
  now: Date,
): Promise<AcceptedInvitation> {
  const form = parseOrFieldErrors(acceptInviteFormSchema, input);
  const view = await describeInvitation(db, form.token, now);
  if (view.status !== "valid") throw new InvitationUnusableError(view.status);

  const [existing] = await db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = ${view.email}`);
  let account: { id: string; email: string; passwordHash?: string; name?: string };
  if (existing) {
    // No password here: whoever holds the link (the inviter too) could use it to guess one.
    // The account proves itself by being signed in, through the throttled sign-in page.
    if (!client.signedInUserId)
      throw new AppError(`Sign in as ${view.email} to accept this invitation.`, 401);
    if (client.signedInUserId !== existing.id)
      throw new AppError(
        `This invitation is for ${view.email}. Sign out, then sign in as ${view.email} to accept it.`,
        403,
      );
    account = { id: existing.id, email: existing.email };
  } else {
    const { name, password } = parseOrFieldErrors(newAccountSchema, {
      name: form.name ?? "",
      password: form.password,
    });
    account = {
      id: newId("user"),
      email: view.email,
      name,
      passwordHash: await hashPassword(password),
    };
  }

  try {
    return await db.transaction(async (tx) => {
      if (!existing) {
        await tx.insert(users).values({
          id: account.id,
          email: account.email,
          name: account.name!,
          passwordHash: account.passwordHash!,
          createdAt: now,
        });
      }
      const tokenHash = hashToken(form.token);
      const invite = await findGlobalLookup(tx, "invite_token", tokenHash);
      if (!invite) throw new InvitationUnusableError("unknown");
      const [claimed] = await tx
        .update(invites)
        .set({ acceptedAt: now, acceptedByUserId: account.id })
        .where(
          and(
            eq(invites.merchantId, invite.merchantId),
            eq(invites.id, invite.targetId),
            eq(invites.tokenHash, tokenHash),
            isNull(invites.acceptedAt),
            isNull(invites.revokedAt),
            gt(invites.expiresAt, now),
          ),
        )
        .returning({ merchantId: invites.merchantId, id: invites.id, role: invites.role });
      if (!claimed) throw new InvitationUnusableError("accepted");

      const added = await tx
        .insert(memberships)
        .values({
          merchantId: claimed.merchantId,
          userId: account.id,
          role: claimed.role,
          createdAt: now,
          updatedAt: now,
        })
        .onConflictDoNothing()
        .returning({ userId: memberships.userId });
      if (added.length === 0)
        throw new ConflictError(`${account.email} is already a member of ${view.merchantName}.`);

      await recordAudit(tx, {
        merchantId: claimed.merchantId,
        actor: { userId: account.id, email: account.email },
        action: "invite.accepted",
        targetType: "invite",
        targetId: claimed.id,
        summary: `${account.email} joined as ${ROLE_LABELS[claimed.role]}${existing ? "" : " (new account)"}`,
        before: { status: "pending" },
        after: { status: "accepted", role: claimed.role, userId: account.id },
        ip: client.ip,
        userAgent: client.userAgent,
      });
      return { userId: account.id, merchantId: claimed.merchantId, createdAccount: !existing };
    });
  } catch (error) {
    // A simultaneous accept for a new email created the account first: the invite is spent.
    if (isUniqueViolation(error)) throw new InvitationUnusableError("accepted");
    throw error;
  }
}

function parseOrFieldErrors<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw new AppError("Please fix the highlighted fields.", 422, zodFieldErrors(parsed.error));
  return parsed.data;
}

function isUniqueViolation(error: unknown): boolean {
  let e: unknown = error;
  for (let depth = 0; depth < 5 && e && typeof e === "object"; depth++) {
    if ((e as { code?: unknown }).code === "23505") return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
