"use client";

import { Button } from "@/components/ui/button";
import { Field, FormError, Input } from "@/components/ui/field";
import { signOutAction } from "@/lib/auth/sign-in-action";
import { acceptInviteAction, type AcceptInviteState } from "@/lib/team/accept-invite-action";
import Link from "next/link";
import { useActionState } from "react";

/** A new email: choose a name and a password, then join. */
export function AcceptInviteForm({ token, email }: { token: string; email: string }) {
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
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? "Joining…" : "Create account and join"}
      </Button>
    </form>
  );
}

/**
 * An existing account: no password on this page (the link's holder could use it to guess one).
 * Signed in as the invited email, one click joins; otherwise sign in first and come back.
 */
export function ExistingAccountJoin({
  token,
  email,
  signedInAs,
}: {
  token: string;
  email: string;
  signedInAs: string | null;
}) {
  const [state, action, pending] = useActionState<AcceptInviteState, FormData>(
    acceptInviteAction,
    {},
  );
  const box = "space-y-4 rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200";
  const signInHref = `/sign-in?next=${encodeURIComponent(`/invite/${token}`)}`;
  if (!signedInAs) {
    return (
      <div className={box}>
        <p className="text-sm text-slate-700">
          <strong>{email}</strong> already has a Parley account. Sign in to it, then accept the
          invitation.
        </p>
        <Link
          href={signInHref}
          className="block w-full rounded-md bg-brand-600 px-4 py-2 text-center text-sm font-medium text-white hover:bg-brand-700"
        >
          Sign in to accept
        </Link>
      </div>
    );
  }
  if (signedInAs.toLowerCase() !== email.toLowerCase()) {
    return (
      <div className={box}>
        <p role="status" className="text-sm text-slate-700">
          This invitation is for <strong>{email}</strong>, but you are signed in as{" "}
          <strong>{signedInAs}</strong>. Sign out, then sign in as {email} to accept it.
        </p>
        <form action={signOutAction}>
          <Button type="submit" variant="secondary" className="w-full">
            Sign out
          </Button>
        </form>
      </div>
    );
  }
  return (
    <form action={action} className={box}>
      <FormError message={state.error ?? null} />
      <input type="hidden" name="token" value={token} />
      <p className="text-sm text-slate-700">
        You are signed in as <strong>{email}</strong>. Join to add this team to your account.
      </p>
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? "Joining…" : "Join the team"}
      </Button>
    </form>
  );
}
