import type { DbOrTx } from "@/db/client";
import { userRecoveryCodes, userSessions, userTwoFactor } from "@/db/schema";
import { auditInEveryMerchant } from "@/lib/audit/record";
import { getMasterKeyRing } from "@/lib/crypto/keyring";
import { decryptSecret, encryptSecret } from "@/lib/crypto/secrets";
import { and, count, eq, isNull, lt, or, sql } from "drizzle-orm";
import { clearAttempts, takeAttempt, THROTTLE_POLICY, type ThrottleKey } from "../throttle";
import { hashRecoveryCode, looksLikeRecoveryCode, newRecoveryCodes } from "./recovery-codes";
import { matchTotpStep, newTotpSecret, otpauthUri } from "./totp";

// A person's second factor: enrolment, code checks (authenticator or recovery code), disabling.
// Every code check is throttled per account, and every accepted code is spent in the statement
// that accepts it, so two requests racing with one code cannot both pass.

export interface FactorUser {
  id: string;
  email: string;
}

export interface FactorClient {
  ip: string | null;
  userAgent: string | null;
}

export interface TwoFactorStatus {
  enrolled: boolean;
  confirmedAt: Date | null;
  recoveryCodesLeft: number;
  enrolmentPending: boolean;
}

export type CodeCheck =
  | { ok: true; method: "totp" | "recovery_code" }
  | { ok: false; reason: "wrong" | "reused" | "not_enrolled" | "rate_limited"; message: string };

const MESSAGES = {
  wrong: "That code is not right. Check your authenticator app and try again.",
  reused: "That code was already used. Wait for the next code in your authenticator app.",
  not_enrolled: "Two-factor authentication is not set up for this account.",
  rate_limited: "Too many wrong codes. Wait a few minutes and try again.",
} as const;

const secretAad = (userId: string) => `user_two_factor:${userId}`;

function sealSecret(userId: string, secret: string): string {
  return encryptSecret({ totp: secret }, getMasterKeyRing(), secretAad(userId));
}

function openSecret(userId: string, envelope: string): string {
  const value = decryptSecret(envelope, getMasterKeyRing(), secretAad(userId)) as { totp: string };
  return value.totp;
}

function throttleKeys(userId: string): ThrottleKey[] {
  return [{ key: `2fa:${userId}`, policy: THROTTLE_POLICY.secondFactor }];
}

export async function getTwoFactorStatus(db: DbOrTx, userId: string): Promise<TwoFactorStatus> {
  const [row] = await db.select().from(userTwoFactor).where(eq(userTwoFactor.userId, userId));
  const [left] = await db
    .select({ n: count() })
    .from(userRecoveryCodes)
    .where(and(eq(userRecoveryCodes.userId, userId), isNull(userRecoveryCodes.usedAt)));
  const enrolled = Boolean(row?.secretEnc && row.confirmedAt);
  return {
    enrolled,
    confirmedAt: enrolled ? (row?.confirmedAt ?? null) : null,
    recoveryCodesLeft: enrolled ? (left?.n ?? 0) : 0,
    enrolmentPending: Boolean(row?.pendingSecretEnc),
  };
}

export async function isEnrolled(db: DbOrTx, userId: string): Promise<boolean> {
  const [row] = await db
    .select({ secretEnc: userTwoFactor.secretEnc, confirmedAt: userTwoFactor.confirmedAt })
    .from(userTwoFactor)
    .where(eq(userTwoFactor.userId, userId));
  return Boolean(row?.secretEnc && row.confirmedAt);
}

/**
 * Starts (or restarts) an enrolment: a new secret waits for its first code. An enrolled user's
 * current factor keeps working until the new one is confirmed; the caller requires a fresh code
 * from them first (re-enrolment is a step-up action).
 */
export async function beginEnrolment(
  db: DbOrTx,
  user: FactorUser,
): Promise<{ secret: string; uri: string }> {
  const secret = newTotpSecret();
  const pendingSecretEnc = sealSecret(user.id, secret);
  await db
    .insert(userTwoFactor)
    .values({ userId: user.id, pendingSecretEnc })
    .onConflictDoUpdate({
      target: userTwoFactor.userId,
      set: { pendingSecretEnc, updatedAt: new Date() },
    });
  return { secret, uri: otpauthUri(secret, user.email) };
}

