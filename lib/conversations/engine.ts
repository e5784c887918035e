// The conversation engine: the I/O around the pure flow runtime. It finds or starts the
// conversation, stores the customer's message once (redacted), steps the runtime under the
// conversation's lock, writes what came out, then does what must follow the commit — send the
// replies, create the checkout — and feeds the results back in.
import type { Db, Tx } from "@/db/client";
import { type Conversation, type Flow, payments } from "@/db/schema";
import {
  cleanInboundText,
  MAX_INBOUND_BODY_BYTES,
  sanitizeInboundText,
  truncateText,
} from "@/lib/channels/sanitize";
import type { ChannelKind } from "@/lib/channels/types";
import type { PaymentStatus } from "@/lib/connections/providers/types";
import { AppError, NotFoundError } from "@/lib/errors";
import { type Lang, LANGS } from "@/lib/flows/graph";
import { redactCardData } from "@/lib/flows/redact";
import { createInitialState } from "@/lib/flows/runtime";
import type { ConversationInput } from "@/lib/flows/runtime/types";
import { newId } from "@/lib/ids";
import { and, eq } from "drizzle-orm";
import type { CheckoutRequest } from "./checkout-guard";
import { createConversationCheckout } from "./checkouts";
import { deliverOutbound } from "./delivery";
import {
  capabilitiesOf,
  connectionsFor,
  graphForNewConversation,
  loadStepEnvironment,
} from "./environment";
import { getFlowByPublicKey, isLiveOn } from "./graphs";
import { notifyConversation } from "./notify";
import { type ChatMessageView, toMessageView } from "./outbound";
import {
  type ConversationPaymentStatus,
  conversationPaymentStatus,
  isConversationPaymentStatus,
} from "./payment-events";
import {
  applyStep,
  readState,
  RevisionConflictError,
  type StepEnvironment,
  type StepOutcome,
} from "./step-runner";
import {
  type EngineEvent,
  findInboundMessage,
  findOpenChatConversation,
  insertConversation,
  insertInboundMessage,
  insertStepEvents,
  listMessagesAfter,
  listMessagesFrom,
  lockChat,
  lockConversation,
  nextMessageTime,
  rewriteInboundBody,
} from "./store";
import { cancelCheckoutRecovery } from "./timers";

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

async function resolveFlow(
  db: Db,
  selector: FlowSelector & { channel: ChannelKind },
): Promise<Flow> {
  const flow =
    selector.flow ??
    (selector.publicKey ? await getFlowByPublicKey(db, selector.publicKey) : undefined);
  if (!flow) throw new NotFoundError("This chat");
  // The simulator runs drafts on any channel; customers reach published flows where they're offered.
  if (!selector.isSimulation && !isLiveOn(flow, selector.channel))
    throw new NotFoundError("This chat");
  return flow;
}

/** One retry when another writer got in between: the second attempt reads their state. */
async function withRevisionRetry<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof RevisionConflictError) return work();
    throw error;
  }
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

async function openConversationFor(
  tx: Tx,
  flow: Flow,
  params: HandleInboundParams,
  now: Date,
): Promise<Conversation> {
  const isSimulation = params.isSimulation ?? false;
  if (params.conversationId) {
    const row = await lockConversation(tx, flow.merchantId, params.conversationId);
    const ours =
      row &&
      row.flowId === flow.id &&
      row.channel === params.channel &&
      row.externalChatId === params.externalChatId &&
      row.isSimulation === isSimulation;
    if (!ours) throw new NotFoundError("This conversation");
    return row;
  }
  const chat = {
    merchantId: flow.merchantId,
    flowId: flow.id,
    channel: params.channel,
    channelId: params.channelId ?? null,
    externalChatId: params.externalChatId,
  };
  await lockChat(
    tx,
    `${chat.merchantId}:${chat.flowId}:${chat.channel}:${chat.channelId ?? ""}:${chat.externalChatId}`,
  );
  const open = await findOpenChatConversation(tx, chat, now);
  if (open) return open;

  const graph = await graphForNewConversation(tx, flow, isSimulation, params.draftGraph);
  const id = newId("conversation");
  const state = createInitialState(graph, id);
  // A hint, not a choice: the customer's first words may still switch the language.
  const hinted = langFromTag(params.message.lang);
  if (hinted && graph.languages.includes(hinted)) state.lang = hinted;
  return insertConversation(tx, {
    ...chat,
    id,
    flowVersionId: isSimulation ? null : flow.publishedVersionId,
    externalUserId: params.externalUserId,
    isSimulation,
    state,
    now,
  });
}

