// The flow graph ↔ React Flow mapping, and the graph edits canvas events stand for. Pure: the
// graph stays the one source of truth, React Flow only ever receives what is derived from it.
import type { Edge, EdgeChange, Node, NodeChange } from "@xyflow/react";
import { edgeHandle, type FlowEdge, type FlowGraph, type FlowNode, NODE_OUTPUTS } from "./graph";
import type { FlowIssue } from "./validate";

export interface CanvasOutput {
  /** The handle id, which is also the edge's sourceHandle ("next", "succeeded", "true"…). */
  handle: string;
  required: boolean;
  connected: boolean;
}

export interface CanvasNodeData extends Record<string, unknown> {
  node: FlowNode;
  outputs: CanvasOutput[];
  /** Start nodes have no input handle. */
  hasInput: boolean;
  errorCount: number;
  warningCount: number;
  readOnly: boolean;
  /** The simulator's conversation went through this node. */
  onPath: boolean;
}

export type CanvasNode = Node<CanvasNodeData, "flow">;
export type CanvasEdge = Edge<{ handle: string }>;

export interface Measured {
  width: number;
  height: number;
}

export interface CanvasOptions {
  issues?: readonly FlowIssue[];
  selectedNodeId?: string | null;
  selectedEdgeId?: string | null;
  /** Sizes React Flow measured, handed back so controlled nodes stay visible. */
  measured?: ReadonlyMap<string, Measured>;
  readOnly?: boolean;
  /** Node ids a simulated conversation went through, in order. */
  path?: readonly string[];
}

export function issueCountsByNode(
  issues: readonly FlowIssue[],
): Map<string, { errors: number; warnings: number }> {
  const counts = new Map<string, { errors: number; warnings: number }>();
  for (const issue of issues) {
    if (!issue.nodeId) continue;
    const entry = counts.get(issue.nodeId) ?? { errors: 0, warnings: 0 };
    if (issue.severity === "error") entry.errors++;
    else entry.warnings++;
    counts.set(issue.nodeId, entry);
  }
  return counts;
}

export function toCanvasNodes(graph: FlowGraph, options: CanvasOptions = {}): CanvasNode[] {
  const counts = issueCountsByNode(options.issues ?? []);
  const connected = new Set(graph.edges.map((edge) => `${edge.source}\u0000${edgeHandle(edge)}`));
  const onPath = new Set(options.path ?? []);
  return graph.nodes.map((node) => {
    const outputs = NODE_OUTPUTS[node.type];
    const measured = options.measured?.get(node.id);
    const count = counts.get(node.id);
    const canvasNode: CanvasNode = {
      id: node.id,
      type: "flow",
      position: { x: node.position.x, y: node.position.y },
      data: {
        node,
        outputs: [
          ...outputs.required.map((handle) => ({
            handle,
            required: true,
            connected: connected.has(`${node.id}\u0000${handle}`),
          })),
          ...outputs.optional.map((handle) => ({
            handle,
            required: false,
            connected: connected.has(`${node.id}\u0000${handle}`),
          })),
        ],
        hasInput: node.type !== "start",
        errorCount: count?.errors ?? 0,
        warningCount: count?.warnings ?? 0,
        readOnly: options.readOnly ?? false,
        onPath: onPath.has(node.id),
      },
      selected: options.selectedNodeId === node.id,
      deletable: !options.readOnly && node.type !== "start",
      draggable: !options.readOnly,
      connectable: !options.readOnly,
    };
    if (measured) canvasNode.measured = { width: measured.width, height: measured.height };
    return canvasNode;
  });
}

export function toCanvasEdges(graph: FlowGraph, options: CanvasOptions = {}): CanvasEdge[] {
  const path = options.path ?? [];
  const walked = new Set(path.slice(1).map((id, i) => `${path[i]}\u0000${id}`));
  const flagged = new Set(
    (options.issues ?? []).filter((i) => i.edgeId && i.severity === "error").map((i) => i.edgeId),
  );
  return graph.edges.map((edge) => {
    const handle = edgeHandle(edge);
    return {
      id: edge.id,
      source: edge.source,
      sourceHandle: handle,
      target: edge.target,
      label: handle === "next" ? undefined : handle,
      data: { handle },
      selected: options.selectedEdgeId === edge.id,
      deletable: !options.readOnly,
      animated: walked.has(`${edge.source}\u0000${edge.target}`),
      className: flagged.has(edge.id) ? "flow-edge-invalid" : undefined,
    };
  });
}

/** Back from the canvas: positions and wiring from React Flow, node data from the graph. */
export function fromCanvas(
  base: FlowGraph,
  nodes: readonly CanvasNode[],
  edges: readonly CanvasEdge[],
): FlowGraph {
  return {
    ...base,
    nodes: nodes.map((n) => ({
      ...n.data.node,
      id: n.id,
      position: { x: n.position.x, y: n.position.y },
    })),
    edges: edges.map((e) => ({
      id: e.id,
      source: e.source,
      sourceHandle: e.sourceHandle ?? "next",
      target: e.target,
    })),
  };
}

export function moveNode(
  graph: FlowGraph,
  nodeId: string,
  position: { x: number; y: number },
): FlowGraph {
  const node = graph.nodes.find((n) => n.id === nodeId);
  if (!node || (node.position.x === position.x && node.position.y === position.y)) return graph;
  return {
    ...graph,
    nodes: graph.nodes.map((n) =>
      n.id === nodeId ? { ...n, position: { x: position.x, y: position.y } } : n,
    ),
  };
}

