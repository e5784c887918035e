// Response-deadline reminders: 5 days and 1 day before a dispute's due date, the person working
// it (its assignee; the merchant's owners and admins while nobody is) hears about it in the
// console. A durable job sweeps the cases still waiting for an answer every few minutes; each
// reminder is one notifications row whose dedupe key (case, stage, threshold) is unique per
// member, so a second sweep, a concurrent one or one after a crash adds nothing, a new assignee
// is reminded on the next pass, and a case escalated to a later stage is reminded again.
import type { Db } from "@/db/client";
import { disputes, memberships, merchants, notifications, type DisputeStage } from "@/db/schema";
import { reasonLabel } from "@/lib/disputes/reasons";
import { publishEvents, type ConsoleEvent } from "@/lib/events/bus";
import { formatInZone } from "@/lib/format/time";
import { newId } from "@/lib/ids";
import { formatMoney } from "@/lib/money";
import { and, eq, gt, inArray, lte } from "drizzle-orm";

export const DISPUTE_REMINDERS_JOB = "disputes.reminders";
export const DISPUTE_REMINDERS_EVERY_MS = 5 * 60_000;

const DAY_MS = 24 * 3600_000;

/** The thresholds, latest first: the one a case is inside is the reminder it is owed. */
export const REMINDER_THRESHOLDS = [
  { key: "1d", withinMs: DAY_MS },
  { key: "5d", withinMs: 5 * DAY_MS },
] as const;
export type ReminderThreshold = (typeof REMINDER_THRESHOLDS)[number]["key"];

/**
 * The reminder a deadline calls for now: "1d" inside the last day, "5d" inside the last five,
 * nothing further out or once it has passed (an overdue case is red on the desk already). A
 * case opened with two days left gets the 5-day reminder at once and the 1-day one later.
 */
export function reminderDue(dueBy: Date, now: Date): ReminderThreshold | null {
  const left = dueBy.getTime() - now.getTime();
  if (left <= 0) return null;
  return REMINDER_THRESHOLDS.find((t) => left <= t.withinMs)?.key ?? null;
}

export function reminderKey(disputeId: string, stage: DisputeStage, threshold: ReminderThreshold) {
  return `dispute:${disputeId}:${stage}:${threshold}`;
}

/** "in 4 days" / "in 19 hours" / "in 40 minutes": the time left, rounded down, in words. */
export function timeLeftWords(dueBy: Date, now: Date): string {
  const left = Math.max(0, dueBy.getTime() - now.getTime());
  const days = Math.floor(left / DAY_MS);
  if (days >= 1) return `in ${days} day${days === 1 ? "" : "s"}`;
  const hours = Math.floor(left / 3600_000);
  if (hours >= 1) return `in ${hours} hour${hours === 1 ? "" : "s"}`;
  const minutes = Math.max(1, Math.floor(left / 60_000));
  return `in ${minutes} minute${minutes === 1 ? "" : "s"}`;
}

export interface ReminderSummary {
  /** Cases inside a threshold. */
  cases: number;
  /** Notifications written this pass (0 when every one was already sent). */
  sent: number;
}

/** Cases swept per pass; the rest wait for the next one (none is lost: nothing is marked). */
const SWEEP_LIMIT = 2_000;

/**
 * One pass: every case owed a reminder gets it. `only` narrows the pass to one case (an
 * assignment: the new assignee hears at once rather than on the next sweep).
 */
export async function sendDisputeReminders(
  db: Db,
  now: Date = new Date(),
  only?: { merchantId: string; disputeId: string },
): Promise<ReminderSummary> {
  const cases = await db
    .select({
      merchantId: disputes.merchantId,
      id: disputes.id,
      mode: disputes.mode,
      stage: disputes.stage,
      reason: disputes.reason,
      amountMinor: disputes.amountMinor,
      currency: disputes.currency,
      dueBy: disputes.dueBy,
      assigneeUserId: disputes.assigneeUserId,
      timezone: merchants.timezone,
    })
    .from(disputes)
    .innerJoin(merchants, eq(merchants.id, disputes.merchantId))
    .where(
      and(
        eq(disputes.status, "needs_response"),
        ...(only
          ? [eq(disputes.merchantId, only.merchantId), eq(disputes.id, only.disputeId)]
          : []),
        gt(disputes.dueBy, now),
        lte(disputes.dueBy, new Date(now.getTime() + 5 * DAY_MS)),
      ),
    )
    .orderBy(disputes.dueBy)
    .limit(SWEEP_LIMIT);
  if (cases.length === 0) return { cases: 0, sent: 0 };

  // Who may hear, per merchant: its members (an assignee who left is nobody's reminder).
  const merchantIds = [...new Set(cases.map((c) => c.merchantId))];
  const members = await db
    .select({
      merchantId: memberships.merchantId,
      userId: memberships.userId,
      role: memberships.role,
    })
    .from(memberships)
    .where(inArray(memberships.merchantId, merchantIds));
  const byMerchant = new Map<string, { userId: string; role: string }[]>();
  for (const m of members)
    byMerchant.set(m.merchantId, [...(byMerchant.get(m.merchantId) ?? []), m]);

  const rows: (typeof notifications.$inferInsert)[] = [];
  for (const c of cases) {
    const threshold = reminderDue(c.dueBy!, now);
    if (!threshold) continue;
    const team = byMerchant.get(c.merchantId) ?? [];
    const assignee = team.find((m) => m.userId === c.assigneeUserId);
    const recipients = assignee
      ? [assignee.userId]
      : team.filter((m) => m.role === "owner" || m.role === "admin").map((m) => m.userId);
    const amount = formatMoney(c.amountMinor, c.currency);
    const title = `Dispute response due ${timeLeftWords(c.dueBy!, now)}`;
    const body =
      `${amount} · ${reasonLabel(c.reason)}: answer by ${formatInZone(c.dueBy!, c.timezone)}` +
      (assignee ? "." : ". Nobody is assigned yet.");
    for (const userId of recipients) {
      rows.push({
        merchantId: c.merchantId,
        id: newId("notification"),
        userId,
        mode: c.mode,
        kind: "dispute.due_soon",
        subjectId: c.id,
        dedupeKey: reminderKey(c.id, c.stage, threshold),
        title,
        body,
        href: `/disputes/${c.id}`,
        createdAt: now,
      });
    }
  }
  if (rows.length === 0) return { cases: cases.length, sent: 0 };

  const sent = await db.transaction(async (tx) => {
    const written = await tx
      .insert(notifications)
      .values(rows)
      .onConflictDoNothing({
        target: [notifications.merchantId, notifications.userId, notifications.dedupeKey],
      })
      .returning({
        merchantId: notifications.merchantId,
        id: notifications.id,
        mode: notifications.mode,
        userId: notifications.userId,
      });
    // The shell's badge re-reads on the event; the stream passes it to its member only.
    const events: ConsoleEvent[] = written.map((n) => ({
      kind: "notification",
      merchantId: n.merchantId,
      mode: n.mode,
      id: n.id,
    }));
    await publishEvents(tx, events);
    return written.length;
  });
  return { cases: cases.length, sent };
}
