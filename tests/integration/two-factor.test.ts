// Two-factor on both engines: enrolment, codes spent once (authenticator and recovery), the
// throttle, the policy (owner's switch, live connection) and the gate a session is behind, and an
// owner's reset ending the member's sessions.
import type { Db, DbHandle } from "@/db/client";
import {
  auditLog,
  connections,
  merchants,
  userRecoveryCodes,
  userTwoFactor,
  users,
} from "@/db/schema";
import { createSession, isSessionLive, loadLiveSession } from "@/lib/auth/sessions";
import {
  beginEnrolment,
  confirmEnrolment,
  getTwoFactorStatus,
  removeSecondFactor,
  verifySecondFactor,
} from "@/lib/auth/two-factor/factor";
import { secondFactorState, stepUpNeeded } from "@/lib/auth/two-factor/gate";
import { isDemoExempt, twoFactorRequirement } from "@/lib/auth/two-factor/policy";
import { newId } from "@/lib/ids";
import { listTeamMembers } from "@/lib/team/queries";
import { resetMemberTwoFactor, setRequireTwoFactor } from "@/lib/team/two-factor";
import { and, eq } from "drizzle-orm";
import { TOTP } from "otpauth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMerchant, configurePipelineEnv, contextFor } from "./helpers/pipeline-fixtures";
import { ENGINES, openTestDatabase } from "./helpers/test-db";

configurePipelineEnv();

const client = { ip: "203.0.113.7", userAgent: "vitest" };
const STEP_MS = 30_000;

/** What the person's authenticator app shows at `at` (the library computes it, not our code). */
function codeFor(secret: string, at: Date): string {
  return new TOTP({ secret, algorithm: "SHA1", digits: 6, period: 30 }).generate({
    timestamp: at.getTime(),
  });
}

