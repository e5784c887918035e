// Everything one step of a conversation reads, in one query: the conversation row, when its last
// message was written (messages get strictly increasing times), the merchant's connections, and
// for an inbound message whether it was stored already and what the widget has not seen yet.
// Read without a lock: the step's write checks the revision it read (see step-writer.ts).
// Plain SQL with a fixed text per shape, so Postgres keeps it prepared (see db/prepared.ts); its
// column lists come from the schema (db/rows.ts), so a column added to a table is read too.
import type { DbOrTx } from "@/db/client";
import { runPreparedSql as queryRows } from "@/db/prepared";
import { decodeRow, decodeValue, jsonObjectFields, jsonValue, selectColumns } from "@/db/rows";
import {
  connections,
  conversationMessages,
  conversations,
  flows,
  type Conversation,
  type ConversationMessage,
  type Flow,
} from "@/db/schema";
import type { ConnectionOffer } from "@/lib/conversations/checkout/methods";
import { TERMINAL_STATUSES } from "@/lib/flows/runtime/types";
import { sql, type SQL } from "drizzle-orm";
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

// Every conversation column (a flat select, prefixed so the flow's and the extras' names cannot
// collide), the flow columns FlowLiveness names and the connection columns ConnectionOffer names,
// all from the schema and read back through one decoder (db/rows.ts).
const FLOW_LIVENESS_KEYS = [
  "merchantId",
  "id",
  "status",
  "publishedVersionId",
  "channels",
] as const satisfies readonly (keyof FlowLiveness)[];
const CONNECTION_OFFER_KEYS = [
  "id",
  "provider",
  "mode",
  "status",
  "methods",
  "currencies",
] as const satisfies readonly (keyof ConnectionOffer)[];

const CONVERSATION_COLUMNS = selectColumns(conversations, "c", { prefix: "c:" });
const FLOW_COLUMNS = selectColumns(flows, "f", { prefix: "f:", keys: FLOW_LIVENESS_KEYS });

/** The merchant's connections in creation order, as the method and connection choice reads them. */
function connectionOffersOf(merchantId: SQL): SQL {
  return sql`(select coalesce(jsonb_agg(jsonb_build_object(${jsonObjectFields(connections, "k", CONNECTION_OFFER_KEYS)})
      order by k.created_at, k.id), '[]'::jsonb)
    from connections k where k.merchant_id = ${merchantId}) as connections`;
}

function connectionOffersFrom(value: unknown): ConnectionOffer[] {
  return jsonValue<Record<string, unknown>[]>(value).map((json) =>
    decodeRow(connections, json, { keys: CONNECTION_OFFER_KEYS }),
  );
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
      : sql`(select coalesce(jsonb_agg(to_jsonb(p) order by p.created_at, p.id), '[]'::jsonb)
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
  const messages =
    row.messages === null || row.messages === undefined
      ? null
      : jsonValue<Record<string, unknown>[]>(row.messages).map((json) =>
          decodeRow(conversationMessages, json),
        );
  return {
    conversation: decodeRow(conversations, row, { prefix: "c:" }),
    lastMessageAt: decodeValue(conversationMessages.createdAt, row.lastMessageAt),
    connections: connectionOffersFrom(row.connections),
    duplicateAt: decodeValue(conversationMessages.createdAt, row.duplicateAt),
    messages,
  };
}

function flowOf(row: Record<string, unknown>): FlowLiveness {
  return decodeRow(flows, row, { prefix: "f:", keys: FLOW_LIVENESS_KEYS });
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
      from global_lookups l
      join flows f on f.merchant_id = l.merchant_id and f.id = l.target_id
      left join conversations c
        on c.merchant_id = f.merchant_id and c.id = ${conversationId} and c.flow_id = f.id
      where l.kind = 'flow_public_key' and l.lookup_key = ${publicKey}`,
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
      or c.updated_at >= ${new Date(now.getTime() - HANDOFF_HOLD_MS).toISOString()}::timestamptz
      -- still in the Inbox (waiting for or held by a person): the customer's messages reach it
      or exists (select 1 from conversation_handoffs h where h.merchant_id = c.merchant_id
        and h.conversation_id = c.id and h.status in ('waiting', 'assigned')))
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
      from global_lookups l join flows f on f.merchant_id = l.merchant_id and f.id = l.target_id
      where l.kind = 'flow_public_key' and l.lookup_key = ${publicKey}`,
  );
  if (!row) return undefined;
  return { flow: flowOf(row), connections: connectionOffersFrom(row.connections) };
}
