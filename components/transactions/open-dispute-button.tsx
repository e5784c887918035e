"use client";

import { Button } from "@/components/ui/button";
import { Field, FormError, Select } from "@/components/ui/field";
import {
  DISPUTE_REASON_LABELS,
  SANDBOX_DISPUTE_REASONS,
  type SandboxDisputeReason,
} from "@/lib/disputes/reasons";
import { openSandboxDisputeAction } from "@/lib/payments/actions";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";

/** Sandbox only: simulates the customer's bank opening a dispute, delivered as a signed webhook. */
export function OpenDisputeButton({ paymentId }: { paymentId: string }) {
  const router = useRouter();
  const [reason, setReason] = useState<SandboxDisputeReason>("fraudulent");
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [pending, startTransition] = useTransition();
  return (
    <div className="space-y-3">
      <FormError message={error} />
      <div className="flex flex-wrap items-end gap-3">
        <div className="w-72">
          <Field label="Dispute reason" name="dispute-reason">
            <Select
              name="dispute-reason"
              value={reason}
              onChange={(e) => setReason(e.target.value as SandboxDisputeReason)}
            >
              {SANDBOX_DISPUTE_REASONS.map((r) => (
                <option key={r} value={r}>
                  {DISPUTE_REASON_LABELS[r]}
                </option>
              ))}
            </Select>
          </Field>
        </div>
        <Button
          type="button"
          variant="secondary"
          disabled={pending}
          onClick={() =>
            startTransition(async () => {
              const result = await openSandboxDisputeAction({ paymentId, reason });
              if (result.ok) {
                setError(null);
                setDone(true);
                router.refresh();
              } else setError(result.error);
            })
          }
        >
          {pending ? "Opening…" : "Open a dispute"}
        </Button>
      </div>
      {done ? (
        <p role="status" className="text-sm text-slate-700">
          Dispute opened; the Sandbox webhook will show it on the timeline in a moment.
        </p>
      ) : null}
    </div>
  );
}
