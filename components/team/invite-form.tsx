"use client";

import { Button } from "@/components/ui/button";
import { Field, FormError, Input, Select } from "@/components/ui/field";
import { ROLE_DESCRIPTIONS, ROLE_LABELS, type Role } from "@/lib/auth/permissions";
import { createInvite } from "@/lib/team/actions";
import { useState, useTransition } from "react";
import { InviteLink } from "./invite-link";

interface CreatedLink {
  email: string;
  role: Role;
  expiresAt: string;
  link: string;
}

export function InviteForm({ assignableRoles }: { assignableRoles: Role[] }) {
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>(
    assignableRoles.includes("support") ? "support" : assignableRoles[0],
  );
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});
  const [created, setCreated] = useState<CreatedLink | null>(null);
  const [pending, startTransition] = useTransition();

  return (
    <div className="space-y-4">
      <form
        noValidate
        className="grid gap-4 sm:grid-cols-[minmax(0,2fr)_minmax(0,1fr)_auto] sm:items-start"
        onSubmit={(event) => {
          event.preventDefault();
          startTransition(async () => {
            const result = await createInvite({ email, role });
            if (result.ok) {
              setCreated(result.data);
              setEmail("");
              setError(null);
              setFieldErrors({});
            } else {
              setError(result.fieldErrors ? null : result.error);
              setFieldErrors(result.fieldErrors ?? {});
            }
          });
        }}
      >
        <Field label="Email address" name="invite-email" error={fieldErrors.email}>
          <Input
            name="invite-email"
            type="email"
            autoComplete="off"
            placeholder="teammate@company.com"
            value={email}
            onChange={(event) => setEmail(event.target.value)}
            invalid={Boolean(fieldErrors.email)}
            required
          />
        </Field>
        <Field label="Invite as" name="invite-role" error={fieldErrors.role}>
          <Select
            name="invite-role"
            value={role}
            onChange={(event) => setRole(event.target.value as Role)}
            aria-describedby="invite-role-description"
            invalid={Boolean(fieldErrors.role)}
          >
            {assignableRoles.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABELS[r]}
              </option>
            ))}
          </Select>
        </Field>
        <Button type="submit" disabled={pending} className="sm:mt-6">
          {pending ? "Creating…" : "Create invite"}
        </Button>
        <p id="invite-role-description" className="text-xs text-slate-600 sm:col-span-3">
          <span className="font-medium text-slate-700">{ROLE_LABELS[role]}</span> —{" "}
          {ROLE_DESCRIPTIONS[role]}
        </p>
      </form>
      <FormError message={error} />
      {created ? <InviteLink {...created} onDismiss={() => setCreated(null)} /> : null}
    </div>
  );
}
