// Reads for the public chat widget and the hosted chat page. The widget is public: a
// conversation is only readable with the flow's public key and the session that started it.
import type { DbOrTx } from "@/db/client";
import type { Conversation, Mode } from "@/db/schema";
import {
  getFlowByPublicKey,
  isLiveOn,
  loadVersion,
  type PublishedVersion,
} from "@/lib/conversations/engine/graphs";
import { getConversation } from "@/lib/conversations/engine/snapshot";
import { NotFoundError } from "@/lib/errors";
import type { Lang } from "@/lib/flows/graph";

export interface PublicChatFlow {
  merchantId: string;
  flowId: string;
  publicKey: string;
  name: string;
  languages: Lang[];
  defaultLanguage: Lang;
  /** The published version's mode: in test mode the chat says no money moves. */
  mode: Mode;
}

/** A published flow as the public chat page may show it; undefined for unknown or unpublished keys. */
export async function getPublicChatFlow(
  db: DbOrTx,
  publicKey: string,
): Promise<PublicChatFlow | undefined> {
  const flow = await getFlowByPublicKey(db, publicKey);
  if (!flow || !isLiveOn(flow, "web")) return undefined;
  let version: PublishedVersion;
  try {
    version = await loadVersion(db, flow.merchantId, flow.publishedVersionId!);
  } catch {
    return undefined;
  }
  const { graph, mode } = version;
  return {
    merchantId: flow.merchantId,
    flowId: flow.id,
    publicKey: flow.publicKey,
    name: flow.name,
    languages: graph.languages,
    defaultLanguage: graph.defaultLanguage,
    mode,
  };
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
