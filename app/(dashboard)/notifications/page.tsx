import { MarkRead } from "@/components/notifications/mark-read";
import { Badge } from "@/components/ui/badge";
import { EmptyState, PageHeader } from "@/components/ui/card";
import { requirePagePermission } from "@/lib/auth/server";
import { formatShortDateTime, isoOf, timeAgo } from "@/lib/format/time";
import { viewModeFor } from "@/lib/mode";
import { listNotifications } from "@/lib/notifications/inbox";
import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = { title: "Notifications" };
export const dynamic = "force-dynamic";

// The member's own notifications in the viewed mode: today, dispute response deadlines 5 days
// and 1 day out (for the case's assignee; for owners and admins while nobody is assigned).
export default async function Page() {
  const ctx = await requirePagePermission("notifications.view");
  const mode = await viewModeFor();
  const now = new Date();
  const items = await listNotifications(ctx, mode);
  const unread = items.filter((n) => !n.readAt).length;

  return (
    <div className="space-y-6">
      <PageHeader
        title="Notifications"
        description={`What needs you in ${mode === "test" ? "test" : "live"} mode: dispute deadlines 5 days and 1 day ahead, for the cases assigned to you (or every unassigned case, for owners and admins).`}
        actions={unread > 0 ? <MarkRead /> : undefined}
      />
      {items.length === 0 ? (
        <EmptyState title="Nothing for you yet">
          When a dispute assigned to you is 5 days, then 1 day, from its response deadline, a
          reminder appears here and on Notifications in the navigation. Assign yourself a case from
          the{" "}
          <Link href="/disputes" className="text-brand-700 underline">
            Disputes
          </Link>{" "}
          desk.
        </EmptyState>
      ) : (
        <ul aria-label="Notifications" className="space-y-3">
          {items.map((n) => (
            <li
              key={n.id}
              data-testid="notification"
              data-read={n.readAt ? "yes" : "no"}
              className={`space-y-2 rounded-lg p-4 shadow-sm ring-1 ${n.readAt ? "bg-slate-50 ring-slate-200" : "bg-white ring-amber-300"}`}
            >
              <div className="flex flex-wrap items-center gap-2">
                {n.readAt ? <Badge tone="slate">Read</Badge> : <Badge tone="amber">Unread</Badge>}
                <h2 className="font-medium text-slate-900">
                  <Link href={n.href} className="text-brand-700 hover:underline">
                    {n.title}
                  </Link>
                </h2>
              </div>
              <p className="text-sm break-words text-slate-700">{n.body}</p>
              <p className="flex flex-wrap items-center gap-3 text-xs text-slate-600">
                <time dateTime={isoOf(n.createdAt)} title={formatShortDateTime(n.createdAt)}>
                  {timeAgo(n.createdAt, now)}
                </time>
                {n.readAt ? null : (
                  <MarkRead notificationId={n.id} label={`Mark read: ${n.title}`} />
                )}
              </p>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
