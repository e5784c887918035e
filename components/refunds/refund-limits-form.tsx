"use client";

import { useStepUp } from "@/components/auth/step-up";
import { SubmitRow } from "@/components/ui/button";
import { Field, FormError, Input, Select } from "@/components/ui/field";
import { formText } from "@/lib/form-data";
import { setRefundLimitAction } from "@/lib/refunds/actions";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";

/** Sets one role's refund limit in one currency (empty: no limit). Owner only. */
export function RefundLimitsForm({ currencies }: { currencies: readonly string[] }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});
  const [done, setDone] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const withStepUp = useStepUp();

  function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const input = {
      role: formText(form, "role"),
      currency: formText(form, "currency"),
      limit: formText(form, "limit"),
    };
    startTransition(async () => {
      const result = await withStepUp(() => setRefundLimitAction(input));
      if (result.ok) {
        setError(null);
        setFieldErrors({});
        setDone(result.data.limitMinor === null ? "Limit removed." : "Limit saved.");
        router.refresh();
      } else {
        setDone(null);
        setError(result.error);
        setFieldErrors(result.fieldErrors ?? {});
      }
    });
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-3" aria-label="Set a refund limit">
      <FormError message={error} />
      <div className="grid gap-3 sm:grid-cols-3">
        <Field label="Role" name="role" error={fieldErrors.role}>
          <Select name="role" defaultValue="support">
            <option value="support">Support</option>
            <option value="admin">Admin</option>
          </Select>
        </Field>
        <Field label="Currency" name="currency" error={fieldErrors.currency}>
          <Select name="currency" defaultValue={currencies[0]}>
            {currencies.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </Select>
        </Field>
        <Field
          label="Limit"
          name="limit"
          error={fieldErrors.limit}
          hint="In the currency's units; empty = no limit"
        >
          <Input
            name="limit"
            inputMode="decimal"
            placeholder="e.g. 50.00"
            invalid={Boolean(fieldErrors.limit)}
          />
        </Field>
      </div>
      <SubmitRow label="Save limit" pendingLabel="Saving…" pending={pending} done={done} />
    </form>
  );
}
