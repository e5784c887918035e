// Property tests: random valid flows driven by random customers, providers and timers.
import { PAYMENT_METHODS, type PaymentMethod } from "@/lib/connections/providers/types";
import { type FlowGraph, type FlowGraphInput, FlowGraphSchema } from "@/lib/flows/graph";
import {
  type ConversationState,
  createInitialState,
  livePayment,
  type RuntimeContext,
  step,
  type StepResult,
} from "@/lib/flows/runtime";
import { canPublish, validateFlow } from "@/lib/flows/validate";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SANDBOX, T0 } from "./helpers";

type Segment =
  | { k: "message" }
  | {
      k: "ask";
      kind: "text" | "number" | "amount" | "email" | "phone" | "choice";
      bounds: [number, number] | null;
      invalidExit: boolean;
    }
  | { k: "condition"; op: "eq" | "neq" | "gt" | "lt" | "contains" | "set"; value: string | number }
  | { k: "products"; prices: { price: number; max?: number }[]; multiple: boolean }
  | {
      k: "payment";
      choose: boolean;
      methods: PaymentMethod[] | null;
      preferCart: boolean;
      reminder: { after: number; max: number } | null;
      failedExit: boolean;
      expiredExit: boolean;
      expires: number;
      timeout: number;
    };

const segmentArb: fc.Arbitrary<Segment> = fc.oneof(
  fc.constant<Segment>({ k: "message" }),
  fc.record({
    k: fc.constant("ask" as const),
    kind: fc.constantFrom("text", "number", "amount", "email", "phone", "choice"),
    bounds: fc.option(
      fc.tuple(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 500, max: 100_000 })),
      { nil: null },
    ),
    invalidExit: fc.boolean(),
  }),
  fc.record({
    k: fc.constant("condition" as const),
    op: fc.constantFrom("eq", "neq", "gt", "lt", "contains", "set"),
    value: fc.oneof(fc.constantFrom("1", "yes", "abc"), fc.integer({ min: 0, max: 5000 })),
  }),
  fc.record({
    k: fc.constant("products" as const),
    prices: fc.array(
      fc.record({
        price: fc.integer({ min: 1, max: 1_000_000 }),
        max: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
      }),
      { minLength: 1, maxLength: 4 },
    ),
    multiple: fc.boolean(),
  }),
  fc.record({
    k: fc.constant("payment" as const),
    choose: fc.boolean(),
    methods: fc.option(fc.subarray([...PAYMENT_METHODS], { minLength: 1 }), { nil: null }),
    preferCart: fc.boolean(),
    reminder: fc.option(
      fc.record({ after: fc.integer({ min: 1, max: 120 }), max: fc.integer({ min: 0, max: 3 }) }),
      { nil: null },
    ),
    failedExit: fc.boolean(),
    expiredExit: fc.boolean(),
    expires: fc.integer({ min: 5, max: 600 }),
    timeout: fc.integer({ min: 1, max: 600 }),
  }),
);

const text = (value: string) => ({ en: value, fr: `fr ${value}` });

