"use client";

import { Button } from "@/components/ui/button";
import { removeEdges } from "@/lib/flows/canvas";
import { edgeHandle, type FlowEdge } from "@/lib/flows/graph";
import { nodeTitle, OUTPUT_LABELS } from "../node-meta";
import { useDesigner } from "./designer-context";

/** A selected connection: where it goes, and a button to remove it (besides Delete/Backspace). */
export function EdgeInspector({ edge }: { edge: FlowEdge }) {
  const { graph, readOnly, update } = useDesigner();
  const source = graph.nodes.find((n) => n.id === edge.source);
  const target = graph.nodes.find((n) => n.id === edge.target);
  const handle = edgeHandle(edge);
  return (
    <section aria-label="Connection" className="space-y-3 text-sm">
      <h2 className="font-semibold">Connection</h2>
      <p>
        From <strong>{source ? nodeTitle(source) : edge.source}</strong> (
        {OUTPUT_LABELS[handle] ?? handle}) to{" "}
        <strong>{target ? `${nodeTitle(target)} (${target.id})` : edge.target}</strong>
      </p>
      {readOnly ? null : (
        <Button
          type="button"
          variant="secondary"
          onClick={() => update((g) => removeEdges(g, [edge.id]))}
        >
          Delete connection
        </Button>
      )}
    </section>
  );
}
