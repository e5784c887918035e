// Reads for the chat widget, the hosted chat page and the simulator. The widget is public: a
// conversation is only readable with the flow's public key and the session that started it.
import type { DbOrTx } from "@/db/client";
import { conversations, type Conversation } from "@/db/schema";
import { getFlowByPublicKey, isLiveOn, loadVersionGraph } from "@/lib/conversations/engine/graphs";
import { toMessageView, type ChatMessageView } from "@/lib/conversations/engine/messages";
import { readState } from "@/lib/conversations/engine/step-runner";
import { listMessagesAfter } from "@/lib/conversations/engine/store";
import { NotFoundError } from "@/lib/errors";
import type { FlowGraph, Lang } from "@/lib/flows/graph";
import { and, eq } from "drizzle-orm";

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

export interface PublicChatFlow {
  merchantId: string;
  flowId: string;
  publicKey: string;
  name: string;
  languages: Lang[];
  defaultLanguage: Lang;
}

/** A published flow as the public chat page may show it; undefined for unknown or unpublished keys. */
export async function getPublicChatFlow(
  db: DbOrTx,
  publicKey: string,
): Promise<PublicChatFlow | undefined> {
  const flow = await getFlowByPublicKey(db, publicKey);
  if (!flow || !isLiveOn(flow, "web")) return undefined;
  let graph: FlowGraph;
  try {
    graph = await loadVersionGraph(db, flow.merchantId, flow.publishedVersionId!);
  } catch {
    return undefined;
  }
  return {
    merchantId: flow.merchantId,
    flowId: flow.id,
    publicKey: flow.publicKey,
    name: flow.name,
    languages: graph.languages,
    defaultLanguage: graph.defaultLanguage,
  };
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

/** The widget's conversation, when the key, the session and the conversation belong together. */
export async function getWidgetConversation(
  db: DbOrTx,
  flow: PublicChatFlow,
  conversationId: string,
  sessionId: string,
): Promise<Conversation> {
  const conversation = await getConversation(db, flow.merchantId, conversationId);
  if (
    !conversation ||
    conversation.flowId !== flow.flowId ||
    conversation.channel !== "web" ||
    conversation.isSimulation ||
    conversation.externalChatId !== sessionId
  ) {
    throw new NotFoundError("This conversation");
  }
  return conversation;
}
