"use client";

// The shell, live for the member's own notifications: a reminder written by the background job
// (in any process) re-renders the shell — its Notifications badge — and the page under it.
import { useNotificationEvents } from "@/components/events/use-console-events";
import { useThrottledRefresh } from "@/components/events/use-throttled-refresh";

export function LiveNotifications({ mode }: { mode: "test" | "live" }) {
  const { schedule } = useThrottledRefresh();
  useNotificationEvents(mode, schedule);
  return null;
}
