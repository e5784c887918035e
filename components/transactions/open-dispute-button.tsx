"use client";

import { Button } from "@/components/ui/button";
import { Field, FormError, Select } from "@/components/ui/field";
import {
  DISPUTE_REASON_LABELS,
  SANDBOX_DISPUTE_REASONS,
  type SandboxDisputeReason,
} from "@/lib/disputes/reasons";
import {
  SANDBOX_DEADLINES,
  SANDBOX_OPENING_STAGES,
  type SandboxDeadline,
  type SandboxOpeningStage,
} from "@/lib/disputes/sandbox-stages";
import { openSandboxDisputeAction } from "@/lib/payments/actions";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";

const STAGE_CHOICES: Record<SandboxOpeningStage, { label: string; hint: string }> = {
  inquiry: {
    label: "Inquiry",
    hint: "A retrieval request: the bank asks before taking the money (10 days to answer).",
  },
  chargeback: {
    label: "Chargeback",
    hint: "The bank takes the money back now (7 days to answer).",
  },
};

const DEADLINE_LABELS: Record<SandboxDeadline, string> = {
  standard: "The stage's usual window",
  "2d": "In 2 days (rehearse the reminders)",
  "20h": "In 20 hours (the last day)",
};

/** Sandbox only: simulates the customer's bank opening a dispute, delivered as a signed webhook. */
export function OpenDisputeButton({ paymentId }: { paymentId: string }) {
  const router = useRouter();
  const [reason, setReason] = useState<SandboxDisputeReason>("fraudulent");
  const [stage, setStage] = useState<SandboxOpeningStage>("chargeback");
  const [deadline, setDeadline] = useState<SandboxDeadline>("standard");
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [pending, startTransition] = useTransition();
  return (
    <div className="space-y-3">
      <FormError message={error} />
      <fieldset className="space-y-1">
        <legend className="text-sm font-medium text-slate-700">Dispute stage</legend>
        {SANDBOX_OPENING_STAGES.map((s) => (
          <label key={s} className="flex items-start gap-2 text-sm">
            <input
              type="radio"
              name="dispute-stage"
              value={s}
              checked={stage === s}
              onChange={() => setStage(s)}
              className="mt-1"
            />
            <span>
              <span className="font-medium text-slate-800">{STAGE_CHOICES[s].label}</span>
              <span className="block text-xs text-slate-600">{STAGE_CHOICES[s].hint}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <div className="flex flex-wrap items-end gap-3">
        <div className="w-full max-w-72">
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
        <div className="w-full max-w-72">
          <Field label="Answer by" name="dispute-deadline">
            <Select
              name="dispute-deadline"
              value={deadline}
              onChange={(e) => setDeadline(e.target.value as SandboxDeadline)}
            >
              {SANDBOX_DEADLINES.map((d) => (
                <option key={d} value={d}>
                  {DEADLINE_LABELS[d]}
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
              const result = await openSandboxDisputeAction({
                paymentId,
                reason,
                stage,
                deadline,
              });
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
          {stage === "inquiry" ? "Inquiry" : "Dispute"} opened; the Sandbox webhook will show it on
          the timeline in a moment.
        </p>
      ) : null}
    </div>
  );
}