/** Handles one customer message from any channel. A redelivered message is a no-op. */
export async function handleInbound(db: Db, params: HandleInboundParams): Promise<EngineResult> {
  const now = params.now ?? new Date();
  const message = cleanInbound(params.message);
  const flow = await resolveFlow(db, params);
  // Stored before anything else sees it: card data never reaches a row or a log.
  const stored = redactCardData(message.text);

  const attempt = () =>
    db.transaction(async (tx) => {
      const conversation = await openConversationFor(tx, flow, params, now);
      const receivedAt = await nextMessageTime(tx, conversation.merchantId, conversation.id, now);
      const inbound = await insertInboundMessage(tx, {
        merchantId: conversation.merchantId,
        conversationId: conversation.id,
        platformMessageId: message.platformMessageId,
        body: {
          kind: "text",
          text: stored.text,
          ...(message.choiceValue ? { choiceValue: message.choiceValue } : {}),
        },
        redacted: stored.redacted,
        at: receivedAt,
      });
      if (!inbound) return { conversation, duplicate: true as const };

      const env = await loadStepEnvironment(tx, conversation, params.draftGraph);
      const input: ConversationInput = {
        kind: "message",
        text: message.choiceValue ?? message.text,
        messageId: message.platformMessageId,
      };
      const outcome = await applyStep(
        tx,
        conversation,
        env,
        input,
        now,
        new Date(receivedAt.getTime() + 1),
      );
      // The runtime redacts with the conversation's context (a bare CVV right after a card).
      const contextual = outcome.result.inbound;
      if (
        !message.choiceValue &&
        contextual &&
        (contextual.text !== stored.text || contextual.redacted !== stored.redacted)
      ) {
        await rewriteInboundBody(
          tx,
          inbound,
          { kind: "text", text: contextual.text },
          contextual.redacted,
        );
      }
      return { conversation, duplicate: false as const, outcome, env, receivedAt };
    });

  const done = await withRevisionRetry(attempt);
  if (done.duplicate) {
    const { merchantId, id } = done.conversation;
    const original =
      params.messagesAfter === undefined
        ? await findInboundMessage(db, merchantId, id, message.platformMessageId)
        : undefined;
    const rows =
      params.messagesAfter !== undefined
        ? await listMessagesAfter(db, merchantId, id, params.messagesAfter)
        : original
          ? await listMessagesFrom(db, merchantId, id, original.createdAt)
          : [];
    return {
      conversationId: done.conversation.id,
      status: done.conversation.status,
      duplicate: true,
      messages: views(rows),
      path: readState(done.conversation).path ?? [],
    };
  }
  let final = done.outcome.conversation;
  if (params.defer) {
    notifyConversation(done.outcome.conversation.id);
    const { outcome, env } = done;
    params.defer(async () => {
      await finishStep(db, outcome, env, now);
    });
  } else {
    final = await finishStep(db, done.outcome, done.env, now);
  }
  const rows =
    params.messagesAfter !== undefined
      ? await listMessagesAfter(db, final.merchantId, final.id, params.messagesAfter)
      : await listMessagesFrom(db, final.merchantId, final.id, done.receivedAt);
  return {
    conversationId: final.id,
    status: final.status,
    duplicate: false,
    messages: views(rows),
    path: readState(final).path ?? [],
  };
}

