"use client";

import {
  applyEdgeChanges,
  applyNodeChanges,
  type CanvasEdge,
  type CanvasNode,
  connectOutput,
  type Measured,
  toCanvasEdges,
  toCanvasNodes,
} from "@/lib/flows/canvas";
import type { NodeType } from "@/lib/flows/graph";
import type { FlowIssue } from "@/lib/flows/validate";
import {
  Background,
  type Connection,
  Controls,
  type EdgeChange,
  MiniMap,
  type NodeChange,
  ReactFlow,
  useReactFlow,
} from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { useCallback, useMemo, useRef, useState } from "react";
import { useDesigner } from "./designer-context";
import { NODE_TYPES_FOR_CANVAS } from "./flow-node";

export const PALETTE_DRAG_TYPE = "application/x-parley-node";
const NO_SIZES = new Map<string, Measured>();

/** React Flow, fully controlled: every node and edge is derived from the graph. */
export function FlowCanvas({
  issues,
  selectedNodeId,
  selectedEdgeId,
  onSelectNode,
  onSelectEdge,
  path,
}: {
  issues: readonly FlowIssue[];
  /** Nodes the simulator's conversation went through. */
  path: readonly string[];
  selectedNodeId: string | null;
  selectedEdgeId: string | null;
  onSelectNode(id: string | null): void;
  onSelectEdge(id: string | null): void;
}) {
  const { graph, readOnly, update, checkpoint, addNodeOfType } = useDesigner();
  const { screenToFlowPosition } = useReactFlow();
  const [measured, setMeasured] = useState<Map<string, Measured>>(() => new Map());
  const graphRef = useRef(graph);
  graphRef.current = graph;
  const measuredRef = useRef(measured);
  measuredRef.current = measured;

  const nodes = useMemo(
    () => toCanvasNodes(graph, { issues, selectedNodeId, measured, readOnly, path }),
    [graph, issues, selectedNodeId, measured, readOnly, path],
  );
  const edges = useMemo(
    () =>
      toCanvasEdges(graph, { issues, selectedEdgeId, readOnly, path }).map((edge) =>
        edge.className
          ? { ...edge, style: { stroke: "#dc2626", strokeWidth: 2 } }
          : edge.animated
            ? { ...edge, style: { stroke: "#059669", strokeWidth: 2 } }
            : edge,
      ),
    [graph, issues, selectedEdgeId, readOnly, path],
  );

  const onNodesChange = useCallback(
    (changes: NodeChange<CanvasNode>[]) => {
      const effects = applyNodeChanges(graphRef.current, changes, measuredRef.current, readOnly);
      if (effects.measured) {
        measuredRef.current = effects.measured;
        setMeasured(effects.measured);
      }
      if (effects.selectedNodeId !== undefined) onSelectNode(effects.selectedNodeId);
      const edits = changes.filter((c) => c.type === "position" || c.type === "remove");
      if (!readOnly && edits.length > 0) {
        const moved = edits
          .filter((c) => c.type === "position" && c.position)
          .map((c) => (c as { id: string }).id);
        update(
          (g) => applyNodeChanges(g, edits, NO_SIZES).graph,
          moved.length > 0 ? `move:${moved.join(",")}` : undefined,
        );
      }
      if (effects.dragEnded) checkpoint();
    },
    [readOnly, onSelectNode, update, checkpoint],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange<CanvasEdge>[]) => {
      const effects = applyEdgeChanges(graphRef.current, changes, readOnly);
      if (effects.selectedEdgeId !== undefined) onSelectEdge(effects.selectedEdgeId);
      const removals = changes.filter((c) => c.type === "remove");
      if (!readOnly && removals.length > 0) update((g) => applyEdgeChanges(g, removals).graph);
    },
    [readOnly, onSelectEdge, update],
  );

  const onConnect = useCallback(
    (connection: Connection) => {
      if (readOnly) return;
      update((g) =>
        connectOutput(g, connection.source, connection.sourceHandle ?? "next", connection.target),
      );
    },
    [readOnly, update],
  );

  const isValidConnection = useCallback(
    (connection: Connection | CanvasEdge) =>
      graphRef.current.nodes.find((n) => n.id === connection.target)?.type !== "start",
    [],
  );

  const onDrop = useCallback(
    (event: React.DragEvent) => {
      const type = event.dataTransfer.getData(PALETTE_DRAG_TYPE) as NodeType;
      if (!type || readOnly) return;
      event.preventDefault();
      addNodeOfType(type, screenToFlowPosition({ x: event.clientX, y: event.clientY }));
    },
    [addNodeOfType, readOnly, screenToFlowPosition],
  );

  return (
    <ReactFlow<CanvasNode, CanvasEdge>
      nodes={nodes}
      edges={edges}
      nodeTypes={NODE_TYPES_FOR_CANVAS}
      onNodesChange={onNodesChange}
      onEdgesChange={onEdgesChange}
      onConnect={onConnect}
      isValidConnection={isValidConnection}
      onDrop={onDrop}
      onDragOver={(event) => {
        if (readOnly) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = "move";
      }}
      deleteKeyCode={readOnly ? null : ["Backspace", "Delete"]}
      nodesDraggable={!readOnly}
      nodesConnectable={!readOnly}
      elementsSelectable
      multiSelectionKeyCode={null}
      selectionKeyCode={null}
      fitView
      fitViewOptions={{ padding: 0.15, maxZoom: 1 }}
      minZoom={0.2}
      aria-label="Flow canvas"
    >
      <Background gap={20} />
      <Controls showInteractive={false} />
      <MiniMap pannable zoomable ariaLabel="Flow overview" />
    </ReactFlow>
  );
}
