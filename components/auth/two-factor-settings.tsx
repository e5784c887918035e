"use client";

import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/field";
import type { ActionResult } from "@/lib/action";
import { disableTwoFactorAction, replaceRecoveryCodesAction } from "@/lib/auth/two-factor/actions";
import { formText } from "@/lib/form-data";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { RecoveryCodes } from "./recovery-codes";
import { TwoFactorEnrolment } from "./two-factor-enrolment";

/** The Account page's controls for an enrolled person: new codes, a new app, turning it off. */
export function TwoFactorSettings({
  email,
  requiredBecause,
}: {
  email: string;
  /** Why it cannot be turned off (empty when it can). */
  requiredBecause: string[];
}) {
  const [codes, setCodes] = useState<string[] | null>(null);
  return (
    <div className="space-y-6">
      {codes ? (
        <div role="status" className="space-y-2">
          <p className="font-medium text-emerald-800">
            New recovery codes (the old ones no longer work):
          </p>
          <RecoveryCodes codes={codes} email={email} />
        </div>
      ) : (
        <CodeConfirmedForm
          title="New recovery codes"
          description="Makes ten new codes; the ones you have stop working."
          submitLabel="Make new codes"
          action={replaceRecoveryCodesAction}
          onDone={(result) => setCodes(result.recoveryCodes)}
        />
      )}
      <div className="space-y-2">
        <h3 className="text-sm font-semibold text-slate-900">Move to a new phone or app</h3>
        <p className="text-sm text-slate-600">
          Your current app keeps working until the new one is confirmed.
        </p>
        <TwoFactorEnrolment email={email} startLabel="Set up a new app" doneHref="/account" />
      </div>
      {requiredBecause.length ? (
        <div className="space-y-1 text-sm text-slate-600">
          <h3 className="font-semibold text-slate-900">Turning it off</h3>
          {requiredBecause.map((reason) => (
            <p key={reason}>{reason}</p>
          ))}
          <p>So it stays on for your account.</p>
        </div>
      ) : (
        <CodeConfirmedForm
          title="Turn off two-factor authentication"
          description="Your password alone will sign you in, and refunds and key changes will be refused until you turn it on again."
          submitLabel="Turn off"
          danger
          action={disableTwoFactorAction}
        />
      )}
    </div>
  );
}

function CodeConfirmedForm<T>({
  title,
  description,
  submitLabel,
  danger,
  action,
  onDone,
}: {
  title: string;
  description: string;
  submitLabel: string;
  danger?: boolean;
  action: (input: { code: string }) => Promise<ActionResult<T>>;
  onDone?: (data: T) => void;
}) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const name = `code-${submitLabel.toLowerCase().replace(/\W+/g, "-")}`;
  return (
    <form
      className="space-y-2"
      onSubmit={(event) => {
        event.preventDefault();
        const code = formText(new FormData(event.currentTarget), name);
        startTransition(async () => {
          setError(null);
          const result = await action({ code });
          if (!result.ok) return setError(result.fieldErrors?.code?.[0] ?? result.error);
          onDone?.(result.data);
          router.refresh();
        });
      }}
    >
      <h3 className="text-sm font-semibold text-slate-900">{title}</h3>
      <p className="text-sm text-slate-600">{description}</p>
      <div className="flex flex-wrap items-end gap-2">
        <Field label="Current code" name={name} error={error ?? undefined}>
          <Input
            name={name}
            inputMode="numeric"
            autoComplete="one-time-code"
            invalid={Boolean(error)}
            required
            className="max-w-48"
          />
        </Field>
        <Button type="submit" variant={danger ? "danger" : "secondary"} disabled={pending}>
          {pending ? "Checking…" : submitLabel}
        </Button>
      </div>
    </form>
  );
}
