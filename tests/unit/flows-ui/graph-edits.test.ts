import {
  addNode,
  placementFor,
  uniqueNodeId,
  uniqueVariable,
  updateNodeData,
} from "@/components/flows/designer/graph-edits";
import { sameGraph } from "@/components/flows/designer/same-graph";
import { missingLanguages } from "@/components/flows/inspector/inspector";
import { PALETTE_TYPES } from "@/components/flows/node-meta";
import { FlowGraphSchema, type FlowGraph } from "@/lib/flows/graph";
import { buildFlowTemplate } from "@/lib/flows/templates";
import { describe, expect, it } from "vitest";

const order = () => buildFlowTemplate("order_and_pay", { currency: "EUR" });

describe("graph edits", () => {
  it.each(PALETTE_TYPES)("adds a %s node the schema accepts, so autosave can send it", (type) => {
    const graph = order();
    const { graph: next, nodeId } = addNode(graph, type, { x: 10.6, y: -3.2 });
    expect(FlowGraphSchema.safeParse(next).success).toBe(true);
    expect(next.nodes).toHaveLength(graph.nodes.length + 1);
    expect(next.nodes.at(-1)).toMatchObject({ id: nodeId, type, position: { x: 11, y: -3 } });
    expect(graph.nodes).toHaveLength(order().nodes.length);
  });

  it("numbers new node ids and question variables past the ones in use", () => {
    let graph = order();
    expect(uniqueNodeId(graph, "message")).toBe("message_1");
    graph = addNode(graph, "message", { x: 0, y: 0 }).graph;
    expect(uniqueNodeId(graph, "message")).toBe("message_2");
    graph = addNode(graph, "ask", { x: 0, y: 0 }).graph;
    expect(graph.nodes.at(-1)).toMatchObject({ data: { variable: "answer" } });
    graph = addNode(graph, "ask", { x: 0, y: 0 }).graph;
    expect(graph.nodes.at(-1)).toMatchObject({ data: { variable: "answer_2" } });
    expect(uniqueVariable(graph, "total")).toBe("total_2");
  });

  it("patches one node's data and drops fields set to undefined", () => {
    const graph = order();
    const next = updateNodeData(graph, "pay", "pay", {
      connectionId: "con_1",
      expiresInMinutes: 30,
    });
    expect(next.nodes.find((n) => n.id === "pay")).toMatchObject({
      data: { connectionId: "con_1", expiresInMinutes: 30, amountFrom: "cart" },
    });
    const cleared = updateNodeData(next, "pay", "pay", { connectionId: undefined });
    expect("connectionId" in cleared.nodes.find((n) => n.id === "pay")!.data).toBe(false);
    expect(updateNodeData(graph, "pay", "message", { text: {} })).toBe(graph);
    expect(updateNodeData(graph, "ghost", "pay", { expiresInMinutes: 5 })).toBe(graph);
  });

  it("places a new node beside the selected one, stepping down past occupied spots", () => {
    const graph = order();
    const summary = graph.nodes.find((n) => n.id === "confirm")!;
    const spot = placementFor(graph, "confirm", { x: 0, y: 0 });
    expect(spot.x).toBe(summary.position.x + 300);
    const crowded: FlowGraph = addNode(graph, "message", spot).graph;
    const next = placementFor(crowded, "confirm", { x: 0, y: 0 });
    expect(next).toEqual({ x: spot.x, y: spot.y + 130 });
    const free = placementFor(graph, null, { x: 5000, y: 5000 });
    expect(free).toEqual({ x: 5000, y: 5000 });
  });
});

describe("designer helpers", () => {
  it("lists the languages a node is missing text in, ignoring optional texts left empty", () => {
    const graph = addNode(order(), "message", { x: 0, y: 0 }).graph;
    const added = graph.nodes.at(-1)!;
    expect([...missingLanguages(added, graph.languages)].sort()).toEqual(
      [...graph.languages].sort(),
    );
    const filled = updateNodeData(graph, added.id, "message", { text: { en: "Hi", fr: "Salut" } });
    expect([...missingLanguages(filled.nodes.at(-1)!, ["en", "fr", "zh"])]).toEqual(["zh"]);
    const end = updateNodeData(graph, "end", "end", { text: undefined });
    expect(
      missingLanguages(
        end.nodes.find((n) => n.id === "end")!,
        graph.languages,
      ).size,
    ).toBe(0);
  });

  it("compares graphs regardless of key order (jsonb reorders keys)", () => {
    const graph = order();
    const reverseKeys = <T extends object>(o: T): T =>
      Object.fromEntries(Object.entries(o).reverse()) as T;
    const shuffled: FlowGraph = {
      ...reverseKeys(graph),
      nodes: graph.nodes.map((n) => ({ ...reverseKeys(n), data: reverseKeys(n.data) }) as typeof n),
    };
    expect(JSON.stringify(shuffled)).not.toBe(JSON.stringify(graph));
    expect(sameGraph(graph, shuffled)).toBe(true);
    expect(sameGraph(graph, updateNodeData(graph, "pay", "pay", { expiresInMinutes: 61 }))).toBe(
      false,
    );
    expect(sameGraph(graph, null)).toBe(false);
  });
});
