"use client";

import { cn } from "@/components/ui/cn";
import type { FlowIssue } from "@/lib/flows/validate";

/** Every problem the validator finds; clicking one selects the node it names. */
export function ValidationPanel({
  issues,
  onSelectNode,
}: {
  issues: readonly FlowIssue[];
  onSelectNode(id: string): void;
}) {
  const errors = issues.filter((i) => i.severity === "error");
  const warnings = issues.filter((i) => i.severity === "warning");
  const sorted = [...errors, ...warnings];
  return (
    <section
      aria-label="Checks"
      className="flex max-h-44 min-h-0 flex-col rounded-lg bg-white ring-1 ring-slate-200"
    >
      <h2 className="flex items-center gap-3 border-b border-slate-100 px-3 py-1.5 text-sm font-semibold text-slate-800">
        Checks
        <span
          data-testid="error-count"
          className={cn("text-xs font-medium", errors.length ? "text-red-700" : "text-emerald-700")}
        >
          {errors.length === 0
            ? "No errors"
            : `${errors.length} error${errors.length === 1 ? "" : "s"}`}
        </span>
        {warnings.length > 0 ? (
          <span className="text-xs font-medium text-amber-800">
            {warnings.length} warning{warnings.length === 1 ? "" : "s"}
          </span>
        ) : null}
      </h2>
      {sorted.length === 0 ? (
        <p className="px-3 py-2 text-sm text-slate-600">
          Everything checks out: this flow can be published.
        </p>
      ) : (
        <ul className="min-h-0 overflow-y-auto py-1" aria-label="Problems">
          {sorted.map((issue, i) => (
            <li key={`${issue.code}-${issue.nodeId ?? ""}-${issue.edgeId ?? ""}-${i}`}>
              <button
                type="button"
                disabled={!issue.nodeId}
                onClick={() => issue.nodeId && onSelectNode(issue.nodeId)}
                className="flex w-full items-start gap-2 px-3 py-1 text-left text-sm hover:bg-slate-50 disabled:cursor-default disabled:hover:bg-transparent"
              >
                <span
                  className={cn(
                    "mt-0.5 shrink-0 rounded px-1.5 text-[11px] font-semibold",
                    issue.severity === "error"
                      ? "bg-red-100 text-red-800"
                      : "bg-amber-100 text-amber-900",
                  )}
                >
                  {issue.severity === "error" ? "Error" : "Warning"}
                </span>
                <span className="text-slate-700">{issue.message}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