/** Lays the segments out in a chain start → … → end; every path is valid by construction. */
function buildGraph(segments: Segment[]): FlowGraph {
  const nodes: FlowGraphInput["nodes"] = [];
  const edges: FlowGraphInput["edges"] = [];
  const add = (id: string, type: string, data: Record<string, unknown>) => {
    nodes.push({
      id,
      type,
      position: { x: 0, y: nodes.length * 100 },
      data,
    } as FlowGraphInput["nodes"][number]);
    return id;
  };
  const link = (source: string, handle: string, target: string) =>
    edges.push({ id: `e${edges.length}`, source, sourceHandle: handle, target });
  add("start", "start", {});
  add("human", "handoff", { text: text("human") });
  add("end", "end", { text: text("bye") });
  let open: [string, string][] = [["start", "next"]];
  const connect = (target: string) => {
    for (const [source, handle] of open) link(source, handle, target);
  };
  const vars: { name: string; kind: string }[] = [];
  let hasCart = false;
  segments.forEach((segment, i) => {
    const id = `n${i}`;
    switch (segment.k) {
      case "message": {
        const last = vars.at(-1);
        connect(add(id, "message", { text: text(last ? `got {{${last.name}}}` : "hello") }));
        open = [[id, "next"]];
        break;
      }
      case "ask": {
        const choices =
          segment.kind === "choice" || (segment.kind === "amount" && segment.invalidExit)
            ? ["5", "10", "yes"].map((value) => ({ value, label: text(value) }))
            : undefined;
        const bounds =
          segment.bounds && segment.kind !== "choice"
            ? { min: segment.bounds[0], max: segment.bounds[1] }
            : {};
        connect(
          add(id, "ask", {
            variable: `v${i}`,
            kind: segment.kind,
            prompt: text(`ask ${i}`),
            retry: {},
            ...(choices ? { choices } : {}),
            ...bounds,
          }),
        );
        if (segment.invalidExit) link(id, "invalid", "human");
        vars.push({ name: `v${i}`, kind: segment.kind });
        open = [[id, "next"]];
        break;
      }
      case "condition": {
        const variable = vars.length > 0 ? vars[i % vars.length].name : "never_set";
        const op = vars.length > 0 ? segment.op : "set";
        connect(add(id, "condition", { variable, operator: op, value: segment.value }));
        open = [
          [id, "true"],
          [id, "false"],
        ];
        break;
      }
      case "products": {
        const products = segment.prices.map((p, j) => ({
          sku: `${id}-${j}`,
          name: text(`item ${j}`),
          priceMinor: p.price,
          ...(p.max ? { maxQuantity: p.max } : {}),
        }));
        connect(
          add(id, "product_choice", {
            prompt: text("pick"),
            products,
            allowMultiple: segment.multiple,
            variable: "cart",
          }),
        );
        hasCart = true;
        open = [[id, "next"]];
        break;
      }
      case "payment": {
        const amountVar = vars.find((v) => v.kind === "amount");
        if (!hasCart && !amountVar) break;
        const fromCart = hasCart && (segment.preferCart || !amountVar);
        if (segment.choose) {
          connect(
            add(`${id}c`, "choose_method", {
              prompt: text("how?"),
              ...(segment.methods ? { methods: segment.methods } : {}),
            }),
          );
          open = [[`${id}c`, "next"]];
        }
        const pay = add(`${id}p`, "pay", {
          amountFrom: fromCart ? "cart" : "variable",
          ...(fromCart ? {} : { amountVariable: amountVar!.name }),
          description: text("order"),
          expiresInMinutes: segment.expires,
        });
        connect(pay);
        const wait = add(`${id}w`, "wait_payment", { timeoutMinutes: segment.timeout });
        const receipt = add(`${id}r`, "receipt", { text: text("paid {{total}} {{reference}}") });
        if (segment.reminder) {
          const reminder = add(`${id}m`, "reminder", {
            afterMinutes: segment.reminder.after,
            maxTimes: segment.reminder.max,
            text: text("pay {{payment_url}}"),
          });
          link(pay, "next", reminder);
          link(reminder, "paid", receipt);
          link(reminder, "unpaid", wait);
        } else {
          link(pay, "next", wait);
        }
        link(wait, "succeeded", receipt);
        if (segment.failedExit) link(wait, "failed", "human");
        if (segment.expiredExit) link(wait, "expired", "end");
        open = [[receipt, "next"]];
        break;
      }
    }
  });
  connect("end");
  return FlowGraphSchema.parse({
    defaultLanguage: "en",
    languages: ["en", "fr"],
    currency: "EUR",
    nodes,
    edges,
  });
}

type Move =
  | { t: "msg"; text: string }
  | { t: "answer"; pick: number }
  | { t: "checkout"; honest: boolean }
  | { t: "pay"; status: "succeeded" | "failed" | "expired" | "opened"; current: boolean }
  | { t: "timer"; current: boolean }
  | { t: "choose"; method: PaymentMethod }
  | { t: "start" }
  | { t: "wait"; minutes: number }
  | { t: "garbage"; value: unknown };

