"use client";

import { cn } from "@/components/ui/cn";
import type { CanvasNode } from "@/lib/flows/canvas";
import { Handle, type NodeProps, Position } from "@xyflow/react";
import { memo } from "react";
import { NODE_META, nodeTitle, OUTPUT_LABELS, summarizeNode } from "../node-meta";
import { useDesigner } from "./designer-context";

/**
 * One step on the canvas: its type, a summary, labelled outputs, and its validation state.
 * Conversations read top to bottom (the templates lay steps out in columns), so the input sits
 * on the top edge and the outputs along the bottom edge.
 */
function FlowNodeCard({ data, selected }: NodeProps<CanvasNode>) {
  const { graph, lang } = useDesigner();
  const { node, outputs, hasInput, errorCount, warningCount, onPath } = data;
  const meta = NODE_META[node.type];
  const title = nodeTitle(node);
  const single = outputs.length === 1 && outputs[0].handle === "next";
  return (
    <div
      data-testid={`flow-node-${node.id}`}
      data-error-count={errorCount}
      data-on-path={onPath || undefined}
      style={{ width: Math.max(224, outputs.length * 54) }}
      className={cn(
        "rounded-lg text-left shadow-sm",
        onPath ? "bg-emerald-50" : "bg-white",
        errorCount > 0
          ? "ring-2 ring-red-500"
          : onPath
            ? "ring-2 ring-emerald-500"
            : warningCount > 0
              ? "ring-1 ring-amber-400"
              : "ring-1 ring-slate-300",
        selected && "outline-2 outline-offset-2 outline-brand-500",
      )}
    >
      {/* Handles are pointer targets (keyboard users wire steps in the inspector): a tooltip
          names them; an aria-label is not allowed on their role-less div. */}
      {hasInput ? (
        <Handle
          type="target"
          position={Position.Top}
          title={`Input of ${title} (${node.id})`}
          className="h-2.5! w-2.5! bg-slate-500!"
        />
      ) : null}
      <div className="flex items-center justify-between gap-2 px-3 pt-1.5">
        <span className="flex min-w-0 items-center gap-1.5 text-[10px] font-semibold uppercase tracking-wide text-slate-500">
          <span aria-hidden className={cn("h-2 w-2 shrink-0 rounded-full", meta.accent)} />
          <span className="truncate">{meta.label}</span>
        </span>
        {errorCount > 0 ? (
          <span className="shrink-0 rounded-full bg-red-600 px-1.5 text-[10px] font-semibold text-white">
            {errorCount} {errorCount === 1 ? "issue" : "issues"}
          </span>
        ) : warningCount > 0 ? (
          <span className="shrink-0 rounded-full bg-amber-100 px-1.5 text-[10px] font-semibold text-amber-900">
            {warningCount} warning{warningCount === 1 ? "" : "s"}
          </span>
        ) : (
          <span className="truncate font-mono text-[10px] text-slate-500">{node.id}</span>
        )}
      </div>
      <div className={cn("px-3", single || outputs.length === 0 ? "pb-2" : "pb-1")}>
        <p className="truncate text-sm font-medium text-slate-900">{title}</p>
        <p className="truncate text-xs text-slate-600">{summarizeNode(node, graph, lang)}</p>
      </div>
      {single ? (
        <Handle
          type="source"
          id="next"
          position={Position.Bottom}
          title={`Output next of ${title} (${node.id})`}
          className={cn("h-2.5! w-2.5!", outputs[0].connected ? "bg-brand-600!" : "bg-red-500!")}
        />
      ) : outputs.length > 0 ? (
        <ul className="flex border-t border-slate-100">
          {outputs.map((output) => (
            <li
              key={output.handle}
              className="relative flex-1 pb-1.5 pt-0.5 text-center text-[10px] leading-tight"
            >
              <span
                className={cn(
                  output.required ? "font-medium text-slate-700" : "text-slate-500",
                  output.required && !output.connected && "text-red-700",
                )}
              >
                {OUTPUT_LABELS[output.handle] ?? output.handle}
              </span>
              <Handle
                type="source"
                id={output.handle}
                position={Position.Bottom}
                title={`Output ${output.handle} of ${title} (${node.id})`}
                className={cn(
                  "h-2.5! w-2.5!",
                  output.connected
                    ? "bg-brand-600!"
                    : output.required
                      ? "bg-red-500!"
                      : "bg-slate-300!",
                )}
              />
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

export const FlowNodeView = memo(FlowNodeCard);
export const NODE_TYPES_FOR_CANVAS = { flow: FlowNodeView };
