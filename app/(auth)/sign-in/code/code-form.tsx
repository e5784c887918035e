"use client";

import { Button } from "@/components/ui/button";
import { Field, FormError, Input } from "@/components/ui/field";
import { verifySignInCodeAction, type SignInCodeState } from "@/lib/auth/two-factor/actions";
import { useActionState, useState } from "react";

export function SignInCodeForm({ next }: { next: string }) {
  const [state, action, pending] = useActionState<SignInCodeState, FormData>(
    verifySignInCodeAction,
    {},
  );
  const [recovery, setRecovery] = useState(false);
  return (
    <form
      action={action}
      className="space-y-4 rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200"
      noValidate
    >
      <FormError message={state.error} />
      <input type="hidden" name="next" value={next} />
      {recovery ? (
        <Field
          label="Recovery code"
          name="code"
          hint="One of the ten codes you saved when you set up the app, like abcde-23456."
        >
          <Input name="code" autoComplete="off" required autoFocus key="recovery" />
        </Field>
      ) : (
        <Field
          label="6-digit code from your authenticator app"
          name="code"
          hint="The app shows a new code every 30 seconds."
        >
          <Input
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={9}
            required
            autoFocus
            key="totp"
            className="tracking-widest"
          />
        </Field>
      )}
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? "Checking…" : "Verify and sign in"}
      </Button>
      <button
        type="button"
        className="w-full text-center text-sm text-brand-700 hover:underline"
        onClick={() => setRecovery((r) => !r)}
      >
        {recovery ? "Use the authenticator app instead" : "Lost your phone? Use a recovery code"}
      </button>
    </form>
  );
}
