// One deterministic step of a conversation: (graph, state, input, ctx) → new state plus what
// to say and do. Never throws, never reads the clock, never charges an amount it didn't compute.
import { type FlowGraph, type FlowNode, type Lang, LANGS } from "../graph";
import { phrase } from "../i18n";
import { onAgent } from "./agent";
import {
  onCheckoutCreated,
  onChooseMethod,
  onMessage,
  onPaymentEvent,
  onStart,
  onTimer,
} from "./dispatch";
import { indexGraph, targetOf } from "./graph-index";
import { NODE_HANDLERS } from "./nodes";
import type { NodeHandler } from "./nodes/handler";
import { Run, type Transition } from "./run";
import { cloneState, compactState, isTerminal, MAX_PATH_LENGTH } from "./state";
import {
  type ConversationInput,
  ConversationInputSchema,
  type ConversationState,
  type RuntimeAction,
  type RuntimeContext,
  type StepEvent,
  type StepResult,
} from "./types";

/** Nodes entered for one input before the runtime assumes a loop and hands off. */
export const MAX_STEPS_PER_INPUT = 100;

function toMillis(now: Date | string): number {
  const ms = now instanceof Date ? now.getTime() : Date.parse(now);
  if (!Number.isFinite(ms)) throw new RangeError("ctx.now is not a valid date");
  return ms;
}

function enter(run: Run, node: FlowNode): Transition {
  const state = run.state;
  state.currentNodeId = node.id;
  state.status = "active";
  state.retries = 0;
  state.waitingSince = undefined;
  state.path.push(node.id);
  if (state.path.length > MAX_PATH_LENGTH)
    state.path.splice(0, state.path.length - MAX_PATH_LENGTH);
  run.event("entered", undefined, node);
  return (NODE_HANDLERS[node.type] as unknown as NodeHandler<never>).enter(run, node as never);
}

/** Follows transitions until the conversation rests (waiting) or ends. */
function settle(run: Run, first: Transition): void {
  let transition = first;
  let entered = 0;
  for (;;) {
    if (transition.kind === "wait") {
      run.state.status = transition.status;
      if (run.state.waitingSince === undefined) run.state.waitingSince = run.nowIso;
      return;
    }
    if (transition.kind === "stop") {
      run.cancelTimer();
      run.state.status = transition.status;
      run.state.waitingSince = undefined;
      return;
    }
    const from = run.currentNode;
    let targetId: string | undefined;
    if (transition.kind === "go") {
      run.event("completed", transition.handle);
      targetId = from ? targetOf(run.index, from.id, transition.handle) : undefined;
    } else {
      targetId = transition.nodeId;
    }
    // Timers belong to the node being left.
    run.cancelTimer();
    const target = targetId ? run.index.nodes.get(targetId) : undefined;
    if (!target) {
      run.event(
        "runtime_error",
        transition.kind === "go" ? `unconnected_output:${transition.handle}` : "unknown_node",
      );
      transition = run.handOff("technical_problem", "broken_graph");
      continue;
    }
    if (++entered > MAX_STEPS_PER_INPUT) {
      run.event("loop_guard", String(MAX_STEPS_PER_INPUT));
      transition = run.handOff("technical_problem", "loop_guard");
      continue;
    }
    transition = enter(run, target);
  }
}

function dispatch(run: Run, input: ConversationInput): Transition | null {
  switch (input.kind) {
    case "start":
      return onStart(run, input);
    case "message":
      return onMessage(run, input);
    case "payment_event":
      return onPaymentEvent(run, input);
    case "timer":
      return onTimer(run, input);
    case "checkout_created":
      return onCheckoutCreated(run, input);
    case "choose_method":
      return onChooseMethod(run, input);
    case "agent":
      return onAgent(run, input);
  }
}

function result(run: Run): StepResult {
  const out: StepResult = {
    state: compactState(run.state),
    outbound: run.outbound,
    actions: run.actions,
    events: run.events,
  };
  if (run.inbound) out.inbound = run.inbound;
  return out;
}

function stepUnsafe(
  graph: FlowGraph,
  state: ConversationState,
  input: unknown,
  ctx: RuntimeContext,
): StepResult {
  const run = new Run(graph, indexGraph(graph), cloneState(state), ctx, toMillis(ctx.now));
  const parsed = ConversationInputSchema.safeParse(input);
  if (!parsed.success) {
    run.event("input_invalid", "malformed_input");
    if (!isTerminal(run.state)) run.say(run.phrase("invalid_text"));
    return result(run);
  }
  const transition = dispatch(run, parsed.data);
  if (transition) settle(run, transition);
  return result(run);
}

/**
 * If anything unexpected breaks (a corrupt stored state, a graph that skipped validation),
 * the customer is told politely and a person takes over; the error never escapes.
 */
function failSafe(state: ConversationState, ctx: RuntimeContext, error: unknown): StepResult {
  const base: ConversationState =
    state && typeof state === "object" ? { ...state } : ({} as ConversationState);
  const lang: Lang = (LANGS as readonly string[]).includes(base.lang) ? base.lang : "en";
  let at: string;
  try {
    at = new Date(toMillis(ctx?.now)).toISOString();
  } catch {
    at = new Date(0).toISOString();
  }
  const nodeId = typeof base.currentNodeId === "string" ? base.currentNodeId : "";
  const detail = error instanceof Error ? error.name : "unknown";
  const event: StepEvent = { nodeId, nodeType: "none", kind: "runtime_error", at, detail };
  if (isTerminal(base)) return { state: base, outbound: [], actions: [], events: [event] };
  const actions: RuntimeAction[] = [];
  if (base.timer?.timerId) actions.push({ type: "cancel_timer", timerId: base.timer.timerId });
  actions.push({ type: "handoff" });
  const handedOff: ConversationState = { ...base, status: "handed_off" };
  delete handedOff.timer;
  return {
    state: handedOff,
    outbound: [{ kind: "text", text: phrase("technical_problem", lang) }],
    actions,
    events: [event, { ...event, kind: "handed_off" }],
  };
}

export function step(
  graph: FlowGraph,
  state: ConversationState,
  input: unknown, // a ConversationInput; anything else is answered as unreadable
  ctx: RuntimeContext,
): StepResult {
  try {
    return stepUnsafe(graph, state, input, ctx);
  } catch (error) {
    return failSafe(state, ctx, error);
  }
}
