// Shared set-up for the conversation tests: a merchant with a Sandbox connection and a
// published "Order and pay" flow built from the real template, inserted row by row.
import type { Db } from "@/db/client";
import {
  connections,
  conversationMessages,
  conversations,
  flows,
  flowVersions,
  merchants,
  type Mode,
} from "@/db/schema";
import { CHANNEL_KINDS } from "@/lib/channels/platforms/types";
import { sealCredentials } from "@/lib/connections/credentials";
import { generateSandboxCredentials } from "@/lib/connections/providers/sandbox";
import { PAYMENT_METHODS, type PaymentMethod } from "@/lib/connections/providers/types";
import { resetEnvCache } from "@/lib/env";
import type { FlowGraph, Lang } from "@/lib/flows/graph";
import { buildFlowTemplate } from "@/lib/flows/templates";
import { flowLookups, recordGlobalLookups } from "@/lib/global-lookups";
import { newId, randomBase62 } from "@/lib/ids";
import { and, count, eq } from "drizzle-orm";

export function useTestMasterKey(): void {
  // Sealing credentials needs a master key; never let a test write one into the data folder.
  process.env.PARLEY_MASTER_KEYS = `v1:${Buffer.alloc(32, 9).toString("base64")}`;
  process.env.PARLEY_APP_URL = "http://localhost:3999";
  resetEnvCache();
}

export interface ShopFixture {
  merchantId: string;
  connectionId: string;
  flowId: string;
  versionId: string;
  publicKey: string;
  graph: FlowGraph;
}

export function orderAndPayGraph(languages: Lang[] = ["en", "fr"]): FlowGraph {
  return buildFlowTemplate("order_and_pay", {
    currency: "EUR",
    languages,
    defaultLanguage: languages[0],
  });
}

export async function insertMerchant(db: Db, name = "Test Shop"): Promise<string> {
  const id = newId("merchant");
  await db.insert(merchants).values({ id, name, slug: id.toLowerCase() });
  return id;
}

export async function insertSandboxConnection(
  db: Db,
  merchantId: string,
  options: { methods?: PaymentMethod[]; currencies?: string[] } = {},
): Promise<string> {
  const id = newId("connection");
  const sealed = sealCredentials("sandbox", generateSandboxCredentials(), id);
  await db.insert(connections).values({
    merchantId,
    id,
    provider: "sandbox",
    label: "Sandbox",
    mode: "test",
    status: "active",
    credentialsEncrypted: sealed.credentialsEncrypted,
    keyVersion: sealed.keyVersion,
    credentialsHint: sealed.credentialsHint,
    methods: options.methods ?? [...PAYMENT_METHODS],
    currencies: options.currencies ?? ["EUR", "USD"],
  });
  return id;
}

export async function insertPublishedFlow(
  db: Db,
  merchantId: string,
  graph: FlowGraph,
  name = "Order and pay",
  // Test by default: these fixtures pay on Sandbox, which only test conversations may use.
  mode: Mode = "test",
) {
  const flowId = newId("flow");
  const versionId = newId("flowVersion");
  const publicKey = `pk_${randomBase62(20)}`;
  await db.insert(flows).values({
    merchantId,
    id: flowId,
    name,
    template: "order_and_pay",
    publicKey,
    status: "published",
    draftGraph: graph,
    publishedVersionId: versionId,
    channels: [...CHANNEL_KINDS],
  });
  await recordGlobalLookups(db, flowLookups([{ merchantId, id: flowId, publicKey }]));
  await db
    .insert(flowVersions)
    .values({ merchantId, id: versionId, flowId, version: 1, graph, mode });
  return { flowId, versionId, publicKey };
}

/** Publishes `graph` as the flow's next version, the way the designer's publish does. */
export async function publishNewVersion(
  db: Db,
  merchantId: string,
  flowId: string,
  graph: FlowGraph,
  version: number,
  mode: Mode = "test",
): Promise<string> {
  const versionId = newId("flowVersion");
  await db.insert(flowVersions).values({ merchantId, id: versionId, flowId, version, graph, mode });
  await db
    .update(flows)
    .set({ publishedVersionId: versionId, draftGraph: graph })
    .where(and(eq(flows.merchantId, merchantId), eq(flows.id, flowId)));
  return versionId;
}

export async function insertShop(db: Db, languages: Lang[] = ["en", "fr"]): Promise<ShopFixture> {
  const merchantId = await insertMerchant(db);
  const connectionId = await insertSandboxConnection(db, merchantId);
  const graph = orderAndPayGraph(languages);
  const flow = await insertPublishedFlow(db, merchantId, graph);
  return { merchantId, connectionId, graph, ...flow };
}

export function productPrice(graph: FlowGraph, index: number): number {
  const node = graph.nodes.find((n) => n.type === "product_choice");
  if (!node || node.type !== "product_choice") throw new Error("no catalogue");
  return node.data.products[index].priceMinor;
}

/** Customer messages stored for conversations that came in through this channel. */
export async function inboundCount(db: Db, channelId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(conversationMessages)
    .innerJoin(
      conversations,
      and(
        eq(conversations.merchantId, conversationMessages.merchantId),
        eq(conversations.id, conversationMessages.conversationId),
      ),
    )
    .where(
      and(eq(conversations.channelId, channelId), eq(conversationMessages.direction, "inbound")),
    );
  return row.n;
}
