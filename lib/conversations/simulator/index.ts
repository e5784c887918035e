// The designer's simulator: a web conversation on the flow's current draft, marked as a
// simulation, paying through the merchant's Sandbox connection only. Simulating changes
// conversations and creates Sandbox payments, so it needs flows.edit.
// Path: lib/flows/simulator-actions.ts (schemas.ts) → index.ts → the engine (../engine).
import { assertCan, type ServiceContext } from "@/lib/auth/context";
import { handleInbound, startConversation } from "@/lib/conversations/engine";
import { connectionsFor } from "@/lib/conversations/engine/environment";
import { findFlowForRuntime, parseDraftForSimulator } from "@/lib/conversations/engine/graphs";
import {
  getConversation,
  readConversationSince,
  type ChatSnapshot,
} from "@/lib/conversations/engine/snapshot";
import { NotFoundError } from "@/lib/errors";
import type { Lang } from "@/lib/flows/graph";

export interface SimulatorInfo {
  flowName: string;
  languages: Lang[];
  defaultLanguage: Lang;
  currency: string;
  /** No active Sandbox connection takes the flow's currency: payments can't be simulated. */
  sandboxMissing: boolean;
}

function simulatorChat(ctx: ServiceContext): string {
  // Per person: two colleagues simulating the same flow don't share a chat.
  return `sim:${ctx.user.id}`;
}

async function draftOf(ctx: ServiceContext, flowId: string) {
  const flow = await findFlowForRuntime(ctx.db, ctx.merchantId, flowId);
  if (!flow) throw new NotFoundError("This flow");
  return { flow, graph: parseDraftForSimulator(flow.draftGraph) };
}

export async function getSimulatorInfo(
  ctx: ServiceContext,
  flowId: string,
): Promise<SimulatorInfo> {
  assertCan(ctx, "flows.edit");
  const { flow, graph } = await draftOf(ctx, flowId);
  // A simulation is a test conversation that pays on Sandbox only.
  const sandboxes = await connectionsFor(ctx.db, ctx.merchantId, {
    mode: "test",
    isSimulation: true,
  });
  const sandboxMissing = !sandboxes.some(
    (c) =>
      c.status === "active" && c.currencies.some((cur) => cur.toUpperCase() === graph.currency),
  );
  return {
    flowName: flow.name,
    languages: graph.languages,
    defaultLanguage: graph.defaultLanguage,
    currency: graph.currency,
    sandboxMissing,
  };
}

export async function startSimulation(
  ctx: ServiceContext,
  input: { flowId: string; lang?: Lang },
): Promise<ChatSnapshot> {
  assertCan(ctx, "flows.edit");
  const { flow, graph } = await draftOf(ctx, input.flowId);
  const chat = simulatorChat(ctx);
  const result = await startConversation(ctx.db, {
    flow,
    draftGraph: graph,
    isSimulation: true,
    channel: "web",
    externalUserId: ctx.user.id,
    externalChatId: chat,
    lang: input.lang && graph.languages.includes(input.lang) ? input.lang : undefined,
  });
  return {
    conversationId: result.conversationId,
    status: result.status,
    messages: result.messages,
    cursor: result.messages.at(-1)?.createdAt ?? null,
    path: result.path,
  };
}

async function ownSimulation(ctx: ServiceContext, flowId: string, conversationId: string) {
  const conversation = await getConversation(ctx.db, ctx.merchantId, conversationId);
  if (
    !conversation ||
    !conversation.isSimulation ||
    conversation.flowId !== flowId ||
    conversation.externalChatId !== simulatorChat(ctx)
  ) {
    throw new NotFoundError("This simulation");
  }
  return conversation;
}

export async function sendSimulationMessage(
  ctx: ServiceContext,
  input: {
    flowId: string;
    conversationId: string;
    messageId: string;
    text?: string;
    choice?: string;
    after?: string;
  },
): Promise<ChatSnapshot> {
  assertCan(ctx, "flows.edit");
  await ownSimulation(ctx, input.flowId, input.conversationId);
  const { flow, graph } = await draftOf(ctx, input.flowId);
  const result = await handleInbound(ctx.db, {
    flow,
    draftGraph: graph,
    isSimulation: true,
    channel: "web",
    externalUserId: ctx.user.id,
    externalChatId: simulatorChat(ctx),
    conversationId: input.conversationId,
    message: {
      platformMessageId: input.messageId,
      text: input.text ?? input.choice ?? "",
      choiceValue: input.choice,
    },
    messagesAfter: input.after ? new Date(input.after) : null,
  });
  return {
    conversationId: result.conversationId,
    status: result.status,
    messages: result.messages,
    cursor: result.messages.at(-1)?.createdAt ?? input.after ?? null,
    path: result.path,
  };
}

export async function pollSimulation(
  ctx: ServiceContext,
  input: { flowId: string; conversationId: string; after?: string },
): Promise<ChatSnapshot> {
  assertCan(ctx, "flows.edit");
  const conversation = await ownSimulation(ctx, input.flowId, input.conversationId);
  return readConversationSince(ctx.db, conversation, input.after ?? null);
}
