// What the engine's entry points share: the parameters a chat is addressed by, the answer they
// give, who may reach a flow, and a conversation row before its first step writes it.
import type { Conversation, Flow } from "@/db/schema";
import type { ChannelKind } from "@/lib/channels/platforms/types";
import { NotFoundError } from "@/lib/errors";
import type { ConversationState } from "@/lib/flows/runtime/types";
import { isLiveOn } from "./graphs";
import { type ChatMessageView, toMessageView } from "./messages";
import type { FlowLiveness } from "./step-context";

export interface FlowSelector {
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
export function assertReachable(
  flow: FlowLiveness | undefined,
  selector: FlowSelector & { channel: ChannelKind },
): FlowLiveness {
  if (!flow || (!selector.isSimulation && !isLiveOn(flow, selector.channel)))
    throw new NotFoundError("This chat");
  return flow;
}

export function views(rows: Parameters<typeof toMessageView>[0][]): ChatMessageView[] {
  return rows.map(toMessageView).filter((view): view is ChatMessageView => view !== null);
}

/** A conversation row not written yet, at revision 0: its first step inserts it. */
export function newConversation(
  flow: FlowLiveness,
  identity: ChatIdentity,
  state: ConversationState,
  id: string,
  origin: Pick<Conversation, "isSimulation" | "mode">,
  now: Date,
): Conversation {
  const { isSimulation, mode } = origin;
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
    // Copied from the version it runs (simulations: test); its payments take this mode.
    mode: isSimulation ? "test" : mode,
    state,
    revision: 0,
    startedAt: now,
    updatedAt: now,
    completedAt: null,
  };
}
