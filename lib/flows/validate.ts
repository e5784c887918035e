// Everything that would make a published flow misbehave, found before publishing. Errors
// block publishing; warnings are shown on the canvas. Messages name the node by id and type.
import type { PaymentMethod } from "@/lib/connections/providers/types";
import { isCurrency } from "@/lib/money";
import {
  describeNode,
  edgeHandle,
  type FlowGraph,
  FlowGraphSchema,
  type FlowNode,
  isBuiltinVariable,
  NODE_OUTPUTS,
  nodeOutputs,
  TERMINAL_NODE_TYPES,
  WAITING_NODE_TYPES,
} from "./graph";
import { hasTranslation } from "./i18n";
import { textFields, variablesSet, variablesUsed } from "./runtime/graph-facts";
import { type GraphIndex, indexGraph, reachableFrom } from "./runtime/graph-index";

export interface FlowIssue {
  nodeId?: string;
  edgeId?: string;
  code: string;
  severity: "error" | "warning";
  message: string;
}

export interface ValidationContext {
  /** Methods that enabled connections support. */
  enabledMethods: PaymentMethod[];
  connections: { id: string; enabled: boolean; methods: PaymentMethod[]; currencies: string[] }[];
}

export function canPublish(issues: readonly FlowIssue[]): boolean {
  return !issues.some((issue) => issue.severity === "error");
}

type Report = (issue: FlowIssue) => void;
const error = (code: string, message: string, at: Partial<FlowIssue> = {}): FlowIssue => ({
  ...at,
  code,
  severity: "error",
  message,
});

/** Accepts stored JSON as it is: schema problems come back as issues, never as a throw. */
export function validateFlow(graph: unknown, ctx: ValidationContext): FlowIssue[] {
  const parsed = FlowGraphSchema.safeParse(graph);
  if (!parsed.success) return schemaIssues(graph, parsed.error.issues);
  const flow = parsed.data;
  const issues: FlowIssue[] = [];
  const report: Report = (issue) => issues.push(issue);
  const index = indexGraph(flow);

  checkGraphSettings(flow, report);
  checkIdsAndEdges(flow, index, report);
  const reachable = reachableFrom(index, index.startIds.slice(0, 1));
  for (const node of flow.nodes) {
    // A hand-off node is also reached when the customer asks for a person (runtime/agent.ts).
    if (index.startIds.length > 0 && !reachable.has(node.id) && node.type !== "handoff") {
      report({
        nodeId: node.id,
        code: "unreachable_node",
        severity: "warning",
        message: `Node ${describeNode(node)} can never be reached from the start.`,
      });
    }
    checkOutputs(node, index, report);
    checkNodeData(node, flow, ctx, report);
    checkTranslations(node, flow, report);
  }
  checkConfirmationBeforePay(flow, index, report);
  checkPathsToEnd(flow, index, reachable, report);
  checkLoopsWithoutInput(flow, index, report);
  checkVariables(flow, index, reachable, report);
  return issues;
}

function schemaIssues(
  graph: unknown,
  zodIssues: { path: PropertyKey[]; message: string }[],
): FlowIssue[] {
  const nodes = (graph as { nodes?: unknown })?.nodes;
  return zodIssues.map((issue) => {
    const at: Partial<FlowIssue> = {};
    if (issue.path[0] === "nodes" && typeof issue.path[1] === "number" && Array.isArray(nodes)) {
      const id = (nodes[issue.path[1]] as { id?: unknown })?.id;
      if (typeof id === "string") at.nodeId = id;
    }
    const where = issue.path.map(String).join(".") || "flow";
    return error(
      "invalid_schema",
      `${at.nodeId ? `Node "${at.nodeId}": ` : ""}${where}: ${issue.message}`,
      at,
    );
  });
}

function checkGraphSettings(flow: FlowGraph, report: Report): void {
  if (!flow.languages.includes(flow.defaultLanguage)) {
    report(
      error(
        "default_language_not_listed",
        `The default language "${flow.defaultLanguage}" is not one of the flow's languages.`,
      ),
    );
  }
  if (!isCurrency(flow.currency))
    report(error("currency_unsupported", `Parley does not support the currency ${flow.currency}.`));
}

