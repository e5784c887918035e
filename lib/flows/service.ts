// Flow writes, callable from server actions and tests alike (no Next imports). Each function
// checks its own permission, stays inside ctx.merchantId, and audits in the same transaction.
// Draft saves are not audited: autosave writes every few seconds while someone edits, and the
// versions a merchant publishes are the record that matters.
import type { Tx } from "@/db/client";
import { flows, flowVersions, type Mode, MODES } from "@/db/schema";
import type { ChannelKind } from "@/db/schema/flows";
import { auditAs } from "@/lib/audit/record";
import { assertCan, type ServiceContext } from "@/lib/auth/context";
import { CHANNEL_KINDS } from "@/lib/channels/platforms/types";
import { forgetFramePolicy } from "@/lib/conversations/web-chat/frame-policy";
import { AppError, ConflictError, NotFoundError } from "@/lib/errors";
import { flowLookups, recordGlobalLookups } from "@/lib/global-lookups";
import { newId, randomBase62 } from "@/lib/ids";
import { isCurrency } from "@/lib/money";
import { zodFieldErrors } from "@/lib/validation";
import { and, eq, max } from "drizzle-orm";
import { z } from "zod";
import { type FlowGraph, FlowGraphSchema, LangSchema } from "./graph";
import { livePublishProblems } from "./publish-mode";
import {
  assertFlowExists,
  defaultFlowCurrency,
  listConnectionOptions,
  validationContextFrom,
} from "./queries";
import { buildFlowTemplate, FLOW_TEMPLATES, TEMPLATE_IDS } from "./templates";
import { canPublish, type FlowIssue, validateFlow } from "./validate";
import { widgetOriginsSchema } from "./widget-origins";

/** Far above any flow a person draws; keeps one save from carrying megabytes. */
export const MAX_NODES = 300;
export const MAX_EDGES = 1200;

const flowId = z.string().trim().min(1).max(64);
const flowName = z
  .string()
  .trim()
  .min(1, "Give the flow a name.")
  .max(80, "Keep the name under 80 characters.");

export const createFlowSchema = z.object({
  templateId: z.enum(TEMPLATE_IDS),
  name: flowName,
  currency: z
    .string()
    .trim()
    .toUpperCase()
    .refine(isCurrency, "Parley does not support this currency.")
    .optional(),
  defaultLanguage: LangSchema.optional(),
  languages: z.array(LangSchema).min(1, "Pick at least one language.").optional(),
});
export type CreateFlowInput = z.input<typeof createFlowSchema>;

export const saveDraftSchema = z.object({
  flowId,
  revision: z.number().int().min(0),
  graph: z.unknown(),
});
export type SaveDraftInput = z.input<typeof saveDraftSchema>;

export const publishFlowSchema = z.object({
  flowId,
  /** The draft revision the merchant looked at; a newer draft is refused rather than published unseen. */
  revision: z.number().int().min(0).optional(),
  note: z.string().trim().max(500).default(""),
  /** Live takes real money through live connections; test says so to customers and uses test ones. */
  mode: z.enum(MODES).default("live"),
});
export type PublishFlowInput = z.input<typeof publishFlowSchema>;

export const rollbackFlowSchema = z.object({ flowId, versionId: z.string().trim().min(1).max(64) });

export const flowSettingsSchema = z.object({
  flowId,
  name: flowName.optional(),
  channels: z.array(z.enum(CHANNEL_KINDS)).max(CHANNEL_KINDS.length).optional(),
  /** Sites that may frame the flow's chat (the web widget's allowed origins). */
  widgetOrigins: widgetOriginsSchema.optional(),
  defaultLanguage: LangSchema.optional(),
  languages: z.array(LangSchema).min(1, "Pick at least one language.").optional(),
  /** Required when languages change, since they live in the draft graph. */
  revision: z.number().int().min(0).optional(),
});
export type FlowSettingsInput = z.input<typeof flowSettingsSchema>;

export const flowIdSchema = z.object({ flowId });

