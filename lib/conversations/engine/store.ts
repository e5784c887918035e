// Rows of one conversation outside a step: its messages in their strict per-conversation order,
// the chat lock that opens a conversation once, and the send status of replies. Steps read through
// step-context.ts and write through step-writer.ts. Every query names the merchant.
import type { DbOrTx, Tx } from "@/db/client";
import { conversationMessages, type ConversationMessage } from "@/db/schema";
import type { ChannelKind } from "@/lib/channels/platforms/types";
import { and, asc, eq, gt, gte, sql } from "drizzle-orm";
import type { OutboundBody } from "./messages";

/** The most messages one answer carries; the widget asks again from its new cursor. */
export const MESSAGE_PAGE = 200;

/** A handed-off chat keeps the customer's messages for the team this long, then a new one starts. */
export const HANDOFF_HOLD_MS = 24 * 60 * 60 * 1000;

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

/** Events the engine records itself (a checkout the provider refused), beside the runtime's. */
export interface EngineEvent {
  nodeId: string;
  nodeType: string;
  kind: "checkout_failed" | "delivery_failed";
  at: string;
  detail?: string;
}

export async function listMessagesAfter(
  db: DbOrTx,
  merchantId: string,
  conversationId: string,
  after: Date | null,
  limit = MESSAGE_PAGE,
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

export async function recordSendStatus(
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