/**
 * Confirms the pending secret with a first code: it becomes the factor, ten new recovery codes
 * replace any old ones (returned once, never stored in clear), and this session counts as having
 * passed the second factor.
 */
export async function confirmEnrolment(
  db: DbOrTx,
  user: FactorUser,
  code: string,
  session: { sessionId: string; client: FactorClient },
  now = new Date(),
): Promise<{ ok: true; recoveryCodes: string[] } | Extract<CodeCheck, { ok: false }>> {
  const attempt = await takeAttempt(db, throttleKeys(user.id), now);
  if (!attempt.allowed) return refused("rate_limited");
  const [row] = await db.select().from(userTwoFactor).where(eq(userTwoFactor.userId, user.id));
  if (!row?.pendingSecretEnc) {
    return {
      ok: false,
      reason: "not_enrolled",
      message: "Start again: no set-up is waiting for a code.",
    };
  }
  const step = matchTotpStep(openSecret(user.id, row.pendingSecretEnc), code, now);
  if (step === null) return refused("wrong");

  const recoveryCodes = newRecoveryCodes();
  const wasEnrolled = Boolean(row.secretEnc && row.confirmedAt);
  await db.transaction(async (tx) => {
    await tx
      .update(userTwoFactor)
      .set({
        secretEnc: row.pendingSecretEnc,
        pendingSecretEnc: null,
        confirmedAt: now,
        lastUsedStep: step,
        updatedAt: now,
      })
      .where(eq(userTwoFactor.userId, user.id));
    await tx.delete(userRecoveryCodes).where(eq(userRecoveryCodes.userId, user.id));
    await tx.insert(userRecoveryCodes).values(
      recoveryCodes.map((c) => ({
        userId: user.id,
        codeHash: hashRecoveryCode(c),
        createdAt: now,
      })),
    );
    await markSessionVerified(tx, session.sessionId, user.id, now);
    await clearAttempts(tx, throttleKeys(user.id));
    await auditInEveryMerchant(tx, user, {
      action: wasEnrolled ? "auth.two_factor_reenrolled" : "auth.two_factor_enabled",
      summary: wasEnrolled
        ? `${user.email} moved two-factor authentication to a new authenticator app`
        : `${user.email} turned on two-factor authentication`,
      after: { recoveryCodes: recoveryCodes.length },
      client: session.client,
    });
  });
  return { ok: true, recoveryCodes };
}

/**
 * Checks a code from the authenticator app (six digits) or a recovery code, and spends it.
 * `purpose` names what it unlocks for the audit log: finishing a sign-in, or a step-up.
 */
export async function verifySecondFactor(
  db: DbOrTx,
  user: FactorUser,
  code: string,
  session: { sessionId: string; client: FactorClient; purpose: "sign_in" | "step_up" },
  now = new Date(),
): Promise<CodeCheck> {
  const attempt = await takeAttempt(db, throttleKeys(user.id), now);
  if (!attempt.allowed) return refused("rate_limited");
  const [row] = await db.select().from(userTwoFactor).where(eq(userTwoFactor.userId, user.id));
  if (!row?.secretEnc || !row.confirmedAt) return refused("not_enrolled");

  const method = looksLikeRecoveryCode(code) ? "recovery_code" : "totp";
  const accepted =
    method === "totp"
      ? await spendTotp(db, user.id, openSecret(user.id, row.secretEnc), code, now)
      : await spendRecoveryCode(db, user.id, code, now);
  if (accepted !== "ok") {
    await auditInEveryMerchant(db, user, {
      action: "auth.second_factor_failed",
      summary: `${user.email} entered a ${accepted === "reused" ? "used" : "wrong"} ${method === "totp" ? "authenticator" : "recovery"} code`,
      after: { purpose: session.purpose, reason: accepted },
      client: session.client,
    });
    return refused(accepted);
  }

  await db.transaction(async (tx) => {
    await markSessionVerified(tx, session.sessionId, user.id, now);
    await clearAttempts(tx, throttleKeys(user.id));
    const left =
      method === "recovery_code" ? (await getTwoFactorStatus(tx, user.id)).recoveryCodesLeft : null;
    await auditInEveryMerchant(tx, user, {
      action:
        method === "recovery_code"
          ? "auth.recovery_code_used"
          : session.purpose === "sign_in"
            ? "auth.second_factor_passed"
            : "auth.step_up",
      summary:
        method === "recovery_code"
          ? `${user.email} used a recovery code to ${session.purpose === "sign_in" ? "sign in" : "confirm an action"} (${left} left)`
          : session.purpose === "sign_in"
            ? `${user.email} entered an authenticator code to sign in`
            : `${user.email} confirmed with an authenticator code`,
      after: { purpose: session.purpose, method, ...(left === null ? {} : { left }) },
      client: session.client,
    });
  });
  return { ok: true, method };
}

