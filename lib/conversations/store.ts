// Rows of one conversation: the conversation itself (locked while a step runs), its messages
// in a strict per-conversation order, and its step events. Every query names the merchant.
import type { DbOrTx, Tx } from "@/db/client";
import {
  conversationEvents,
  conversationMessages,
  conversations,
  type Conversation,
  type ConversationMessage,
} from "@/db/schema";
import type { ChannelKind } from "@/lib/channels/types";
import type { ConversationState, StepEvent } from "@/lib/flows/runtime/types";
import { TERMINAL_STATUSES } from "@/lib/flows/runtime/types";
import { newId } from "@/lib/ids";
import { and, asc, desc, eq, gt, gte, inArray, max, notInArray, or, sql } from "drizzle-orm";
import type { InboundBody, OutboundBody } from "./outbound";

/** A handed-off chat keeps the customer's messages for the team this long, then a new one starts. */
export const HANDOFF_HOLD_MS = 24 * 60 * 60 * 1000;

export async function lockConversation(
  tx: Tx,
  merchantId: string,
  conversationId: string,
): Promise<Conversation | undefined> {
  const [row] = await tx
    .select()
    .from(conversations)
    .where(and(eq(conversations.merchantId, merchantId), eq(conversations.id, conversationId)))
    .for("update");
  return row;
}

/**
 * Serializes work on one chat until the transaction ends, so two first messages arriving
 * together cannot open two conversations (there is no row to lock yet).
 */
