import type { FlowGraphInput } from "@/lib/flows/graph";
import { canPublish, type FlowIssue, validateFlow } from "@/lib/flows/validate";
import { describe, expect, it } from "vitest";
import { en, invoiceFlow, nodes, rawFlow, SANDBOX } from "./helpers";

/** The issues, less the missing-confirmation warning (its own tests are in confirmation.test.ts). */
function check(graph: unknown, ctx = SANDBOX): FlowIssue[] {
  return validateFlow(graph, ctx).filter((issue) => issue.code !== "pay_without_confirmation");
}
const codes = (issues: FlowIssue[]) => issues.map((issue) => issue.code);

/** The invoice flow as raw JSON, to break in one place per test. */
function invoiceJson(): FlowGraphInput {
  return JSON.parse(JSON.stringify(invoiceFlow())) as FlowGraphInput;
}
function nodeData(json: FlowGraphInput, id: string): Record<string, unknown> {
  return json.nodes.find((node) => node.id === id)!.data;
}

describe("validateFlow", () => {
  it("finds nothing wrong with a complete invoice flow", () => {
    const issues = check(invoiceFlow());
    expect(issues).toEqual([]);
    expect(canPublish(issues)).toBe(true);
  });

  it("reports schema problems as issues naming the node instead of throwing", () => {
    const json = invoiceJson();
    nodeData(json, "pay").expiresInMinutes = -5;
    const issues = check(json);
    expect(codes(issues)).toEqual(["invalid_schema"]);
    expect(issues[0].nodeId).toBe("pay");
    expect(check("not a graph").map((i) => i.code)).toContain("invalid_schema");
    expect(canPublish(issues)).toBe(false);
  });

  it("needs exactly one start node", () => {
    expect(codes(check(rawFlow([nodes.end()], [])))).toContain("start_missing");
    const two = check(
      rawFlow(
        [nodes.start(), ["start2", "start"], nodes.end()],
        [
          ["start", "next", "end"],
          ["start2", "next", "end"],
        ],
      ),
    );
    expect(two.find((i) => i.code === "start_multiple")?.nodeId).toBe("start2");
  });

  it("warns about unreachable nodes without blocking publication", () => {
    const json = invoiceJson();
    json.nodes.push({
      id: "orphan",
      type: "message",
      position: { x: 0, y: 0 },
      data: { text: en("Hi") },
    });
    json.edges.push({ id: "eo", source: "orphan", sourceHandle: "next", target: "end" });
    const issues = check(json);
    expect(issues).toEqual([
      expect.objectContaining({ code: "unreachable_node", severity: "warning", nodeId: "orphan" }),
    ]);
    expect(issues[0].message).toContain('"orphan" (message)');
    expect(canPublish(issues)).toBe(true);
  });

  it("flags a required output left unconnected as a dead end", () => {
    const json = invoiceJson();
    json.edges = json.edges.filter(
      (edge) => !(edge.source === "wait" && edge.sourceHandle === "succeeded"),
    );
    const issues = check(json);
    const deadEnd = issues.find((i) => i.code === "dead_end");
    expect(deadEnd?.nodeId).toBe("wait");
    expect(deadEnd?.message).toContain('"succeeded"');
    expect(deadEnd?.message).toContain('"wait" (wait_payment)');
  });

  it("flags a loop with no exit to an end or handoff", () => {
    const issues = check(
      rawFlow(
        [nodes.start(), nodes.ask("a", "x", "text"), nodes.message("m", "again")],
        [
          ["start", "next", "a"],
          ["a", "next", "m"],
          ["m", "next", "a"],
        ],
      ),
    );
    expect(codes(issues)).toContain("no_path_to_end");
    expect(codes(issues)).not.toContain("loop_without_input");
  });

  it("flags a loop that never waits for anyone", () => {
    const issues = check(
      rawFlow(
        [
          nodes.start(),
          nodes.message("m1", "a"),
          ["c", "condition", { variable: "x", operator: "set" }],
          nodes.end(),
        ],
        [
          ["start", "next", "m1"],
          ["m1", "next", "c"],
          ["c", "true", "end"],
          ["c", "false", "m1"],
        ],
      ),
    );
    expect(codes(issues)).toContain("loop_without_input");
  });

  it("flags edges to unknown nodes, unknown outputs and outputs connected twice", () => {
    const json = invoiceJson();
    json.edges.push({ id: "bad1", source: "pay", sourceHandle: "next", target: "end" });
    json.edges.push({ id: "bad2", source: "receipt", sourceHandle: "maybe", target: "end" });
    json.edges.push({ id: "bad3", source: "end", sourceHandle: "next", target: "nowhere" });
    json.edges.push({ id: "bad4", source: "ghost", sourceHandle: "next", target: "end" });
    json.edges.push({ id: "e0", source: "start", sourceHandle: "next", target: "ask_amount" });
    const byEdge = Object.fromEntries(
      check(json)
        .filter((i) => i.edgeId)
        .map((i) => [i.edgeId + ":" + i.code, i]),
    );
    expect(Object.keys(byEdge).sort()).toEqual(
      [
        "bad1:duplicate_output",
        "bad2:edge_unknown_handle",
        "bad3:edge_unknown_target",
        "bad3:edge_unknown_handle",
        "bad4:edge_unknown_source",
        "e0:duplicate_edge_id",
        "e0:duplicate_output",
      ].sort(),
    );
  });

  it("flags two nodes with the same id", () => {
    const json = invoiceJson();
    json.nodes.push({ id: "end", type: "end", position: { x: 0, y: 0 }, data: {} });
    expect(codes(check(json))).toContain("duplicate_node_id");
  });

  it("checks the pay node's connection", () => {
    const missing = invoiceJson();
    nodeData(missing, "pay").connectionId = "conn_gone";
    expect(codes(check(missing))).toEqual(["pay_connection_missing"]);

    const disabled = {
      ...SANDBOX,
      connections: [
        { ...SANDBOX.connections[0], id: "conn_off", enabled: false },
        SANDBOX.connections[0],
      ],
    };
    const usesDisabled = invoiceJson();
    nodeData(usesDisabled, "pay").connectionId = "conn_off";
    expect(codes(check(usesDisabled, disabled))).toEqual(["pay_connection_disabled"]);

    const gbp = invoiceJson();
    gbp.currency = "GBP";
    nodeData(gbp, "pay").connectionId = "conn_sandbox";
    expect(codes(check(gbp))).toEqual(["pay_currency_unsupported"]);

    const none = {
      enabledMethods: SANDBOX.enabledMethods,
      connections: [{ ...SANDBOX.connections[0], enabled: false }],
    };
    expect(codes(check(invoiceJson(), none))).toContain("pay_no_connection");
  });

  it("only charges validated amounts", () => {
    const noVariable = invoiceJson();
    delete nodeData(noVariable, "pay").amountVariable;
    expect(codes(check(noVariable))).toContain("pay_amount_variable_missing");

    const textAmount = invoiceJson();
    nodeData(textAmount, "ask_amount").kind = "text";
    expect(codes(check(textAmount))).toContain("pay_amount_not_validated");
  });

  it("checks the methods offered against enabled connections", () => {
    const json = invoiceJson();
    nodeData(json, "choose").methods = ["card", "alipay"];
    const ctx = {
      enabledMethods: ["card" as const],
      connections: [{ ...SANDBOX.connections[0], methods: ["card" as const] }],
    };
    const issues = check(json, ctx);
    expect(codes(issues)).toEqual(["method_unsupported"]);
    expect(issues[0].message).toContain("alipay");
    expect(
      codes(check(invoiceJson(), { enabledMethods: [], connections: SANDBOX.connections })),
    ).toContain("no_payment_methods");
  });

  it("requires every text in every language of the flow", () => {
    const json = invoiceJson();
    json.languages = ["en", "fr"];
    const issues = check(json).filter((i) => i.code === "translation_missing");
    // prompt of ask_amount, description of pay, receipt text, end text: all English-only.
    expect(issues.map((i) => i.nodeId).sort()).toEqual(["ask_amount", "end", "pay", "receipt"]);
    expect(issues.every((i) => i.severity === "error" && i.message.includes("fr"))).toBe(true);
  });

  it("lets optional texts stay empty but not half-translated", () => {
    const json = invoiceJson();
    json.languages = ["en", "fr"];
    for (const node of json.nodes) {
      for (const field of ["text", "prompt", "description"]) {
        const data = node.data as Record<string, Record<string, string>>;
        if (data[field]?.en) data[field].fr = `fr:${data[field].en}`;
      }
    }
    expect(check(json)).toEqual([]);
    nodeData(json, "ask_amount").retry = { en: "Again please" };
    expect(check(json).map((i) => [i.code, i.nodeId])).toEqual([
      ["translation_missing", "ask_amount"],
    ]);
  });

  it("flags a variable used before it is set on some path", () => {
    const issues = check(
      rawFlow(
        [
          nodes.start(),
          ["c", "condition", { variable: "vip", operator: "set" }],
          nodes.ask("name", "name", "text"),
          nodes.message("hello", "Hello {{name}}"),
          nodes.end(),
        ],
        [
          ["start", "next", "c"],
          ["c", "true", "name"],
          ["c", "false", "hello"],
          ["name", "next", "hello"],
          ["hello", "next", "end"],
        ],
      ),
    );
    expect(issues.map((i) => [i.code, i.nodeId])).toEqual([["variable_before_set", "hello"]]);
    expect(issues[0].message).toContain('"name"');
  });

  it("accepts a variable the 'set' branch of a condition guarantees, and host inputs", () => {
    const issues = check(
      rawFlow(
        [
          nodes.start(),
          ["c", "condition", { variable: "nick", operator: "set" }],
          nodes.message("hi", "Hi {{nick}}, {{due}}"),
          nodes.end(),
        ],
        [
          ["start", "next", "c"],
          ["c", "true", "hi"],
          ["c", "false", "end"],
          ["hi", "next", "end"],
        ],
        { inputs: [{ name: "due", kind: "text" }] },
      ),
    );
    expect(issues).toEqual([]);
  });

  it("flags a condition on a variable that is never set", () => {
    const issues = check(
      rawFlow(
        [
          nodes.start(),
          ["c", "condition", { variable: "age", operator: "gt", value: 18 }],
          nodes.end(),
        ],
        [
          ["start", "next", "c"],
          ["c", "true", "end"],
          ["c", "false", "end"],
        ],
      ),
    );
    expect(codes(issues)).toEqual(["variable_before_set"]);
  });

  it("flags paying a cart nobody filled, and payment nodes before any pay node", () => {
    const issues = check(
      rawFlow(
        [
          nodes.start(),
          nodes.pay("pay", { amountFrom: "cart", amountVariable: undefined }),
          nodes.wait(),
          nodes.end(),
        ],
        [
          ["start", "next", "pay"],
          ["pay", "next", "wait"],
          ["wait", "succeeded", "end"],
        ],
      ),
    );
    expect(issues.map((i) => [i.code, i.nodeId])).toEqual([["variable_before_set", "pay"]]);
    const early = check(
      rawFlow(
        [nodes.start(), nodes.wait(), nodes.end()],
        [
          ["start", "next", "wait"],
          ["wait", "succeeded", "end"],
        ],
      ),
    );
    expect(codes(early)).toEqual(["payment_before_pay"]);
  });

  it("checks node settings: reserved names, empty choices, inverted ranges, empty or duplicate catalogues", () => {
    const issues = check(
      rawFlow(
        [
          nodes.start(),
          nodes.ask("a1", "total", "text"),
          nodes.ask("a2", "pick", "choice"),
          nodes.ask("a3", "n", "number", { min: 10, max: 1 }),
          ["p1", "product_choice", { prompt: en("Pick"), allowMultiple: false, products: [] }],
          [
            "p2",
            "product_choice",
            {
              prompt: en("Pick"),
              allowMultiple: false,
              products: [
                { sku: "A", name: en("A"), priceMinor: 100 },
                { sku: "A", name: en("A again"), priceMinor: 200 },
              ],
            },
          ],
          nodes.end(),
        ],
        [
          ["start", "next", "a1"],
          ["a1", "next", "a2"],
          ["a2", "next", "a3"],
          ["a3", "next", "p1"],
          ["p1", "next", "p2"],
          ["p2", "next", "end"],
        ],
      ),
    );
    expect(issues.map((i) => [i.code, i.nodeId])).toEqual([
      ["variable_reserved", "a1"],
      ["ask_choices_missing", "a2"],
      ["ask_range_invalid", "a3"],
      ["products_missing", "p1"],
      ["product_duplicate_sku", "p2"],
    ]);
  });

  it("checks the flow's settings: default language listed, currency known", () => {
    const json = invoiceJson();
    json.defaultLanguage = "fr";
    expect(codes(check(json))).toContain("default_language_not_listed");
    const xyz = invoiceJson();
    xyz.currency = "XYZ";
    expect(codes(check(xyz))).toContain("currency_unsupported");
  });
});
