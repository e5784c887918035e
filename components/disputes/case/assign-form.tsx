"use client";

import { Button } from "@/components/ui/button";
import { FormError, Select } from "@/components/ui/field";
import type { CaseMember } from "@/lib/disputes/case";
import { assignDisputeAction } from "@/lib/disputes/case-actions";
import { useState, useTransition } from "react";

/** Who works the case: pick a teammate (or yourself), then save. */
export function DisputeAssignForm({
  disputeId,
  assigneeUserId,
  members,
  viewerUserId,
}: {
  disputeId: string;
  assigneeUserId: string | null;
  members: CaseMember[];
  viewerUserId: string;
}) {
  const [selected, setSelected] = useState(assigneeUserId ?? "");
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  function save(userId: string) {
    setError(null);
    startTransition(async () => {
      const result = await assignDisputeAction({ disputeId, assigneeUserId: userId || null });
      if (!result.ok) setError(result.error);
    });
  }
  return (
    <form
      aria-label="Assign the case"
      className="space-y-2"
      onSubmit={(event) => {
        event.preventDefault();
        save(selected);
      }}
    >
      <label htmlFor="assignee" className="block text-sm font-medium text-slate-700">
        Assignee
      </label>
      <div className="flex flex-wrap gap-2">
        <Select
          id="assignee"
          name="assignee"
          className="max-w-64"
          value={selected}
          onChange={(event) => setSelected(event.target.value)}
        >
          <option value="">Unassigned</option>
          {members.map((m) => (
            <option key={m.userId} value={m.userId}>
              {m.name} ({m.email})
            </option>
          ))}
        </Select>
        <Button
          type="submit"
          variant="secondary"
          disabled={pending || selected === (assigneeUserId ?? "")}
        >
          {pending ? "Saving…" : "Save"}
        </Button>
        {assigneeUserId !== viewerUserId && members.some((m) => m.userId === viewerUserId) ? (
          <Button
            type="button"
            variant="ghost"
            disabled={pending}
            onClick={() => {
              setSelected(viewerUserId);
              save(viewerUserId);
            }}
          >
            Assign to me
          </Button>
        ) : null}
      </div>
      <FormError message={error} />
    </form>
  );
}