function checkIdsAndEdges(flow: FlowGraph, index: GraphIndex, report: Report): void {
  const seenNodes = new Set<string>();
  for (const node of flow.nodes) {
    if (seenNodes.has(node.id))
      report(
        error("duplicate_node_id", `Two nodes share the id "${node.id}".`, { nodeId: node.id }),
      );
    seenNodes.add(node.id);
  }
  if (index.startIds.length === 0) report(error("start_missing", "The flow needs a start node."));
  for (const extra of index.startIds.slice(1)) {
    report(
      error("start_multiple", `The flow has more than one start node; remove "${extra}".`, {
        nodeId: extra,
      }),
    );
  }
  const seenEdges = new Set<string>();
  const seenOutputs = new Set<string>();
  for (const edge of flow.edges) {
    const at = { edgeId: edge.id, nodeId: edge.source };
    if (seenEdges.has(edge.id))
      report(error("duplicate_edge_id", `Two connections share the id "${edge.id}".`, at));
    seenEdges.add(edge.id);
    const source = index.nodes.get(edge.source);
    if (!source) {
      report(
        error(
          "edge_unknown_source",
          `Connection "${edge.id}" starts from a node that doesn't exist ("${edge.source}").`,
          { edgeId: edge.id },
        ),
      );
      continue;
    }
    if (!index.nodes.has(edge.target)) {
      report(
        error(
          "edge_unknown_target",
          `Connection "${edge.id}" from ${describeNode(source)} points to a node that doesn't exist ("${edge.target}").`,
          at,
        ),
      );
    }
    const handle = edgeHandle(edge);
    if (!nodeOutputs(source.type).includes(handle)) {
      report(
        error(
          "edge_unknown_handle",
          `Node ${describeNode(source)} has no output "${handle}" (it has: ${nodeOutputs(source.type).join(", ") || "none"}).`,
          at,
        ),
      );
    }
    const key = `${edge.source}\u0000${handle}`;
    if (seenOutputs.has(key)) {
      report(
        error(
          "duplicate_output",
          `Output "${handle}" of node ${describeNode(source)} is connected twice; keep one connection.`,
          at,
        ),
      );
    }
    seenOutputs.add(key);
  }
}

function checkOutputs(node: FlowNode, index: GraphIndex, report: Report): void {
  for (const handle of NODE_OUTPUTS[node.type].required) {
    if (!index.outputs.get(node.id)?.has(handle)) {
      report(
        error(
          "dead_end",
          `Output "${handle}" of node ${describeNode(node)} is not connected; the conversation would stop there. Connect it (to an end or handoff node if nothing else).`,
          { nodeId: node.id },
        ),
      );
    }
  }
}

function connectionsFor(flow: FlowGraph, ctx: ValidationContext) {
  return ctx.connections.filter(
    (c) => c.enabled && c.currencies.map((x) => x.toUpperCase()).includes(flow.currency),
  );
}

function checkNodeData(
  node: FlowNode,
  flow: FlowGraph,
  ctx: ValidationContext,
  report: Report,
): void {
  const at = { nodeId: node.id };
  const name = describeNode(node);
  switch (node.type) {
    case "ask": {
      const { kind, choices, min, max, variable } = node.data;
      if (isBuiltinVariable(variable))
        report(
          error(
            "variable_reserved",
            `Node ${name} stores its answer in "${variable}", a name Parley sets itself; choose another.`,
            at,
          ),
        );
      if (kind === "choice" && (choices?.length ?? 0) === 0)
        report(
          error("ask_choices_missing", `Node ${name} asks for a choice but offers no options.`, at),
        );
      if (min !== undefined && max !== undefined && min > max)
        report(error("ask_range_invalid", `Node ${name} has a minimum above its maximum.`, at));
      break;
    }
    case "product_choice": {
      if (node.data.products.length === 0)
        report(error("products_missing", `Node ${name} has no products to choose from.`, at));
      const skus = node.data.products.map((p) => p.sku);
      if (new Set(skus).size !== skus.length)
        report(error("product_duplicate_sku", `Node ${name} lists the same SKU twice.`, at));
      break;
    }
    case "choose_method": {
      const supported = new Set<PaymentMethod>(ctx.enabledMethods);
      for (const method of node.data.methods ?? []) {
        if (!supported.has(method))
          report(
            error(
              "method_unsupported",
              `Node ${name} offers ${method}, which no enabled connection supports.`,
              at,
            ),
          );
      }
      const offered = (node.data.methods ?? [...supported]).filter((m) => supported.has(m));
      if (offered.length === 0)
        report(
          error(
            "no_payment_methods",
            `Node ${name} has no payment method to offer: enable a connection first.`,
            at,
          ),
        );
      break;
    }
    case "pay":
      checkPayNode(node, flow, ctx, report);
      break;
    case "confirm":
      if (node.data.amountFrom === "variable" && !node.data.amountVariable)
        report(
          error(
            "confirm_amount_variable_missing",
            `Node ${name} confirms an amount from a variable but doesn't say which.`,
            at,
          ),
        );
      break;
  }
}

