"use client";

import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Field, FormError } from "@/components/ui/field";
import { useState } from "react";

/** Confirms a publish with an optional note; the parent does the saving and publishing. */
export function PublishDialog({
  open,
  nextVersion,
  warnings,
  onClose,
  onPublish,
}: {
  open: boolean;
  nextVersion: number;
  warnings: number;
  onClose(): void;
  /** Resolves to an error message, or null once published. */
  onPublish(note: string): Promise<string | null>;
}) {
  const [note, setNote] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <Dialog open={open} onClose={onClose} title={`Publish version ${nextVersion}`}>
      <p className="text-sm text-slate-600">
        New conversations will use this version on every channel of the flow. Conversations already
        under way keep the version they started on.
      </p>
      {warnings > 0 ? (
        <p className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
          {warnings} warning{warnings === 1 ? "" : "s"} remain; they do not block publishing.
        </p>
      ) : null}
      <form
        className="space-y-4"
        onSubmit={(event) => {
          event.preventDefault();
          // onPublish reports a failure as its result, shown below; nothing awaits a submit.
          void (async () => {
            setBusy(true);
            setError(null);
            const failure = await onPublish(note.trim());
            setBusy(false);
            if (failure) setError(failure);
            else setNote("");
          })();
        }}
      >
        <Field
          label="Note (optional)"
          name="publish-note"
          hint="What changed, for your teammates and the version history."
        >
          <textarea
            id="publish-note"
            name="publish-note"
            rows={3}
            maxLength={500}
            value={note}
            onChange={(e) => setNote(e.target.value)}
            className="block w-full rounded-md border-0 px-3 py-2 text-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-brand-500"
          />
        </Field>
        <FormError message={error} />
        <div className="flex justify-end gap-2">
          <Button type="button" variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" disabled={busy}>
            {busy ? "Publishing…" : `Publish version ${nextVersion}`}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
