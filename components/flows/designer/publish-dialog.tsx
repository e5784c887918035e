"use client";

import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Field, FormError } from "@/components/ui/field";
import type { Mode } from "@/db/schema";
import { useState } from "react";

/**
 * Confirms a publish with its mode and an optional note; the parent does the saving and
 * publishing. Live is chosen when the flow's payments have a live connection; otherwise the
 * dialog says what is missing and offers test mode.
 */
export function PublishDialog({
  open,
  nextVersion,
  warnings,
  liveProblems,
  onClose,
  onPublish,
}: {
  open: boolean;
  nextVersion: number;
  warnings: number;
  /** Why the flow cannot go live with the merchant's connections (empty: it can). */
  liveProblems: string[];
  onClose(): void;
  /** Resolves to an error message, or null once published. */
  onPublish(note: string, mode: Mode): Promise<string | null>;
}) {
  const liveBlocked = liveProblems.length > 0;
  const [chosen, setChosen] = useState<Mode | null>(null);
  const mode: Mode = chosen ?? (liveBlocked ? "test" : "live");
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
            const failure = await onPublish(note.trim(), mode);
            setBusy(false);
            if (failure) setError(failure);
            else setNote("");
          })();
        }}
      >
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium text-slate-900">Mode</legend>
          <label className="flex items-start gap-2 text-sm">
            <input
              type="radio"
              name="publish-mode"
              value="live"
              checked={mode === "live"}
              disabled={liveBlocked}
              onChange={() => setChosen("live")}
              className="mt-1"
            />
            <span>
              <span className="font-medium">Live</span> — customers pay for real, through your live
              connections.
              {liveBlocked ? (
                <span className="mt-1 block text-red-700" data-testid="live-publish-problems">
                  {liveProblems.join(". ")}.
                </span>
              ) : null}
            </span>
          </label>
          <label className="flex items-start gap-2 text-sm">
            <input
              type="radio"
              name="publish-mode"
              value="test"
              checked={mode === "test"}
              onChange={() => setChosen("test")}
              className="mt-1"
            />
            <span>
              <span className="font-medium">Test mode</span> — to try the flow on a real phone:
              customers see “Test mode — no money moves” and pay through test connections.
            </span>
          </label>
        </fieldset>
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
            {busy
              ? "Publishing…"
              : `Publish version ${nextVersion}${mode === "test" ? " in test mode" : ""}`}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