/**
 * Every way to a pay node should pass a confirm node showing the same amount: a live flow
 * never charges an amount the customer did not confirm (the pay node hands off instead), and
 * in test mode the designer warns before merchants find out from a customer.
 */
export function checkConfirmationBeforePay(
  flow: FlowGraph,
  index: GraphIndex,
  report: Report,
): void {
  const unconfirmed = new Set<string>();
  const queue = index.startIds.slice(0, 1);
  while (queue.length > 0) {
    const id = queue.shift()!;
    const node = index.nodes.get(id);
    if (!node || unconfirmed.has(id) || node.type === "confirm") continue;
    unconfirmed.add(id);
    for (const target of index.outputs.get(id)?.values() ?? []) queue.push(target);
  }
  for (const node of flow.nodes) {
    if (node.type !== "pay") continue;
    const at = { nodeId: node.id };
    if (unconfirmed.has(node.id)) {
      report({
        ...at,
        code: "pay_without_confirmation",
        severity: "warning",
        message: `Node ${describeNode(node)} can be reached without a Confirm order step in front of it: customers should see and confirm what they pay. In live mode such a payment is refused and handed to your team.`,
      });
      continue;
    }
    const sameAmount = flow.nodes.some(
      (n) =>
        n.type === "confirm" &&
        n.data.amountFrom === node.data.amountFrom &&
        (n.data.amountFrom === "cart" || n.data.amountVariable === node.data.amountVariable),
    );
    if (!sameAmount)
      report({
        ...at,
        code: "confirm_amount_differs",
        severity: "warning",
        message: `Node ${describeNode(node)} charges a different amount than the Confirm order step before it shows; the customer would be asked to confirm again.`,
      });
  }
}

function checkPayNode(
  node: Extract<FlowNode, { type: "pay" }>,
  flow: FlowGraph,
  ctx: ValidationContext,
  report: Report,
): void {
  const at = { nodeId: node.id };
  const name = describeNode(node);
  const { connectionId, amountFrom, amountVariable } = node.data;
  if (connectionId) {
    const connection = ctx.connections.find((c) => c.id === connectionId);
    if (!connection)
      report(
        error(
          "pay_connection_missing",
          `Node ${name} uses connection "${connectionId}", which doesn't exist.`,
          at,
        ),
      );
    else if (!connection.enabled)
      report(
        error(
          "pay_connection_disabled",
          `Node ${name} uses connection "${connectionId}", which is disabled.`,
          at,
        ),
      );
    else if (!connection.currencies.map((c) => c.toUpperCase()).includes(flow.currency)) {
      report(
        error(
          "pay_currency_unsupported",
          `Node ${name} charges in ${flow.currency}, which connection "${connectionId}" doesn't accept.`,
          at,
        ),
      );
    }
  } else if (connectionsFor(flow, ctx).length === 0) {
    report(
      error(
        "pay_no_connection",
        `Node ${name} needs an enabled connection that accepts ${flow.currency}.`,
        at,
      ),
    );
  }
  if (amountFrom === "variable" && !amountVariable) {
    report(
      error(
        "pay_amount_variable_missing",
        `Node ${name} takes its amount from a variable but doesn't say which.`,
        at,
      ),
    );
  }
  if (amountFrom === "variable" && amountVariable) {
    const fromAsk = flow.nodes.some(
      (n) => n.type === "ask" && n.data.kind === "amount" && n.data.variable === amountVariable,
    );
    const fromHost = flow.inputs.some(
      (input) => input.kind === "amount" && input.name === amountVariable,
    );
    if (!fromAsk && !fromHost) {
      report(
        error(
          "pay_amount_not_validated",
          `Node ${name} charges "${amountVariable}", which no amount question sets; only validated amounts can be charged.`,
          at,
        ),
      );
    }
  }
}

function checkTranslations(node: FlowNode, flow: FlowGraph, report: Report): void {
  for (const { field, text, optional } of textFields(node)) {
    const filled = flow.languages.filter((lang) => hasTranslation(text, lang));
    if (optional && filled.length === 0) continue;
    for (const lang of flow.languages) {
      if (!filled.includes(lang)) {
        report(
          error(
            "translation_missing",
            `Node ${describeNode(node)} has no ${lang} text for "${field}".`,
            { nodeId: node.id },
          ),
        );
      }
    }
  }
}

