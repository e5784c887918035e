"use client";

import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { addDisputeNoteAction } from "@/lib/disputes/case-actions";
import { formText } from "@/lib/form-data";
import { useRef, useState, useTransition } from "react";

/** An internal note on the case: never sent to the provider or the customer. */
export function DisputeNoteForm({ disputeId }: { disputeId: string }) {
  const form = useRef<HTMLFormElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <form
      ref={form}
      aria-label="Add a note"
      className="space-y-2"
      onSubmit={(event) => {
        event.preventDefault();
        const body = formText(new FormData(event.currentTarget), "note");
        setError(null);
        startTransition(async () => {
          const result = await addDisputeNoteAction({ disputeId, body });
          if (result.ok) form.current?.reset();
          else setError(result.fieldErrors?.body?.[0] ?? result.error);
        });
      }}
    >
      <Field
        label="Internal note"
        name="note"
        error={error ?? undefined}
        hint="Only your team sees notes: what the customer said on the phone, what you are waiting for…"
      >
        <textarea
          id="note"
          name="note"
          rows={3}
          maxLength={4000}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? "note-error" : undefined}
          className="block w-full rounded-md border-0 px-3 py-2 text-sm text-slate-900 ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-brand-500"
        />
      </Field>
      <Button type="submit" variant="secondary" disabled={pending}>
        {pending ? "Saving…" : "Add note"}
      </Button>
    </form>
  );
}
