import {
  applyEdgeChanges,
  applyNodeChanges,
  connectOutput,
  disconnectOutput,
  fromCanvas,
  type Measured,
  removeNodes,
  targetOfOutput,
  toCanvasEdges,
  toCanvasNodes,
} from "@/lib/flows/canvas";
import { edgeHandle, type FlowGraph } from "@/lib/flows/graph";
import { buildFlowTemplate, TEMPLATE_IDS } from "@/lib/flows/templates";
import type { FlowIssue } from "@/lib/flows/validate";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const order = () => buildFlowTemplate("order_and_pay", { currency: "EUR" });
const noSizes = new Map<string, Measured>();

describe("graph ↔ canvas mapping", () => {
  it.each(TEMPLATE_IDS)("round-trips the %s template unchanged", (id) => {
    const graph = buildFlowTemplate(id);
    expect(fromCanvas(graph, toCanvasNodes(graph), toCanvasEdges(graph))).toEqual(graph);
  });

  it("round-trips any node positions React Flow reports", () => {
    const graph = order();
    const positions = fc.array(
      fc.record({
        x: fc.integer({ min: -5000, max: 5000 }),
        y: fc.integer({ min: -5000, max: 5000 }),
      }),
      {
        minLength: graph.nodes.length,
        maxLength: graph.nodes.length,
      },
    );
    fc.assert(
      fc.property(positions, (moved) => {
        const nodes = toCanvasNodes(graph).map((n, i) => ({ ...n, position: moved[i] }));
        const back = fromCanvas(graph, nodes, toCanvasEdges(graph));
        expect(back.nodes.map((n) => n.position)).toEqual(moved);
        expect(back.nodes.map((n) => n.data)).toEqual(graph.nodes.map((n) => n.data));
        expect(back.edges).toEqual(graph.edges);
      }),
    );
  });

  it("treats an edge without a handle as the node's single output", () => {
    const graph = buildFlowTemplate("blank");
    const plain: FlowGraph = {
      ...graph,
      edges: graph.edges.map((e) => ({ ...e, sourceHandle: null })),
    };
    const edges = toCanvasEdges(plain);
    expect(edges[0]).toMatchObject({
      source: "start",
      sourceHandle: "next",
      target: "end",
      label: undefined,
    });
    expect(fromCanvas(plain, toCanvasNodes(plain), edges).edges.map(edgeHandle)).toEqual(
      plain.edges.map(edgeHandle),
    );
  });

  it("labels non-default outputs on the canvas and marks which outputs are connected", () => {
    const graph = order();
    const edges = toCanvasEdges(graph);
    expect(
      edges.find((e) => e.source === "wait_payment" && e.sourceHandle === "expired")?.label,
    ).toBe("expired");
    const wait = toCanvasNodes(graph).find((n) => n.id === "wait_payment")!;
    expect(wait.data.outputs).toEqual([
      { handle: "succeeded", required: true, connected: true },
      { handle: "failed", required: false, connected: false },
      { handle: "expired", required: false, connected: true },
      { handle: "retry", required: false, connected: false },
      { handle: "other_method", required: false, connected: false },
    ]);
  });

  it("carries issue counts, selection, measured sizes and read-only onto nodes", () => {
    const graph = order();
    const issues: FlowIssue[] = [
      { nodeId: "pay", code: "a", severity: "error", message: "x" },
      { nodeId: "pay", code: "b", severity: "error", message: "y" },
      { nodeId: "pay", code: "c", severity: "warning", message: "z" },
      { code: "d", severity: "error", message: "flow-wide" },
    ];
    const measured = new Map([["pay", { width: 220, height: 90 }]]);
    const nodes = toCanvasNodes(graph, { issues, selectedNodeId: "pay", measured, readOnly: true });
    const pay = nodes.find((n) => n.id === "pay")!;
    expect(pay).toMatchObject({
      selected: true,
      measured: { width: 220, height: 90 },
      draggable: false,
      deletable: false,
    });
    expect(pay.data).toMatchObject({ errorCount: 2, warningCount: 1, readOnly: true });
    const start = toCanvasNodes(graph).find((n) => n.id === "start")!;
    expect(start).toMatchObject({
      deletable: false,
      selected: false,
      data: { hasInput: false, errorCount: 0 },
    });
    expect(start.measured).toBeUndefined();
  });

  it("lights up the nodes and the edges a simulated conversation went through", () => {
    const graph = order();
    const path = ["start", "catalogue", "confirm", "choose_method"];
    const nodes = toCanvasNodes(graph, { path });
    expect(nodes.filter((n) => n.data.onPath).map((n) => n.id)).toEqual(path);
    const edges = toCanvasEdges(graph, { path });
    expect(edges.filter((e) => e.animated).map((e) => `${e.source}>${e.target}`)).toEqual([
      "start>catalogue",
      "catalogue>confirm",
      "confirm>choose_method",
    ]);
    expect(toCanvasEdges(graph).some((e) => e.animated)).toBe(false);
  });
});

