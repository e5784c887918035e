"use client";

import { Button } from "@/components/ui/button";
import { useRouter } from "next/navigation";
import { useEffect, useState, useTransition } from "react";

const INTERVAL_MS = 3_000;
// Someone who leaves the tab open should not poll forever.
const GIVE_UP_AFTER_MS = 15 * 60_000;

/** Re-renders the server page every 3 s while `active`, plus a manual Refresh button. */
export function AutoRefresh({ active }: { active: boolean }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [startedAt] = useState(() => Date.now());

  useEffect(() => {
    if (!active) return;
    const timer = window.setInterval(() => {
      if (Date.now() - startedAt > GIVE_UP_AFTER_MS) {
        window.clearInterval(timer);
        return;
      }
      if (document.visibilityState === "visible") router.refresh();
    }, INTERVAL_MS);
    return () => window.clearInterval(timer);
  }, [active, router, startedAt]);

  return (
    <div className="flex items-center gap-2 text-xs text-slate-500">
      {active ? <span aria-live="polite">Watching for provider events…</span> : null}
      <Button
        type="button"
        variant="secondary"
        disabled={pending}
        onClick={() => startTransition(() => router.refresh())}
      >
        {pending ? "Refreshing…" : "Refresh"}
      </Button>
    </div>
  );
}