/** Accepts the code only for a step newer than the last accepted one, in one statement. */
async function spendTotp(
  db: DbOrTx,
  userId: string,
  secret: string,
  code: string,
  now: Date,
): Promise<"ok" | "wrong" | "reused"> {
  const step = matchTotpStep(secret, code, now);
  if (step === null) return "wrong";
  const spent = await db
    .update(userTwoFactor)
    .set({ lastUsedStep: step, updatedAt: now })
    .where(
      and(
        eq(userTwoFactor.userId, userId),
        or(isNull(userTwoFactor.lastUsedStep), lt(userTwoFactor.lastUsedStep, step)),
      ),
    )
    .returning({ userId: userTwoFactor.userId });
  return spent.length === 1 ? "ok" : "reused";
}

async function spendRecoveryCode(
  db: DbOrTx,
  userId: string,
  code: string,
  now: Date,
): Promise<"ok" | "wrong" | "reused"> {
  const codeHash = hashRecoveryCode(code);
  const spent = await db
    .update(userRecoveryCodes)
    .set({ usedAt: now })
    .where(
      and(
        eq(userRecoveryCodes.userId, userId),
        eq(userRecoveryCodes.codeHash, codeHash),
        isNull(userRecoveryCodes.usedAt),
      ),
    )
    .returning({ codeHash: userRecoveryCodes.codeHash });
  if (spent.length === 1) return "ok";
  const [used] = await db
    .select({ usedAt: userRecoveryCodes.usedAt })
    .from(userRecoveryCodes)
    .where(and(eq(userRecoveryCodes.userId, userId), eq(userRecoveryCodes.codeHash, codeHash)));
  return used ? "reused" : "wrong";
}

/** This browser passed the second factor now (the first time, and as its freshest step-up). */
export async function markSessionVerified(
  db: DbOrTx,
  sessionId: string,
  userId: string,
  now: Date,
): Promise<void> {
  await db
    .update(userSessions)
    .set({
      secondFactorAt: sql`coalesce(${userSessions.secondFactorAt}, ${now.toISOString()}::timestamptz)`,
      steppedUpAt: now,
    })
    .where(and(eq(userSessions.id, sessionId), eq(userSessions.userId, userId)));
}

/** New recovery codes for an enrolled user (the old ones stop working). */
export async function replaceRecoveryCodes(
  db: DbOrTx,
  user: FactorUser,
  client: FactorClient,
  now = new Date(),
): Promise<string[]> {
  const recoveryCodes = newRecoveryCodes();
  await db.transaction(async (tx) => {
    await tx.delete(userRecoveryCodes).where(eq(userRecoveryCodes.userId, user.id));
    await tx.insert(userRecoveryCodes).values(
      recoveryCodes.map((c) => ({
        userId: user.id,
        codeHash: hashRecoveryCode(c),
        createdAt: now,
      })),
    );
    await auditInEveryMerchant(tx, user, {
      action: "auth.recovery_codes_replaced",
      summary: `${user.email} made new recovery codes (the old ones no longer work)`,
      client,
    });
  });
  return recoveryCodes;
}

/**
 * The person turns their second factor off (after a fresh code; the caller checks the policy
 * allows it): the factor and the recovery codes go. An owner's reset is lib/team/two-factor.ts.
 */
export async function removeSecondFactor(
  db: DbOrTx,
  user: FactorUser,
  client: FactorClient,
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.delete(userRecoveryCodes).where(eq(userRecoveryCodes.userId, user.id));
    await tx.delete(userTwoFactor).where(eq(userTwoFactor.userId, user.id));
    await auditInEveryMerchant(tx, user, {
      action: "auth.two_factor_disabled",
      summary: `${user.email} turned off two-factor authentication`,
      client,
    });
  });
}

function refused(reason: Extract<CodeCheck, { ok: false }>["reason"]): {
  ok: false;
  reason: typeof reason;
  message: string;
} {
  return { ok: false, reason, message: MESSAGES[reason] };
}