/** Publishing live refused: no live connection would take its payments. Nothing is written. */
export class LivePublishRefusedError extends AppError {
  constructor(readonly problems: string[]) {
    super(`Can't publish live: ${problems[0] ?? ""}.`, 422, { mode: problems });
    this.name = "LivePublishRefusedError";
  }
}

/** Publishing refused: the issues say which node to fix. */
export class FlowNotPublishableError extends AppError {
  constructor(readonly issues: FlowIssue[]) {
    const errors = issues.filter((i) => i.severity === "error");
    const fieldErrors: Record<string, string[]> = {};
    for (const issue of errors) (fieldErrors[issue.nodeId ?? "flow"] ??= []).push(issue.message);
    super(
      `Fix ${errors.length} problem${errors.length === 1 ? "" : "s"} before publishing: ${errors[0]?.message ?? ""}`,
      422,
      fieldErrors,
    );
    this.name = "FlowNotPublishableError";
  }
}

export async function createFlowFromTemplate(
  ctx: ServiceContext,
  input: CreateFlowInput,
): Promise<{ id: string; draftRevision: number }> {
  assertCan(ctx, "flows.edit");
  const { templateId, name, currency, defaultLanguage, languages } = createFlowSchema.parse(input);
  const graph = buildFlowTemplate(templateId, {
    currency: currency ?? (await defaultFlowCurrency(ctx.db, ctx.merchantId)),
    languages,
    defaultLanguage,
  });
  const id = newId("flow");
  const template = FLOW_TEMPLATES.find((t) => t.id === templateId)!;
  const publicKey = `pk_${randomBase62(24)}`;
  return ctx.db.transaction(async (tx) => {
    await tx.insert(flows).values({
      merchantId: ctx.merchantId,
      id,
      name,
      template: templateId,
      description: template.description.en,
      publicKey,
      status: "draft",
      draftGraph: graph,
      draftRevision: 0,
      channels: ["web"],
    });
    await recordGlobalLookups(tx, flowLookups([{ merchantId: ctx.merchantId, id, publicKey }]));
    await auditAs(tx, ctx, {
      action: "flow.created",
      targetType: "flow",
      targetId: id,
      summary: `Created flow “${name}” from the ${template.name.en} template`,
      after: { name, template: templateId, currency: graph.currency },
    });
    return { id, draftRevision: 0 };
  });
}

/** Parses a draft sent by the designer; a wrong shape is the client's mistake (422). */
export function parseDesignerDraft(graph: unknown): FlowGraph {
  const parsed = FlowGraphSchema.safeParse(graph);
  if (!parsed.success) {
    throw new AppError(
      "The flow could not be saved: some fields are not valid.",
      422,
      zodFieldErrors(parsed.error),
    );
  }
  if (parsed.data.nodes.length > MAX_NODES || parsed.data.edges.length > MAX_EDGES) {
    throw new AppError(
      `A flow can have at most ${MAX_NODES} steps and ${MAX_EDGES} connections.`,
      422,
    );
  }
  return parsed.data;
}

/** Optimistic concurrency: the save names the revision it started from and gets the next one. */
export async function saveDraft(
  ctx: ServiceContext,
  input: SaveDraftInput,
): Promise<{ draftRevision: number; updatedAt: Date }> {
  assertCan(ctx, "flows.edit");
  const { flowId: id, revision, graph } = saveDraftSchema.parse(input);
  const draft = parseDesignerDraft(graph);
  const now = new Date();
  const [row] = await ctx.db
    .update(flows)
    .set({ draftGraph: draft, draftRevision: revision + 1, updatedAt: now })
    .where(
      and(
        eq(flows.merchantId, ctx.merchantId),
        eq(flows.id, id),
        eq(flows.draftRevision, revision),
      ),
    )
    .returning({ draftRevision: flows.draftRevision, updatedAt: flows.updatedAt });
  if (row) return row;
  await assertFlowExists(ctx.db, ctx.merchantId, id);
  throw new ConflictError(
    "This flow was changed in another tab or by a teammate. Reload to see the latest version.",
  );
}

export interface PublishedVersion {
  versionId: string;
  version: number;
  publishedAt: Date;
  mode: Mode;
  /** Warnings do not block publishing; they come back so the designer can show them. */
  issues: FlowIssue[];
}

