// A member's own notifications (today: dispute deadline reminders, lib/disputes/reminders.ts):
// the list, the unread count the shell shows, marking read. Every query is the member's own, in
// the merchant and mode they are viewing: another member's, another merchant's or the other
// mode's never show and cannot be marked.
import { notifications, type Mode, type Notification } from "@/db/schema";
import { assertCan, type ServiceContext } from "@/lib/auth/context";
import { NotFoundError } from "@/lib/errors";
import { and, count, desc, eq, isNull } from "drizzle-orm";

export type NotificationReader = Pick<ServiceContext, "db" | "merchantId" | "role" | "user">;

function own(ctx: NotificationReader, mode: Mode) {
  return and(
    eq(notifications.merchantId, ctx.merchantId),
    eq(notifications.userId, ctx.user.id),
    eq(notifications.mode, mode),
  );
}

export async function countUnreadNotifications(
  ctx: NotificationReader,
  mode: Mode,
): Promise<number> {
  assertCan(ctx, "notifications.view");
  const [row] = await ctx.db
    .select({ n: count() })
    .from(notifications)
    .where(and(own(ctx, mode), isNull(notifications.readAt)));
  return Number(row?.n ?? 0);
}

export async function listNotifications(
  ctx: NotificationReader,
  mode: Mode,
  limit = 100,
): Promise<Notification[]> {
  assertCan(ctx, "notifications.view");
  return ctx.db
    .select()
    .from(notifications)
    .where(own(ctx, mode))
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(limit);
}

/** The live feed's check: this notification is the member's, in the mode they watch. */
export async function isOwnNotification(
  ctx: NotificationReader,
  mode: Mode,
  notificationId: string,
): Promise<boolean> {
  if (!notificationId) return false;
  const [row] = await ctx.db
    .select({ id: notifications.id })
    .from(notifications)
    .where(and(own(ctx, mode), eq(notifications.id, notificationId)));
  return row !== undefined;
}

/**
 * Marks one (or, with no id, every) unread notification of the member read; returns how many
 * (0 for one already read).
 */
export async function markNotificationsRead(
  ctx: NotificationReader,
  mode: Mode,
  notificationId?: string,
  now: Date = new Date(),
): Promise<number> {
  assertCan(ctx, "notifications.view");
  const marked = await ctx.db
    .update(notifications)
    .set({ readAt: now })
    .where(
      and(
        own(ctx, mode),
        isNull(notifications.readAt),
        ...(notificationId ? [eq(notifications.id, notificationId)] : []),
      ),
    )
    .returning({ id: notifications.id });
  // Naming one that is not the member's (or not in this mode) is a 404, not a silent nothing.
  if (
    notificationId &&
    marked.length === 0 &&
    !(await isOwnNotification(ctx, mode, notificationId))
  )
    throw new NotFoundError("This notification");
  return marked.length;
}
