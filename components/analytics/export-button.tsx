"use client";
// Downloads a chart's CSV with progress: the route sends the row count in X-Total-Rows and
// streams the file; the reader counts lines as they arrive.
import { Button } from "@/components/ui/button";
import { useState } from "react";

type State =
  | { kind: "idle" }
  | { kind: "running"; rows: number; total: number | null }
  | { kind: "done"; rows: number }
  | { kind: "error"; message: string };

function filenameOf(disposition: string | null): string {
  const match = disposition?.match(/filename="([^"]+)"/);
  return match?.[1] ?? "parley-analytics.csv";
}

export function ExportButton({ href, label }: { href: string; label: string }) {
  const [state, setState] = useState<State>({ kind: "idle" });

  async function download() {
    setState({ kind: "running", rows: 0, total: null });
    try {
      const response = await fetch(href);
      if (!response.ok || !response.body) {
        const body = (await response.json().catch(() => null)) as { error?: string } | null;
        setState({
          kind: "error",
          message: body?.error ?? `The export failed (${response.status}).`,
        });
        return;
      }
      const totalHeader = response.headers.get("x-total-rows");
      const total = totalHeader ? Number(totalHeader) : null;
      const reader = response.body.getReader();
      const chunks: BlobPart[] = [];
      let lines = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        for (const byte of value) if (byte === 10) lines += 1;
        setState({ kind: "running", rows: Math.max(0, lines - 1), total });
      }
      const url = URL.createObjectURL(new Blob(chunks, { type: "text/csv" }));
      const a = document.createElement("a");
      a.href = url;
      a.download = filenameOf(response.headers.get("content-disposition"));
      document.body.append(a);
      a.click();
      a.remove();
      URL.revokeObjectURL(url);
      setState({ kind: "done", rows: Math.max(0, lines - 1) });
    } catch {
      setState({ kind: "error", message: "The export was interrupted; try again." });
    }
  }

  return (
    <div className="flex items-center gap-2">
      <Button
        type="button"
        variant="secondary"
        onClick={() => void download()}
        disabled={state.kind === "running"}
        aria-label={`Download CSV: ${label}`}
      >
        CSV
      </Button>
      <span role="status" className="text-xs text-slate-600">
        {state.kind === "running" ? (
          <>
            <progress
              className="mr-1 h-2 w-16 align-middle"
              value={state.rows}
              max={state.total ?? undefined}
              aria-label="Export progress"
            />
            {state.total ? `${state.rows} of ${state.total} rows` : `${state.rows} rows`}
          </>
        ) : state.kind === "done" ? (
          `Downloaded ${state.rows} rows`
        ) : state.kind === "error" ? (
          <span className="text-red-700">{state.message}</span>
        ) : null}
      </span>
    </div>
  );
}
