"use client";

import { cn } from "@/components/ui/cn";
import type { CanvasNode } from "@/lib/flows/canvas";
import { Handle, type NodeProps, Position } from "@xyflow/react";
import { memo } from "react";
import { NODE_META, nodeTitle, OUTPUT_LABELS, summarizeNode } from "../node-meta";
import { useDesigner } from "./designer-context";

/** One step on the canvas: its type, a summary, labelled outputs, and its validation state. */
function FlowNodeCard({ data, selected }: NodeProps<CanvasNode>) {
  const { graph, lang } = useDesigner();
  const { node, outputs, hasInput, errorCount, warningCount } = data;
  const meta = NODE_META[node.type];
  const title = nodeTitle(node);
  const single = outputs.length === 1 && outputs[0].handle === "next";
  return (
    <div
      data-testid={`flow-node-${node.id}`}
      data-error-count={errorCount}
      className={cn(
        "w-56 rounded-lg bg-white text-left shadow-sm ring-1",
        errorCount > 0
          ? "ring-2 ring-red-500"
          : warningCount > 0
            ? "ring-amber-400"
            : "ring-slate-300",
        selected && "outline-2 outline-offset-2 outline-brand-500",
      )}
    >
      {hasInput ? (
        <Handle
          type="target"
          position={Position.Left}
          aria-label={`Input of ${title} (${node.id})`}
          className="h-3! w-3! bg-slate-500!"
        />
      ) : null}
      <div className="flex items-center justify-between gap-2 rounded-t-lg px-3 py-1.5">
        <span className="flex min-w-0 items-center gap-1.5 text-[11px] font-semibold uppercase tracking-wide text-slate-500">
          <span aria-hidden className={cn("h-2 w-2 shrink-0 rounded-full", meta.accent)} />
          <span className="truncate">{meta.label}</span>
        </span>
        {errorCount > 0 ? (
          <span
            className="rounded-full bg-red-600 px-1.5 text-[11px] font-semibold text-white"
            aria-label={`${errorCount} error${errorCount === 1 ? "" : "s"}`}
          >
            {errorCount} {errorCount === 1 ? "issue" : "issues"}
          </span>
        ) : warningCount > 0 ? (
          <span className="rounded-full bg-amber-100 px-1.5 text-[11px] font-semibold text-amber-900">
            {warningCount} warning{warningCount === 1 ? "" : "s"}
          </span>
        ) : null}
      </div>
      <div className="px-3 pb-2">
        <p className="truncate text-sm font-medium text-slate-900">{title}</p>
        <p className="line-clamp-2 text-xs text-slate-600">{summarizeNode(node, graph, lang)}</p>
        <p className="mt-0.5 font-mono text-[10px] text-slate-400">{node.id}</p>
      </div>
      {outputs.length > 0 ? (
        <ul className={cn("border-t border-slate-100 py-1", single && "py-0")}>
          {outputs.map((output) => (
            <li
              key={output.handle}
              className={cn(
                "relative flex h-6 items-center justify-end pr-3 text-[11px]",
                single && "h-3",
              )}
            >
              {single ? null : (
                <span
                  className={cn(
                    output.required ? "font-medium text-slate-700" : "text-slate-500",
                    output.required && !output.connected && "text-red-700",
                  )}
                >
                  {OUTPUT_LABELS[output.handle] ?? output.handle}
                </span>
              )}
              <Handle
                type="source"
                id={output.handle}
                position={Position.Right}
                aria-label={`Output ${output.handle} of ${title} (${node.id})`}
                className={cn(
                  "h-3! w-3!",
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