/** Removes nodes and every edge touching them. The start node is kept: a flow always has one. */
export function removeNodes(graph: FlowGraph, nodeIds: Iterable<string>): FlowGraph {
  const ids = new Set(
    [...nodeIds].filter((id) => graph.nodes.find((n) => n.id === id)?.type !== "start"),
  );
  if (ids.size === 0) return graph;
  return {
    ...graph,
    nodes: graph.nodes.filter((n) => !ids.has(n.id)),
    edges: graph.edges.filter((e) => !ids.has(e.source) && !ids.has(e.target)),
  };
}

export function removeEdges(graph: FlowGraph, edgeIds: Iterable<string>): FlowGraph {
  const ids = new Set(edgeIds);
  const edges = graph.edges.filter((e) => !ids.has(e.id));
  return edges.length === graph.edges.length ? graph : { ...graph, edges };
}

export function edgeId(source: string, handle: string): string {
  return `e_${source}_${handle}`;
}

/**
 * Wires one output of a node to a target. An output leads to one place, so an existing edge
 * from the same output is replaced rather than doubled.
 */
export function connectOutput(
  graph: FlowGraph,
  source: string,
  handle: string,
  target: string,
): FlowGraph {
  const sourceNode = graph.nodes.find((n) => n.id === source);
  if (!sourceNode || !graph.nodes.some((n) => n.id === target)) return graph;
  const outputs = NODE_OUTPUTS[sourceNode.type];
  if (![...outputs.required, ...outputs.optional].includes(handle)) return graph;
  const existing = graph.edges.find((e) => e.source === source && edgeHandle(e) === handle);
  if (existing?.target === target) return graph;
  const others = graph.edges.filter((e) => !(e.source === source && edgeHandle(e) === handle));
  let id = edgeId(source, handle);
  for (let i = 2; others.some((e) => e.id === id); i++) id = `${edgeId(source, handle)}_${i}`;
  const edge: FlowEdge = { id, source, sourceHandle: handle, target };
  return { ...graph, edges: [...others, edge] };
}

export function disconnectOutput(graph: FlowGraph, source: string, handle: string): FlowGraph {
  return removeEdges(
    graph,
    graph.edges.filter((e) => e.source === source && edgeHandle(e) === handle).map((e) => e.id),
  );
}

export function targetOfOutput(
  graph: FlowGraph,
  source: string,
  handle: string,
): string | undefined {
  return graph.edges.find((e) => e.source === source && edgeHandle(e) === handle)?.target;
}

export interface NodeChangeEffects {
  graph: FlowGraph;
  measured: Map<string, Measured> | null;
  /** Selected node after the changes: undefined when selection did not change. */
  selectedNodeId?: string | null;
  /** True when a drag ended: the next edit starts a new undo step. */
  dragEnded: boolean;
}

/** What React Flow's node changes mean for the graph, the measured sizes and the selection. */
export function applyNodeChanges(
  graph: FlowGraph,
  changes: readonly NodeChange<CanvasNode>[],
  measured: ReadonlyMap<string, Measured>,
  readOnly = false,
): NodeChangeEffects {
  let next = graph;
  let sizes: Map<string, Measured> | null = null;
  let selectedNodeId: string | null | undefined;
  let dragEnded = false;
  const removed: string[] = [];
  for (const change of changes) {
    switch (change.type) {
      case "dimensions":
        if (change.dimensions) {
          const old = (sizes ?? measured).get(change.id);
          if (old?.width !== change.dimensions.width || old?.height !== change.dimensions.height) {
            sizes ??= new Map(measured);
            sizes.set(change.id, {
              width: change.dimensions.width,
              height: change.dimensions.height,
            });
          }
        }
        break;
      case "position":
        if (!readOnly && change.position)
          next = moveNode(next, change.id, roundPosition(change.position));
        if (change.dragging === false) dragEnded = true;
        break;
      case "select":
        if (change.selected) selectedNodeId = change.id;
        else if (selectedNodeId === undefined) selectedNodeId = null;
        break;
      case "remove":
        if (!readOnly) removed.push(change.id);
        break;
      default:
        break;
    }
  }
  if (removed.length > 0) next = removeNodes(next, removed);
  return { graph: next, measured: sizes, selectedNodeId, dragEnded };
}

export function applyEdgeChanges(
  graph: FlowGraph,
  changes: readonly EdgeChange<CanvasEdge>[],
  readOnly = false,
): { graph: FlowGraph; selectedEdgeId?: string | null } {
  let selectedEdgeId: string | null | undefined;
  const removed: string[] = [];
  for (const change of changes) {
    if (change.type === "select") {
      if (change.selected) selectedEdgeId = change.id;
      else if (selectedEdgeId === undefined) selectedEdgeId = null;
    } else if (change.type === "remove" && !readOnly) {
      removed.push(change.id);
    }
  }
  return { graph: removed.length > 0 ? removeEdges(graph, removed) : graph, selectedEdgeId };
}

function roundPosition(position: { x: number; y: number }): { x: number; y: number } {
  return { x: Math.round(position.x), y: Math.round(position.y) };
}