describe("canvas changes as graph edits", () => {
  it("moves a node, rounding to whole pixels, and reports the end of a drag", () => {
    const graph = order();
    const dragging = applyNodeChanges(
      graph,
      [{ id: "pay", type: "position", position: { x: 10.4, y: 20.6 }, dragging: true }],
      noSizes,
    );
    expect(dragging.graph.nodes.find((n) => n.id === "pay")!.position).toEqual({ x: 10, y: 21 });
    expect(dragging.dragEnded).toBe(false);
    expect(graph.nodes.find((n) => n.id === "pay")!.position).not.toEqual({ x: 10, y: 21 });
    const dropped = applyNodeChanges(
      dragging.graph,
      [{ id: "pay", type: "position", dragging: false }],
      noSizes,
    );
    expect(dropped.dragEnded).toBe(true);
    expect(dropped.graph).toBe(dragging.graph);
  });

  it("ignores moves and removals when read-only, but still tracks sizes and selection", () => {
    const graph = order();
    const effects = applyNodeChanges(
      graph,
      [
        { id: "pay", type: "position", position: { x: 1, y: 1 } },
        { id: "pay", type: "remove" },
        { id: "pay", type: "dimensions", dimensions: { width: 200, height: 80 } },
        { id: "pay", type: "select", selected: true },
      ],
      noSizes,
      true,
    );
    expect(effects.graph).toBe(graph);
    expect(effects.measured?.get("pay")).toEqual({ width: 200, height: 80 });
    expect(effects.selectedNodeId).toBe("pay");
  });

  it("returns no new size map when sizes did not change", () => {
    const sizes = new Map([["pay", { width: 200, height: 80 }]]);
    const effects = applyNodeChanges(
      order(),
      [{ id: "pay", type: "dimensions", dimensions: { width: 200, height: 80 } }],
      sizes,
    );
    expect(effects.measured).toBeNull();
  });

  it("reports deselection as null and removes nodes with their edges, never the start", () => {
    const graph = order();
    const effects = applyNodeChanges(
      graph,
      [
        { id: "pay", type: "select", selected: false },
        { id: "pay", type: "remove" },
        { id: "start", type: "remove" },
      ],
      noSizes,
    );
    expect(effects.selectedNodeId).toBeNull();
    expect(effects.graph.nodes.map((n) => n.id)).toEqual(
      graph.nodes.map((n) => n.id).filter((id) => id !== "pay"),
    );
    expect(effects.graph.edges.some((e) => e.source === "pay" || e.target === "pay")).toBe(false);
    expect(effects.graph.edges.length).toBe(graph.edges.length - 2);
    expect(removeNodes(graph, ["start"])).toBe(graph);
  });

  it("removes edges and tracks edge selection", () => {
    const graph = order();
    const target = graph.edges[0];
    const result = applyEdgeChanges(graph, [
      { id: target.id, type: "select", selected: true },
      { id: target.id, type: "remove" },
    ]);
    expect(result.selectedEdgeId).toBe(target.id);
    expect(result.graph.edges.map((e) => e.id)).not.toContain(target.id);
    expect(applyEdgeChanges(graph, [{ id: target.id, type: "remove" }], true).graph).toBe(graph);
  });

  it("connects an output to one target, replacing the previous wire", () => {
    const graph = order();
    const rewired = connectOutput(graph, "confirm", "next", "pay");
    expect(targetOfOutput(rewired, "confirm", "next")).toBe("pay");
    expect(rewired.edges.filter((e) => e.source === "confirm")).toHaveLength(1);
    expect(rewired.edges).toHaveLength(graph.edges.length);

    const failed = connectOutput(graph, "wait_payment", "failed", "end_expired");
    expect(targetOfOutput(failed, "wait_payment", "failed")).toBe("end_expired");
    expect(failed.edges).toHaveLength(graph.edges.length + 1);
    expect(new Set(failed.edges.map((e) => e.id)).size).toBe(failed.edges.length);
  });

  it("refuses wires the node cannot have and leaves the graph as it was", () => {
    const graph = order();
    expect(connectOutput(graph, "confirm", "true", "pay")).toBe(graph);
    expect(connectOutput(graph, "confirm", "next", "nowhere")).toBe(graph);
    expect(connectOutput(graph, "ghost", "next", "pay")).toBe(graph);
    expect(connectOutput(graph, "confirm", "next", "choose_method")).toBe(graph);
  });

  it("disconnects one output only", () => {
    const graph = order();
    const cut = disconnectOutput(graph, "wait_payment", "succeeded");
    expect(targetOfOutput(cut, "wait_payment", "succeeded")).toBeUndefined();
    expect(targetOfOutput(cut, "wait_payment", "expired")).toBe("end_expired");
    expect(cut.edges).toHaveLength(graph.edges.length - 1);
  });
});