export async function publishFlow(
  ctx: ServiceContext,
  input: PublishFlowInput,
): Promise<PublishedVersion> {
  assertCan(ctx, "flows.publish");
  const { flowId: id, revision, note, mode } = publishFlowSchema.parse(input);
  return ctx.db.transaction(async (tx) => {
    const flow = await lockFlow(tx, ctx.merchantId, id);
    if (revision !== undefined && flow.draftRevision !== revision) {
      throw new ConflictError(
        "The draft changed since you opened it. Reload, check it, then publish.",
      );
    }
    const graph = await publishableGraph(tx, ctx.merchantId, flow.draftGraph, mode);
    const published = await insertVersion(tx, ctx, id, { graph: graph.graph, mode, note });
    await tx
      .update(flows)
      .set({
        publishedVersionId: published.versionId,
        status: "published",
        updatedAt: published.publishedAt,
      })
      .where(and(eq(flows.merchantId, ctx.merchantId), eq(flows.id, id)));
    await auditAs(tx, ctx, {
      action: "flow.published",
      targetType: "flow",
      targetId: id,
      summary: `Published “${flow.name}” as version ${published.version}${mode === "test" ? " in test mode" : ""}${note ? `: ${note}` : ""}`,
      before: { publishedVersionId: flow.publishedVersionId },
      after: {
        publishedVersionId: published.versionId,
        version: published.version,
        mode,
        draftRevision: flow.draftRevision,
      },
    });
    return { ...published, issues: graph.issues };
  });
}

/**
 * Versions are immutable, so going back means publishing the old graph again as a new version.
 * The draft becomes that graph too: the designer then shows what is live.
 */
export async function rollbackFlow(
  ctx: ServiceContext,
  id: string,
  versionId: string,
): Promise<PublishedVersion & { rolledBackTo: number; graph: FlowGraph; draftRevision: number }> {
  assertCan(ctx, "flows.publish");
  return ctx.db.transaction(async (tx) => {
    const flow = await lockFlow(tx, ctx.merchantId, id);
    const [target] = await tx
      .select()
      .from(flowVersions)
      .where(
        and(
          eq(flowVersions.merchantId, ctx.merchantId),
          eq(flowVersions.flowId, id),
          eq(flowVersions.id, versionId),
        ),
      );
    if (!target) throw new NotFoundError("This version");
    const graph = await publishableGraph(tx, ctx.merchantId, target.graph, target.mode);
    // The old version comes back in the mode it was published in.
    const published = await insertVersion(tx, ctx, id, {
      graph: graph.graph,
      mode: target.mode,
      note: `Rolled back to version ${target.version}`,
    });
    const draftRevision = flow.draftRevision + 1;
    await tx
      .update(flows)
      .set({
        publishedVersionId: published.versionId,
        status: "published",
        draftGraph: graph.graph,
        draftRevision,
        updatedAt: published.publishedAt,
      })
      .where(and(eq(flows.merchantId, ctx.merchantId), eq(flows.id, id)));
    await auditAs(tx, ctx, {
      action: "flow.rolled_back",
      targetType: "flow",
      targetId: id,
      summary: `Rolled “${flow.name}” back to version ${target.version} (published as version ${published.version})`,
      before: { publishedVersionId: flow.publishedVersionId },
      after: {
        publishedVersionId: published.versionId,
        version: published.version,
        copiedFrom: target.version,
      },
    });
    return {
      ...published,
      issues: graph.issues,
      rolledBackTo: target.version,
      graph: graph.graph,
      draftRevision,
    };
  });
}

