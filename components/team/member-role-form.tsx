"use client";

import { useStepUp } from "@/components/auth/step-up";
import { Button } from "@/components/ui/button";
import { Select } from "@/components/ui/field";
import { ROLE_LABELS, type Role } from "@/lib/auth/permissions";
import { changeMemberRole } from "@/lib/team/actions";
import { useState, useTransition } from "react";

/** Pick a role, then save: arrow keys on a select must not change someone's access by accident. */
export function MemberRoleForm({
  userId,
  email,
  role,
  assignableRoles,
}: {
  userId: string;
  email: string;
  role: Role;
  assignableRoles: Role[];
}) {
  const [selected, setSelected] = useState<Role>(role);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const withStepUp = useStepUp();
  const selectId = `member-role-${userId}`;
  const errorId = `${selectId}-error`;

  return (
    <form
      className="flex items-start gap-2"
      onSubmit={(event) => {
        event.preventDefault();
        setError(null);
        startTransition(async () => {
          const result = await withStepUp(() => changeMemberRole({ userId, role: selected }));
          if (!result.ok) {
            setError(result.fieldErrors?.role?.[0] ?? result.error);
            setSelected(role);
          }
        });
      }}
    >
      <div className="w-32">
        <Select
          id={selectId}
          name="role"
          aria-label={`Role for ${email}`}
          aria-describedby={error ? errorId : undefined}
          invalid={Boolean(error)}
          className="py-1.5"
          value={selected}
          disabled={pending}
          onChange={(event) => setSelected(event.target.value as Role)}
        >
          {assignableRoles.map((r) => (
            <option key={r} value={r}>
              {ROLE_LABELS[r]}
            </option>
          ))}
        </Select>
        {error ? (
          <p
            id={errorId}
            role="alert"
            className="mt-1 max-w-56 whitespace-normal text-xs font-medium text-red-700"
          >
            {error}
          </p>
        ) : null}
      </div>
      <Button
        type="submit"
        variant="secondary"
        className="py-1.5"
        disabled={pending || selected === role}
      >
        {pending ? "Saving…" : "Save"}
        <span className="sr-only"> role for {email}</span>
      </Button>
    </form>
  );
}
