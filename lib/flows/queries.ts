// Flow reads for the list, the designer and the publish check. Every query is scoped by
// ctx.merchantId; another merchant's flow looks exactly like one that does not exist.
import type { DbOrTx } from "@/db/client";
import { connections, flows, flowVersions, merchants, users, type Mode } from "@/db/schema";
import type { ChannelKind, FlowStatus } from "@/db/schema/flows";
import { flowConversions } from "@/lib/analytics/flow-conversions";
import { assertCan, type ReadContext } from "@/lib/auth/context";
import type { PaymentMethod, ProviderKind } from "@/lib/connections/providers/types";
import { NotFoundError } from "@/lib/errors";
import { isCurrency } from "@/lib/money";
import { and, desc, eq } from "drizzle-orm";
import type { ValidationContext } from "./validate";

export const STATS_DAYS = 30;

export interface FlowListItem {
  id: string;
  name: string;
  status: FlowStatus;
  template: string;
  channels: ChannelKind[];
  /** Number of the published version, null while the flow has never been published. */
  version: number | null;
  updatedAt: Date;
  conversations: number;
  paidConversations: number;
  /** Paid conversations / started ones over the last 30 days (the merchant's days); null with none. */
  conversionRate: number | null;
}

/** Every flow; its conversation figures are the viewed mode's only (test or live). */
export async function listFlows(
  ctx: ReadContext,
  mode: Mode,
  now = new Date(),
): Promise<FlowListItem[]> {
  assertCan(ctx, "flows.view");
  const rows = await ctx.db
    .select({
      id: flows.id,
      name: flows.name,
      status: flows.status,
      template: flows.template,
      channels: flows.channels,
      updatedAt: flows.updatedAt,
      version: flowVersions.version,
    })
    .from(flows)
    .leftJoin(
      flowVersions,
      and(
        eq(flowVersions.merchantId, flows.merchantId),
        eq(flowVersions.id, flows.publishedVersionId),
      ),
    )
    .where(eq(flows.merchantId, ctx.merchantId))
    .orderBy(desc(flows.updatedAt), flows.id);

  // From the funnel rollup (lib/analytics/rollup-job.ts keeps it), not a scan of conversations:
  // a conversation with several paid attempts still counts once, simulations never.
  const byFlow = await flowConversions(ctx.db, ctx.merchantId, mode, STATS_DAYS, now);

  return rows.map((row) => ({
    ...row,
    version: row.version ?? null,
    ...conversionOf(byFlow.get(row.id)),
  }));
}

export interface FlowConversion {
  conversations: number;
  paidConversations: number;
  conversionRate: number | null;
}

/** One flow's figures over the Flows list's window, from the same rollup (the designer header). */
export async function getFlowConversion(
  ctx: ReadContext,
  mode: Mode,
  flowId: string,
  now = new Date(),
): Promise<FlowConversion> {
  assertCan(ctx, "flows.view");
  const byFlow = await flowConversions(ctx.db, ctx.merchantId, mode, STATS_DAYS, now);
  return conversionOf(byFlow.get(flowId));
}

function conversionOf(s: { started: number; paid: number } | undefined): FlowConversion {
  const started = s?.started ?? 0;
  const paid = s?.paid ?? 0;
  return {
    conversations: started,
    paidConversations: paid,
    conversionRate: started > 0 ? paid / started : null,
  };
}

export interface FlowDetail {
  id: string;
  name: string;
  description: string;
  template: string;
  status: FlowStatus;
  channels: ChannelKind[];
  publicKey: string;
  /** Sites allowed to frame the flow's chat. */
  widgetOrigins: string[];
  /** As stored; the designer parses it (a draft saved by an older schema may not parse). */
  draftGraph: unknown;
  draftRevision: number;
  publishedVersionId: string | null;
  publishedVersion: number | null;
  /** The mode the published version was published in. */
  publishedMode: Mode | null;
  publishedGraph: unknown;
  createdAt: Date;
  updatedAt: Date;
}

