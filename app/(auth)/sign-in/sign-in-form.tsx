"use client";

import { Button } from "@/components/ui/button";
import { Field, FormError, Input } from "@/components/ui/field";
import { signInAction, type SignInState } from "@/lib/auth/sign-in-action";
import { useActionState } from "react";

export function SignInForm({ next }: { next: string }) {
  const [state, action, pending] = useActionState<SignInState, FormData>(signInAction, {});
  return (
    <form
      action={action}
      className="space-y-4 rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200"
      noValidate
    >
      <FormError message={state.error} />
      <input type="hidden" name="next" value={next} />
      <Field label="Email" name="email" error={state.fieldErrors?.email}>
        <Input
          name="email"
          type="email"
          autoComplete="email"
          defaultValue={state.email}
          required
          autoFocus
          invalid={Boolean(state.fieldErrors?.email)}
        />
      </Field>
      <Field label="Password" name="password" error={state.fieldErrors?.password}>
        <Input
          name="password"
          type="password"
          autoComplete="current-password"
          required
          invalid={Boolean(state.fieldErrors?.password)}
        />
      </Field>
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? "Signing in…" : "Sign in"}
      </Button>
    </form>
  );
}
