"use client";

// The shell, live for alerts: when an alert fires, resolves or is acknowledged anywhere (another
// tab, another person, the evaluator job), the server-rendered shell — its Alerts badge — and the
// page under it re-render.
import { useAlertEvents } from "@/components/events/use-console-events";
import { useThrottledRefresh } from "@/components/events/use-throttled-refresh";

export function LiveAlerts({ mode }: { mode: "test" | "live" }) {
  const { schedule } = useThrottledRefresh();
  useAlertEvents(mode, schedule);
  return null;
}
