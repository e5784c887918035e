"use client";

import { Button } from "@/components/ui/button";
import { reapplyDeliveryAction } from "@/lib/connections/actions";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";

/** Runs a stored (failed) delivery through the pipeline again; provider event ids keep it idempotent. */
export function ReapplyButton({
  connectionId,
  deliveryId,
}: {
  connectionId: string;
  deliveryId: string;
}) {
  const router = useRouter();
  const [message, setMessage] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <span className="inline-flex items-center gap-2">
      <Button
        type="button"
        variant="secondary"
        className="px-2 py-1 text-xs"
        disabled={pending}
        aria-label={`Re-apply delivery ${deliveryId}`}
        onClick={() =>
          startTransition(async () => {
            const result = await reapplyDeliveryAction({ connectionId, deliveryId });
            setMessage(result.ok ? null : result.error);
            if (result.ok) router.refresh();
          })
        }
      >
        {pending ? "Re-applying…" : "Re-apply"}
      </Button>
      {message ? (
        <span role="alert" className="text-xs text-red-700">
          {message}
        </span>
      ) : null}
    </span>
  );
}
