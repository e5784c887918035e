// The conversation engine: the I/O around the pure flow runtime. For a customer's message it
// reads the conversation with everything the step needs in one query, runs the runtime, and
// writes the message (redacted), the new state, the replies and the events in one statement
// that only lands if nobody wrote in between (then it reads again). What must follow the write
// — sending the replies, creating the checkout — runs after it and feeds the results back in.
import type { Db, Tx } from "@/db/client";
import type { Conversation, ConversationMessage, Flow } from "@/db/schema";
import {
  cleanInboundText,
  MAX_INBOUND_BODY_BYTES,
  sanitizeInboundText,
  truncateText,
} from "@/lib/channels/sanitize";
import type { ChannelKind } from "@/lib/channels/types";
import { AppError, NotFoundError } from "@/lib/errors";
import { type Lang, LANGS } from "@/lib/flows/graph";
import { redactCardData } from "@/lib/flows/redact";
import { createInitialState } from "@/lib/flows/runtime";
import type { ConversationInput, ConversationState } from "@/lib/flows/runtime/types";
import { newId } from "@/lib/ids";
import {
  capabilitiesOf,
  connectionsFor,
  environmentFor,
  graphForNewConversation,
  offersFor,
} from "./environment";
import { isLiveOn } from "./graphs";
import { notifyConversation } from "./notify";
import { type ChatMessageView, toMessageView } from "./outbound";
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

export { completeCheckout, handlePaymentUpdate, stepConversation, type StepOptions } from "./steps";

export const MAX_CHOICE_VALUE_LENGTH = 2_000;

export interface InboundText {
  /** The platform's id for this delivery; a redelivery repeats it. */
  platformMessageId: string;
  text: string;
  /** The tapped button's value, when the customer tapped one. */
  choiceValue?: string;
  /** The platform's idea of the customer's language (a BCP 47 tag). */
  lang?: string;
}

interface FlowSelector {
  flow?: Flow;
  publicKey?: string;
  isSimulation?: boolean;
  /** The simulator's current draft; defaults to the flow's stored draft. */
  draftGraph?: unknown;
  now?: Date;
  /**
   * Runs the after-commit work (sending replies, creating the checkout) later, e.g. after the
   * HTTP response, for platforms that want a quick 200. By default it runs before returning.
   */
  defer?: (work: () => Promise<void>) => void;
}

export interface ChatIdentity {
  channel: ChannelKind;
  channelId?: string;
  externalUserId: string;
  externalChatId: string;
}

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

export interface StartConversationParams extends FlowSelector, ChatIdentity {
  lang?: Lang;
}

export interface EngineResult {
  conversationId: string;
  status: Conversation["status"];
  /** The same platform message id was handled before; nothing ran again. */
  duplicate: boolean;
  /** The customer's message (as stored) and everything after it. */
  messages: ChatMessageView[];
  /** Node ids visited, for the designer's canvas. */
  path: string[];
}

/** Customers reach published flows where they're offered; the simulator runs drafts anywhere. */
function assertReachable(
  flow: FlowLiveness | undefined,
  selector: FlowSelector & { channel: ChannelKind },
): FlowLiveness {
  if (!flow || (!selector.isSimulation && !isLiveOn(flow, selector.channel)))
    throw new NotFoundError("This chat");
  return flow;
}

function views(rows: Parameters<typeof toMessageView>[0][]): ChatMessageView[] {
  return rows.map(toMessageView).filter((view): view is ChatMessageView => view !== null);
}

/** The platform's language tag as one of the bot's languages, when it is one. */
export function langFromTag(tag: string | undefined): Lang | undefined {
  const primary = tag?.toLowerCase().split(/[-_]/)[0];
  return (LANGS as readonly string[]).includes(primary ?? "") ? (primary as Lang) : undefined;
}

interface CleanInbound {
  platformMessageId: string;
  text: string;
  choiceValue?: string;
}

/** Size limits and text hygiene, before anything else touches the message. */
function cleanInbound(message: InboundText): CleanInbound {
  const raw = message.text ?? "";
  if (
    raw.length * 3 > MAX_INBOUND_BODY_BYTES &&
    Buffer.byteLength(raw, "utf8") > MAX_INBOUND_BODY_BYTES
  ) {
    throw new AppError("This message is too large.", 413);
  }
  const platformMessageId = String(message.platformMessageId ?? "").slice(0, 200);
  if (!platformMessageId) throw new AppError("The message has no id.", 400);
  const text = sanitizeInboundText(raw);
  const choice =
    message.choiceValue === undefined
      ? ""
      : truncateText(cleanInboundText(message.choiceValue), MAX_CHOICE_VALUE_LENGTH);
  if (!text && !choice) throw new AppError("The message is empty.", 400);
  return { platformMessageId, text: text || choice, ...(choice ? { choiceValue: choice } : {}) };
}

