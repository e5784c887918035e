"use client";

import { useStepUp } from "@/components/auth/step-up";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";
import { setRequireTwoFactorAction } from "@/lib/team/actions";
import { useState, useTransition } from "react";

/** The owner's switch: two-factor for every member, not only owners and admins. */
export function TwoFactorPolicyForm({
  required,
  hasLiveConnection,
}: {
  required: boolean;
  hasLiveConnection: boolean;
}) {
  const [checked, setChecked] = useState(required);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const withStepUp = useStepUp();
  return (
    <form
      className="space-y-3"
      onSubmit={(event) => {
        event.preventDefault();
        setError(null);
        setDone(null);
        startTransition(async () => {
          const result = await withStepUp(() => setRequireTwoFactorAction({ required: checked }));
          if (result.ok) setDone(result.data.required ? "Required for everyone." : "Saved.");
          else setError(result.error);
        });
      }}
    >
      <p className="text-sm text-slate-600">
        {hasLiveConnection
          ? "Owners and admins always need it: this merchant takes live payments."
          : "Owners and admins will need it as soon as a live connection is added."}
      </p>
      <label className="flex items-center gap-2 text-sm text-slate-800">
        <input
          type="checkbox"
          name="required"
          checked={checked}
          onChange={(event) => setChecked(event.target.checked)}
          className="h-4 w-4 rounded border-slate-300"
        />
        Require two-factor authentication for every member (support and analysts too)
      </label>
      <FormError message={error} />
      <div className="flex items-center gap-3">
        <Button type="submit" variant="secondary" disabled={pending || checked === required}>
          {pending ? "Saving…" : "Save policy"}
        </Button>
        {done ? (
          <span role="status" className="text-sm text-emerald-700">
            {done}
          </span>
        ) : null}
      </div>
    </form>
  );
}
