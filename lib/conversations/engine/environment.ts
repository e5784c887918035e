// What a conversation's steps run against: the graph it started on (the published version,
// or the current draft in a simulation), its channel's capabilities and the merchant's
// connections of the conversation's mode (a simulation is test: it never reaches a live provider).
import type { DbOrTx } from "@/db/client";
import { type Conversation, merchants, type Mode } from "@/db/schema";
import { getChannelAdapter } from "@/lib/channels/platforms";
import type { ChannelKind } from "@/lib/channels/platforms/types";
import { type ConnectionOffer, connectionsInMode } from "@/lib/conversations/checkout/methods";
import { NotFoundError } from "@/lib/errors";
import type { FlowGraph } from "@/lib/flows/graph";
import { eq } from "drizzle-orm";
import {
  findFlowForRuntime,
  listConnectionOffers,
  loadVersion,
  loadVersionGraph,
  parseDraftForSimulator,
  type PublishedVersion,
} from "./graphs";
import type { FlowLiveness } from "./step-context";
import type { StepEnvironment } from "./step-runner";

/** Whom a conversation is: its mode, and whether the simulator runs it. */
export type ConversationOrigin = Pick<Conversation, "mode" | "isSimulation">;

/**
 * What a conversation may pay through: the merchant's connections of its mode, no other; a
 * simulation only Sandbox ones (simulated customers never reach a provider, even a test one).
 */
export function offersFor(all: ConnectionOffer[], origin: ConversationOrigin): ConnectionOffer[] {
  const inMode = connectionsInMode(all, origin.isSimulation ? "test" : origin.mode);
  return origin.isSimulation ? inMode.filter((c) => c.provider === "sandbox") : inMode;
}

export async function connectionsFor(db: DbOrTx, merchantId: string, origin: ConversationOrigin) {
  return offersFor(await listConnectionOffers(db, merchantId), origin);
}

export interface MerchantProfile {
  merchantName: string;
  timeZone: string;
}

// The confirmation step shows the merchant's name and reminders read its time zone on every
// step; both change rarely, so a process keeps them for a minute instead of a query per step.
const PROFILE_TTL_MS = 60_000;
const profiles = new Map<string, { profile: MerchantProfile; at: number }>();

export async function merchantProfile(db: DbOrTx, merchantId: string): Promise<MerchantProfile> {
  const hit = profiles.get(merchantId);
  if (hit && Date.now() - hit.at < PROFILE_TTL_MS) return hit.profile;
  const [row] = await db
    .select({ name: merchants.name, timezone: merchants.timezone })
    .from(merchants)
    .where(eq(merchants.id, merchantId));
  const profile = { merchantName: row?.name ?? "", timeZone: row?.timezone ?? "UTC" };
  if (profiles.size > 5_000) profiles.clear();
  profiles.set(merchantId, { profile, at: Date.now() });
  return profile;
}

export function capabilitiesOf(channel: ChannelKind) {
  return getChannelAdapter(channel).capabilities;
}

/**
 * The graph a new conversation of this flow starts on, and the conversation's mode: the
 * published version's, or test for a simulation (which runs the draft).
 */
export async function versionForNewConversation(
  db: DbOrTx,
  flow: FlowLiveness & { draftGraph?: unknown },
  isSimulation: boolean,
  draftGraph?: unknown,
): Promise<PublishedVersion> {
  if (isSimulation) {
    // A simulation runs the draft: the caller's, or the stored one.
    const draft = draftGraph ?? flow.draftGraph;
    const graph =
      draft !== undefined
        ? parseDraftForSimulator(draft)
        : await graphForConversation(db, {
            merchantId: flow.merchantId,
            flowId: flow.id,
            flowVersionId: null,
          });
    return { graph, mode: "test" satisfies Mode };
  }
  if (!flow.publishedVersionId) throw new NotFoundError("This chat");
  return loadVersion(db, flow.merchantId, flow.publishedVersionId);
}

/** The graph an existing conversation keeps running on. */
export async function graphForConversation(
  db: DbOrTx,
  conversation: Pick<Conversation, "merchantId" | "flowId" | "flowVersionId">,
  draftGraph?: unknown,
): Promise<FlowGraph> {
  if (conversation.flowVersionId)
    return loadVersionGraph(db, conversation.merchantId, conversation.flowVersionId);
  if (draftGraph !== undefined) return parseDraftForSimulator(draftGraph);
  const flow = await findFlowForRuntime(db, conversation.merchantId, conversation.flowId);
  if (!flow) throw new NotFoundError("This flow");
  return parseDraftForSimulator(flow.draftGraph);
}

export async function loadStepEnvironment(
  db: DbOrTx,
  conversation: Conversation,
  draftGraph?: unknown,
): Promise<StepEnvironment> {
  // One after the other: inside a transaction both run on the same connection anyway.
  const graph = await graphForConversation(db, conversation, draftGraph);
  const connections = await connectionsFor(db, conversation.merchantId, conversation);
  return {
    graph,
    connections,
    capabilities: capabilitiesOf(conversation.channel),
    ...(await merchantProfile(db, conversation.merchantId)),
  };
}

/** The environment of a conversation whose merchant's connections were read with it. */
export async function environmentFor(
  db: DbOrTx,
  conversation: Conversation,
  connections: ConnectionOffer[],
  draftGraph?: unknown,
): Promise<StepEnvironment> {
  return {
    graph: await graphForConversation(db, conversation, draftGraph),
    connections: offersFor(connections, conversation),
    capabilities: capabilitiesOf(conversation.channel),
    ...(await merchantProfile(db, conversation.merchantId)),
  };
}