describe.each(ENGINES)("two-factor on %s", (engine) => {
  let handle: DbHandle;
  let db: Db;
  let merchantId: string;

  beforeAll(async () => {
    handle = await openTestDatabase(engine);
    db = handle.db;
    merchantId = await addMerchant(db, "Lumière Bistro");
  });
  afterAll(async () => handle?.close());

  /** A member with a session, enrolled at `at` (the enrolment spends that step's code). */
  async function enrolled(role: "owner" | "admin" | "support" | "analyst", at: Date) {
    const ctx = await contextFor(db, merchantId, role);
    const sessionId = await createSession(db, ctx.user.id, client, at);
    const { secret, uri } = await beginEnrolment(db, ctx.user);
    expect(uri).toMatch(/^otpauth:\/\/totp\/Parley:/);
    const confirmed = await confirmEnrolment(
      db,
      ctx.user,
      codeFor(secret, at),
      { sessionId, client },
      at,
    );
    if (!confirmed.ok) throw new Error(confirmed.message);
    return { ctx, sessionId, secret, recoveryCodes: confirmed.recoveryCodes };
  }

  it("stores the secret encrypted and the recovery codes only as hashes", async () => {
    const at = new Date("2026-12-03T10:00:00Z");
    const { ctx, secret, recoveryCodes } = await enrolled("owner", at);
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    const [row] = await db
      .select()
      .from(userTwoFactor)
      .where(eq(userTwoFactor.userId, ctx.user.id));
    expect(row.secretEnc).not.toContain(secret);
    expect(row.pendingSecretEnc).toBeNull();
    const dump = JSON.stringify(
      await db.select().from(userRecoveryCodes).where(eq(userRecoveryCodes.userId, ctx.user.id)),
    );
    for (const code of recoveryCodes) expect(dump).not.toContain(code.replace("-", ""));
    expect(await getTwoFactorStatus(db, ctx.user.id)).toMatchObject({
      enrolled: true,
      recoveryCodesLeft: 10,
    });
    const audit = await db
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(and(eq(auditLog.merchantId, merchantId), eq(auditLog.targetId, ctx.user.id)));
    expect(audit.map((a) => a.action)).toContain("auth.two_factor_enabled");
  });

  it("refuses a wrong first code and keeps the enrolment pending", async () => {
    const ctx = await contextFor(db, merchantId, "support");
    const sessionId = await createSession(db, ctx.user.id, client);
    await beginEnrolment(db, ctx.user);
    const result = await confirmEnrolment(db, ctx.user, "000000", { sessionId, client });
    expect(result).toMatchObject({ ok: false, reason: "wrong" });
    expect(await getTwoFactorStatus(db, ctx.user.id)).toMatchObject({
      enrolled: false,
      enrolmentPending: true,
    });
  });

  it("accepts each code once: the same code, and an older one, are refused after use", async () => {
    const at = new Date("2026-12-03T11:00:00Z");
    const { ctx, sessionId, secret } = await enrolled("admin", at);
    // The enrolment spent this step: the same code again is a replay.
    const replay = await verifySecondFactor(
      db,
      ctx.user,
      codeFor(secret, at),
      { sessionId, client, purpose: "sign_in" },
      new Date(at.getTime() + 5_000),
    );
    expect(replay).toMatchObject({ ok: false, reason: "reused" });

    const later = new Date(at.getTime() + STEP_MS);
    const next = await verifySecondFactor(
      db,
      ctx.user,
      codeFor(secret, later),
      {
        sessionId,
        client,
        purpose: "sign_in",
      },
      later,
    );
    expect(next).toEqual({ ok: true, method: "totp" });
    // The previous minute's code is still inside the ±1 window, but older than the one used.
    const previous = await verifySecondFactor(
      db,
      ctx.user,
      codeFor(secret, at),
      { sessionId, client, purpose: "step_up" },
      later,
    );
    expect(previous).toMatchObject({ ok: false, reason: "reused" });
    const wrong = await verifySecondFactor(
      db,
      ctx.user,
      "123456",
      { sessionId, client, purpose: "step_up" },
      later,
    );
    expect(wrong.ok).toBe(false);
    // Two minutes out is outside the window.
    const drift = await verifySecondFactor(
      db,
      ctx.user,
      codeFor(secret, new Date(later.getTime() + 4 * STEP_MS)),
      { sessionId, client, purpose: "step_up" },
      later,
    );
    expect(drift).toMatchObject({ ok: false, reason: "wrong" });
  });

  it("accepts a recovery code once, whatever its case and dashes", async () => {
    const at = new Date("2026-12-03T12:00:00Z");
    const { ctx, sessionId, recoveryCodes } = await enrolled("owner", at);
    const code = recoveryCodes[3];
    const first = await verifySecondFactor(db, ctx.user, ` ${code.toUpperCase()} `, {
      sessionId,
      client,
      purpose: "sign_in",
    });
    expect(first).toEqual({ ok: true, method: "recovery_code" });
    const again = await verifySecondFactor(db, ctx.user, code.replace("-", ""), {
      sessionId,
      client,
      purpose: "sign_in",
    });
    expect(again).toMatchObject({ ok: false, reason: "reused" });
    expect((await getTwoFactorStatus(db, ctx.user.id)).recoveryCodesLeft).toBe(9);
    const audit = await db
      .select({ action: auditLog.action, summary: auditLog.summary })
      .from(auditLog)
      .where(and(eq(auditLog.merchantId, merchantId), eq(auditLog.targetId, ctx.user.id)));
    expect(audit.find((a) => a.action === "auth.recovery_code_used")?.summary).toMatch(/9 left/);
  });

  it("two requests racing with one code: exactly one passes", async () => {
    const at = new Date("2026-12-03T13:00:00Z");
    const { ctx, sessionId, secret } = await enrolled("owner", at);
    const later = new Date(at.getTime() + STEP_MS);
    const code = codeFor(secret, later);
    const results = await Promise.all(
      [0, 1, 2].map(() =>
        verifySecondFactor(db, ctx.user, code, { sessionId, client, purpose: "step_up" }, later),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it("locks out guessing after five wrong codes, even for the right one", async () => {
    const at = new Date("2026-12-03T14:00:00Z");
    const { ctx, sessionId, secret } = await enrolled("owner", at);
    const later = new Date(at.getTime() + STEP_MS);
    for (let i = 0; i < 5; i++) {
      await verifySecondFactor(
        db,
        ctx.user,
        "000000",
        { sessionId, client, purpose: "sign_in" },
        later,
      );
    }
    const right = await verifySecondFactor(
      db,
      ctx.user,
      codeFor(secret, later),
      { sessionId, client, purpose: "sign_in" },
      later,
    );
    expect(right).toMatchObject({ ok: false, reason: "rate_limited" });
  });

  it("puts a password-only session behind the code, and opens it once the code is given", async () => {
    const at = new Date("2026-12-03T15:00:00Z");
    const { ctx, secret } = await enrolled("support", at);
    // A new browser: password only.
    const sessionId = await createSession(db, ctx.user.id, client);
    const before = await secondFactorState(
      db,
      ctx.user,
      (await loadLiveSession(db, { userId: ctx.user.id, sessionId }))!,
    );
    expect(before.gate).toBe("code_needed");
    const now = new Date(at.getTime() + STEP_MS);
    await verifySecondFactor(
      db,
      ctx.user,
      codeFor(secret, now),
      {
        sessionId,
        client,
        purpose: "sign_in",
      },
      now,
    );
    const session = (await loadLiveSession(db, { userId: ctx.user.id, sessionId }))!;
    const after = await secondFactorState(db, ctx.user, session);
    expect(after.gate).toBe("open");
    expect(stepUpNeeded(after, new Date(session.steppedUpAt!.getTime() + 60_000))).toBeNull();
    expect(stepUpNeeded(after, new Date(session.steppedUpAt!.getTime() + 6 * 60_000))).toBe("code");
  });

  it("requires enrolment of owners and admins once a live connection exists, and of everyone when the owner says so", async () => {
    const shop = await addMerchant(db, "Nusantara Batik");
    const owner = await contextFor(db, shop, "owner");
    const analyst = await contextFor(db, shop, "analyst");
    expect((await twoFactorRequirement(db, owner.user)).required).toBe(false);

    await db.insert(connections).values({
      merchantId: shop,
      id: newId("connection"),
      provider: "stripe",
      label: "Stripe live",
      mode: "live",
      credentialsEncrypted: "sealed",
      keyVersion: "v1",
    });
    const ownerNeeds = await twoFactorRequirement(db, owner.user);
    expect(ownerNeeds.required).toBe(true);
    expect(ownerNeeds.reasons[0]).toMatch(/Nusantara Batik takes live payments/);
    expect((await twoFactorRequirement(db, analyst.user)).required).toBe(false);

    const sessionId = await createSession(db, analyst.user.id, client);
    const live = (await loadLiveSession(db, { userId: analyst.user.id, sessionId }))!;
    expect((await secondFactorState(db, analyst.user, live)).gate).toBe("open");
    await setRequireTwoFactor(owner, { required: true });
    expect((await secondFactorState(db, analyst.user, live)).gate).toBe("enrolment_needed");
    const [merchant] = await db.select().from(merchants).where(eq(merchants.id, shop));
    expect(merchant.requireTwoFactor).toBe(true);
    await expect(setRequireTwoFactor(analyst, { required: false })).rejects.toThrow(/role/);
  });

  it("a non-enrolled member cannot step up at all; the demo logins are exempt only in demo mode", async () => {
    const ctx = await contextFor(db, merchantId, "support");
    const sessionId = await createSession(db, ctx.user.id, client);
    const state = await secondFactorState(
      db,
      ctx.user,
      (await loadLiveSession(db, { userId: ctx.user.id, sessionId }))!,
    );
    expect(stepUpNeeded(state)).toBe("enrolment");
    const demo = process.env.PARLEY_DEMO;
    try {
      process.env.PARLEY_DEMO = "1";
      const { resetEnvCache } = await import("@/lib/env");
      resetEnvCache();
      expect(isDemoExempt("owner@parley.test")).toBe(true);
      expect(isDemoExempt(ctx.user.email)).toBe(false);
      process.env.PARLEY_DEMO = "0";
      resetEnvCache();
      expect(isDemoExempt("owner@parley.test")).toBe(false);
    } finally {
      if (demo === undefined) delete process.env.PARLEY_DEMO;
      else process.env.PARLEY_DEMO = demo;
      (await import("@/lib/env")).resetEnvCache();
    }
  });

  it("an owner's reset removes the member's factor and ends every session of theirs", async () => {
    const at = new Date("2026-12-03T16:00:00Z");
    const owner = await contextFor(db, merchantId, "owner");
    const { ctx: member, sessionId } = await enrolled("admin", at);
    const other = await createSession(db, member.user.id, client);
    expect((await listTeamMembers(owner)).find((m) => m.userId === member.user.id)?.twoFactor).toBe(
      true,
    );
    const [{ sessionVersion: before }] = await db
      .select({ sessionVersion: users.sessionVersion })
      .from(users)
      .where(eq(users.id, member.user.id));

    await expect(resetMemberTwoFactor(member, { userId: owner.user.id })).rejects.toThrow(/role/);
    const result = await resetMemberTwoFactor(owner, { userId: member.user.id });
    expect(result.sessionsEnded).toBe(2);
    expect(await isSessionLive(db, { userId: member.user.id, sessionId })).toBe(false);
    expect(await isSessionLive(db, { userId: member.user.id, sessionId: other })).toBe(false);
    const [{ sessionVersion: after }] = await db
      .select({ sessionVersion: users.sessionVersion })
      .from(users)
      .where(eq(users.id, member.user.id));
    expect(after).toBe(before + 1);
    expect(await getTwoFactorStatus(db, member.user.id)).toMatchObject({ enrolled: false });
    const [entry] = await db
      .select()
      .from(auditLog)
      .where(
        and(eq(auditLog.merchantId, merchantId), eq(auditLog.action, "member.two_factor_reset")),
      );
    expect(entry.actorUserId).toBe(owner.user.id);
    // Another merchant's owner cannot reach this member.
    const elsewhere = await contextFor(db, await addMerchant(db, "Elsewhere"), "owner");
    await expect(resetMemberTwoFactor(elsewhere, { userId: member.user.id })).rejects.toThrow(
      /not found/i,
    );
  });

  it("turning it off removes the factor and the codes", async () => {
    const at = new Date("2026-12-03T17:00:00Z");
    const { ctx } = await enrolled("analyst", at);
    await removeSecondFactor(db, ctx.user, client);
    expect(await getTwoFactorStatus(db, ctx.user.id)).toEqual({
      enrolled: false,
      confirmedAt: null,
      recoveryCodesLeft: 0,
      enrolmentPending: false,
    });
  });
});
