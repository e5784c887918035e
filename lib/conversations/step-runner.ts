// One runtime step inside the caller's transaction: run the pure step, then write what it
// produced — the new state (revision-checked), the replies, the funnel events, its timers —
// and hand back the work that must wait for the commit (deliveries, checkouts).
import type { Tx } from "@/db/client";
import type { Conversation, ConversationMessage } from "@/db/schema";
import type { ChannelCapabilities } from "@/lib/channels/types";
import type { FlowGraph } from "@/lib/flows/graph";
import { step } from "@/lib/flows/runtime";
import type { ConversationInput, ConversationState, StepResult } from "@/lib/flows/runtime/types";
import type { CheckoutRequest } from "./checkout-guard";
import { needsDelivery } from "./delivery";
import { availableMethodsFor, type ConnectionOffer } from "./methods";
import { outboundBody } from "./outbound";
import {
  insertOutboundMessages,
  insertStepEvents,
  nextMessageTime,
  saveConversationState,
} from "./store";
import { cancelFlowTimer, scheduleCheckoutRecovery, scheduleFlowTimer } from "./timers";

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
  /** Connections the checkout may use: the merchant's, or only Sandbox ones in a simulation. */
  connections: ConnectionOffer[];
}

export interface StepOutcome {
  conversation: Conversation;
  result: StepResult;
  outbound: ConversationMessage[];
  checkouts: CheckoutRequest[];
}

export function readState(conversation: Conversation): ConversationState {
  // The runtime is fail-safe on a damaged state; it only needs an object to start from.
  const state = conversation.state;
  return (state && typeof state === "object" ? state : {}) as ConversationState;
}

export async function applyStep(
  tx: Tx,
  conversation: Conversation,
  env: StepEnvironment,
  input: ConversationInput,
  now: Date,
  firstMessageAt?: Date,
): Promise<StepOutcome> {
  const result = step(env.graph, readState(conversation), input, {
    now,
    availableMethods: availableMethodsFor(env.connections, env.graph.currency, env.capabilities),
    channelCapabilities: env.capabilities,
  });

  if (!(await saveConversationState(tx, conversation, result.state, now)))
    throw new RevisionConflictError(conversation.id);
  const updated: Conversation = {
    ...conversation,
    state: result.state,
    status: result.state.status,
    lang: result.state.lang,
    revision: conversation.revision + 1,
    updatedAt: now,
  };

  const delivery = needsDelivery(conversation)
    ? ({ status: "pending" } as const)
    : ({ status: "not_needed" } as const);
  const at =
    firstMessageAt ??
    (result.outbound.length > 0
      ? await nextMessageTime(tx, conversation.merchantId, conversation.id, now)
      : now);
  const outbound = await insertOutboundMessages(
    tx,
    conversation,
    result.outbound.map((message) => outboundBody(message, delivery)),
    at,
  );
  await insertStepEvents(tx, updated, result.events);

  const checkouts: CheckoutRequest[] = [];
  for (const action of result.actions) {
    switch (action.type) {
      case "schedule_timer":
        await scheduleFlowTimer(tx, conversation.merchantId, conversation.id, action);
        break;
      case "cancel_timer":
        await cancelFlowTimer(tx, conversation.merchantId, action.timerId);
        break;
      case "create_checkout":
        await scheduleCheckoutRecovery(tx, conversation.merchantId, conversation.id, action, now);
        checkouts.push(action);
        break;
      case "handoff":
      case "complete":
        // The state's status already says so; saveConversationState wrote it.
        break;
    }
  }
  return { conversation: updated, result, outbound, checkouts };
}
