"use client";

import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";
import type { DisputeStage } from "@/db/schema/disputes";
import {
  escalateSandboxDisputeAction,
  sendSandboxDisputeOutcomeAction,
} from "@/lib/payments/actions";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";

const ESCALATE_LABELS: Record<DisputeStage, string> = {
  inquiry: "Escalate to inquiry",
  chargeback: "Escalate to chargeback",
  pre_arbitration: "Escalate to pre-arbitration",
};

/**
 * The Sandbox's simulated card network: decide an open case as a real bank would, or escalate it
 * to `escalateTo` (the cardholder's bank appealing), each by signed webhook.
 */
export function SandboxOutcome({
  disputeId,
  open,
  escalateTo,
}: {
  disputeId: string;
  /** The case awaits a decision: offer won / lost. */
  open: boolean;
  /** The next stage the bank may take it to, or null when there is none. */
  escalateTo: DisputeStage | null;
}) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  function run(send: () => Promise<{ ok: true } | { ok: false; error: string }>) {
    setError(null);
    startTransition(async () => {
      const result = await send();
      if (result.ok) router.refresh();
      else setError(result.error);
    });
  }
  return (
    <div className="space-y-2">
      <p className="text-sm text-slate-600">
        Sandbox only: act as the card network would, by signed webhook for this same case.
      </p>
      <div className="flex flex-wrap gap-2">
        {open ? (
          <>
            <Button
              type="button"
              variant="secondary"
              disabled={pending}
              onClick={() =>
                run(() => sendSandboxDisputeOutcomeAction({ disputeId, outcome: "won" }))
              }
            >
              Bank decides: won
            </Button>
            <Button
              type="button"
              variant="secondary"
              disabled={pending}
              onClick={() =>
                run(() => sendSandboxDisputeOutcomeAction({ disputeId, outcome: "lost" }))
              }
            >
              Bank decides: lost
            </Button>
          </>
        ) : null}
        {escalateTo ? (
          <Button
            type="button"
            variant="secondary"
            disabled={pending}
            onClick={() => run(() => escalateSandboxDisputeAction({ disputeId }))}
          >
            {ESCALATE_LABELS[escalateTo]}
          </Button>
        ) : null}
      </div>
      <FormError message={error} />
    </div>
  );
}