/** Nodes stuck in a cycle with no way out to an end or handoff (dead ends are reported apart). */
function checkPathsToEnd(
  flow: FlowGraph,
  index: GraphIndex,
  reachable: Set<string>,
  report: Report,
): void {
  const reaches = new Set<string>();
  const queue: string[] = [];
  for (const node of flow.nodes) {
    const open = NODE_OUTPUTS[node.type].required.some((h) => !index.outputs.get(node.id)?.has(h));
    if (TERMINAL_NODE_TYPES.includes(node.type) || open) queue.push(node.id);
  }
  while (queue.length > 0) {
    const id = queue.pop()!;
    if (reaches.has(id)) continue;
    reaches.add(id);
    for (const pred of index.predecessors.get(id) ?? []) queue.push(pred);
  }
  for (const node of flow.nodes) {
    if (reachable.has(node.id) && !reaches.has(node.id)) {
      report(
        error(
          "no_path_to_end",
          `From node ${describeNode(node)} the conversation can never reach an end or handoff node.`,
          { nodeId: node.id },
        ),
      );
    }
  }
}

/** A cycle through nodes that never wait would spin until the runtime's loop guard trips. */
function checkLoopsWithoutInput(flow: FlowGraph, index: GraphIndex, report: Report): void {
  const passive = new Set(
    flow.nodes.filter((n) => !WAITING_NODE_TYPES.includes(n.type)).map((n) => n.id),
  );
  const state = new Map<string, "visiting" | "done">();
  const reported = new Set<string>();
  const visit = (id: string): void => {
    state.set(id, "visiting");
    for (const next of index.outputs.get(id)?.values() ?? []) {
      if (!passive.has(next)) continue;
      if (state.get(next) === "visiting" && !reported.has(next)) {
        reported.add(next);
        const node = index.nodes.get(next)!;
        report(
          error(
            "loop_without_input",
            `Node ${describeNode(node)} is in a loop that never waits for the customer or a payment.`,
            { nodeId: next },
          ),
        );
      } else if (!state.has(next)) {
        visit(next);
      }
    }
    state.set(id, "done");
  };
  for (const id of passive) if (!state.has(id)) visit(id);
}

/** Forward "certainly set" analysis: a variable used where some path reaches without setting it. */
function checkVariables(
  flow: FlowGraph,
  index: GraphIndex,
  reachable: Set<string>,
  report: Report,
): void {
  const startId = index.startIds[0];
  if (!startId) return;
  const setOnEntry = new Map<string, Set<string> | "all">();
  for (const id of reachable) setOnEntry.set(id, "all");
  setOnEntry.set(startId, new Set(flow.inputs.map((input) => input.name)));
  const order = [...reachable];
  for (let changed = true, rounds = 0; changed && rounds < 10 * order.length + 10; rounds++) {
    changed = false;
    for (const id of order) {
      if (id === startId) continue;
      let meet: Set<string> | "all" = "all";
      for (const edge of flow.edges) {
        if (edge.target !== id || !reachable.has(edge.source)) continue;
        const before = setOnEntry.get(edge.source)!;
        if (before === "all") continue;
        const out = new Set<string>(before);
        for (const name of variablesSet(index.nodes.get(edge.source)!, edgeHandle(edge)))
          out.add(name);
        meet = meet === "all" ? out : new Set([...meet].filter((name: string) => out.has(name)));
      }
      const previous = setOnEntry.get(id)!;
      if (meet !== "all" && (previous === "all" || previous.size !== meet.size)) {
        setOnEntry.set(id, meet);
        changed = true;
      }
    }
  }
  for (const id of order) {
    const node = index.nodes.get(id)!;
    const known = setOnEntry.get(id)!;
    if (known === "all") continue;
    for (const use of variablesUsed(node)) {
      if (known.has(use.name)) continue;
      if (use.via === "payment") {
        report(
          error(
            "payment_before_pay",
            `Node ${describeNode(node)} can be reached before any pay node has created a payment.`,
            { nodeId: id },
          ),
        );
      } else {
        report(
          error(
            "variable_before_set",
            `Node ${describeNode(node)} uses "${use.name}" (${use.via}), which is not set on every path leading here.`,
            { nodeId: id },
          ),
        );
      }
    }
  }
}
