import { FlowDesigner } from "@/components/flows/designer/designer";
import { FlowConversionStrip } from "@/components/flows/flow-conversion-strip";
import { EmptyState } from "@/components/ui/card";
import { can } from "@/lib/auth/permissions";
import { requirePagePermission } from "@/lib/auth/server";
import { appUrl } from "@/lib/env";
import { NotFoundError } from "@/lib/errors";
import { FlowGraphSchema } from "@/lib/flows/graph";
import {
  getFlow,
  getFlowConversion,
  listConnectionOptions,
  listVersions,
  STATS_DAYS,
  validationContextFrom,
} from "@/lib/flows/queries";
import { viewModeFor } from "@/lib/mode";
import type { Metadata } from "next";
import { notFound } from "next/navigation";

export const metadata: Metadata = { title: "Flow designer" };
export const dynamic = "force-dynamic";

export default async function FlowDesignerPage({ params }: { params: Promise<{ id: string }> }) {
  const ctx = await requirePagePermission("flows.view");
  const { id } = await params;
  const flow = await getFlow(ctx, id).catch((error: unknown) => {
    if (error instanceof NotFoundError) notFound();
    throw error;
  });
  const [versions, connections, conversion] = await Promise.all([
    listVersions(ctx, id),
    listConnectionOptions(ctx.db, ctx.merchantId),
    getFlowConversion(ctx, await viewModeFor(), id),
  ]);
  const draft = FlowGraphSchema.safeParse(flow.draftGraph);
  if (!draft.success) {
    return (
      <EmptyState title="This draft cannot be opened">
        Its saved form does not match what the designer expects ({draft.error.issues[0]?.message}).
        Roll back to a published version from the versions list, or ask support to repair it.
      </EmptyState>
    );
  }
  const published = FlowGraphSchema.safeParse(flow.publishedGraph);
  return (
    <>
      <FlowConversionStrip
        flowId={flow.id}
        days={STATS_DAYS}
        conversion={conversion}
        canSeeConversations={can(ctx.role, "conversations.view")}
        canSeeAnalytics={can(ctx.role, "analytics.view")}
      />
      <FlowDesigner
        flow={{
          id: flow.id,
          name: flow.name,
          status: flow.status,
          channels: flow.channels,
          publicKey: flow.publicKey,
          widgetOrigins: flow.widgetOrigins,
        }}
        appOrigin={appUrl()}
        graph={draft.data}
        draftRevision={flow.draftRevision}
        publishedGraph={published.success ? published.data : null}
        liveVersion={
          flow.publishedVersionId && flow.publishedVersion
            ? {
                id: flow.publishedVersionId,
                version: flow.publishedVersion,
                mode: flow.publishedMode ?? "live",
              }
            : null
        }
        versions={versions.map((v) => ({ ...v, publishedAt: v.publishedAt.toISOString() }))}
        connections={connections}
        validation={validationContextFrom(connections)}
        canEdit={can(ctx.role, "flows.edit")}
        canPublish={can(ctx.role, "flows.publish")}
        userName={ctx.user.name}
      />
    </>
  );
}