/** A conversation row not written yet, at revision 0: its first step inserts it. */
function newConversation(
  flow: FlowLiveness,
  identity: ChatIdentity,
  state: ConversationState,
  id: string,
  isSimulation: boolean,
  now: Date,
): Conversation {
  return {
    merchantId: flow.merchantId,
    id,
    flowId: flow.id,
    flowVersionId: isSimulation ? null : flow.publishedVersionId,
    channel: identity.channel,
    channelId: identity.channelId ?? null,
    externalUserId: identity.externalUserId,
    externalChatId: identity.externalChatId,
    lang: state.lang,
    status: state.status,
    isSimulation,
    state,
    revision: 0,
    startedAt: now,
    updatedAt: now,
    completedAt: null,
  };
}

type InboundOutcome =
  | { duplicate: true; context: StepContext }
  | { duplicate: false; context: StepContext | null; plan: StepPlan; env: StepEnvironment };

/** Handles one customer message from any channel. A redelivered message is a no-op. */
export async function handleInbound(db: Db, params: HandleInboundParams): Promise<EngineResult> {
  const now = params.now ?? new Date();
  const isSimulation = params.isSimulation ?? false;
  const message = cleanInbound(params.message);
  // Redacted before anything is stored: card data never reaches a row or a log.
  const stored = redactCardData(message.text);
  const inbound: InboundToStore = {
    platformMessageId: message.platformMessageId,
    body: {
      kind: "text",
      text: stored.text,
      ...(message.choiceValue ? { choiceValue: message.choiceValue } : {}),
    },
    redacted: stored.redacted,
  };
  const input: ConversationInput = {
    kind: "message",
    text: message.choiceValue ?? message.text,
    messageId: message.platformMessageId,
  };
  const reading = {
    platformMessageId: message.platformMessageId,
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
    return context!;
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
      const graph = await graphForNewConversation(tx, flow, isSimulation, params.draftGraph);
      const id = newId("conversation");
      const state = createInitialState(graph, id);
      // A hint, not a choice: the customer's first words may still switch the language.
      const hinted = langFromTag(params.message.lang);
      if (hinted && graph.languages.includes(hinted)) state.lang = hinted;
      const before = newConversation(flow, params, state, id, isSimulation, now);
      const env: StepEnvironment = {
        graph,
        capabilities: capabilitiesOf(params.channel),
        connections: await connectionsFor(tx, flow.merchantId, isSimulation),
      };
      const first = planStep(before, env, input, { now, lastMessageAt: null, inbound });
      if (!(await writeStep(tx, first, true))) throw new RevisionConflictError(id);
      return { duplicate: false, context: null, plan: first, env };
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
    notifyConversation(written.conversation.id);
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
    return listMessagesFrom(db, merchantId, id, finished.messages[0]!.createdAt);
  }
  // Messages are written with increasing times, so the new ones follow what the read saw.
  const seen = context ? context.messages : [];
  if (finished.complete && seen) return [...seen, ...finished.messages].slice(0, MESSAGE_PAGE);
  return listMessagesAfter(db, merchantId, id, messagesAfter);
}

/** Opens a new conversation (web widget, simulator) and runs the flow up to its first question. */
export async function startConversation(
  db: Db,
  params: StartConversationParams,
): Promise<EngineResult> {
  const now = params.now ?? new Date();
  const isSimulation = params.isSimulation ?? false;
  let flow: FlowLiveness & { draftGraph?: unknown };
  let connections;
  if (params.flow) {
    assertReachable(params.flow, params);
    flow = params.flow;
    connections = await connectionsFor(db, flow.merchantId, isSimulation);
  } else {
    const found = params.publicKey ? await readFlowForStart(db, params.publicKey) : undefined;
    flow = assertReachable(found?.flow, params);
    connections = offersFor(found!.connections, isSimulation);
  }
  const graph = await graphForNewConversation(db, flow, isSimulation, params.draftGraph);
  const env: StepEnvironment = { graph, capabilities: capabilitiesOf(params.channel), connections };
  const id = newId("conversation");
  const before = newConversation(
    flow,
    params,
    createInitialState(graph, id),
    id,
    isSimulation,
    now,
  );
  const lang = params.lang && graph.languages.includes(params.lang) ? params.lang : undefined;
  const plan = planStep(
    before,
    env,
    { kind: "start", ...(lang ? { lang } : {}) },
    {
      now,
      lastMessageAt: null,
    },
  );
  if (!(await writeStep(db, plan, true))) throw new RevisionConflictError(id);
  const finished = await finishStep(db, plan, env, now);
  const rows = finished.complete
    ? finished.messages
    : await listMessagesFrom(db, flow.merchantId, id, new Date(0));
  return {
    conversationId: id,
    status: finished.conversation.status,
    duplicate: false,
    messages: views(rows),
    path: readState(finished.conversation).path ?? [],
  };
}
