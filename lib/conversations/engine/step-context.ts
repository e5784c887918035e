// Everything one step of a conversation reads, in one query: the conversation row, when its last
// message was written (messages get strictly increasing times), the merchant's connections, and
// for an inbound message whether it was stored already and what the widget has not seen yet.
// Read without a lock: the step's write checks the revision it read (see step-writer.ts).
// Plain SQL with a fixed text per shape, so Postgres keeps it prepared (see prepared.ts).
import type { DbOrTx } from "@/db/client";
import { MODES, type Conversation, type ConversationMessage, type Flow } from "@/db/schema";
import { CHANNEL_KINDS } from "@/lib/channels/platforms/types";
import { PAYMENT_METHODS, PROVIDER_KINDS } from "@/lib/connections/providers/types";
import type { ConnectionOffer } from "@/lib/conversations/checkout/methods";
import { CONVERSATION_STATUSES, TERMINAL_STATUSES } from "@/lib/flows/runtime/types";
import { sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { queryRows } from "./prepared";
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
  /** The merchant's connections, which a step needs (default) and a reader does not. */
  withConnections?: boolean;
  /**
   * Take the conversation's row lock first (inside a transaction): the fallback when racing
   * writers keep winning. The rest is read after the lock is held, so it sees their writes.
   */
  lock?: boolean;
}

const time = z.coerce.date();
const json = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === "string" ? JSON.parse(v) : v), schema);

const ConversationRowSchema = z.object({
  merchantId: z.string(),
  id: z.string(),
  flowId: z.string(),
  flowVersionId: z.string().nullable(),
  channel: z.enum(CHANNEL_KINDS),
  channelId: z.string().nullable(),
  externalUserId: z.string(),
  externalChatId: z.string(),
  lang: z.string(),
  status: z.enum(CONVERSATION_STATUSES),
  isSimulation: z.boolean(),
  mode: z.enum(MODES),
  state: json(z.unknown()),
  revision: z.number().int(),
  startedAt: time,
  updatedAt: time,
  completedAt: time.nullable(),
});

const ConnectionOffersSchema = json(
  z.array(
    z.object({
      id: z.string(),
      provider: z.enum(PROVIDER_KINDS),
      mode: z.enum(MODES),
      status: z.enum(["active", "disabled", "error"]),
      methods: z.array(z.enum(PAYMENT_METHODS)),
      currencies: z.array(z.string()),
    }),
  ),
);

const MessageRowsSchema = json(
  z
    .array(
      z.object({
        id: z.string(),
        direction: z.enum(["inbound", "outbound"]),
        platformMessageId: z.string().nullable(),
        body: z.unknown(),
        redacted: z.boolean(),
        createdAt: time,
      }),
    )
    .nullable(),
);

const ExtrasSchema = z.object({
  lastMessageAt: time.nullable(),
  connections: ConnectionOffersSchema,
  duplicateAt: time.nullable(),
  messages: MessageRowsSchema,
});

const FlowLivenessSchema = z.object({
  fMerchantId: z.string(),
  fId: z.string(),
  fStatus: z.enum(["draft", "published", "archived"]),
  fPublishedVersionId: z.string().nullable(),
  fChannels: json(z.array(z.enum(CHANNEL_KINDS))),
});

const CONVERSATION_COLUMNS = sql.raw(`c.merchant_id as "merchantId", c.id, c.flow_id as "flowId",
  c.flow_version_id as "flowVersionId", c.channel, c.channel_id as "channelId",
  c.external_user_id as "externalUserId", c.external_chat_id as "externalChatId", c.lang, c.status,
  c.is_simulation as "isSimulation", c.mode, c.state, c.revision, c.started_at as "startedAt",
  c.updated_at as "updatedAt", c.completed_at as "completedAt"`);

const FLOW_COLUMNS = sql.raw(`f.merchant_id as "fMerchantId", f.id as "fId", f.status as "fStatus",
  f.published_version_id as "fPublishedVersionId", f.channels as "fChannels"`);

/** The merchant's connections in creation order, as the method and connection choice reads them. */
function connectionOffersOf(merchantId: SQL): SQL {
  return sql`(select coalesce(jsonb_agg(jsonb_build_object('id', k.id, 'provider', k.provider,
      'mode', k.mode, 'status', k.status, 'methods', k.methods, 'currencies', k.currencies)
      order by k.created_at, k.id), '[]'::jsonb)
    from connections k where k.merchant_id = ${merchantId}) as connections`;
}

