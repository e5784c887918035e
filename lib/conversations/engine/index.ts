// The conversation engine: the I/O around the pure flow runtime. For a customer's message it
// reads the conversation with everything the step needs in one query, runs the runtime, and
// writes the message (redacted), the new state, the replies and the events in one statement
// that only lands if nobody wrote in between (then it reads again). What must follow the write
// — sending the replies, creating the checkout — runs after it and feeds the results back in.
// Path: handleInbound / startConversation (index.ts, start.ts) → inbound.ts (redact, language)
// → step-context.ts (one read) → step-runner.ts (planStep: the runtime decides what to say)
// → step-writer.ts (one write) → steps.ts (finishStep: send replies via lib/channels/outbound,
// create the checkout via ../checkout, notify the widget's stream).
import type { Db, Tx } from "@/db/client";
import type { Conversation, ConversationMessage } from "@/db/schema";
import { NotFoundError } from "@/lib/errors";
import { createInitialState } from "@/lib/flows/runtime";
import type { ConversationInput } from "@/lib/flows/runtime/types";
import { newId } from "@/lib/ids";
import {
  capabilitiesOf,
  connectionsFor,
  environmentFor,
  merchantProfile,
  versionForNewConversation,
} from "./environment";
import { type InboundText, langFromTag, prepareInbound } from "./inbound";
import {
  assertReachable,
  type ChatIdentity,
  type EngineResult,
  type FlowSelector,
  newConversation,
  views,
} from "./shared";
import {
  type FlowLiveness,
  readFlowForStart,
  readOpenChatStepContext,
  readStepContext,
  readWidgetStepContext,
  type StepContext,
} from "./step-context";
import {
  type InboundToStore,
  planStep,
  readState,
  RevisionConflictError,
  type StepEnvironment,
  type StepPlan,
} from "./step-runner";
import { writeStep } from "./step-writer";
import { type Finished, finishStep, NEEDS_LOCK, RETRY, withOptimisticRetry } from "./steps";
import { listMessagesAfter, listMessagesFrom, lockChat, MESSAGE_PAGE } from "./store";

export { langFromTag, MAX_CHOICE_VALUE_LENGTH, type InboundText } from "./inbound";
export type { ChatIdentity, EngineResult } from "./shared";
export { startConversation, type StartConversationParams } from "./start";
export { completeCheckout, handlePaymentUpdate, stepConversation, type StepOptions } from "./steps";

export interface HandleInboundParams extends FlowSelector, ChatIdentity {
  message: InboundText;
  /** The web widget and the simulator name their conversation; channels are found by chat. */
  conversationId?: string;
  /**
   * Answer with every message after this cursor (null: all of them) instead of the customer's
   * message and what followed it: the widget catches up on anything it missed in one go.
   */
  messagesAfter?: Date | null;
}

type InboundOutcome =
  | { duplicate: true; context: StepContext }
  | { duplicate: false; context: StepContext | null; plan: StepPlan; env: StepEnvironment };

