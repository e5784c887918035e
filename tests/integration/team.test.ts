import type { Db, DbHandle } from "@/db/client";
import { auditLog, invites, memberships, merchants, users, type Role } from "@/db/schema";
import { resolveMerchantContext } from "@/lib/auth/context";
import { hashPassword } from "@/lib/auth/password";
import { AppError, ConflictError, ForbiddenError, NotFoundError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import {
  acceptInvite,
  describeInvitation,
  InvitationUnusableError,
} from "@/lib/team/accept-invite";
import { listPendingInvites, listTeamMembers } from "@/lib/team/queries";
import { changeMemberRole, createInvite, removeMember, revokeInvite } from "@/lib/team/service";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sessionContext } from "./helpers/pipeline-fixtures";
import { ENGINES, openTestDatabase } from "./helpers/test-db";

const PASSWORD = "correct horse battery";

describe.each(ENGINES)("team on %s", (engine) => {
  let handle: DbHandle;
  let db: Db;
  let passwordHash: string;

  beforeAll(async () => {
    handle = await openTestDatabase(engine);
    db = handle.db;
    passwordHash = await hashPassword(PASSWORD);
  });
  afterAll(async () => {
    await handle?.close();
  });

  async function addMerchant(name: string): Promise<string> {
    const id = newId("merchant");
    await db.insert(merchants).values({ id, name, slug: id.toLowerCase() });
    return id;
  }

  async function addUser(
    label: string,
    roles: [merchantId: string, role: Role][],
  ): Promise<{ id: string; email: string }> {
    const id = newId("user");
    const email = `${label}.${id.slice(-6).toLowerCase()}@example.test`;
    await db.insert(users).values({ id, email, name: label, passwordHash });
    for (const [merchantId, role] of roles)
      await db.insert(memberships).values({ merchantId, userId: id, role });
    return { id, email };
  }

  const contextFor = (userId: string, merchantId: string) => sessionContext(db, userId, merchantId);

  async function roleOf(merchantId: string, userId: string): Promise<Role | null> {
    const [row] = await db
      .select({ role: memberships.role })
      .from(memberships)
      .where(and(eq(memberships.merchantId, merchantId), eq(memberships.userId, userId)));
    return row?.role ?? null;
  }

  async function sessionVersionOf(userId: string): Promise<number> {
    const [row] = await db
      .select({ v: users.sessionVersion })
      .from(users)
      .where(eq(users.id, userId));
    return row.v;
  }

  async function auditFor(merchantId: string, action: string) {
    return db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.merchantId, merchantId), eq(auditLog.action, action)));
  }

  /** A merchant with one member of each role. */
  async function team(name: string) {
    const merchantId = await addMerchant(name);
    return {
      merchantId,
      owner: await addUser("owner", [[merchantId, "owner"]]),
      admin: await addUser("admin", [[merchantId, "admin"]]),
      support: await addUser("support", [[merchantId, "support"]]),
      analyst: await addUser("analyst", [[merchantId, "analyst"]]),
    };
  }

  describe("roles and removal", () => {
    it("refuses support and analyst every team write, and leaves the data alone", async () => {
      const t = await team("Refusals");
      for (const who of [t.support, t.analyst]) {
        const ctx = await contextFor(who.id, t.merchantId);
        await expect(
          changeMemberRole(ctx, { userId: t.admin.id, role: "analyst" }),
        ).rejects.toBeInstanceOf(ForbiddenError);
        await expect(removeMember(ctx, { userId: t.admin.id })).rejects.toBeInstanceOf(
          ForbiddenError,
        );
        await expect(
          createInvite(ctx, { email: "new@example.test", role: "analyst" }),
        ).rejects.toBeInstanceOf(ForbiddenError);
        await expect(revokeInvite(ctx, { inviteId: newId("invite") })).rejects.toBeInstanceOf(
          ForbiddenError,
        );
        await expect(listTeamMembers(ctx)).rejects.toBeInstanceOf(ForbiddenError);
      }
      expect(await roleOf(t.merchantId, t.admin.id)).toBe("admin");
      expect(await sessionVersionOf(t.admin.id)).toBe(0);
      expect(
        await db.select().from(invites).where(eq(invites.merchantId, t.merchantId)),
      ).toHaveLength(0);
    });

    it("lets an admin manage admins and below but never owners", async () => {
      const t = await team("Admin limits");
      const ctx = await contextFor(t.admin.id, t.merchantId);
      await expect(
        changeMemberRole(ctx, { userId: t.support.id, role: "owner" }),
      ).rejects.toBeInstanceOf(ForbiddenError);
      await expect(
        changeMemberRole(ctx, { userId: t.owner.id, role: "admin" }),
      ).rejects.toBeInstanceOf(ForbiddenError);
      await expect(removeMember(ctx, { userId: t.owner.id })).rejects.toBeInstanceOf(
        ForbiddenError,
      );
      await expect(
        createInvite(ctx, { email: "boss@example.test", role: "owner" }),
      ).rejects.toBeInstanceOf(ForbiddenError);
      expect(await roleOf(t.merchantId, t.support.id)).toBe("support");
      expect(await roleOf(t.merchantId, t.owner.id)).toBe("owner");

      const changed = await changeMemberRole(ctx, { userId: t.support.id, role: "admin" });
      expect(changed).toMatchObject({ previousRole: "support", role: "admin" });
      expect(await roleOf(t.merchantId, t.support.id)).toBe("admin");
    });

    it("never leaves a merchant without an owner", async () => {
      const merchantId = await addMerchant("Owners");
      const first = await addUser("first", [[merchantId, "owner"]]);
      const second = await addUser("second", [[merchantId, "owner"]]);

      await changeMemberRole(await contextFor(first.id, merchantId), {
        userId: second.id,
        role: "admin",
      });
      const ctx = await contextFor(first.id, merchantId);
      await expect(changeMemberRole(ctx, { userId: first.id, role: "admin" })).rejects.toThrow(
        /last owner cannot be demoted/,
      );
      await expect(removeMember(ctx, { userId: first.id })).rejects.toBeInstanceOf(ConflictError);
      expect(await roleOf(merchantId, first.id)).toBe("owner");

      // With a second owner again, the first may step down.
      await changeMemberRole(ctx, { userId: second.id, role: "owner" });
      await changeMemberRole(await contextFor(first.id, merchantId), {
        userId: first.id,
        role: "analyst",
      });
      expect(await roleOf(merchantId, first.id)).toBe("analyst");
    });

    it("treats another merchant's member as not found and changes nothing there", async () => {
      const a = await team("Tenant A");
      const b = await team("Tenant B");
      const ctx = await contextFor(a.owner.id, a.merchantId);
      const versionBefore = await sessionVersionOf(b.admin.id);

      await expect(
        changeMemberRole(ctx, { userId: b.admin.id, role: "analyst" }),
      ).rejects.toBeInstanceOf(NotFoundError);
      await expect(removeMember(ctx, { userId: b.admin.id })).rejects.toBeInstanceOf(NotFoundError);
      const inviteInB = await createInvite(await contextFor(b.owner.id, b.merchantId), {
        email: "b-only@example.test",
        role: "support",
      });
      await expect(revokeInvite(ctx, { inviteId: inviteInB.inviteId })).rejects.toBeInstanceOf(
        NotFoundError,
      );

      expect(await roleOf(b.merchantId, b.admin.id)).toBe("admin");
      expect(await sessionVersionOf(b.admin.id)).toBe(versionBefore);
      const [stillPending] = await db
        .select()
        .from(invites)
        .where(eq(invites.id, inviteInB.inviteId));
      expect(stillPending.revokedAt).toBeNull();
      expect(await auditFor(a.merchantId, "member.role_changed")).toHaveLength(0);
      expect((await listTeamMembers(ctx)).map((m) => m.userId)).not.toContain(b.admin.id);
    });

    it("revokes the changed member's sessions and audits before and after", async () => {
      const t = await team("Sessions");
      const oldVersion = await sessionVersionOf(t.support.id);
      const ctx = await contextFor(t.owner.id, t.merchantId);

      await changeMemberRole(ctx, { userId: t.support.id, role: "analyst" });

      expect(await sessionVersionOf(t.support.id)).toBe(oldVersion + 1);
      expect(
        await resolveMerchantContext(
          db,
          { userId: t.support.id, sessionVersion: oldVersion },
          t.merchantId,
        ),
      ).toBeNull();
      const fresh = await resolveMerchantContext(
        db,
        { userId: t.support.id, sessionVersion: oldVersion + 1 },
        t.merchantId,
      );
      expect(fresh?.role).toBe("analyst");

      const [entry] = await auditFor(t.merchantId, "member.role_changed");
      expect(entry).toMatchObject({
        actorUserId: t.owner.id,
        actorEmail: t.owner.email,
        targetId: t.support.id,
        before: { role: "support" },
        after: { role: "analyst" },
      });
    });

    it("does nothing when the role is unchanged", async () => {
      const t = await team("Same role");
      await changeMemberRole(await contextFor(t.owner.id, t.merchantId), {
        userId: t.support.id,
        role: "support",
      });
      expect(await sessionVersionOf(t.support.id)).toBe(0);
      expect(await auditFor(t.merchantId, "member.role_changed")).toHaveLength(0);
    });

    it("removes only this merchant's membership and signs the person out", async () => {
      const a = await team("Remove A");
      const otherMerchant = await addMerchant("Remove B");
      await db
        .insert(memberships)
        .values({ merchantId: otherMerchant, userId: a.support.id, role: "admin" });

      await removeMember(await contextFor(a.admin.id, a.merchantId), { userId: a.support.id });

      expect(await roleOf(a.merchantId, a.support.id)).toBeNull();
      expect(await roleOf(otherMerchant, a.support.id)).toBe("admin");
      expect(await db.select().from(users).where(eq(users.id, a.support.id))).toHaveLength(1);
      expect(await sessionVersionOf(a.support.id)).toBe(1);
      const [entry] = await auditFor(a.merchantId, "member.removed");
      expect(entry).toMatchObject({
        targetId: a.support.id,
        before: { email: a.support.email, role: "support" },
        after: null,
      });
      await expect(
        removeMember(await contextFor(a.admin.id, a.merchantId), { userId: a.support.id }),
      ).rejects.toBeInstanceOf(NotFoundError);
    });
  });

  describe("invites", () => {
    it("turns an invite into one membership for a new account, once", async () => {
      const t = await team("Invite new");
      const ctx = await contextFor(t.admin.id, t.merchantId);
      const invite = await createInvite(ctx, {
        email: "  New.Person@Example.TEST ",
        role: "support",
      });
      expect(invite.email).toBe("new.person@example.test");

      const [stored] = await db.select().from(invites).where(eq(invites.id, invite.inviteId));
      expect(stored.tokenHash).not.toContain(invite.token);
      expect(stored.expiresAt.getTime() - stored.createdAt.getTime()).toBe(7 * 24 * 3600 * 1000);

      const view = await describeInvitation(db, invite.token);
      expect(view).toMatchObject({
        status: "valid",
        merchantName: "Invite new",
        role: "support",
        email: "new.person@example.test",
        accountExists: false,
      });

      await expect(
        acceptInvite(db, { token: invite.token, name: "New Person", password: "short" }),
      ).rejects.toSatisfy(
        (e: unknown) =>
          e instanceof AppError && e.status === 422 && Boolean(e.fieldErrors?.password),
      );

      const accepted = await acceptInvite(db, {
        token: invite.token,
        name: "New Person",
        password: "a long enough password",
      });
      expect(accepted).toMatchObject({ merchantId: t.merchantId, createdAccount: true });
      expect(await roleOf(t.merchantId, accepted.userId)).toBe("support");

      await expect(
        acceptInvite(db, {
          token: invite.token,
          name: "Again",
          password: "a long enough password",
        }),
      ).rejects.toSatisfy(
        (e: unknown) => e instanceof InvitationUnusableError && e.reason === "accepted",
      );
      expect(await describeInvitation(db, invite.token)).toEqual({ status: "accepted" });
      const rows = await db
        .select()
        .from(memberships)
        .where(eq(memberships.userId, accepted.userId));
      expect(rows).toHaveLength(1);

      const [entry] = await auditFor(t.merchantId, "invite.accepted");
      expect(entry).toMatchObject({
        actorUserId: accepted.userId,
        targetId: invite.inviteId,
        after: { status: "accepted", role: "support" },
      });
      expect((await listPendingInvites(ctx)).map((i) => i.inviteId)).not.toContain(invite.inviteId);
    });

    it("asks an existing account to sign in first, never for its password", async () => {
      const t = await team("Invite existing");
      const elsewhere = await addMerchant("Elsewhere");
      const person = await addUser("person", [[elsewhere, "owner"]]);
      const invite = await createInvite(await contextFor(t.owner.id, t.merchantId), {
        email: person.email,
        role: "analyst",
      });
      expect(await describeInvitation(db, invite.token)).toMatchObject({
        status: "valid",
        accountExists: true,
      });

      // The right password is no key: the page takes none, so the link cannot test guesses.
      await expect(acceptInvite(db, { token: invite.token, password: PASSWORD })).rejects.toSatisfy(
        (e: unknown) => e instanceof AppError && e.status === 401,
      );
      const stranger = await addUser("stranger", [[elsewhere, "support"]]);
      await expect(
        acceptInvite(
          db,
          { token: invite.token },
          { ip: null, userAgent: null, signedInUserId: stranger.id },
        ),
      ).rejects.toSatisfy((e: unknown) => e instanceof AppError && e.status === 403);
      expect(await roleOf(t.merchantId, person.id)).toBeNull();
      expect(await roleOf(t.merchantId, stranger.id)).toBeNull();

      const accepted = await acceptInvite(
        db,
        { token: invite.token },
        { ip: null, userAgent: null, signedInUserId: person.id },
      );
      expect(accepted).toEqual({
        userId: person.id,
        merchantId: t.merchantId,
        createdAccount: false,
      });
      expect(await roleOf(t.merchantId, person.id)).toBe("analyst");
      expect(await roleOf(elsewhere, person.id)).toBe("owner");
    });

    it("lets only one of two simultaneous accepts through", async () => {
      const t = await team("Invite race");
      const person = await addUser("racer", []);
      const invite = await createInvite(await contextFor(t.owner.id, t.merchantId), {
        email: person.email,
        role: "support",
      });
      const asRacer = { ip: null, userAgent: null, signedInUserId: person.id };
      const results = await Promise.allSettled([
        acceptInvite(db, { token: invite.token }, asRacer),
        acceptInvite(db, { token: invite.token }, asRacer),
      ]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const [refused] = results.filter((r) => r.status === "rejected");
      expect(refused.reason).toBeInstanceOf(InvitationUnusableError);
      expect(await auditFor(t.merchantId, "invite.accepted")).toHaveLength(1);
    });

    it("refuses expired, revoked and unknown invitations without saying whose they were", async () => {
      const t = await team("Invite refusals");
      const ctx = await contextFor(t.owner.id, t.merchantId);
      const created = new Date("2030-01-01T00:00:00Z");
      const expiring = await createInvite(
        ctx,
        { email: "late@example.test", role: "support" },
        created,
      );
      const afterExpiry = new Date(created.getTime() + 7 * 24 * 3600 * 1000 + 1);
      expect(await describeInvitation(db, expiring.token, afterExpiry)).toEqual({
        status: "expired",
      });
      await expect(
        acceptInvite(
          db,
          { token: expiring.token, name: "Late", password: "a long enough password" },
          undefined,
          afterExpiry,
        ),
      ).rejects.toSatisfy(
        (e: unknown) => e instanceof InvitationUnusableError && e.reason === "expired",
      );

      const revoked = await createInvite(ctx, { email: "gone@example.test", role: "support" });
      await revokeInvite(ctx, { inviteId: revoked.inviteId });
      expect(await describeInvitation(db, revoked.token)).toEqual({ status: "revoked" });
      await expect(
        acceptInvite(db, {
          token: revoked.token,
          name: "Gone",
          password: "a long enough password",
        }),
      ).rejects.toSatisfy(
        (e: unknown) => e instanceof InvitationUnusableError && e.reason === "revoked",
      );
      await expect(revokeInvite(ctx, { inviteId: revoked.inviteId })).rejects.toBeInstanceOf(
        ConflictError,
      );

      expect(await describeInvitation(db, "x".repeat(43))).toEqual({ status: "unknown" });
      expect(await describeInvitation(db, "../../etc/passwd")).toEqual({ status: "unknown" });
      await expect(
        acceptInvite(db, { token: "nope", password: "whatever123" }),
      ).rejects.toBeInstanceOf(InvitationUnusableError);

      const emails = (await db.select().from(users)).map((u) => u.email);
      expect(emails).not.toContain("late@example.test");
      expect(emails).not.toContain("gone@example.test");
      const [revokedEntry] = (await auditFor(t.merchantId, "invite.revoked")).filter(
        (e) => e.targetId === revoked.inviteId,
      );
      expect(revokedEntry).toMatchObject({
        before: { status: "pending", email: "gone@example.test" },
        after: { status: "revoked" },
      });
    });

    it("replaces a pending invite for the same email and refuses current members", async () => {
      const t = await team("Invite again");
      const ctx = await contextFor(t.admin.id, t.merchantId);
      const first = await createInvite(ctx, { email: "twice@example.test", role: "analyst" });
      const second = await createInvite(ctx, { email: "TWICE@example.test", role: "support" });

      expect(await describeInvitation(db, first.token)).toEqual({ status: "revoked" });
      expect(await describeInvitation(db, second.token)).toMatchObject({
        status: "valid",
        role: "support",
      });
      const pending = await listPendingInvites(ctx);
      expect(pending.map((i) => i.inviteId)).toEqual([second.inviteId]);
      expect(pending[0]).toMatchObject({ invitedBy: t.admin.email, expired: false });

      await expect(
        createInvite(ctx, { email: t.support.email.toUpperCase(), role: "analyst" }),
      ).rejects.toSatisfy(
        (e: unknown) =>
          e instanceof AppError &&
          e.status === 409 &&
          /already a member/.test(e.fieldErrors?.email?.[0] ?? ""),
      );
      const created = await auditFor(t.merchantId, "invite.created");
      expect(created.map((e) => e.after)).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ email: "twice@example.test", role: "analyst" }),
          expect.objectContaining({ email: "twice@example.test", role: "support" }),
        ]),
      );
      expect(created).toHaveLength(2);
    });
  });
});