export async function updateFlowSettings(
  ctx: ServiceContext,
  input: FlowSettingsInput,
): Promise<{
  name: string;
  channels: ChannelKind[];
  widgetOrigins: string[];
  draftRevision: number;
  graph: FlowGraph | null;
}> {
  assertCan(ctx, "flows.edit");
  const {
    flowId: id,
    name,
    channels,
    widgetOrigins,
    defaultLanguage,
    languages,
    revision,
  } = flowSettingsSchema.parse(input);
  return ctx.db.transaction(async (tx) => {
    const flow = await lockFlow(tx, ctx.merchantId, id);
    const changesGraph = defaultLanguage !== undefined || languages !== undefined;
    let graph: FlowGraph | null = null;
    let draftRevision = flow.draftRevision;
    if (changesGraph) {
      if (revision !== undefined && revision !== flow.draftRevision) {
        throw new ConflictError(
          "The draft changed since you opened it. Reload to see the latest version.",
        );
      }
      const current = parseDesignerDraft(flow.draftGraph);
      const nextLanguages = [...new Set(languages ?? current.languages)];
      const nextDefault = defaultLanguage ?? current.defaultLanguage;
      if (!nextLanguages.includes(nextDefault)) {
        const message = "The default language must be one of the flow's languages.";
        throw new AppError(message, 422, { defaultLanguage: [message] });
      }
      graph = { ...current, languages: nextLanguages, defaultLanguage: nextDefault };
      draftRevision++;
    }
    const next = {
      name: name ?? flow.name,
      channels: channels ? [...new Set(channels)] : flow.channels,
      widgetOrigins: widgetOrigins ?? flow.widgetOrigins,
    };
    await tx
      .update(flows)
      .set({
        ...next,
        ...(graph ? { draftGraph: graph, draftRevision } : {}),
        updatedAt: new Date(),
      })
      .where(and(eq(flows.merchantId, ctx.merchantId), eq(flows.id, id)));
    await auditAs(tx, ctx, {
      action: "flow.settings_updated",
      targetType: "flow",
      targetId: id,
      summary: `Updated the settings of “${next.name}”`,
      before: {
        name: flow.name,
        channels: flow.channels,
        widgetOrigins: flow.widgetOrigins,
        ...(graph ? languagesOf(flow.draftGraph) : {}),
      },
      after: {
        ...next,
        ...(graph ? { languages: graph.languages, defaultLanguage: graph.defaultLanguage } : {}),
      },
    });
    if (widgetOrigins) forgetFramePolicy(flow.publicKey);
    return { ...next, draftRevision, graph };
  });
}

function languagesOf(graph: unknown): Record<string, unknown> {
  const parsed = FlowGraphSchema.safeParse(graph);
  return parsed.success
    ? { languages: parsed.data.languages, defaultLanguage: parsed.data.defaultLanguage }
    : {};
}

async function lockFlow(tx: Tx, merchantId: string, id: string) {
  const [flow] = await tx
    .select()
    .from(flows)
    .where(and(eq(flows.merchantId, merchantId), eq(flows.id, id)))
    .for("update");
  if (!flow) throw new NotFoundError("This flow");
  return flow;
}

/** The graph as it may be published in `mode`: valid, and for live, payable through live connections. */
async function publishableGraph(
  tx: Tx,
  merchantId: string,
  stored: unknown,
  mode: Mode,
): Promise<{ graph: FlowGraph; issues: FlowIssue[] }> {
  const options = await listConnectionOptions(tx, merchantId);
  const issues = validateFlow(stored, validationContextFrom(options));
  if (!canPublish(issues)) throw new FlowNotPublishableError(issues);
  const graph = FlowGraphSchema.parse(stored);
  if (mode === "live") {
    const problems = livePublishProblems(graph, options);
    if (problems.length > 0) throw new LivePublishRefusedError(problems);
  }
  return { graph, issues };
}

async function insertVersion(
  tx: Tx,
  ctx: ServiceContext,
  id: string,
  { graph, mode, note }: { graph: FlowGraph; mode: Mode; note: string },
) {
  const [latest] = await tx
    .select({ version: max(flowVersions.version) })
    .from(flowVersions)
    .where(and(eq(flowVersions.merchantId, ctx.merchantId), eq(flowVersions.flowId, id)));
  const version = (latest?.version ?? 0) + 1;
  const versionId = newId("flowVersion");
  const publishedAt = new Date();
  await tx.insert(flowVersions).values({
    merchantId: ctx.merchantId,
    id: versionId,
    flowId: id,
    version,
    graph,
    mode,
    note,
    publishedByUserId: ctx.user.id,
    publishedAt,
  });
  return { versionId, version, publishedAt, mode };
}