/** Handles one customer message from any channel. A redelivered message is a no-op. */
export async function handleInbound(db: Db, params: HandleInboundParams): Promise<EngineResult> {
  const now = params.now ?? new Date();
  const isSimulation = params.isSimulation ?? false;
  const { inbound, input } = prepareInbound(params.message);
  const reading = {
    platformMessageId: inbound.platformMessageId,
    messagesAfter: params.messagesAfter,
  };
  let flow: FlowLiveness | undefined = params.flow
    ? assertReachable(params.flow, params)
    : undefined;
  // Without a conversation id the chat is found through its flow (the widget's read finds both).
  if (!flow && !params.conversationId) {
    const found = params.publicKey ? await readFlowForStart(db, params.publicKey) : undefined;
    flow = assertReachable(found?.flow, params);
  }

  const chat = () => ({
    merchantId: flow!.merchantId,
    flowId: flow!.id,
    channel: params.channel,
    channelId: params.channelId ?? null,
    externalChatId: params.externalChatId,
  });
  const ours = (context: StepContext | null): StepContext => {
    const row = context?.conversation;
    const matches =
      row &&
      row.flowId === flow!.id &&
      row.channel === params.channel &&
      row.externalChatId === params.externalChatId &&
      row.isSimulation === isSimulation;
    if (!matches) throw new NotFoundError("This conversation");
    return context;
  };
  const read = async (db: Db | Tx, lock: boolean): Promise<StepContext | null> => {
    if (!params.conversationId)
      return readOpenChatStepContext(db, chat(), now, { ...reading, lock });
    if (!flow && params.publicKey && !lock) {
      const found = await readWidgetStepContext(
        db,
        params.publicKey,
        params.conversationId,
        reading,
      );
      flow = assertReachable(found?.flow, params);
      return ours(found!.context);
    }
    flow = assertReachable(flow, params);
    return ours(
      await readStepContext(db, flow.merchantId, params.conversationId, { ...reading, lock }),
    );
  };
  const plan = async (db: Db | Tx, context: StepContext) => {
    const env = await environmentFor(
      db,
      context.conversation,
      context.connections,
      params.draftGraph,
    );
    return {
      env,
      plan: planStep(context.conversation, env, input, {
        now,
        lastMessageAt: context.lastMessageAt,
        inbound,
      }),
    };
  };

  const outcome = await withOptimisticRetry<InboundOutcome>(
    db,
    async () => {
      if (!flow && !params.publicKey) throw new NotFoundError("This chat");
      const context = await read(db, false);
      // No conversation yet for this chat: opening one needs the chat's lock.
      if (!context) return NEEDS_LOCK;
      if (context.duplicateAt) return { duplicate: true, context };
      const next = await plan(db, context);
      return (await writeStep(db, next.plan)) ? { duplicate: false, context, ...next } : RETRY;
    },
    async (tx) => {
      flow = assertReachable(flow, params);
      if (!params.conversationId) {
        const { merchantId, flowId, channel, channelId, externalChatId } = chat();
        await lockChat(
          tx,
          `${merchantId}:${flowId}:${channel}:${channelId ?? ""}:${externalChatId}`,
        );
      }
      const context = await read(tx, true);
      if (context?.duplicateAt) return { duplicate: true, context };
      if (context) {
        const next = await plan(tx, context);
        if (!(await writeStep(tx, next.plan)))
          throw new RevisionConflictError(context.conversation.id);
        return { duplicate: false, context, ...next };
      }
      const opened = await openChat(tx, flow, params, input, inbound, now);
      return { duplicate: false, context: null, ...opened };
    },
  );

  if (outcome.duplicate) {
    const { conversation, messages, duplicateAt } = outcome.context;
    const rows =
      params.messagesAfter !== undefined
        ? (messages ?? [])
        : await listMessagesFrom(db, conversation.merchantId, conversation.id, duplicateAt!);
    return {
      conversationId: conversation.id,
      status: conversation.status,
      duplicate: true,
      messages: views(rows),
      path: readState(conversation).path ?? [],
    };
  }

  const { plan: written, env, context } = outcome;
  let finished: Finished;
  if (params.defer) {
    params.defer(async () => {
      await finishStep(db, written, env, now);
    });
    finished = {
      conversation: written.conversation,
      messages: [written.inbound!, ...written.outbound],
      complete: true,
    };
  } else {
    finished = await finishStep(db, written, env, now);
  }
  const final = finished.conversation;
  return {
    conversationId: final.id,
    status: final.status,
    duplicate: false,
    messages: views(await answerRows(db, final, finished, context, params.messagesAfter)),
    path: readState(final).path ?? [],
  };
}

/**
 * The messages to answer with: what the widget had not seen plus what this message wrote, or
 * (for channels) the message and what followed. Read again only when another writer got in.
 */
async function answerRows(
  db: Db,
  conversation: Conversation,
  finished: Finished,
  context: StepContext | null,
  messagesAfter: Date | null | undefined,
): Promise<ConversationMessage[]> {
  const { merchantId, id } = conversation;
  if (messagesAfter === undefined) {
    if (finished.complete) return finished.messages;
    return listMessagesFrom(db, merchantId, id, finished.messages[0].createdAt);
  }
  // Messages are written with increasing times, so the new ones follow what the read saw.
  const seen = context ? context.messages : [];
  if (finished.complete && seen) return [...seen, ...finished.messages].slice(0, MESSAGE_PAGE);
  return listMessagesAfter(db, merchantId, id, messagesAfter);
}

/** The chat's first message opens its conversation (the caller holds the chat's lock). */
async function openChat(
  tx: Tx,
  flow: FlowLiveness,
  params: HandleInboundParams,
  input: ConversationInput,
  inbound: InboundToStore,
  now: Date,
): Promise<{ plan: StepPlan; env: StepEnvironment }> {
  const isSimulation = params.isSimulation ?? false;
  const { graph, mode } = await versionForNewConversation(
    tx,
    flow,
    isSimulation,
    params.draftGraph,
  );
  const id = newId("conversation");
  const state = createInitialState(graph, id);
  // A hint, not a choice: the customer's first words may still switch the language.
  const hinted = langFromTag(params.message.lang);
  if (hinted && graph.languages.includes(hinted)) state.lang = hinted;
  const env: StepEnvironment = {
    graph,
    capabilities: capabilitiesOf(params.channel),
    connections: await connectionsFor(tx, flow.merchantId, { mode, isSimulation }),
    ...(await merchantProfile(tx, flow.merchantId)),
  };
  const before = newConversation(flow, params, state, id, { isSimulation, mode }, now);
  const plan = planStep(before, env, input, { now, lastMessageAt: null, inbound });
  if (!(await writeStep(tx, plan, true))) throw new RevisionConflictError(id);
  return { plan, env };
}
