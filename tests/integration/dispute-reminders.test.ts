// Dispute deadline reminders on both engines: the sweep the job runs writes one notification per
// member and threshold (5 days, 1 day), to the assignee or — unassigned — the owners and admins,
// never twice (again, concurrently); the member's list, count and "mark read" are their own, in
// their merchant and mode only.
import type { Db, DbHandle } from "@/db/client";
import { disputes, notifications } from "@/db/schema";
import type { ServiceContext } from "@/lib/auth/context";
import { sendDisputeReminders } from "@/lib/disputes/reminders";
import { newId } from "@/lib/ids";
import {
  countUnreadNotifications,
  listNotifications,
  markNotificationsRead,
} from "@/lib/notifications/inbox";
import { createCheckout } from "@/lib/payments/checkout";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  configurePipelineEnv,
  contextFor,
  merchantWithRoles,
  sandboxConnection,
} from "./helpers/pipeline-fixtures";
import { ENGINES, openTestDatabase } from "./helpers/test-db";

configurePipelineEnv();

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const NOW = new Date("2030-03-10T12:00:00.000Z");
const at = (ms: number) => new Date(NOW.getTime() + ms);

describe.each(ENGINES)("dispute reminders on %s", (engine) => {
  let handle: DbHandle;
  let db: Db;
  let owner: ServiceContext;
  let admin: ServiceContext;
  let support: ServiceContext;
  let analyst: ServiceContext;
  let stranger: ServiceContext;
  let merchantId: string;
  let paymentId: string;
  let connectionId: string;

  async function addDispute(values: Partial<typeof disputes.$inferInsert>): Promise<string> {
    const id = newId("dispute");
    await db.insert(disputes).values({
      merchantId,
      id,
      paymentId,
      connectionId,
      mode: "live",
      providerDisputeId: `dp_${id}`,
      reason: "fraudulent",
      amountMinor: 12_500,
      currency: "JPY",
      ...values,
    });
    return id;
  }
  const mine = async (ctx: ServiceContext) =>
    db
      .select()
      .from(notifications)
      .where(
        and(eq(notifications.merchantId, ctx.merchantId), eq(notifications.userId, ctx.user.id)),
      );

  beforeAll(async () => {
    handle = await openTestDatabase(engine);
    db = handle.db;
    ({ owner, support, analyst, merchantId } = await merchantWithRoles(db));
    admin = await contextFor(db, merchantId, "admin");
    ({ owner: stranger } = await merchantWithRoles(db, "Elsewhere"));
    const connection = await sandboxConnection(owner);
    connectionId = connection.id;
    const payment = await createCheckout(db, merchantId, {
      connectionId,
      amountMinor: 12_500,
      currency: "JPY",
      description: "Ramen set",
      idempotencyKey: `reminders-${engine}`,
    });
    paymentId = payment.id;
  });
  afterAll(async () => handle?.close());

  it("reminds the assignee 5 days and 1 day out, the owners and admins while unassigned, once each", async () => {
    const assigned = await addDispute({ dueBy: at(4 * DAY), assigneeUserId: support.user.id });
    const unassigned = await addDispute({ dueBy: at(20 * HOUR) });
    await addDispute({ dueBy: at(9 * DAY), assigneeUserId: support.user.id }); // too far out
    await addDispute({ dueBy: at(2 * DAY), status: "under_review" }); // answered already
    await addDispute({ dueBy: at(-HOUR) }); // overdue: the desk shows it red
    await addDispute({ dueBy: null }); // no deadline known
    const testCase = await addDispute({
      dueBy: at(3 * DAY),
      mode: "test",
      assigneeUserId: support.user.id,
    });

    const first = await sendDisputeReminders(db, NOW);
    expect(first).toEqual({ cases: 3, sent: 4 });

    const supportRows = await mine(support);
    expect(supportRows.map((n) => [n.subjectId, n.mode, n.dedupeKey]).sort()).toEqual(
      [
        [assigned, "live", `dispute:${assigned}:chargeback:5d`],
        [testCase, "test", `dispute:${testCase}:chargeback:5d`],
      ].sort(),
    );
    const live = supportRows.find((n) => n.subjectId === assigned)!;
    expect(live).toMatchObject({
      kind: "dispute.due_soon",
      title: "Dispute response due in 4 days",
      href: `/disputes/${assigned}`,
    });
    // JPY has no minor digits; the deadline is in the merchant's zone (Europe/Paris by default).
    expect(live.body).toContain("¥12,500");
    expect(live.body).toContain("Fraud");
    expect(live.body).toMatch(/answer by 14 Mar 2030, 13:00 CET/);
    for (const ctx of [owner, admin]) {
      const rows = await mine(ctx);
      expect(rows.map((n) => n.dedupeKey)).toEqual([`dispute:${unassigned}:chargeback:1d`]);
      expect(rows[0].body).toContain("Nobody is assigned yet.");
    }
    expect(await mine(analyst)).toEqual([]);
    expect(await mine(stranger)).toEqual([]);

    // Again, and two at once: nothing new.
    expect(await sendDisputeReminders(db, NOW)).toEqual({ cases: 3, sent: 0 });
    const [a, b] = await Promise.all([
      sendDisputeReminders(db, at(60_000)),
      sendDisputeReminders(db, at(60_000)),
    ]);
    expect(a.sent + b.sent).toBe(0);

    // Three days later the assigned case is inside its last day: the 1-day reminder.
    const later = await sendDisputeReminders(db, at(3 * DAY + HOUR));
    expect(later.sent).toBe(1); // the test case's deadline has passed by then
    expect((await mine(support)).map((n) => n.dedupeKey)).toContain(
      `dispute:${assigned}:chargeback:1d`,
    );

    // Reassigned: the new assignee hears of it on the next pass; escalated: reminded again.
    await db
      .update(disputes)
      .set({ assigneeUserId: admin.user.id, stage: "pre_arbitration" })
      .where(and(eq(disputes.merchantId, merchantId), eq(disputes.id, assigned)));
    await sendDisputeReminders(db, at(3 * DAY + 2 * HOUR));
    expect((await mine(admin)).map((n) => n.dedupeKey)).toContain(
      `dispute:${assigned}:pre_arbitration:1d`,
    );
  });

  it("a pass for one case (an assignment) reminds only that case's assignee", async () => {
    const now = at(10 * DAY);
    const picked = await addDispute({ dueBy: at(12 * DAY), assigneeUserId: admin.user.id });
    const other = await addDispute({ dueBy: at(12 * DAY) });
    expect(await sendDisputeReminders(db, now, { merchantId, disputeId: picked })).toEqual({
      cases: 1,
      sent: 1,
    });
    // Another merchant's id pair finds nothing.
    expect(
      await sendDisputeReminders(db, now, { merchantId: stranger.merchantId, disputeId: other }),
    ).toEqual({ cases: 0, sent: 0 });
    const keys = (await mine(admin)).map((n) => n.dedupeKey);
    expect(keys).toContain(`dispute:${picked}:chargeback:5d`);
    expect(keys).not.toContain(`dispute:${other}:chargeback:5d`);
  });

  it("lists, counts and marks read only the member's own, in the viewed mode", async () => {
    const before = await countUnreadNotifications(support, "live");
    expect(before).toBeGreaterThan(0);
    expect(await countUnreadNotifications(support, "test")).toBeGreaterThan(0);
    const list = await listNotifications(support, "live");
    expect(list.every((n) => n.userId === support.user.id && n.mode === "live")).toBe(true);

    // Someone else's id, or the other mode's, is not found and marks nothing.
    const ownersOwn = (await listNotifications(owner, "live"))[0];
    await expect(markNotificationsRead(support, "live", ownersOwn.id)).rejects.toThrow("not found");
    await expect(markNotificationsRead(stranger, "live", list[0].id)).rejects.toThrow("not found");
    await expect(markNotificationsRead(support, "test", list[0].id)).rejects.toThrow("not found");
    expect(await countUnreadNotifications(owner, "live")).toBe(1);

    expect(await markNotificationsRead(support, "live", list[0].id)).toBe(1);
    expect(await markNotificationsRead(support, "live", list[0].id)).toBe(0); // already read
    expect(await countUnreadNotifications(support, "live")).toBe(before - 1);
    expect(await markNotificationsRead(support, "live")).toBe(before - 1);
    expect(await countUnreadNotifications(support, "live")).toBe(0);
    // The test-mode reminders are untouched by "mark all" in live.
    expect(await countUnreadNotifications(support, "test")).toBeGreaterThan(0);
    expect(await listNotifications(stranger, "live")).toEqual([]);
  });
});
