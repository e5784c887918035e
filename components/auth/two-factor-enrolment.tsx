"use client";

import { Button } from "@/components/ui/button";
import { Field, FormError, Input } from "@/components/ui/field";
import {
  beginEnrolmentAction,
  confirmEnrolmentAction,
  type EnrolmentStart,
} from "@/lib/auth/two-factor/actions";
import { formText } from "@/lib/form-data";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { RecoveryCodes } from "./recovery-codes";
import { useStepUp } from "./step-up";

/**
 * Enrolment in three steps: start (a new secret), scan the QR code or type the secret, confirm
 * with a first code — then the recovery codes, once. Used by the Account page and by the
 * enrolment a policy requires after sign-in.
 */
export function TwoFactorEnrolment({
  email,
  startLabel = "Set up an authenticator app",
  doneHref,
}: {
  email: string;
  startLabel?: string;
  /** Where "Continue" goes once the codes are saved. */
  doneHref: string;
}) {
  const router = useRouter();
  const withStepUp = useStepUp();
  const [start, setStart] = useState<EnrolmentStart | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [codeError, setCodeError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  if (codes) {
    return (
      <div className="space-y-4" role="status">
        <p className="font-medium text-emerald-800">Two-factor authentication is on.</p>
        <RecoveryCodes codes={codes} email={email} />
        <Button
          type="button"
          onClick={() => {
            router.push(doneHref);
            router.refresh();
          }}
        >
          I have saved my codes — continue
        </Button>
      </div>
    );
  }

  if (!start) {
    return (
      <div className="space-y-3">
        <FormError message={error} />
        <Button
          type="button"
          disabled={pending}
          onClick={() =>
            startTransition(async () => {
              setError(null);
              const result = await withStepUp(() => beginEnrolmentAction());
              if (result.ok) setStart(result.data);
              else setError(result.error);
            })
          }
        >
          {pending ? "Preparing…" : startLabel}
        </Button>
      </div>
    );
  }

  return (
    <form
      className="space-y-4"
      onSubmit={(event) => {
        event.preventDefault();
        const code = formText(new FormData(event.currentTarget), "code");
        startTransition(async () => {
          setCodeError(null);
          const result = await confirmEnrolmentAction({ code });
          if (result.ok) setCodes(result.data.recoveryCodes);
          else setCodeError(result.fieldErrors?.code?.[0] ?? result.error);
        });
      }}
    >
      <ol className="list-decimal space-y-2 pl-5 text-sm text-slate-700">
        <li>
          Open an authenticator app (Google Authenticator, 1Password, Authy, Microsoft
          Authenticator…) and scan this code.
        </li>
        <li>
          Or type this key into it:{" "}
          <code
            data-testid="totp-secret"
            className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-sm break-all text-slate-900"
          >
            {start.secret.replace(/(.{4})/g, "$1 ").trim()}
          </code>
        </li>
        <li>Enter the 6-digit code the app shows.</li>
      </ol>
      {/* eslint-disable-next-line @next/next/no-img-element -- a data: URL, nothing to optimize */}
      <img
        src={start.qrDataUrl}
        width={220}
        height={220}
        alt={`QR code to add Parley (${email}) to an authenticator app`}
        className="rounded-md ring-1 ring-slate-200"
      />
      <Field label="6-digit code" name="code" error={codeError ?? undefined}>
        <Input
          name="code"
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={9}
          invalid={Boolean(codeError)}
          required
          className="max-w-40 tracking-widest"
        />
      </Field>
      <Button type="submit" disabled={pending}>
        {pending ? "Checking…" : "Turn on two-factor"}
      </Button>
    </form>
  );
}
