"use client";

import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";
import { useState } from "react";

export interface VersionItem {
  id: string;
  version: number;
  note: string;
  publishedAt: string;
  publishedBy: string | null;
}

const dateFormat = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short" });

/** The published versions, newest first; an old one can be published again as a new version. */
export function VersionsDrawer({
  open,
  versions,
  liveVersionId,
  canRollBack,
  onClose,
  onRollBack,
}: {
  open: boolean;
  versions: VersionItem[];
  liveVersionId: string | null;
  canRollBack: boolean;
  onClose(): void;
  /** Resolves to an error message, or null once rolled back. */
  onRollBack(version: VersionItem): Promise<string | null>;
}) {
  const [confirming, setConfirming] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!open) return null;
  const next = (versions[0]?.version ?? 0) + 1;
  return (
    <aside
      aria-label="Versions"
      className="absolute inset-y-0 right-0 z-20 flex w-96 max-w-full flex-col border-l border-slate-200 bg-white shadow-xl"
    >
      <header className="flex items-center justify-between border-b border-slate-200 px-4 py-3">
        <h2 className="font-semibold">Versions</h2>
        <Button type="button" variant="ghost" onClick={onClose} aria-label="Close versions">
          Close
        </Button>
      </header>
      <div className="min-h-0 flex-1 overflow-y-auto p-4">
        {versions.length === 0 ? (
          <p className="text-sm text-slate-600">
            Nothing published yet. Publish the flow to make it live; each publish is kept here.
          </p>
        ) : (
          <ol className="space-y-3">
            {versions.map((v) => (
              <li
                key={v.id}
                className="rounded-md p-3 ring-1 ring-slate-200"
                aria-label={`Version ${v.version}`}
              >
                <div className="flex items-center justify-between">
                  <span className="font-medium">Version {v.version}</span>
                  {v.id === liveVersionId ? <Badge tone="green">Live</Badge> : null}
                </div>
                <p className="text-xs text-slate-500">
                  {dateFormat.format(new Date(v.publishedAt))}
                  {v.publishedBy ? ` · ${v.publishedBy}` : ""}
                </p>
                {v.note ? <p className="mt-1 text-sm text-slate-700">{v.note}</p> : null}
                {canRollBack && v.id !== liveVersionId ? (
                  confirming === v.id ? (
                    <div className="mt-2 space-y-2 rounded bg-amber-50 p-2 text-sm text-amber-900">
                      <p>
                        Publish version {v.version} again as version {next}? Your current draft will
                        be replaced by it.
                      </p>
                      <div className="flex gap-2">
                        <Button
                          type="button"
                          disabled={busy}
                          onClick={() =>
                            void (async () => {
                              setBusy(true);
                              setError(null);
                              const failure = await onRollBack(v);
                              setBusy(false);
                              if (failure) setError(failure);
                              else setConfirming(null);
                            })()
                          }
                        >
                          {busy ? "Rolling back…" : "Confirm roll back"}
                        </Button>
                        <Button
                          type="button"
                          variant="secondary"
                          onClick={() => setConfirming(null)}
                        >
                          Cancel
                        </Button>
                      </div>
                    </div>
                  ) : (
                    <Button
                      type="button"
                      variant="secondary"
                      className="mt-2"
                      onClick={() => setConfirming(v.id)}
                      aria-label={`Roll back to version ${v.version}`}
                    >
                      Roll back to this version
                    </Button>
                  )
                ) : null}
              </li>
            ))}
          </ol>
        )}
        <div className="mt-3">
          <FormError message={error} />
        </div>
      </div>
    </aside>
  );
}
