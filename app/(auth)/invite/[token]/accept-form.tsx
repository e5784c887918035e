"use client";

import { Button } from "@/components/ui/button";
import { Field, FormError, Input } from "@/components/ui/field";
import { acceptInviteAction, type AcceptInviteState } from "@/lib/team/accept-invite-action";
import { useActionState } from "react";

export function AcceptInviteForm({
  token,
  email,
  accountExists,
}: {
  token: string;
  email: string;
  accountExists: boolean;
}) {
  const [state, action, pending] = useActionState<AcceptInviteState, FormData>(
    acceptInviteAction,
    {},
  );
  const showSummary = state.error && !state.fieldErrors;
  return (
    <form
      action={action}
      noValidate
      className="space-y-4 rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200"
    >
      <FormError message={showSummary ? state.error : null} />
      <input type="hidden" name="token" value={token} />
      <Field label="Email" name="email">
        <Input
          name="email"
          type="email"
          value={email}
          readOnly
          autoComplete="username"
          className="bg-slate-50"
        />
      </Field>
      {accountExists ? (
        <>
          <p className="text-sm text-slate-600">
            You already have a Parley account. Enter its password to add this team to it.
          </p>
          <Field label="Password" name="password" error={state.fieldErrors?.password}>
            <Input
              name="password"
              type="password"
              autoComplete="current-password"
              required
              autoFocus
              invalid={Boolean(state.fieldErrors?.password)}
            />
          </Field>
        </>
      ) : (
        <>
          <Field label="Your name" name="name" error={state.fieldErrors?.name}>
            <Input
              name="name"
              autoComplete="name"
              defaultValue={state.name}
              required
              autoFocus
              invalid={Boolean(state.fieldErrors?.name)}
            />
          </Field>
          <Field
            label="Choose a password"
            name="password"
            error={state.fieldErrors?.password}
            hint="At least 10 characters."
          >
            <Input
              name="password"
              type="password"
              autoComplete="new-password"
              minLength={10}
              required
              invalid={Boolean(state.fieldErrors?.password)}
            />
          </Field>
        </>
      )}
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? "Joining…" : accountExists ? "Join the team" : "Create account and join"}
      </Button>
    </form>
  );
}