/** Opens a new conversation (web widget, simulator) and runs the flow up to its first question. */
export async function startConversation(
  db: Db,
  params: StartConversationParams,
): Promise<EngineResult> {
  const now = params.now ?? new Date();
  const flow = await resolveFlow(db, params);
  const isSimulation = params.isSimulation ?? false;
  const graph = await graphForNewConversation(db, flow, isSimulation, params.draftGraph);
  const env: StepEnvironment = {
    graph,
    capabilities: capabilitiesOf(params.channel),
    connections: await connectionsFor(db, flow.merchantId, isSimulation),
  };
  const id = newId("conversation");
  const outcome = await db.transaction(async (tx) => {
    const conversation = await insertConversation(tx, {
      merchantId: flow.merchantId,
      flowId: flow.id,
      channel: params.channel,
      channelId: params.channelId ?? null,
      externalChatId: params.externalChatId,
      id,
      flowVersionId: isSimulation ? null : flow.publishedVersionId,
      externalUserId: params.externalUserId,
      isSimulation,
      state: createInitialState(graph, id),
      now,
    });
    return applyStep(
      tx,
      conversation,
      env,
      { kind: "start", ...(params.lang ? { lang: params.lang } : {}) },
      now,
      now,
    );
  });
  const final = await finishStep(db, outcome, env, now);
  const rows = await listMessagesFrom(db, final.merchantId, final.id, new Date(0));
  return {
    conversationId: id,
    status: final.status,
    duplicate: false,
    messages: views(rows),
    path: readState(final).path ?? [],
  };
}

export interface StepOptions {
  now?: Date;
  draftGraph?: unknown;
  /** Engine-side events to record with this step (a checkout the provider refused). */
  extraEvents?: EngineEvent[];
}

/**
 * Feeds one non-message input (payment event, timer, checkout result) to a conversation and
 * does what follows. Null when the conversation does not exist for this merchant.
 */
export async function stepConversation(
  db: Db,
  merchantId: string,
  conversationId: string,
  input: ConversationInput,
  options: StepOptions = {},
): Promise<Conversation | null> {
  const now = options.now ?? new Date();
  const done = await withRevisionRetry(() =>
    db.transaction(async (tx) => {
      const conversation = await lockConversation(tx, merchantId, conversationId);
      if (!conversation) return null;
      const env = await loadStepEnvironment(tx, conversation, options.draftGraph);
      const outcome = await applyStep(tx, conversation, env, input, now);
      if (options.extraEvents?.length)
        await insertStepEvents(tx, conversation, options.extraEvents);
      return { outcome, env };
    }),
  );
  if (!done) return null;
  return finishStep(db, done.outcome, done.env, now);
}

/** After the commit: replies go out in order, then any checkout is created and fed back in. */
async function finishStep(
  db: Db,
  outcome: StepOutcome,
  env: StepEnvironment,
  now: Date,
): Promise<Conversation> {
  notifyConversation(outcome.conversation.id);
  await deliverOutbound(db, outcome.conversation, outcome.outbound);
  let conversation = outcome.conversation;
  for (const request of outcome.checkouts) {
    conversation = (await completeCheckout(db, conversation, env, request, now)) ?? conversation;
  }
  return conversation;
}

/**
 * Creates the checkout the runtime asked for and steps the conversation with the result (the
 * link, or a failure it explains to the customer). Also what the recovery job runs.
 */
export async function completeCheckout(
  db: Db,
  conversation: Conversation,
  env: StepEnvironment,
  request: CheckoutRequest,
  now: Date,
): Promise<Conversation | null> {
  const result = await createConversationCheckout(db, conversation, env, request, now);
  const next = await stepConversation(db, conversation.merchantId, conversation.id, result.input, {
    now,
    draftGraph: conversation.isSimulation ? env.graph : undefined,
    extraEvents: result.failure ? [result.failure] : undefined,
  });
  await cancelCheckoutRecovery(db, conversation.merchantId, request.idempotencyKey);
  return next;
}

/**
 * The payment pipeline changed a payment's status: the conversation that asked for it hears
 * about it. Replays and statuses the chat doesn't care about change nothing.
 */
export async function handlePaymentUpdate(
  db: Db,
  merchantId: string,
  paymentId: string,
  status: PaymentStatus | ConversationPaymentStatus,
  options: { now?: Date } = {},
): Promise<Conversation | null> {
  const mapped = isConversationPaymentStatus(status) ? status : conversationPaymentStatus(status);
  if (!mapped) return null;
  const [payment] = await db
    .select({ conversationId: payments.conversationId })
    .from(payments)
    .where(and(eq(payments.merchantId, merchantId), eq(payments.id, paymentId)));
  if (!payment?.conversationId) return null;
  return stepConversation(
    db,
    merchantId,
    payment.conversationId,
    { kind: "payment_event", status: mapped, paymentId },
    options,
  );
}
