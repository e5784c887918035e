"use client";

import { Button } from "@/components/ui/button";
import { Select } from "@/components/ui/field";
import { acknowledgeAlertAction, snoozeAlertAction } from "@/lib/alerts/actions";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";

const SNOOZES = [
  { minutes: 15, label: "15 minutes" },
  { minutes: 60, label: "1 hour" },
  { minutes: 240, label: "4 hours" },
  { minutes: 1440, label: "1 day" },
];

/** Acknowledge (someone is on it) and snooze (quiet until a time) for one alert. */
export function AlertActions({
  alertId,
  title,
  showAcknowledge,
}: {
  alertId: string;
  title: string;
  showAcknowledge: boolean;
}) {
  const router = useRouter();
  const [minutes, setMinutes] = useState("60");
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const run = (action: () => Promise<{ ok: boolean; error?: string }>) =>
    startTransition(async () => {
      setError(null);
      const result = await action();
      if (!result.ok) setError(result.error ?? "That did not work.");
      else router.refresh();
    });

  return (
    <div className="flex flex-wrap items-center gap-2">
      {showAcknowledge ? (
        <Button
          type="button"
          variant="secondary"
          className="py-1.5"
          disabled={pending}
          aria-label={`Acknowledge: ${title}`}
          onClick={() => run(() => acknowledgeAlertAction({ alertId }))}
        >
          Acknowledge
        </Button>
      ) : null}
      <label className="sr-only" htmlFor={`snooze-${alertId}`}>
        Snooze for
      </label>
      <Select
        id={`snooze-${alertId}`}
        name={`snooze-${alertId}`}
        className="w-auto py-1.5"
        value={minutes}
        onChange={(e) => setMinutes(e.target.value)}
      >
        {SNOOZES.map((s) => (
          <option key={s.minutes} value={s.minutes}>
            {s.label}
          </option>
        ))}
      </Select>
      <Button
        type="button"
        variant="ghost"
        className="py-1.5"
        disabled={pending}
        aria-label={`Snooze: ${title}`}
        onClick={() => run(() => snoozeAlertAction({ alertId, minutes }))}
      >
        Snooze
      </Button>
      {error ? (
        <span role="alert" className="text-xs font-medium text-red-700">
          {error}
        </span>
      ) : null}
    </div>
  );
}
