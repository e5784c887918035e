// Finding the flow a chat belongs to and the graph a conversation runs: the published
// version it started on (immutable, so cached), or the draft for a simulation.
import type { DbOrTx } from "@/db/client";
import { connections, flows, flowVersions, globalLookups, type Flow, type Mode } from "@/db/schema";
import type { ChannelKind } from "@/lib/channels/platforms/types";
import type { ConnectionOffer } from "@/lib/conversations/checkout/methods";
import { AppError, NotFoundError } from "@/lib/errors";
import { FlowGraphSchema, type FlowGraph } from "@/lib/flows/graph";
import { and, asc, eq } from "drizzle-orm";

/** A published version as conversations run it: its graph and the mode it was published in. */
export interface PublishedVersion {
  graph: FlowGraph;
  mode: Mode;
}

/** Flow versions never change once written, so a parsed graph can be reused freely. */
const versionCache = new Map<string, PublishedVersion>();
const VERSION_CACHE_LIMIT = 500;

export async function getFlowByPublicKey(db: DbOrTx, publicKey: string): Promise<Flow | undefined> {
  const [row] = await db
    .select({ flow: flows })
    .from(globalLookups)
    .innerJoin(
      flows,
      and(eq(flows.merchantId, globalLookups.merchantId), eq(flows.id, globalLookups.targetId)),
    )
    .where(and(eq(globalLookups.kind, "flow_public_key"), eq(globalLookups.lookupKey, publicKey)));
  return row?.flow;
}

/**
 * A flow of this merchant by id, for the bot runtime and the simulator. No role check: callers
 * are channel webhooks and the runtime, or have authorized already (the dashboard reads
 * flows through lib/flows/queries.getFlow).
 */
export async function findFlowForRuntime(
  db: DbOrTx,
  merchantId: string,
  flowId: string,
): Promise<Flow | undefined> {
  const [row] = await db
    .select()
    .from(flows)
    .where(and(eq(flows.merchantId, merchantId), eq(flows.id, flowId)));
  return row;
}

/** A flow customers can chat with: published, not archived. */
export function isLive(flow: Pick<Flow, "status" | "publishedVersionId">): boolean {
  return flow.status === "published" && flow.publishedVersionId !== null;
}

/** Published, and offered on this channel in the flow's settings. */
export function isLiveOn(
  flow: Pick<Flow, "status" | "publishedVersionId" | "channels">,
  channel: ChannelKind,
): boolean {
  return isLive(flow) && (flow.channels ?? []).includes(channel);
}

export async function loadVersion(
  db: DbOrTx,
  merchantId: string,
  versionId: string,
): Promise<PublishedVersion> {
  const key = `${merchantId}:${versionId}`;
  const cached = versionCache.get(key);
  if (cached) return cached;
  const [row] = await db
    .select({ graph: flowVersions.graph, mode: flowVersions.mode })
    .from(flowVersions)
    .where(and(eq(flowVersions.merchantId, merchantId), eq(flowVersions.id, versionId)));
  if (!row) throw new NotFoundError("This flow version");
  const version = { graph: FlowGraphSchema.parse(row.graph), mode: row.mode };
  if (versionCache.size >= VERSION_CACHE_LIMIT)
    versionCache.delete(versionCache.keys().next().value!);
  versionCache.set(key, version);
  return version;
}

export async function loadVersionGraph(
  db: DbOrTx,
  merchantId: string,
  versionId: string,
): Promise<FlowGraph> {
  return (await loadVersion(db, merchantId, versionId)).graph;
}

/** The draft as the simulator runs it; a draft that does not parse cannot be simulated yet. */
export function parseDraftForSimulator(draft: unknown): FlowGraph {
  const parsed = FlowGraphSchema.safeParse(draft);
  if (!parsed.success) {
    throw new AppError(
      "The draft has errors the simulator can't run. Fix the highlighted nodes first.",
      422,
    );
  }
  return parsed.data;
}

/** The merchant's connections in creation order, as the method and connection choice reads them. */
export async function listConnectionOffers(
  db: DbOrTx,
  merchantId: string,
): Promise<ConnectionOffer[]> {
  return db
    .select({
      id: connections.id,
      provider: connections.provider,
      mode: connections.mode,
      status: connections.status,
      methods: connections.methods,
      currencies: connections.currencies,
    })
    .from(connections)
    .where(eq(connections.merchantId, merchantId))
    .orderBy(asc(connections.createdAt), asc(connections.id));
}
