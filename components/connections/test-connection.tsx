"use client";

import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";
import { testConnectionAction } from "@/lib/connections/actions";
import { formatDateTime } from "@/lib/format/time";
import { useState, useTransition } from "react";

export interface VerificationView {
  ok: boolean;
  reason?: string;
  message: string;
  at: string | Date;
}

const REASONS: Record<string, string> = {
  invalid_credentials: "Wrong key",
  unreachable: "Unreachable",
  provider_error: "Provider error",
};

export function VerificationResult({ result }: { result: VerificationView | null }) {
  if (!result) return <p className="text-sm text-slate-600">Not tested yet.</p>;
  return (
    <div className="space-y-1 text-sm">
      <div className="flex flex-wrap items-center gap-2">
        {result.ok ? (
          <Badge tone="green">OK</Badge>
        ) : (
          <Badge tone="red">{REASONS[result.reason ?? ""] ?? "Failed"}</Badge>
        )}
        <span className="text-slate-800">{result.message}</span>
      </div>
      <p className="text-xs text-slate-500">Tested {formatDateTime(result.at)}</p>
    </div>
  );
}

/** Asks the provider whether the stored keys work, and shows what it said. */
export function TestConnection({
  connectionId,
  initial,
  canTest,
}: {
  connectionId: string;
  initial: VerificationView | null;
  canTest: boolean;
}) {
  const [result, setResult] = useState<VerificationView | null>(initial);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <div className="space-y-3">
      <div role="status" aria-live="polite" aria-label="Connection test result">
        {pending ? (
          <p className="text-sm text-slate-600">Contacting the provider…</p>
        ) : (
          <VerificationResult result={result} />
        )}
      </div>
      <FormError message={error} />
      {canTest ? (
        <Button
          type="button"
          variant="secondary"
          disabled={pending}
          onClick={() =>
            startTransition(async () => {
              setError(null);
              const response = await testConnectionAction({ connectionId });
              if (response.ok) setResult(response.data);
              else setError(response.error);
            })
          }
        >
          {pending ? "Testing…" : "Test connection"}
        </Button>
      ) : null}
    </div>
  );
}