const replies = [
  "1",
  "2",
  "3",
  "done",
  "terminé",
  "12.50",
  "10",
  "0",
  "-4",
  "abc",
  "yes",
  "a@b.co",
  "+33 6 12 34 56 78",
  "4242 4242 4242 4242",
  "123",
  "status",
  "retry",
  "2x 1",
  "1 x9",
  "card",
  "paypal",
  "statut",
];
const moveArb: fc.Arbitrary<Move> = fc.oneof(
  {
    weight: 10,
    arbitrary: fc.record({ t: fc.constant("answer" as const), pick: fc.nat({ max: 1_000_000 }) }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant("msg" as const),
      text: fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(...replies) },
        fc.string({ maxLength: 30 }),
      ),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constant("checkout" as const),
      honest: fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, fc.constant(false)),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constant("pay" as const),
      status: fc.constantFrom("succeeded", "failed", "expired", "opened"),
      current: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, fc.constant(false)),
    }),
  },
  { weight: 2, arbitrary: fc.record({ t: fc.constant("timer" as const), current: fc.boolean() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant("choose" as const),
      method: fc.constantFrom(...PAYMENT_METHODS),
    }),
  },
  { weight: 1, arbitrary: fc.constant<Move>({ t: "start" }) },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant("wait" as const),
      minutes: fc.integer({ min: 1, max: 2000 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant("garbage" as const), value: fc.anything() }) },
);

const contextArb = fc.record({
  availableMethods: fc.oneof(
    { weight: 9, arbitrary: fc.subarray([...PAYMENT_METHODS], { minLength: 1 }) },
    fc.constant([]),
  ),
  channelCapabilities: fc.record({
    buttons: fc.boolean(),
    wallets: fc.boolean(),
    richCards: fc.boolean(),
  }),
});

/** Turns a move into a runtime input, using the state to aim at the live checkout or timer. */
function toInput(
  graph: FlowGraph,
  move: Move,
  state: ConversationState,
  pending: { amountMinor: number; currency: string } | null,
  seq: number,
): unknown {
  switch (move.t) {
    case "answer":
      return {
        kind: "message",
        text: plausibleAnswer(graph, state, move.pick),
        messageId: `m${seq}`,
      };
    case "msg":
      return { kind: "message", text: move.text, messageId: `m${seq}` };
    case "checkout":
      return {
        kind: "checkout_created",
        paymentId: `pay_${seq}`,
        url: `https://pay.test/${seq}`,
        amountMinor: move.honest && pending ? pending.amountMinor : 777,
        currency: pending?.currency ?? "EUR",
      };
    case "pay":
      return {
        kind: "payment_event",
        status: move.status,
        paymentId: move.current ? (state.payment?.paymentId ?? "pay_x") : "pay_other",
      };
    case "timer":
      return move.current && state.timer
        ? { kind: "timer", timerId: state.timer.timerId, fired: state.timer.kind }
        : { kind: "timer", timerId: "t_stale", fired: "reminder" };
    case "choose":
      return { kind: "choose_method", method: move.method };
    case "start":
      return { kind: "start" };
    case "garbage":
      return move.value;
    case "wait":
      return null;
  }
}

/** A reply the node the conversation waits at would most likely accept. */
function plausibleAnswer(graph: FlowGraph, state: ConversationState, pick: number): string {
  const node = graph.nodes.find((n) => n.id === state.currentNodeId);
  switch (node?.type) {
    case "ask": {
      const { kind, min, max, choices } = node.data;
      if (kind === "choice") return choices![pick % choices!.length].value;
      if (kind === "amount") {
        const low = min ?? 1;
        const high = max ?? 100_000;
        const minor = low + (pick % (high - low + 1));
        return `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, "0")}`;
      }
      if (kind === "number") return String(min ?? pick % 50);
      return { text: "hello there", email: "ada@example.com", phone: "+33 6 12 34 56 78" }[kind];
    }
    case "product_choice": {
      if (node.data.allowMultiple && (state.cart?.items.length ?? 0) > 0 && pick % 2 === 0)
        return "done";
      return `${(pick % node.data.products.length) + 1} x${1 + (pick % 2)}`;
    }
    case "choose_method":
      return String(1 + (pick % 3));
    case "wait_payment":
      return pick % 2 === 0 ? "1" : "2";
    default:
      return pick % 2 === 0 ? "status" : "hello";
  }
}