export async function getFlow(ctx: ReadContext, flowId: string): Promise<FlowDetail> {
  assertCan(ctx, "flows.view");
  const [row] = await ctx.db
    .select({
      flow: flows,
      version: flowVersions.version,
      mode: flowVersions.mode,
      publishedGraph: flowVersions.graph,
    })
    .from(flows)
    .leftJoin(
      flowVersions,
      and(
        eq(flowVersions.merchantId, flows.merchantId),
        eq(flowVersions.id, flows.publishedVersionId),
      ),
    )
    .where(and(eq(flows.merchantId, ctx.merchantId), eq(flows.id, flowId)));
  if (!row) throw new NotFoundError("This flow");
  const { flow } = row;
  return {
    id: flow.id,
    name: flow.name,
    description: flow.description,
    template: flow.template,
    status: flow.status,
    channels: flow.channels,
    publicKey: flow.publicKey,
    widgetOrigins: flow.widgetOrigins,
    draftGraph: flow.draftGraph,
    draftRevision: flow.draftRevision,
    publishedVersionId: flow.publishedVersionId,
    publishedVersion: row.version ?? null,
    publishedMode: row.mode ?? null,
    publishedGraph: row.publishedGraph ?? null,
    createdAt: flow.createdAt,
    updatedAt: flow.updatedAt,
  };
}

export interface FlowVersionSummary {
  id: string;
  version: number;
  note: string;
  publishedAt: Date;
  publishedBy: string | null;
}

export async function listVersions(
  ctx: ReadContext,
  flowId: string,
): Promise<FlowVersionSummary[]> {
  assertCan(ctx, "flows.view");
  await assertFlowExists(ctx.db, ctx.merchantId, flowId);
  return ctx.db
    .select({
      id: flowVersions.id,
      version: flowVersions.version,
      note: flowVersions.note,
      publishedAt: flowVersions.publishedAt,
      publishedBy: users.name,
    })
    .from(flowVersions)
    .leftJoin(users, eq(users.id, flowVersions.publishedByUserId))
    .where(and(eq(flowVersions.merchantId, ctx.merchantId), eq(flowVersions.flowId, flowId)))
    .orderBy(desc(flowVersions.version));
}

export async function assertFlowExists(
  db: DbOrTx,
  merchantId: string,
  flowId: string,
): Promise<void> {
  const [row] = await db
    .select({ id: flows.id })
    .from(flows)
    .where(and(eq(flows.merchantId, merchantId), eq(flows.id, flowId)));
  if (!row) throw new NotFoundError("This flow");
}

export interface ConnectionOption {
  id: string;
  label: string;
  provider: ProviderKind;
  mode: "test" | "live";
  enabled: boolean;
  methods: PaymentMethod[];
  currencies: string[];
}

/** The merchant's connections as the designer and the validator see them. */
export async function listConnectionOptions(
  db: DbOrTx,
  merchantId: string,
): Promise<ConnectionOption[]> {
  const rows = await db
    .select({
      id: connections.id,
      label: connections.label,
      provider: connections.provider,
      mode: connections.mode,
      status: connections.status,
      methods: connections.methods,
      currencies: connections.currencies,
    })
    .from(connections)
    .where(eq(connections.merchantId, merchantId))
    .orderBy(connections.label, connections.id);
  return rows.map(({ status, ...row }) => ({ ...row, enabled: status === "active" }));
}

/** Only active connections count; others stay listed so a pay node naming one gets a clear message. */
export function validationContextFrom(options: readonly ConnectionOption[]): ValidationContext {
  const enabled = options.filter((c) => c.enabled);
  return {
    enabledMethods: [...new Set(enabled.flatMap((c) => c.methods))],
    connections: options.map((c) => ({
      id: c.id,
      enabled: c.enabled,
      methods: c.methods,
      currencies: c.currencies,
    })),
  };
}

/** The currency a new flow starts in: the merchant's default when Parley supports it. */
export async function defaultFlowCurrency(db: DbOrTx, merchantId: string): Promise<string> {
  const [merchant] = await db
    .select({ currency: merchants.defaultCurrency })
    .from(merchants)
    .where(eq(merchants.id, merchantId));
  return merchant && isCurrency(merchant.currency) ? merchant.currency : "EUR";
}