/** Subqueries on the conversation `c`; a part not asked for is a constant, so each shape has one text. */
function extras(options: ContextOptions): SQL {
  const duplicateAt =
    options.platformMessageId === undefined
      ? sql`null::timestamptz`
      : sql`(select d.created_at from conversation_messages d
          where d.merchant_id = c.merchant_id and d.conversation_id = c.id
            and d.direction = 'inbound' and d.platform_message_id = ${options.platformMessageId})`;
  const after = options.messagesAfter
    ? sql`and a.created_at > ${options.messagesAfter.toISOString()}::timestamptz`
    : sql``;
  const messages =
    options.messagesAfter === undefined
      ? sql`null::jsonb`
      : sql`(select coalesce(jsonb_agg(jsonb_build_object('id', p.id, 'direction', p.direction,
            'platformMessageId', p.platform_message_id, 'body', p.body, 'redacted', p.redacted,
            'createdAt', p.created_at) order by p.created_at, p.id), '[]'::jsonb)
          from (select * from conversation_messages a
            where a.merchant_id = c.merchant_id and a.conversation_id = c.id ${after}
            order by a.created_at, a.id limit ${MESSAGE_PAGE}) p)`;
  return sql`(select max(l.created_at) from conversation_messages l
      where l.merchant_id = c.merchant_id and l.conversation_id = c.id) as "lastMessageAt",
    ${options.withConnections === false ? sql`'[]'::jsonb as connections` : connectionOffersOf(sql.raw("c.merchant_id"))},
    ${duplicateAt} as "duplicateAt",
    ${messages} as messages`;
}

function contextOf(row: Record<string, unknown>): StepContext {
  const conversation = ConversationRowSchema.parse(row) as Conversation;
  const parsed = ExtrasSchema.parse(row);
  return {
    conversation,
    lastMessageAt: parsed.lastMessageAt,
    connections: parsed.connections,
    duplicateAt: parsed.duplicateAt,
    messages:
      parsed.messages?.map((m) => ({
        ...m,
        merchantId: conversation.merchantId,
        conversationId: conversation.id,
      })) ?? null,
  };
}

function flowOf(row: Record<string, unknown>): FlowLiveness {
  const flow = FlowLivenessSchema.parse(row);
  return {
    merchantId: flow.fMerchantId,
    id: flow.fId,
    status: flow.fStatus,
    publishedVersionId: flow.fPublishedVersionId,
    channels: flow.fChannels,
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
  const [row] = await queryRows(
    db,
    sql`select ${FLOW_COLUMNS}, c.id is not null as "found", ${CONVERSATION_COLUMNS}, ${extras(options)}
      from flows f
      left join conversations c
        on c.merchant_id = f.merchant_id and c.id = ${conversationId} and c.flow_id = f.id
      where f.public_key = ${publicKey}`,
  );
  if (!row) return undefined;
  return { flow: flowOf(row), context: row.found ? contextOf(row) : null };
}

/** A conversation of this merchant by id. */
export async function readStepContext(
  db: DbOrTx,
  merchantId: string,
  conversationId: string,
  options: ContextOptions = {},
): Promise<StepContext | null> {
  // A waiting FOR UPDATE returns the row's newest version, but subqueries beside it would still
  // see the statement's older snapshot: lock in one statement, read in the next.
  if (options.lock) {
    const locked = await queryRows(
      db,
      sql`select id from conversations where merchant_id = ${merchantId} and id = ${conversationId}
        for update`,
    );
    if (locked.length === 0) return null;
  }
  const [row] = await queryRows(
    db,
    sql`select ${CONVERSATION_COLUMNS}, ${extras(options)} from conversations c
      where c.merchant_id = ${merchantId} and c.id = ${conversationId}`,
  );
  return row ? contextOf(row) : null;
}

/** The chat's conversation still in progress (or recently handed to a person). */
export async function readOpenChatStepContext(
  db: DbOrTx,
  chat: ChatAddress,
  now: Date,
  options: ContextOptions = {},
): Promise<StepContext | null> {
  const closed = TERMINAL_STATUSES.filter((s) => s !== "handed_off");
  const open = sql`c.merchant_id = ${chat.merchantId} and c.channel = ${chat.channel}
    and c.external_chat_id = ${chat.externalChatId} and c.flow_id = ${chat.flowId}
    and ${chat.channelId === null ? sql`c.channel_id is null` : sql`c.channel_id = ${chat.channelId}`}
    and not c.is_simulation
    and c.status not in (${sql.join(
      [...closed, "abandoned"].map((s) => sql`${s}`),
      sql`, `,
    )})
    and (c.status <> 'handed_off'
      or c.updated_at >= ${new Date(now.getTime() - HANDOFF_HOLD_MS).toISOString()}::timestamptz)
    order by c.started_at desc limit 1`;
  if (options.lock) {
    const [locked] = await queryRows<{ id: string }>(
      db,
      sql`select c.id from conversations c where ${open} for update`,
    );
    return locked
      ? readStepContext(db, chat.merchantId, locked.id, { ...options, lock: false })
      : null;
  }
  const [row] = await queryRows(
    db,
    sql`select ${CONVERSATION_COLUMNS}, ${extras(options)} from conversations c where ${open}`,
  );
  return row ? contextOf(row) : null;
}

/** A flow by its public key, with the merchant's connections: what a new web chat needs. */
export async function readFlowForStart(
  db: DbOrTx,
  publicKey: string,
): Promise<{ flow: FlowLiveness; connections: ConnectionOffer[] } | undefined> {
  const [row] = await queryRows(
    db,
    sql`select ${FLOW_COLUMNS}, ${connectionOffersOf(sql.raw("f.merchant_id"))}
      from flows f where f.public_key = ${publicKey}`,
  );
  if (!row) return undefined;
  return { flow: flowOf(row), connections: ConnectionOffersSchema.parse(row.connections) };
}
