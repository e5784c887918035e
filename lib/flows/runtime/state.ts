// The conversation's runtime state: plain JSON the host stores between steps.
import type { FlowGraph, Lang } from "../graph";
import { type ConversationState, type PaymentRecord, TERMINAL_STATUSES } from "./types";

/** Keeps the canvas trail bounded in long conversations. */
export const MAX_PATH_LENGTH = 200;

export function createInitialState(
  graph: Pick<FlowGraph, "defaultLanguage">,
  conversationKey: string,
  lang?: Lang,
): ConversationState {
  return {
    version: 1,
    conversationKey,
    currentNodeId: null,
    // A conversation that has not started yet waits for its first input.
    status: "waiting_input",
    lang: lang ?? graph.defaultLanguage,
    langFixed: lang !== undefined,
    variables: {},
    reminderCount: 0,
    retries: 0,
    path: [],
    timerSeq: 0,
    lastHadCard: false,
  };
}

/** A copy the step may change freely; the caller's state object is never touched. */
export function cloneState(state: ConversationState): ConversationState {
  return {
    ...state,
    variables: { ...state.variables },
    path: state.path.slice(),
    cart: state.cart
      ? { ...state.cart, items: state.cart.items.map((item) => ({ ...item })) }
      : undefined,
    payment: state.payment
      ? { ...state.payment, methods: state.payment.methods.slice() }
      : undefined,
    offeredMethods: state.offeredMethods?.slice(),
    timer: state.timer ? { ...state.timer } : undefined,
  };
}

export function isTerminal(state: ConversationState): boolean {
  return TERMINAL_STATUSES.includes(state.status);
}

export function hasStarted(state: ConversationState): boolean {
  return state.currentNodeId !== null;
}

const LIVE: readonly PaymentRecord["status"][] = ["creating", "link_sent", "opened"];

/** A checkout the customer can still pay: a second one must not be created meanwhile. */
export function livePayment(state: ConversationState, nowMs: number): PaymentRecord | undefined {
  const payment = state.payment;
  if (!payment || !LIVE.includes(payment.status)) return undefined;
  const expiresAt = Date.parse(payment.expiresAt);
  if (Number.isFinite(expiresAt) && expiresAt <= nowMs) return undefined;
  return payment;
}

/** Drops undefined fields so a stored state round-trips through JSON unchanged. */
export function compactState(state: ConversationState): ConversationState {
  const out = { ...state } as Record<string, unknown>;
  for (const key of Object.keys(out)) if (out[key] === undefined) delete out[key];
  if (out.path && (out.path as string[]).length > MAX_PATH_LENGTH) {
    out.path = (out.path as string[]).slice(-MAX_PATH_LENGTH);
  }
  return out as unknown as ConversationState;
}
