"use client";

import { cn } from "@/components/ui/cn";
import { NODE_META, PALETTE_TYPES } from "../node-meta";
import { useDesigner } from "./designer-context";
import { PALETTE_DRAG_TYPE } from "./flow-canvas";

/** Click a step to add it next to the selected one, or drag it onto the canvas. */
export function Palette() {
  const { addNodeOfType } = useDesigner();
  return (
    <nav
      aria-label="Steps"
      className="flex shrink-0 flex-wrap gap-1 lg:w-48 lg:flex-col lg:flex-nowrap lg:overflow-y-auto"
    >
      <h2 className="w-full px-1 text-xs font-semibold uppercase tracking-wide text-slate-500">
        Add a step
      </h2>
      {PALETTE_TYPES.map((type) => {
        const meta = NODE_META[type];
        return (
          <button
            key={type}
            type="button"
            draggable
            onClick={() => addNodeOfType(type)}
            onDragStart={(event) => {
              event.dataTransfer.setData(PALETTE_DRAG_TYPE, type);
              event.dataTransfer.effectAllowed = "move";
            }}
            className="flex cursor-grab items-start gap-2 rounded-md bg-white px-2.5 py-2 text-left text-sm shadow-sm ring-1 ring-slate-200 hover:bg-slate-50 active:cursor-grabbing"
          >
            <span aria-hidden className={cn("mt-1.5 h-2 w-2 shrink-0 rounded-full", meta.accent)} />
            <span>
              <span className="block font-medium text-slate-800">
                <span className="sr-only">Add </span>
                {meta.label}
                <span className="sr-only"> node</span>
              </span>
              <span className="block text-xs text-slate-500">{meta.description}</span>
            </span>
          </button>
        );
      })}
    </nav>
  );
}
