import { NODE_META } from "@/components/flows/node-meta";
import { cn } from "@/components/ui/cn";
import type { ConversationStep } from "@/lib/conversations/queries";
import type { NodeType } from "@/lib/flows/graph";
import { formatDateTime } from "@/lib/format/time";
import { isProblemStep, stepKindLabel } from "./step-labels";

function nodeTypeLabel(type: string): string {
  return NODE_META[type as NodeType]?.label ?? (type === "none" ? "—" : type);
}

/** The steps the conversation took, in the order the runtime took them. */
export function StepsList({ steps }: { steps: ConversationStep[] }) {
  if (steps.length === 0) {
    return <p className="text-sm text-slate-500">No steps were recorded.</p>;
  }
  return (
    <ol className="space-y-2 text-sm" aria-label="Steps">
      {steps.map((step) => (
        <li key={step.id} className="flex gap-3" data-testid="conversation-step">
          <span
            aria-hidden
            className={cn(
              "mt-1.5 h-2 w-2 shrink-0 rounded-full",
              isProblemStep(step.kind) ? "bg-red-500" : "bg-slate-400",
            )}
          />
          <div className="min-w-0">
            <p className={cn("font-medium", isProblemStep(step.kind) && "text-red-800")}>
              {stepKindLabel(step.kind)}
              {step.detail ? (
                <span className="font-normal text-slate-600"> · {step.detail}</span>
              ) : null}
            </p>
            <p className="text-xs text-slate-500">
              <span data-testid="step-node-type">{nodeTypeLabel(step.nodeType)}</span>
              {step.nodeId ? <span className="font-mono"> · {step.nodeId}</span> : null} ·{" "}
              {formatDateTime(step.occurredAt)}
            </p>
          </div>
        </li>
      ))}
    </ol>
  );
}
