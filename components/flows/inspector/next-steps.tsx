"use client";

import { Select } from "@/components/ui/field";
import { connectOutput, disconnectOutput, targetOfOutput } from "@/lib/flows/canvas";
import { type FlowNode, NODE_OUTPUTS } from "@/lib/flows/graph";
import { useDesigner } from "../designer/designer-context";
import { nodeTitle, OUTPUT_LABELS } from "../node-meta";

/** Wiring without dragging: one select per output (also the keyboard way to connect). */
export function NextSteps({ node }: { node: FlowNode }) {
  const { graph, update } = useDesigner();
  const { required, optional } = NODE_OUTPUTS[node.type];
  const outputs = [
    ...required.map((h) => ({ handle: h, required: true })),
    ...optional.map((h) => ({ handle: h, required: false })),
  ];
  if (outputs.length === 0)
    return <p className="text-xs text-slate-500">The conversation stops here.</p>;
  const targets = graph.nodes.filter((n) => n.type !== "start");
  const single = outputs.length === 1;
  return (
    <fieldset className="space-y-2">
      <legend className="text-sm font-medium text-slate-700">Next steps</legend>
      {outputs.map(({ handle, required: isRequired }) => {
        const id = `${node.id}-next-${handle}`;
        const target = targetOfOutput(graph, node.id, handle);
        const label = single ? "Next step" : `Next step: ${OUTPUT_LABELS[handle] ?? handle}`;
        return (
          <div key={handle} className="flex items-center gap-2">
            <span className="w-40 shrink-0 text-xs text-slate-700">
              <label htmlFor={id}>{label}</label>
              {isRequired ? (
                <span aria-hidden className="text-red-700">
                  {" "}
                  *
                </span>
              ) : (
                <span className="text-slate-500"> (optional)</span>
              )}
            </span>
            <Select
              id={id}
              name={id}
              value={target ?? ""}
              invalid={isRequired && !target}
              aria-required={isRequired}
              onChange={(e) => {
                const value = e.target.value;
                update((g) =>
                  value
                    ? connectOutput(g, node.id, handle, value)
                    : disconnectOutput(g, node.id, handle),
                );
              }}
            >
              <option value="">— Not connected —</option>
              {targets.map((t) => (
                <option key={t.id} value={t.id}>
                  {nodeTitle(t)} ({t.id})
                </option>
              ))}
            </Select>
          </div>
        );
      })}
    </fieldset>
  );
}