const RESTING = new Set(["waiting_input", "waiting_payment", "completed", "handed_off", "expired"]);

function priceOf(graph: FlowGraph, sku: string): number {
  for (const node of graph.nodes) {
    if (node.type !== "product_choice") continue;
    const product = node.data.products.find((p) => p.sku === sku);
    if (product) return product.priceMinor;
  }
  throw new Error(`unknown sku ${sku}`);
}

/** Checks one step's output against the money and state invariants. */
function checkStep(
  graph: FlowGraph,
  before: ConversationState,
  input: unknown,
  result: StepResult,
  nowMs: number,
): void {
  expect(RESTING.has(result.state.status)).toBe(true);
  for (const action of result.actions) {
    if (action.type !== "create_checkout") continue;
    // One live checkout at a time: a new one only once the previous one is settled, here or earlier.
    const live = livePayment(before, nowMs);
    if (live) {
      const event = input as { kind?: string; status?: string; paymentId?: string };
      const settlesLive =
        event.kind === "payment_event" &&
        event.paymentId === live.paymentId &&
        event.status !== "opened";
      expect(settlesLive).toBe(true);
    }
    expect(action.currency).toBe("EUR");
    expect(Number.isSafeInteger(action.amountMinor) && action.amountMinor > 0).toBe(true);
    const payNodeId = action.idempotencyKey.split(":")[2];
    const pay = graph.nodes.find((n) => n.id === payNodeId);
    if (pay?.type !== "pay") throw new Error("create_checkout from a non-pay node");
    if (pay.data.amountFrom === "cart") {
      const cart = result.state.cart!;
      const expected = cart.items.reduce(
        (sum, item) => sum + priceOf(graph, item.sku) * item.quantity,
        0,
      );
      expect(action.amountMinor).toBe(expected);
    } else {
      const stored = result.state.variables[pay.data.amountVariable!] as {
        amountMinor: number;
        currency: string;
      };
      expect(action.amountMinor).toBe(stored.amountMinor);
      const ask = graph.nodes.find(
        (n) => n.type === "ask" && n.data.variable === pay.data.amountVariable,
      );
      if (ask?.type === "ask") {
        if (ask.data.min !== undefined)
          expect(stored.amountMinor).toBeGreaterThanOrEqual(ask.data.min);
        if (ask.data.max !== undefined)
          expect(stored.amountMinor).toBeLessThanOrEqual(ask.data.max);
      }
    }
  }
  // A step can settle one checkout and open the next, so links and receipts may be for either.
  const known = [before.payment, result.state.payment].filter((p) => p !== undefined);
  for (const message of result.outbound) {
    if (message.kind === "payment_link") {
      expect(
        known.some((p) => p.url === message.url && p.amountMinor === message.amountMinor),
      ).toBe(true);
    }
    if (message.kind === "receipt") {
      const paid = known.find((p) => p.paymentId === message.reference);
      expect(paid?.amountMinor).toBe(message.amountMinor);
      const event = input as { kind?: string; status?: string; paymentId?: string };
      const nowSucceeded =
        event.kind === "payment_event" &&
        event.status === "succeeded" &&
        event.paymentId === message.reference;
      expect(paid?.status === "succeeded" || nowSucceeded).toBe(true);
    }
  }
  expect(JSON.stringify(result.state)).not.toMatch(/4242 ?4242/);
}