export async function lockChat(tx: Tx, key: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`);
}

export interface ChatAddress {
  merchantId: string;
  flowId: string;
  channel: ChannelKind;
  channelId: string | null;
  externalChatId: string;
}

/** The chat's conversation still in progress (or recently handed to a person), locked. */
export async function findOpenChatConversation(
  tx: Tx,
  chat: ChatAddress,
  now: Date,
): Promise<Conversation | undefined> {
  const terminalButHandoff = TERMINAL_STATUSES.filter((s) => s !== "handed_off");
  const [row] = await tx
    .select()
    .from(conversations)
    .where(
      and(
        eq(conversations.merchantId, chat.merchantId),
        eq(conversations.channel, chat.channel),
        eq(conversations.externalChatId, chat.externalChatId),
        eq(conversations.flowId, chat.flowId),
        chat.channelId === null
          ? sql`${conversations.channelId} is null`
          : eq(conversations.channelId, chat.channelId),
        eq(conversations.isSimulation, false),
        notInArray(conversations.status, [...terminalButHandoff, "abandoned"]),
        or(
          sql`${conversations.status} <> 'handed_off'`,
          gte(conversations.updatedAt, new Date(now.getTime() - HANDOFF_HOLD_MS)),
        ),
      ),
    )
    .orderBy(desc(conversations.startedAt))
    .limit(1)
    .for("update");
  return row;
}

export interface NewConversation extends ChatAddress {
  id: string;
  flowVersionId: string | null;
  externalUserId: string;
  isSimulation: boolean;
  state: ConversationState;
  now: Date;
}

export async function insertConversation(tx: Tx, values: NewConversation): Promise<Conversation> {
  const [row] = await tx
    .insert(conversations)
    .values({
      merchantId: values.merchantId,
      id: values.id,
      flowId: values.flowId,
      flowVersionId: values.flowVersionId,
      channel: values.channel,
      channelId: values.channelId,
      externalUserId: values.externalUserId,
      externalChatId: values.externalChatId,
      lang: values.state.lang,
      status: values.state.status,
      isSimulation: values.isSimulation,
      state: values.state,
      revision: 0,
      startedAt: values.now,
      updatedAt: values.now,
    })
    .returning();
  return row!;
}

/**
 * Messages of a conversation get strictly increasing timestamps, so "after this cursor" never
 * skips or repeats one. Callers hold the conversation's lock.
 */
export async function nextMessageTime(
  tx: Tx,
  merchantId: string,
  conversationId: string,
  now: Date,
): Promise<Date> {
  const [row] = await tx
    .select({ last: max(conversationMessages.createdAt) })
    .from(conversationMessages)
    .where(
      and(
        eq(conversationMessages.merchantId, merchantId),
        eq(conversationMessages.conversationId, conversationId),
      ),
    );
  const last = row?.last ? new Date(row.last).getTime() : 0;
  return new Date(Math.max(now.getTime(), last + 1));
}

/** The inbound row, or null when this platform message id was stored already (a redelivery). */
export async function insertInboundMessage(
  tx: Tx,
  values: {
    merchantId: string;
    conversationId: string;
    platformMessageId: string;
    body: InboundBody;
    redacted: boolean;
    at: Date;
  },
): Promise<ConversationMessage | null> {
  const rows = await tx
    .insert(conversationMessages)
    .values({
      merchantId: values.merchantId,
      id: newId("message"),
      conversationId: values.conversationId,
      direction: "inbound",
      platformMessageId: values.platformMessageId,
      body: values.body,
      redacted: values.redacted,
      createdAt: values.at,
    })
    .onConflictDoNothing()
    .returning();
  return rows[0] ?? null;
}

export async function findInboundMessage(
  db: DbOrTx,
  merchantId: string,
  conversationId: string,
  platformMessageId: string,
): Promise<ConversationMessage | undefined> {
  const [row] = await db
    .select()
    .from(conversationMessages)
    .where(
      and(
        eq(conversationMessages.merchantId, merchantId),
        eq(conversationMessages.conversationId, conversationId),
        eq(conversationMessages.direction, "inbound"),
        eq(conversationMessages.platformMessageId, platformMessageId),
      ),
    );
  return row;
}

export async function rewriteInboundBody(
  tx: Tx,
  message: ConversationMessage,
  body: InboundBody,
  redacted: boolean,
): Promise<void> {
  await tx
    .update(conversationMessages)
    .set({ body, redacted })
    .where(
      and(
        eq(conversationMessages.merchantId, message.merchantId),
        eq(conversationMessages.id, message.id),
      ),
    );
}

export async function insertOutboundMessages(
  tx: Tx,
  conversation: Pick<Conversation, "merchantId" | "id">,
  bodies: OutboundBody[],
  firstAt: Date,
): Promise<ConversationMessage[]> {
  if (bodies.length === 0) return [];
  return tx
    .insert(conversationMessages)
    .values(
      bodies.map((body, i) => ({
        merchantId: conversation.merchantId,
        id: newId("message"),
        conversationId: conversation.id,
        direction: "outbound" as const,
        body,
        createdAt: new Date(firstAt.getTime() + i),
      })),
    )
    .returning();
}

export async function insertStepEvents(
  tx: Tx,
  conversation: Pick<Conversation, "merchantId" | "id" | "flowId" | "flowVersionId">,
  events: readonly (StepEvent | EngineEvent)[],
): Promise<void> {
  if (events.length === 0) return;
  await tx.insert(conversationEvents).values(
    events.map((event) => ({
      merchantId: conversation.merchantId,
      id: newId("conversationEvent"),
      conversationId: conversation.id,
      flowId: conversation.flowId,
      flowVersionId: conversation.flowVersionId,
      nodeId: event.nodeId,
      nodeType: event.nodeType,
      kind: event.kind,
      detail: event.detail === undefined ? null : { detail: event.detail },
      occurredAt: new Date(event.at),
    })),
  );
}

/** Events the engine records itself (a checkout the provider refused), beside the runtime's. */
export interface EngineEvent {
  nodeId: string;
  nodeType: string;
  kind: "checkout_failed" | "delivery_failed";
  at: string;
  detail?: string;
}

/**
 * Writes the state a step produced. The revision check makes a lost update impossible even
 * if a caller forgot the row lock; false means someone else wrote first.
 */
export async function saveConversationState(
  tx: Tx,
  conversation: Conversation,
  state: ConversationState,
  now: Date,
): Promise<boolean> {
  const terminal = TERMINAL_STATUSES.includes(state.status);
  const rows = await tx
    .update(conversations)
    .set({
      state,
      status: state.status,
      lang: state.lang,
      revision: conversation.revision + 1,
      updatedAt: now,
      completedAt: terminal ? (conversation.completedAt ?? now) : null,
    })
    .where(
      and(
        eq(conversations.merchantId, conversation.merchantId),
        eq(conversations.id, conversation.id),
        eq(conversations.revision, conversation.revision),
      ),
    )
    .returning({ id: conversations.id });
  return rows.length === 1;
}

export async function listMessagesAfter(
  db: DbOrTx,
  merchantId: string,
  conversationId: string,
  after: Date | null,
  limit = 200,
): Promise<ConversationMessage[]> {
  return db
    .select()
    .from(conversationMessages)
    .where(
      and(
        eq(conversationMessages.merchantId, merchantId),
        eq(conversationMessages.conversationId, conversationId),
        after ? gt(conversationMessages.createdAt, after) : undefined,
      ),
    )
    .orderBy(asc(conversationMessages.createdAt), asc(conversationMessages.id))
    .limit(limit);
}

export async function listMessagesFrom(
  db: DbOrTx,
  merchantId: string,
  conversationId: string,
  from: Date,
): Promise<ConversationMessage[]> {
  return db
    .select()
    .from(conversationMessages)
    .where(
      and(
        eq(conversationMessages.merchantId, merchantId),
        eq(conversationMessages.conversationId, conversationId),
        gte(conversationMessages.createdAt, from),
      ),
    )
    .orderBy(asc(conversationMessages.createdAt), asc(conversationMessages.id));
}

export async function recordDelivery(
  db: DbOrTx,
  merchantId: string,
  messageId: string,
  body: OutboundBody,
  platformMessageId: string | null,
): Promise<void> {
  await db
    .update(conversationMessages)
    .set({ body, ...(platformMessageId ? { platformMessageId } : {}) })
    .where(
      and(eq(conversationMessages.merchantId, merchantId), eq(conversationMessages.id, messageId)),
    );
}

export async function getMessagesByIds(
  db: DbOrTx,
  merchantId: string,
  ids: string[],
): Promise<ConversationMessage[]> {
  if (ids.length === 0) return [];
  return db
    .select()
    .from(conversationMessages)
    .where(
      and(eq(conversationMessages.merchantId, merchantId), inArray(conversationMessages.id, ids)),
    );
}
