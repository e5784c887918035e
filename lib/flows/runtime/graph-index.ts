// Lookup tables over a graph, built once per graph object: the runtime takes thousands of
// steps on the same published version and must not rescan edges on each one.
import {
  edgeHandle,
  type FlowEdge,
  type FlowGraph,
  type FlowNode,
  type LocalizedText,
} from "../graph";

export interface GraphIndex {
  nodes: Map<string, FlowNode>;
  /** source id → output name → target id (the first edge wins if a handle has two). */
  outputs: Map<string, Map<string, string>>;
  /** target id → ids of nodes with an edge into it. */
  predecessors: Map<string, string[]>;
  startIds: string[];
  /** sku → product name, across every product_choice node (for cart summaries). */
  productNames: Map<string, LocalizedText>;
}

const cache = new WeakMap<FlowGraph, GraphIndex>();

export function indexGraph(graph: FlowGraph): GraphIndex {
  const cached = cache.get(graph);
  if (cached) return cached;
  const index = buildIndex(graph.nodes, graph.edges);
  cache.set(graph, index);
  return index;
}

function buildIndex(nodes: readonly FlowNode[], edges: readonly FlowEdge[]): GraphIndex {
  const byId = new Map<string, FlowNode>();
  const startIds: string[] = [];
  const productNames = new Map<string, LocalizedText>();
  for (const node of nodes) {
    if (!byId.has(node.id)) byId.set(node.id, node);
    if (node.type === "start") startIds.push(node.id);
    if (node.type === "product_choice") {
      for (const product of node.data.products) productNames.set(product.sku, product.name);
    }
  }
  const outputs = new Map<string, Map<string, string>>();
  const predecessors = new Map<string, string[]>();
  for (const edge of edges) {
    if (!byId.has(edge.source) || !byId.has(edge.target)) continue;
    let handles = outputs.get(edge.source);
    if (!handles) {
      handles = new Map();
      outputs.set(edge.source, handles);
    }
    const handle = edgeHandle(edge);
    if (!handles.has(handle)) handles.set(handle, edge.target);
    const preds = predecessors.get(edge.target) ?? [];
    preds.push(edge.source);
    predecessors.set(edge.target, preds);
  }
  return { nodes: byId, outputs, predecessors, startIds, productNames };
}

export function targetOf(index: GraphIndex, nodeId: string, handle: string): string | undefined {
  return index.outputs.get(nodeId)?.get(handle);
}

/** Node ids reachable from the start node(s), in breadth-first order. */
export function reachableFrom(index: GraphIndex, roots: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const queue = [...roots];
  while (queue.length > 0) {
    const id = queue.shift()!;
    if (seen.has(id) || !index.nodes.has(id)) continue;
    seen.add(id);
    for (const target of index.outputs.get(id)?.values() ?? []) queue.push(target);
  }
  return seen;
}
