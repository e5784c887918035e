"use client";

import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";
import { setConnectionStatusAction } from "@/lib/connections/actions";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";

/** Disabled connections refuse new checkouts; webhooks for existing payments still apply. */
export function StatusToggle({ connectionId, status }: { connectionId: string; status: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const next = status === "disabled" ? "active" : "disabled";
  return (
    <div className="space-y-2">
      <FormError message={error} />
      <Button
        type="button"
        variant={next === "disabled" ? "danger" : "primary"}
        disabled={pending}
        onClick={() =>
          startTransition(async () => {
            if (
              next === "disabled" &&
              !window.confirm(
                "Disable this connection? Flows stop offering it until you enable it again.",
              )
            )
              return;
            const result = await setConnectionStatusAction({ connectionId, status: next });
            if (result.ok) {
              setError(null);
              router.refresh();
            } else setError(result.error);
          })
        }
      >
        {next === "disabled" ? "Disable" : "Enable"}
      </Button>
    </div>
  );
}
