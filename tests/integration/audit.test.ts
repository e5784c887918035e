import type { Db, DbHandle } from "@/db/client";
import { auditLog, memberships, merchants, users, type Role } from "@/db/schema";
import { listAuditActionNames, listAuditPage } from "@/lib/audit/queries";
import { recordAudit } from "@/lib/audit/record";
import { parseAuditFilter, toAuditQuery } from "@/lib/audit/schemas";
import { ForbiddenError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { changeMemberRole } from "@/lib/team/service";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sessionContext } from "./helpers/pipeline-fixtures";
import { ENGINES, openTestDatabase } from "./helpers/test-db";

describe.each(ENGINES)("audit log on %s", (engine) => {
  let handle: DbHandle;
  let db: Db;
  const a = {
    merchantId: newId("merchant"),
    owner: newId("user"),
    admin: newId("user"),
    analyst: newId("user"),
    support: newId("user"),
  };
  const b = { merchantId: newId("merchant"), owner: newId("user") };

  beforeAll(async () => {
    handle = await openTestDatabase(engine);
    db = handle.db;
    await db.insert(merchants).values([
      {
        id: a.merchantId,
        name: "Audit A",
        slug: a.merchantId.toLowerCase(),
        timezone: "Europe/Paris",
      },
      { id: b.merchantId, name: "Audit B", slug: b.merchantId.toLowerCase() },
    ]);
    const people: [string, string, string, Role][] = [
      [a.owner, "owner@a.test", a.merchantId, "owner"],
      [a.admin, "admin@a.test", a.merchantId, "admin"],
      [a.analyst, "analyst@a.test", a.merchantId, "analyst"],
      [a.support, "support@a.test", a.merchantId, "support"],
      [b.owner, "owner@b.test", b.merchantId, "owner"],
    ];
    for (const [id, email, merchantId, role] of people) {
      await db.insert(users).values({ id, email, name: email, passwordHash: "x" });
      await db.insert(memberships).values({ merchantId, userId: id, role });
    }
  });
  afterAll(async () => {
    await handle?.close();
  });

  const contextFor = (userId: string, merchantId: string) => sessionContext(db, userId, merchantId);

  async function entry(
    merchantId: string,
    action: string,
    actorEmail: string,
    createdAt: Date,
  ): Promise<string> {
    const id = newId("audit");
    await db.insert(auditLog).values({
      merchantId,
      id,
      actorEmail,
      action,
      targetType: "test",
      summary: action,
      createdAt,
    });
    return id;
  }

  async function clearLog(): Promise<void> {
    await db.delete(auditLog).where(eq(auditLog.merchantId, a.merchantId));
    await db.delete(auditLog).where(eq(auditLog.merchantId, b.merchantId));
  }

  it("is for owners and admins only", async () => {
    for (const userId of [a.analyst, a.support]) {
      const ctx = await contextFor(userId, a.merchantId);
      await expect(listAuditPage(ctx)).rejects.toBeInstanceOf(ForbiddenError);
      await expect(listAuditActionNames(ctx)).rejects.toBeInstanceOf(ForbiddenError);
    }
  });

  it("shows a team change with its before and after, newest first, and only this merchant's", async () => {
    await clearLog();
    await entry(a.merchantId, "auth.sign_in", "owner@a.test", new Date("2020-01-01T00:00:00Z"));
    const bSecret = await entry(b.merchantId, "member.removed", "owner@b.test", new Date());
    await changeMemberRole(await contextFor(a.owner, a.merchantId), {
      userId: a.support,
      role: "analyst",
    });

    const ctx = await contextFor(a.admin, a.merchantId);
    const page = await listAuditPage(ctx);
    expect(page.entries.map((e) => e.action)).toEqual(["member.role_changed", "auth.sign_in"]);
    expect(page.entries[0]).toMatchObject({
      actorEmail: "owner@a.test",
      before: { role: "support" },
      after: { role: "analyst" },
    });
    expect(page.entries.map((e) => e.id)).not.toContain(bSecret);
    expect(page.nextCursor).toBeNull();
    expect(await listAuditActionNames(ctx)).toEqual(["auth.sign_in", "member.role_changed"]);

    // Another merchant's entry id as a cursor reveals nothing.
    expect((await listAuditPage(ctx, { before: bSecret })).entries).toEqual([]);
  });

  it("filters by action prefix and actor, treating % and _ literally", async () => {
    await clearLog();
    const now = Date.now();
    await entry(a.merchantId, "invite.created", "admin@a.test", new Date(now - 4000));
    await entry(a.merchantId, "invite.revoked", "Owner@A.test", new Date(now - 3000));
    await entry(a.merchantId, "member.role_changed", "admin@a.test", new Date(now - 2000));
    await entry(a.merchantId, "member.roleXchanged", "x_y@a.test", new Date(now - 1000));
    await entry(b.merchantId, "invite.created", "admin@b.test", new Date(now));
    const ctx = await contextFor(a.owner, a.merchantId);
    const actions = async (query: Parameters<typeof listAuditPage>[1]) =>
      (await listAuditPage(ctx, query)).entries.map((e) => `${e.action} ${e.actorEmail}`);

    expect(await actions({ action: "invite." })).toEqual([
      "invite.revoked Owner@A.test",
      "invite.created admin@a.test",
    ]);
    expect(await actions({ action: "member.role_" })).toEqual(["member.role_changed admin@a.test"]);
    expect(await actions({ actor: "OWNER@a" })).toEqual(["invite.revoked Owner@A.test"]);
    expect(await actions({ actor: "x_y" })).toEqual(["member.roleXchanged x_y@a.test"]);
    expect(await actions({ actor: "%" })).toEqual([]);
    expect(await actions({ action: "invite.", actor: "admin" })).toEqual([
      "invite.created admin@a.test",
    ]);
  });

  it("reads date filters as whole days in the merchant's time zone", async () => {
    await clearLog();
    // Europe/Paris is UTC+1 in March 2025 (before the DST change on the 30th).
    await entry(a.merchantId, "late.on_9th", "admin@a.test", new Date("2025-03-09T22:30:00Z"));
    await entry(a.merchantId, "early.on_10th", "admin@a.test", new Date("2025-03-09T23:30:00Z"));
    await entry(a.merchantId, "late.on_10th", "admin@a.test", new Date("2025-03-10T22:59:59Z"));
    await entry(a.merchantId, "early.on_11th", "admin@a.test", new Date("2025-03-10T23:00:00Z"));
    const ctx = await contextFor(a.owner, a.merchantId);

    const { values, fieldErrors } = parseAuditFilter({ from: "2025-03-10", to: "2025-03-10" });
    expect(fieldErrors).toEqual({});
    const page = await listAuditPage(ctx, toAuditQuery(values, "Europe/Paris"));
    expect(page.entries.map((e) => e.action)).toEqual(["late.on_10th", "early.on_10th"]);

    const fromOnly = await listAuditPage(
      ctx,
      toAuditQuery(parseAuditFilter({ from: "2025-03-11" }).values, "Europe/Paris"),
    );
    expect(fromOnly.entries.map((e) => e.action)).toEqual(["early.on_11th"]);
  });

  it("pages through entries that share a timestamp without skipping or repeating any", async () => {
    await clearLog();
    const older = [
      await entry(a.merchantId, "old.one", "admin@a.test", new Date("2024-01-01T00:00:00Z")),
      await entry(a.merchantId, "old.two", "admin@a.test", new Date("2024-01-02T00:00:00Z")),
    ];
    const sameInstant: string[] = [];
    await db.transaction(async (tx) => {
      for (let i = 0; i < 5; i++) {
        await recordAudit(tx, {
          merchantId: a.merchantId,
          actor: { userId: a.owner, email: "owner@a.test" },
          action: "batch.step",
          targetType: "test",
          summary: `step ${i}`,
        });
      }
    });
    for (const row of await db
      .select({ id: auditLog.id })
      .from(auditLog)
      .where(eq(auditLog.action, "batch.step"))) {
      sameInstant.push(row.id);
    }
    const ctx = await contextFor(a.admin, a.merchantId);

    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await listAuditPage(ctx, { limit: 2, before: cursor });
      seen.push(...page.entries.map((e) => e.id));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor && pages < 10);

    expect(pages).toBe(4);
    expect(new Set(seen).size).toBe(7);
    expect(seen.slice(0, 5).sort()).toEqual([...sameInstant].sort());
    expect(seen.slice(5)).toEqual([older[1], older[0]]);
  });

  it("explains bad filter values beside their fields and ignores them", () => {
    const parsed = parseAuditFilter({
      action: "DROP TABLE",
      actor: ["  admin  ", "ignored"],
      from: "2025-02-30",
      to: "",
      before: "aud_short",
    });
    expect(parsed.values).toEqual({ actor: "admin" });
    expect(Object.keys(parsed.fieldErrors).sort()).toEqual(["action", "before", "from"]);

    const reversed = parseAuditFilter({ from: "2025-03-10", to: "2025-03-01" });
    expect(reversed.values).toEqual({ from: "2025-03-10" });
    expect(reversed.fieldErrors.to).toMatch(/before the start/);
  });
});
