import { sql } from "drizzle-orm";
import { check, index, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, merchantIdColumn, modeColumn, tstz } from "./_shared";
import { users } from "./auth";

// What the console tells one member: today, a dispute's response deadline coming up. Kept per
// mode (a test dispute never shows in the live console) and written once per reason: the
// dedupe key (e.g. "dispute:<id>:chargeback:5d") is unique per member, so the sweep that
// writes them can run again, concurrently or after a crash, and nobody hears it twice.
export type NotificationKind = "dispute.due_soon";

export const notifications = pgTable(
  "notifications",
  {
    merchantId: merchantIdColumn(),
    id: text("id").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    mode: modeColumn(),
    kind: text("kind").$type<NotificationKind>().notNull(),
    /** The object it is about (a dispute id). */
    subjectId: text("subject_id").notNull(),
    dedupeKey: text("dedupe_key").notNull(),
    title: text("title").notNull(),
    body: text("body").notNull(),
    /** Where it leads in the console (a path on this site). */
    href: text("href").notNull(),
    createdAt: createdAt(),
    readAt: tstz("read_at"),
  },
  (t) => [
    primaryKey({ columns: [t.merchantId, t.id] }),
    uniqueIndex("notifications_dedupe_key").on(t.merchantId, t.userId, t.dedupeKey),
    index("notifications_user_idx").on(t.merchantId, t.userId, t.mode, t.createdAt),
    index("notifications_unread_idx")
      .on(t.merchantId, t.userId, t.mode)
      .where(sql`${t.readAt} is null`),
    check("notifications_mode_check", sql`${t.mode} in ('test','live')`),
  ],
);

export type Notification = typeof notifications.$inferSelect;
