// Everything one step of a conversation reads, in one query: the conversation row, when its last
// message was written (messages get strictly increasing times), the merchant's connections, and
// for an inbound message whether it was stored already and what the widget has not seen yet.
// Read without a lock: the step's write checks the revision it read (see step-writer.ts).
import type { DbOrTx } from "@/db/client";
import {
  connections,
  conversationMessages,
  conversations,
  flows,
  type Conversation,
  type ConversationMessage,
  type Flow,
} from "@/db/schema";
import { PAYMENT_METHODS, PROVIDER_KINDS } from "@/lib/connections/providers/types";
import { TERMINAL_STATUSES } from "@/lib/flows/runtime/types";
import { and, desc, eq, gte, notInArray, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { ConnectionOffer } from "./methods";
import { HANDOFF_HOLD_MS, MESSAGE_PAGE, type ChatAddress } from "./store";

/** The flow columns that say whether customers may reach it, and where. */
export type FlowLiveness = Pick<
  Flow,
  "merchantId" | "id" | "status" | "publishedVersionId" | "channels"
>;

export interface StepContext {
  conversation: Conversation;
  /** The newest message's time; the next one is written after it. */
  lastMessageAt: Date | null;
  connections: ConnectionOffer[];
  /** When this message id was stored already: the original's time. */
  duplicateAt: Date | null;
  /** Messages after the widget's cursor, when asked for (at most MESSAGE_PAGE). */
  messages: ConversationMessage[] | null;
}

export interface ContextOptions {
  /** Look for an inbound message with this platform id (a redelivery). */
  platformMessageId?: string;
  /** Also read the messages after this cursor (null: from the start). */
  messagesAfter?: Date | null;
  /**
   * Take the conversation's row lock first (inside a transaction): the fallback when racing
   * writers keep winning. The rest is read after the lock is held, so it sees their writes.
   */
  lock?: boolean;
}

const ConnectionOffersSchema = z.array(
  z.object({
    id: z.string(),
    provider: z.enum(PROVIDER_KINDS),
    status: z.enum(["active", "disabled", "error"]),
    methods: z.array(z.enum(PAYMENT_METHODS)),
    currencies: z.array(z.string()),
  }),
);

const MessageRowsSchema = z.array(
  z.object({
    id: z.string(),
    direction: z.enum(["inbound", "outbound"]),
    platformMessageId: z.string().nullable(),
    body: z.unknown(),
    redacted: z.boolean(),
    createdAt: z.string(),
  }),
);

function toDate(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value : new Date(String(value));
}

// Outer columns spelled out: inside a subquery drizzle may print a column without its table,
// which would then name the subquery's own column.
const OUTER_CONVERSATION = {
  merchantId: sql.raw(`"conversations"."merchant_id"`),
  id: sql.raw(`"conversations"."id"`),
};
const OUTER_FLOW_MERCHANT = sql.raw(`"flows"."merchant_id"`);

/** The merchant's connections in creation order, as the method and connection choice reads them. */
function connectionOffersOf(merchantId: SQL) {
  return sql`(select coalesce(jsonb_agg(jsonb_build_object('id', k.id, 'provider', k.provider,
      'status', k.status, 'methods', k.methods, 'currencies', k.currencies)
      order by k.created_at, k.id), '[]'::jsonb)
    from ${connections} k where k.merchant_id = ${merchantId})`;
}

export function parseConnectionOffers(value: unknown): ConnectionOffer[] {
  return ConnectionOffersSchema.parse(value);
}

function extras(options: ContextOptions) {
  const { merchantId: m, id: c } = OUTER_CONVERSATION;
  return {
    lastMessageAt: sql`(select max(l.created_at) from ${conversationMessages} l
      where l.merchant_id = ${m} and l.conversation_id = ${c})`,
    connections: connectionOffersOf(m),
    duplicateAt:
      options.platformMessageId === undefined
        ? sql`null`
        : sql`(select d.created_at from ${conversationMessages} d
            where d.merchant_id = ${m} and d.conversation_id = ${c} and d.direction = 'inbound'
              and d.platform_message_id = ${options.platformMessageId})`,
    messages:
      options.messagesAfter === undefined
        ? sql`null`
        : sql`(select coalesce(jsonb_agg(jsonb_build_object('id', p.id, 'direction', p.direction,
              'platformMessageId', p.platform_message_id, 'body', p.body, 'redacted', p.redacted,
              'createdAt', p.created_at) order by p.created_at, p.id), '[]'::jsonb)
            from (select * from ${conversationMessages} a
              where a.merchant_id = ${m} and a.conversation_id = ${c}
                ${options.messagesAfter ? sql`and a.created_at > ${options.messagesAfter.toISOString()}::timestamptz` : sql``}
              order by a.created_at, a.id limit ${MESSAGE_PAGE}) p)`,
  };
}

interface RawExtras {
  lastMessageAt: unknown;
  connections: unknown;
  duplicateAt: unknown;
  messages: unknown;
}

function contextOf(conversation: Conversation, raw: RawExtras): StepContext {
  const messages =
    raw.messages === null || raw.messages === undefined
      ? null
      : MessageRowsSchema.parse(raw.messages).map((row) => ({
          ...row,
          merchantId: conversation.merchantId,
          conversationId: conversation.id,
          createdAt: new Date(row.createdAt),
        }));
  return {
    conversation,
    lastMessageAt: toDate(raw.lastMessageAt),
    connections: parseConnectionOffers(raw.connections),
    duplicateAt: toDate(raw.duplicateAt),
    messages,
  };
}

/**
 * The widget's conversation by the flow's public key: the flow (undefined for an unknown key)
 * and the conversation when it belongs to that flow.
 */
export async function readWidgetStepContext(
  db: DbOrTx,
  publicKey: string,
  conversationId: string,
  options: Omit<ContextOptions, "lock">,
): Promise<{ flow: FlowLiveness; context: StepContext | null } | undefined> {
  const [row] = await db
    .select({
      flow: {
        merchantId: flows.merchantId,
        id: flows.id,
        status: flows.status,
        publishedVersionId: flows.publishedVersionId,
        channels: flows.channels,
      },
      conversation: conversations,
      ...extras(options),
    })
    .from(flows)
    .leftJoin(
      conversations,
      and(
        eq(conversations.merchantId, flows.merchantId),
        eq(conversations.id, conversationId),
        eq(conversations.flowId, flows.id),
      ),
    )
    .where(eq(flows.publicKey, publicKey));
  if (!row) return undefined;
  return { flow: row.flow, context: row.conversation ? contextOf(row.conversation, row) : null };
}

/** A conversation of this merchant by id. */
export async function readStepContext(
  db: DbOrTx,
  merchantId: string,
  conversationId: string,
  options: ContextOptions = {},
): Promise<StepContext | null> {
  const byId = and(eq(conversations.merchantId, merchantId), eq(conversations.id, conversationId));
  // A waiting FOR UPDATE returns the row's newest version, but subqueries beside it would still
  // see the statement's older snapshot: lock in one statement, read in the next.
  if (options.lock) {
    const [locked] = await db
      .select({ id: conversations.id })
      .from(conversations)
      .where(byId)
      .for("update");
    if (!locked) return null;
  }
  const [row] = await db
    .select({ conversation: conversations, ...extras(options) })
    .from(conversations)
    .where(byId);
  return row ? contextOf(row.conversation, row) : null;
}

/** The chat's conversation still in progress (or recently handed to a person). */
export async function readOpenChatStepContext(
  db: DbOrTx,
  chat: ChatAddress,
  now: Date,
  options: ContextOptions = {},
): Promise<StepContext | null> {
  const terminalButHandoff = TERMINAL_STATUSES.filter((s) => s !== "handed_off");
  const open = and(
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
  );
  if (options.lock) {
    const [locked] = await db
      .select({ id: conversations.id })
      .from(conversations)
      .where(open)
      .orderBy(desc(conversations.startedAt))
      .limit(1)
      .for("update");
    return locked
      ? readStepContext(db, chat.merchantId, locked.id, { ...options, lock: false })
      : null;
  }
  const [row] = await db
    .select({ conversation: conversations, ...extras(options) })
    .from(conversations)
    .where(open)
    .orderBy(desc(conversations.startedAt))
    .limit(1);
  return row ? contextOf(row.conversation, row) : null;
}

/** A flow by its public key, with the merchant's connections: what a new web chat needs. */
export async function readFlowForStart(
  db: DbOrTx,
  publicKey: string,
): Promise<{ flow: FlowLiveness; connections: ConnectionOffer[] } | undefined> {
  const [row] = await db
    .select({
      merchantId: flows.merchantId,
      id: flows.id,
      status: flows.status,
      publishedVersionId: flows.publishedVersionId,
      channels: flows.channels,
      connections: connectionOffersOf(OUTER_FLOW_MERCHANT),
    })
    .from(flows)
    .where(eq(flows.publicKey, publicKey));
  if (!row) return undefined;
  const { connections: offers, ...flow } = row;
  return { flow, connections: parseConnectionOffers(offers) };
}
