"use client";

import { Button } from "@/components/ui/button";
import { markNotificationsReadAction } from "@/lib/notifications/actions";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";

/** "Mark read" for one notification (named by `label`), or "Mark all read" without an id. */
export function MarkRead({ notificationId, label }: { notificationId?: string; label?: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <span className="inline-flex flex-wrap items-center gap-2">
      <Button
        type="button"
        variant="secondary"
        className="py-1.5"
        disabled={pending}
        aria-label={label}
        onClick={() =>
          startTransition(async () => {
            setError(null);
            const result = await markNotificationsReadAction({ notificationId });
            if (!result.ok) setError(result.error);
            else router.refresh();
          })
        }
      >
        {notificationId ? "Mark read" : "Mark all read"}
      </Button>
      {error ? (
        <span role="alert" className="text-sm text-red-700">
          {error}
        </span>
      ) : null}
    </span>
  );
}
