"use client";

import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";
import { sendSandboxDisputeOutcomeAction } from "@/lib/payments/actions";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";

/** The Sandbox's simulated card network: decide the case as a real bank would, by webhook. */
export function SandboxOutcome({ disputeId }: { disputeId: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  function send(outcome: "won" | "lost") {
    setError(null);
    startTransition(async () => {
      const result = await sendSandboxDisputeOutcomeAction({ disputeId, outcome });
      if (result.ok) router.refresh();
      else setError(result.error);
    });
  }
  return (
    <div className="space-y-2">
      <p className="text-sm text-slate-600">
        Sandbox only: send the bank&apos;s decision as the provider would, by signed webhook.
      </p>
      <div className="flex flex-wrap gap-2">
        <Button type="button" variant="secondary" disabled={pending} onClick={() => send("won")}>
          Bank decides: won
        </Button>
        <Button type="button" variant="secondary" disabled={pending} onClick={() => send("lost")}>
          Bank decides: lost
        </Button>
      </div>
      <FormError message={error} />
    </div>
  );
}
