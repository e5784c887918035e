"use client";

import { cn } from "@/components/ui/cn";
import type { ViewMode } from "@/lib/mode";
import { setViewMode } from "@/lib/mode-actions";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";

/** The shell's test-data switch: a native button with role="switch", so Space and Enter flip it. */
export function ViewModeSwitch({ mode }: { mode: ViewMode }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const on = mode === "test";
  return (
    <div className="flex items-center justify-between gap-2 px-2">
      <span id="view-mode-label" className="text-sm font-medium text-slate-700">
        Test data
      </span>
      <button
        type="button"
        role="switch"
        aria-checked={on}
        aria-labelledby="view-mode-label"
        aria-describedby={error ? "view-mode-error" : undefined}
        data-testid="view-mode-switch"
        disabled={pending}
        onClick={() => {
          setError(null);
          startTransition(async () => {
            const result = await setViewMode({ mode: on ? "live" : "test" });
            if (result.ok) router.refresh();
            else setError(result.error);
          });
        }}
        className={cn(
          "relative inline-flex h-6 w-11 shrink-0 items-center rounded-full transition-colors",
          "focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600",
          "disabled:opacity-60",
          on ? "bg-amber-500" : "bg-slate-300",
        )}
      >
        <span
          aria-hidden
          className={cn(
            "inline-block h-5 w-5 rounded-full bg-white shadow transition-transform",
            on ? "translate-x-5" : "translate-x-0.5",
          )}
        />
      </button>
      {error ? (
        <p id="view-mode-error" role="alert" className="text-xs text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** Shown above every page while test data is on, so no one mistakes it for real money. */
export function TestDataBanner() {
  return (
    <div
      role="status"
      data-testid="test-data-banner"
      className="mb-4 rounded-md border border-amber-300 bg-amber-50 px-4 py-2 text-sm font-medium text-amber-900"
    >
      Viewing test data — nothing here is real money.
    </div>
  );
}
