import {
  edgeHandle,
  FlowGraphSchema,
  NODE_OUTPUTS,
  NODE_TYPES,
  parseFlowGraph,
} from "@/lib/flows/graph";
import { describe, expect, it } from "vitest";
import { rawFlow } from "./helpers";

describe("flow graph schema", () => {
  it("knows all thirteen node types, each with its outputs", () => {
    expect(NODE_TYPES.sort()).toEqual(
      [
        "ask",
        "choose_method",
        "condition",
        "confirm",
        "end",
        "handoff",
        "message",
        "pay",
        "product_choice",
        "receipt",
        "reminder",
        "start",
        "wait_payment",
      ].sort(),
    );
    expect(NODE_OUTPUTS.wait_payment.required).toEqual(["succeeded"]);
    expect(NODE_OUTPUTS.reminder.required).toEqual(["paid", "unpaid"]);
    expect(NODE_OUTPUTS.end.required).toEqual([]);
  });

  it("parses a React Flow document and drops the editor's own keys", () => {
    const json = rawFlow(
      [
        ["start", "start"],
        ["end", "end"],
      ],
      [["start", "next", "end"]],
    );
    (json.nodes[0] as Record<string, unknown>).selected = true;
    (json.nodes[0] as Record<string, unknown>).measured = { width: 100, height: 40 };
    const graph = parseFlowGraph(json);
    expect(graph.nodes[0]).toEqual({
      id: "start",
      type: "start",
      position: { x: 0, y: 0 },
      data: {},
    });
    expect(graph.inputs).toEqual([]);
  });

  it("reads a null sourceHandle as the node's single 'next' output", () => {
    const graph = parseFlowGraph({
      ...rawFlow(
        [
          ["start", "start"],
          ["end", "end"],
        ],
        [],
      ),
      edges: [{ id: "e", source: "start", sourceHandle: null, target: "end" }],
    });
    expect(edgeHandle(graph.edges[0])).toBe("next");
  });

  it("rejects unknown node types, bad variable names, float prices and unknown languages", () => {
    expect(FlowGraphSchema.safeParse(rawFlow([["x", "teleport"]], [])).success).toBe(false);
    expect(
      FlowGraphSchema.safeParse(
        rawFlow([["a", "ask", { variable: "1bad", kind: "text", prompt: {}, retry: {} }]], []),
      ).success,
    ).toBe(false);
    expect(
      FlowGraphSchema.safeParse(
        rawFlow(
          [
            [
              "p",
              "product_choice",
              {
                prompt: {},
                allowMultiple: false,
                products: [{ sku: "A", name: {}, priceMinor: 12.5 }],
              },
            ],
          ],
          [],
        ),
      ).success,
    ).toBe(false);
    expect(FlowGraphSchema.safeParse(rawFlow([], [], { languages: ["de" as never] })).success).toBe(
      false,
    );
    expect(FlowGraphSchema.safeParse(rawFlow([], [], { currency: "euro" })).success).toBe(false);
  });

  it("rejects a payment method that does not exist", () => {
    const result = FlowGraphSchema.safeParse(
      rawFlow([["c", "choose_method", { methods: ["cash"] }]], []),
    );
    expect(result.success).toBe(false);
  });
});
