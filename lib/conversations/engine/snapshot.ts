// A conversation as the widget, the stream and the simulator show it: the row, then a snapshot
// of its messages after a cursor. Merchant-scoped; callers check who may read it.
import type { DbOrTx } from "@/db/client";
import { conversations, type Conversation } from "@/db/schema";
import { and, eq } from "drizzle-orm";
import { toMessageView, type ChatMessageView } from "./messages";
import { readState } from "./step-runner";
import { listMessagesAfter } from "./store";

export async function getConversation(
  db: DbOrTx,
  merchantId: string,
  conversationId: string,
): Promise<Conversation | undefined> {
  const [row] = await db
    .select()
    .from(conversations)
    .where(and(eq(conversations.merchantId, merchantId), eq(conversations.id, conversationId)));
  return row;
}

export interface ChatSnapshot {
  conversationId: string;
  status: Conversation["status"];
  messages: ChatMessageView[];
  /** The createdAt of the last message: ask for what comes after it next time. */
  cursor: string | null;
  path: string[];
}

export function snapshotOf(
  conversation: Conversation,
  messages: ChatMessageView[],
  after: string | null,
): ChatSnapshot {
  return {
    conversationId: conversation.id,
    status: conversation.status,
    messages,
    cursor: messages.at(-1)?.createdAt ?? after,
    path: readState(conversation).path ?? [],
  };
}

export async function readConversationSince(
  db: DbOrTx,
  conversation: Conversation,
  after: string | null,
): Promise<ChatSnapshot> {
  const rows = await listMessagesAfter(
    db,
    conversation.merchantId,
    conversation.id,
    after ? new Date(after) : null,
  );
  const messages = rows.map(toMessageView).filter((m): m is ChatMessageView => m !== null);
  return snapshotOf(conversation, messages, after);
}