function play(
  graph: FlowGraph,
  moves: Move[],
  context: Omit<RuntimeContext, "now">,
  check: boolean,
): StepResult[] {
  let state = createInitialState(graph, "conv_prop");
  let now = T0;
  let pending: { amountMinor: number; currency: string } | null = null;
  const history: StepResult[] = [];
  moves.forEach((move, seq) => {
    if (move.t === "wait") {
      now += move.minutes * 60_000;
      return;
    }
    const input = toInput(graph, move, state, pending, seq);
    const result = step(graph, state, input, { ...context, now: new Date(now).toISOString() });
    if (check) checkStep(graph, state, input, result, now);
    const checkout = result.actions.find((a) => a.type === "create_checkout");
    if (checkout && checkout.type === "create_checkout")
      pending = { amountMinor: checkout.amountMinor, currency: checkout.currency };
    history.push(result);
    state = result.state;
    now += 1000;
  });
  return history;
}

const paymentArb = segmentArb.filter((segment) => segment.k === "payment");
const amountSourceArb = fc.oneof(
  segmentArb.filter((segment) => segment.k === "products"),
  fc.record({
    k: fc.constant("ask" as const),
    kind: fc.constant("amount" as const),
    bounds: fc.constant(null),
    invalidExit: fc.boolean(),
  }),
);
/** Mostly flows that reach a payment (a cart or an amount, then pay), with random nodes around. */
const segmentsArb = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        fc.array(segmentArb, { maxLength: 4 }),
        amountSourceArb,
        paymentArb,
        fc.array(segmentArb, { maxLength: 3 }),
      )
      .map(([before, source, pay, after]) => [...before, source, pay, ...after]),
  },
  { weight: 1, arbitrary: fc.array(segmentArb, { minLength: 1, maxLength: 10 }) },
);

const scenario = fc.record({
  segments: segmentsArb,
  moves: fc.array(moveArb, { minLength: 10, maxLength: 60 }),
  context: contextArb,
});

describe("runtime properties", () => {
  it("generated flows are valid", () => {
    fc.assert(
      fc.property(segmentsArb, (segments) => {
        const issues = validateFlow(buildGraph(segments), SANDBOX);
        expect(issues.filter((i) => i.severity === "error")).toEqual([]);
        expect(canPublish(issues)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it("never throws, always rests, and only ever charges the cart total or a validated amount", () => {
    fc.assert(
      fc.property(scenario, ({ segments, moves, context }) => {
        play(buildGraph(segments), moves, context, true);
      }),
      { numRuns: 300 },
    );
  });

  it("is deterministic: the same inputs give the same outputs", () => {
    fc.assert(
      fc.property(scenario, ({ segments, moves, context }) => {
        const graph = buildGraph(segments);
        const first = play(graph, moves, context, false);
        // A fresh copy of the graph, so no cache keyed on the object can hide a difference.
        const second = play(
          FlowGraphSchema.parse(JSON.parse(JSON.stringify(graph))),
          moves,
          context,
          false,
        );
        expect(second).toEqual(first);
      }),
      { numRuns: 100 },
    );
  });

  it("survives rewired graphs that skipped validation", () => {
    fc.assert(
      fc.property(
        scenario,
        fc.array(fc.nat(), { minLength: 1, maxLength: 20 }),
        ({ segments, moves, context }, picks) => {
          const graph = buildGraph(segments);
          const ids = graph.nodes.map((n) => n.id);
          const handles = [
            "next",
            "true",
            "false",
            "succeeded",
            "failed",
            "expired",
            "paid",
            "unpaid",
            "invalid",
            "retry",
          ];
          const rewired: FlowGraph = {
            ...graph,
            edges: graph.edges.map((edge, i) => {
              const pick = picks[i % picks.length];
              return pick % 3 === 0
                ? {
                    ...edge,
                    target: ids[pick % ids.length],
                    sourceHandle: handles[pick % handles.length],
                  }
                : edge;
            }),
          };
          for (const result of play(rewired, moves, context, false)) {
            expect(RESTING.has(result.state.status)).toBe(true);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
