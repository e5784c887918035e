"use client";

// How long someone has waited, counting up while the page is open.
import { useEffect, useState } from "react";

export function formatWait(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

export function WaitedFor({ since, now }: { since: string; now: string }) {
  // Starts from the server's clock so the first render matches; then the browser's ticks.
  const [elapsed, setElapsed] = useState(() => Date.parse(now) - Date.parse(since));
  useEffect(() => {
    const offset = Date.parse(now) - Date.now();
    const tick = () => setElapsed(Date.now() + offset - Date.parse(since));
    const timer = window.setInterval(tick, 1000);
    return () => window.clearInterval(timer);
  }, [since, now]);
  return (
    <time dateTime={since} className="tabular-nums" data-testid="waited-for">
      {formatWait(elapsed)}
    </time>
  );
}
