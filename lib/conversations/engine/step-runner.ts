// One runtime step, planned in memory: run the pure step on the state that was read, and lay out
// every row it produces — the new state (one revision on), the customer's message, the replies,
// the funnel events and the durable jobs — for step-writer.ts to write in one go.
import type { Conversation, ConversationEvent, ConversationMessage } from "@/db/schema";
import { needsChannelSend } from "@/lib/channels/outbound";
import type { ChannelCapabilities } from "@/lib/channels/platforms/types";
import type { CheckoutRequest } from "@/lib/conversations/checkout/guard";
import { availableMethodsFor, type ConnectionOffer } from "@/lib/conversations/checkout/methods";
import type { FlowGraph } from "@/lib/flows/graph";
import { step } from "@/lib/flows/runtime";
import type {
  ConversationInput,
  ConversationState,
  ReminderFacts,
  RuntimeAction,
  StepResult,
} from "@/lib/flows/runtime/types";
import { TERMINAL_STATUSES } from "@/lib/flows/runtime/types";
import { newId } from "@/lib/ids";
import { type InboundBody, outboundBody } from "./messages";
import type { EngineEvent } from "./store";

/** Someone else wrote the conversation between our read and our write. */
export class RevisionConflictError extends Error {
  constructor(conversationId: string) {
    super(`Conversation ${conversationId} changed while a step was running`);
    this.name = "RevisionConflictError";
  }
}

/** What a conversation's steps run against: its graph and what its channel and merchant offer. */
export interface StepEnvironment {
  graph: FlowGraph;
  capabilities: ChannelCapabilities;
  /** Connections the checkout may use: the merchant's of the conversation's mode. */
  connections: ConnectionOffer[];
  /** Shown on the confirmation step. */
  merchantName?: string;
  /** The merchant's time zone (quiet hours). */
  timeZone?: string;
}

/** Durable work written with the step: timers, the checkout safety net, and its cancellation. */
export type StepJob =
  | Extract<RuntimeAction, { type: "schedule_timer" | "cancel_timer" | "create_checkout" }>
  | { type: "cancel_checkout_recovery"; idempotencyKey: string };

export interface StepPlan {
  /** The row as it was read; the write only lands if it is still at this revision. */
  before: Conversation;
  /** The row after the step. */
  conversation: Conversation;
  result: StepResult;
  /** The customer's message (stored redacted), for message inputs. */
  inbound: ConversationMessage | null;
  outbound: ConversationMessage[];
  events: ConversationEvent[];
  jobs: StepJob[];
  checkouts: CheckoutRequest[];
  /** The newest message's time once this step is written. */
  lastMessageAt: Date | null;
}

export interface InboundToStore {
  platformMessageId: string;
  /** Redacted without context, before the runtime saw it. */
  body: InboundBody;
  redacted: boolean;
}

export interface PlanOptions {
  now: Date;
  lastMessageAt: Date | null;
  inbound?: InboundToStore;
  /** Engine-side events to record with this step (a checkout the provider refused). */
  extraEvents?: readonly EngineEvent[];
  /** Jobs to settle in the same write (the checkout recovery this step answers). */
  extraJobs?: readonly StepJob[];
  /** For reminder timers: what the channel allows right now (reminders.ts reads it). */
  reminders?: ReminderFacts;
}

export function readState(conversation: Conversation): ConversationState {
  // The runtime is fail-safe on a damaged state; it only needs an object to start from.
  const state = conversation.state;
  return (state && typeof state === "object" ? state : {}) as ConversationState;
}

/** Messages of a conversation get strictly increasing times, so a cursor never skips one. */
export function nextMessageAt(now: Date, lastMessageAt: Date | null): Date {
  return new Date(Math.max(now.getTime(), (lastMessageAt?.getTime() ?? -Infinity) + 1));
}

function messageRow(
  conversation: Conversation,
  values: Pick<ConversationMessage, "direction" | "platformMessageId" | "body" | "redacted">,
  at: Date,
): ConversationMessage {
  return {
    merchantId: conversation.merchantId,
    id: newId("message"),
    conversationId: conversation.id,
    ...values,
    createdAt: at,
  };
}

/** Runs the runtime on the state that was read and lays out what must be written. */
export function planStep(
  before: Conversation,
  env: StepEnvironment,
  input: ConversationInput,
  options: PlanOptions,
): StepPlan {
  const { now } = options;
  const result = step(env.graph, readState(before), input, {
    now,
    availableMethods: availableMethodsFor(
      env.connections,
      before.mode,
      env.graph.currency,
      env.capabilities,
    ),
    channelCapabilities: env.capabilities,
    testMode: before.mode === "test",
    ...(env.merchantName ? { merchantName: env.merchantName } : {}),
    ...(env.timeZone ? { timeZone: env.timeZone } : {}),
    ...(options.reminders ? { reminders: options.reminders } : {}),
  });
  const terminal = TERMINAL_STATUSES.includes(result.state.status);
  const conversation: Conversation = {
    ...before,
    state: result.state,
    status: result.state.status,
    lang: result.state.lang,
    revision: before.revision + 1,
    updatedAt: now,
    completedAt: terminal ? (before.completedAt ?? now) : null,
  };

  let inbound: ConversationMessage | null = null;
  let at = nextMessageAt(now, options.lastMessageAt);
  if (options.inbound) {
    // The runtime redacts with the conversation's context (a bare CVV right after a card).
    const contextual = result.inbound;
    const { body } = options.inbound;
    const better =
      !body.choiceValue &&
      contextual &&
      (contextual.text !== body.text || contextual.redacted !== options.inbound.redacted);
    inbound = messageRow(
      before,
      {
        direction: "inbound",
        platformMessageId: options.inbound.platformMessageId,
        body: better ? { kind: "text", text: contextual.text } : body,
        redacted: better ? contextual.redacted : options.inbound.redacted,
      },
      at,
    );
    at = new Date(at.getTime() + 1);
  }

  const send = needsChannelSend(before)
    ? ({ status: "pending" } as const)
    : ({ status: "not_needed" } as const);
  const outbound = result.outbound.map((message, i) =>
    messageRow(
      before,
      {
        direction: "outbound",
        platformMessageId: null,
        body: outboundBody(message, send),
        redacted: false,
      },
      new Date(at.getTime() + i),
    ),
  );

  const events: ConversationEvent[] = [...result.events, ...(options.extraEvents ?? [])].map(
    (event) => ({
      merchantId: before.merchantId,
      id: newId("conversationEvent"),
      conversationId: before.id,
      flowId: before.flowId,
      flowVersionId: before.flowVersionId,
      nodeId: event.nodeId,
      nodeType: event.nodeType,
      kind: event.kind,
      detail: event.detail === undefined ? null : { detail: event.detail },
      occurredAt: new Date(event.at),
    }),
  );

  const jobs: StepJob[] = [];
  const checkouts: CheckoutRequest[] = [];
  for (const action of result.actions) {
    switch (action.type) {
      case "schedule_timer":
      case "cancel_timer":
        jobs.push(action);
        break;
      case "create_checkout":
        jobs.push(action);
        checkouts.push(action);
        break;
      case "handoff":
      case "complete":
        // The state's status already says so.
        break;
    }
  }
  jobs.push(...(options.extraJobs ?? []));

  const written = [...(inbound ? [inbound] : []), ...outbound];
  return {
    before,
    conversation,
    result,
    inbound,
    outbound,
    events,
    jobs,
    checkouts,
    lastMessageAt: written.at(-1)?.createdAt ?? options.lastMessageAt,
  };
}
