// Graph edits the palette and the inspector make. Pure and immutable: each returns a new graph
// (or the same one when nothing changed) so undo/redo can keep whole graphs.
import {
  BUILTIN_VARIABLES,
  type FlowGraph,
  type FlowNode,
  type NodeOf,
  type NodeType,
} from "@/lib/flows/graph";

export function uniqueNodeId(graph: FlowGraph, type: NodeType): string {
  const taken = new Set(graph.nodes.map((n) => n.id));
  for (let i = 1; ; i++) {
    const id = `${type}_${i}`;
    if (!taken.has(id)) return id;
  }
}

export function uniqueVariable(graph: FlowGraph, base: string): string {
  const taken = new Set<string>([
    ...BUILTIN_VARIABLES,
    ...graph.inputs.map((i) => i.name),
    ...graph.nodes.flatMap((n) => (n.type === "ask" ? [n.data.variable] : [])),
  ]);
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}_${i}`)) return `${base}_${i}`;
}

export function defaultNodeData(type: NodeType, graph: FlowGraph): FlowNode["data"] {
  switch (type) {
    case "start":
      return {};
    case "message":
    case "receipt":
      return { text: {} };
    case "ask":
      return { variable: uniqueVariable(graph, "answer"), kind: "text", prompt: {}, retry: {} };
    case "product_choice":
      return { prompt: {}, products: [], allowMultiple: true, variable: "cart" };
    case "choose_method":
      return { prompt: {} };
    case "confirm":
      return { prompt: {}, amountFrom: "cart", description: {} };
    case "pay":
      return { amountFrom: "cart", description: {}, expiresInMinutes: 60 };
    case "wait_payment":
      return { timeoutMinutes: 60 };
    case "reminder":
      return { afterMinutes: 60, maxTimes: 1, text: {} };
    case "condition":
      return { variable: "method", operator: "set" };
    case "handoff":
      return { text: {} };
    case "end":
      return {};
  }
}

export function addNode(
  graph: FlowGraph,
  type: NodeType,
  position: { x: number; y: number },
): { graph: FlowGraph; nodeId: string } {
  const id = uniqueNodeId(graph, type);
  const node = {
    id,
    type,
    position: { x: Math.round(position.x), y: Math.round(position.y) },
    data: defaultNodeData(type, graph),
  } as FlowNode;
  return { graph: { ...graph, nodes: [...graph.nodes, node] }, nodeId: id };
}

/** Replaces part of one node's data; keys set to undefined are removed (optional fields). */
export function updateNodeData<T extends NodeType>(
  graph: FlowGraph,
  nodeId: string,
  type: T,
  patch: Partial<NodeOf<T>["data"]>,
): FlowGraph {
  let changed = false;
  const nodes = graph.nodes.map((node) => {
    if (node.id !== nodeId || node.type !== type) return node;
    const data: Record<string, unknown> = { ...node.data };
    for (const [key, value] of Object.entries(patch)) {
      if (value === undefined) delete data[key];
      else data[key] = value;
    }
    changed = true;
    return { ...node, data } as FlowNode;
  });
  return changed ? { ...graph, nodes } : graph;
}

/** Where a node added from the palette goes: beside the selected node, else the given point. */
export function placementFor(
  graph: FlowGraph,
  selectedNodeId: string | null,
  fallback: { x: number; y: number },
): { x: number; y: number } {
  const selected = graph.nodes.find((n) => n.id === selectedNodeId);
  let position = selected ? { x: selected.position.x + 300, y: selected.position.y } : fallback;
  // Step down until the spot is free (a node is about 224 × 110), so clicks never stack nodes.
  while (
    graph.nodes.some(
      (n) => Math.abs(n.position.x - position.x) < 240 && Math.abs(n.position.y - position.y) < 130,
    )
  ) {
    position = { x: position.x, y: position.y + 130 };
  }
  return position;
}
