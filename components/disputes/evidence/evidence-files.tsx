"use client";

import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field, FormError, Select } from "@/components/ui/field";
import type { EvidenceFileSlot } from "@/db/schema/disputes";
import { removeEvidenceFileAction } from "@/lib/disputes/evidence/actions";
import { EVIDENCE_SLOT_LABELS } from "@/lib/disputes/evidence/schemas";
import { useRouter } from "next/navigation";
import { useRef, useState, useTransition } from "react";

export interface EvidenceFileRow {
  id: string;
  name: string;
  slot: EvidenceFileSlot;
  slotLabel: string;
  contentType: string;
  sizeBytes: number;
}

const size = (bytes: number) =>
  bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(1)} MB`
    : `${Math.max(1, Math.round(bytes / 1024))} KB`;

/** Evidence files: upload (checked by content on the server), list, download, remove. */
export function EvidenceFiles({
  disputeId,
  files,
  locked,
  canDownload,
  rulesText,
}: {
  disputeId: string;
  files: EvidenceFileRow[];
  locked: boolean;
  canDownload: boolean;
  rulesText: string;
}) {
  const router = useRouter();
  const input = useRef<HTMLInputElement>(null);
  const [slot, setSlot] = useState<EvidenceFileSlot>("receipt");
  const [error, setError] = useState<string | null>(null);
  const [uploading, setUploading] = useState(false);
  const [pending, startTransition] = useTransition();

  async function upload() {
    const file = input.current?.files?.[0];
    setError(null);
    if (!file) {
      setError("Choose a file first.");
      return;
    }
    setUploading(true);
    try {
      const url = `/api/disputes/${encodeURIComponent(disputeId)}/evidence/files?slot=${slot}&name=${encodeURIComponent(file.name)}`;
      const response = await fetch(url, { method: "POST", body: file });
      const body = (await response.json().catch(() => null)) as { error?: string } | null;
      if (!response.ok) {
        setError(body?.error ?? `The upload failed (${response.status}).`);
        return;
      }
      if (input.current) input.current.value = "";
      router.refresh();
    } catch {
      setError("The upload did not reach Parley; check the connection and try again.");
    } finally {
      setUploading(false);
    }
  }

  return (
    <Card className="space-y-4 p-4">
      <h2 className="text-base font-semibold text-slate-900">Files</h2>
      {files.length === 0 ? (
        <p className="text-sm text-slate-600">
          No files yet. Attach the receipt or other proof (PDF, PNG or JPEG); the evidence pack is
          added automatically when you submit.
        </p>
      ) : (
        <ul className="divide-y divide-slate-100 text-sm" aria-label="Evidence files">
          {files.map((f) => (
            <li key={f.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
              <span>
                <span className="font-medium">{f.name}</span>{" "}
                <span className="text-slate-500">
                  · {f.slotLabel} · {f.contentType} · {size(f.sizeBytes)}
                </span>
              </span>
              <span className="flex gap-3">
                {canDownload ? (
                  <a
                    className="font-medium text-brand-700 hover:underline"
                    href={`/api/disputes/${disputeId}/evidence/files/${f.id}`}
                  >
                    Download<span className="sr-only"> {f.name}</span>
                  </a>
                ) : null}
                {!locked ? (
                  <Button
                    type="button"
                    variant="ghost"
                    disabled={pending}
                    onClick={() =>
                      startTransition(async () => {
                        const result = await removeEvidenceFileAction({ disputeId, fileId: f.id });
                        if (!result.ok) setError(result.error);
                        router.refresh();
                      })
                    }
                  >
                    Remove<span className="sr-only"> {f.name}</span>
                  </Button>
                ) : null}
              </span>
            </li>
          ))}
        </ul>
      )}
      {!locked ? (
        <div className="space-y-3">
          <FormError message={error} />
          <div className="grid gap-3 sm:grid-cols-3 sm:items-end">
            <Field label="What the file shows" name="evidence-slot">
              <Select
                name="evidence-slot"
                value={slot}
                onChange={(e) => setSlot(e.target.value as EvidenceFileSlot)}
              >
                {Object.entries(EVIDENCE_SLOT_LABELS).map(([value, label]) => (
                  <option key={value} value={value}>
                    {label}
                  </option>
                ))}
              </Select>
            </Field>
            <Field label="File (PDF, PNG or JPEG)" name="evidence-file" hint={rulesText}>
              <input
                ref={input}
                id="evidence-file"
                name="evidence-file"
                type="file"
                accept="application/pdf,image/png,image/jpeg"
                className="block w-full text-sm"
              />
            </Field>
            <Button
              type="button"
              variant="secondary"
              disabled={uploading}
              onClick={() => void upload()}
            >
              {uploading ? "Uploading…" : "Upload file"}
            </Button>
          </div>
        </div>
      ) : null}
    </Card>
  );
}
