"use client";

// Re-rendering the server page when the live stream says something changed: at most one
// refresh per MIN_REFRESH_GAP_MS however many events arrive, so a burst of webhooks costs a few
// renders, not one each.
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useRef, useTransition } from "react";

export const MIN_REFRESH_GAP_MS = 350;

export function useThrottledRefresh(beforeRefresh?: () => void): {
  /** Refresh soon (now, or when the gap since the last one has passed). */
  schedule(): void;
  /** Refresh at once. */
  refreshNow(): void;
  pending: boolean;
} {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const lastRefresh = useRef(0);
  const timer = useRef<number | undefined>(undefined);
  const before = useRef(beforeRefresh);
  useEffect(() => {
    before.current = beforeRefresh;
  }, [beforeRefresh]);
  useEffect(() => () => window.clearTimeout(timer.current), []);

  const refreshNow = useCallback(() => {
    window.clearTimeout(timer.current);
    timer.current = undefined;
    lastRefresh.current = Date.now();
    before.current?.();
    startTransition(() => router.refresh());
  }, [router]);

  const schedule = useCallback(() => {
    if (timer.current !== undefined) return;
    const wait = Math.max(0, lastRefresh.current + MIN_REFRESH_GAP_MS - Date.now());
    timer.current = window.setTimeout(refreshNow, wait);
  }, [refreshNow]);

  return { schedule, refreshNow, pending };
}
