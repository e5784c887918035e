// Small builders shared by the flow tests: graphs from tuples, and a conversation driver
// that feeds inputs to the runtime one at a time, as the host would.
import { PAYMENT_METHODS, type PaymentMethod } from "@/lib/connections/providers/types";
import { type FlowGraph, type FlowGraphInput, FlowGraphSchema, type Lang } from "@/lib/flows/graph";
import {
  type ConversationState,
  createInitialState,
  type RuntimeContext,
  step,
  type StepResult,
} from "@/lib/flows/runtime";

export const T0 = Date.parse("2025-03-01T09:00:00.000Z");

export function ctx(overrides: Partial<RuntimeContext> = {}): RuntimeContext {
  return {
    now: new Date(T0).toISOString(),
    availableMethods: ["card", "paypal"],
    channelCapabilities: { buttons: true, wallets: true, richCards: true },
    // Flows without a confirm node only charge in test mode (live needs the customer's
    // confirmation); confirmation.test.ts drives the live rules.
    testMode: true,
    ...overrides,
  };
}

export const ALL_METHODS: PaymentMethod[] = [...PAYMENT_METHODS];
export const SANDBOX = {
  enabledMethods: ALL_METHODS,
  connections: [
    {
      id: "conn_sandbox",
      enabled: true,
      methods: ALL_METHODS,
      currencies: ["EUR", "USD", "IDR", "JPY"],
    },
  ],
};

type NodeTuple = [id: string, type: string, data?: Record<string, unknown>];
type EdgeTuple = [source: string, handle: string, target: string];

export function en(text: string): Record<Lang, string> {
  return { en: text } as Record<Lang, string>;
}

export function rawFlow(
  nodes: NodeTuple[],
  edges: EdgeTuple[],
  extra: Partial<FlowGraphInput> = {},
): FlowGraphInput {
  return {
    defaultLanguage: "en",
    languages: ["en"],
    currency: "EUR",
    nodes: nodes.map(([id, type, data], i) => ({
      id,
      type,
      position: { x: 0, y: i * 100 },
      data: data ?? {},
    })) as FlowGraphInput["nodes"],
    edges: edges.map(([source, handle, target], i) => ({
      id: `e${i}`,
      source,
      sourceHandle: handle,
      target,
    })),
    ...extra,
  };
}

export function flow(
  nodes: NodeTuple[],
  edges: EdgeTuple[],
  extra: Partial<FlowGraphInput> = {},
): FlowGraph {
  return FlowGraphSchema.parse(rawFlow(nodes, edges, extra));
}

/** Nodes for a typical ask → choose → pay → wait → receipt → end flow, with overrides. */
export const nodes = {
  start: (): NodeTuple => ["start", "start"],
  message: (id: string, text: string): NodeTuple => [id, "message", { text: en(text) }],
  ask: (
    id: string,
    variable: string,
    kind: string,
    extra: Record<string, unknown> = {},
  ): NodeTuple => [
    id,
    "ask",
    { variable, kind, prompt: en(`Give ${variable}`), retry: {}, ...extra },
  ],
  choose: (id = "choose", extra: Record<string, unknown> = {}): NodeTuple => [
    id,
    "choose_method",
    { ...extra },
  ],
  pay: (id = "pay", extra: Record<string, unknown> = {}): NodeTuple => [
    id,
    "pay",
    {
      amountFrom: "variable",
      amountVariable: "amount",
      description: en("Invoice"),
      expiresInMinutes: 60,
      ...extra,
    },
  ],
  wait: (id = "wait", timeoutMinutes = 30): NodeTuple => [id, "wait_payment", { timeoutMinutes }],
  receipt: (id = "receipt"): NodeTuple => [
    id,
    "receipt",
    { text: en("Paid {{total}}, ref {{reference}}") },
  ],
  end: (id = "end", text = "Bye"): NodeTuple => [id, "end", { text: en(text) }],
  handoff: (id = "human"): NodeTuple => [id, "handoff", { text: en("A human will help") }],
};

export class Conversation {
  state: ConversationState;
  now = T0;
  last!: StepResult;
  readonly history: StepResult[] = [];

  constructor(
    readonly graph: FlowGraph,
    readonly context: Partial<RuntimeContext> = {},
    key = "conv_test",
  ) {
    this.state = createInitialState(graph, key);
  }

  send(input: unknown): StepResult {
    const result = step(
      this.graph,
      this.state,
      input,
      ctx({ ...this.context, now: new Date(this.now).toISOString() }),
    );
    this.state = result.state;
    this.last = result;
    this.history.push(result);
    return result;
  }

  start(lang?: Lang, variables?: Record<string, string | number>): StepResult {
    return this.send({
      kind: "start",
      ...(lang ? { lang } : {}),
      ...(variables ? { variables } : {}),
    });
  }

  say(text: string): StepResult {
    return this.send({ kind: "message", text, messageId: `m${this.history.length}` });
  }

  advance(minutes: number): this {
    this.now += minutes * 60_000;
    return this;
  }

  /** The create_checkout of the last step (fails the test if there is none). */
  checkout() {
    const action = this.last.actions.find((a) => a.type === "create_checkout");
    if (!action || action.type !== "create_checkout")
      throw new Error("no create_checkout in the last step");
    return action;
  }

  checkoutCreated(paymentId = "pay_1", url = "https://pay.test/c/1"): StepResult {
    const checkout = this.checkout();
    return this.send({
      kind: "checkout_created",
      paymentId,
      url,
      amountMinor: checkout.amountMinor,
      currency: checkout.currency,
    });
  }

  payment(status: "succeeded" | "failed" | "expired" | "opened", paymentId = "pay_1"): StepResult {
    return this.send({ kind: "payment_event", status, paymentId });
  }

  fireTimer(): StepResult {
    const timer = this.state.timer;
    if (!timer) throw new Error("no timer is running");
    return this.send({ kind: "timer", timerId: timer.timerId, fired: timer.kind });
  }

  texts(result: StepResult = this.last): string[] {
    return result.outbound.map((message) => message.text);
  }
}

/** start → ask amount → choose → pay → wait → receipt → end. */
export function invoiceFlow(extra: Partial<FlowGraphInput> = {}): FlowGraph {
  return flow(
    [
      nodes.start(),
      nodes.ask("ask_amount", "amount", "amount"),
      nodes.choose(),
      nodes.pay(),
      nodes.wait(),
      nodes.receipt(),
      nodes.end(),
    ],
    [
      ["start", "next", "ask_amount"],
      ["ask_amount", "next", "choose"],
      ["choose", "next", "pay"],
      ["pay", "next", "wait"],
      ["wait", "succeeded", "receipt"],
      ["receipt", "next", "end"],
    ],
    extra,
  );
}
