import { ConversationFilters } from "@/components/conversations/conversation-filters";
import { ConversationsTable } from "@/components/conversations/conversations-table";
import { EmptyState, PageHeader } from "@/components/ui/card";
import { ListLoading } from "@/components/ui/list-loading";
import type { ReadContext } from "@/lib/auth/context";
import { requirePagePermission } from "@/lib/auth/server";
import { CHANNEL_KINDS } from "@/lib/channels/platforms/types";
import {
  decodeConversationCursor,
  listConversationFlowOptions,
  listConversations,
} from "@/lib/conversations/queries";
import { CONVERSATION_STATUSES } from "@/lib/flows/runtime/types";
import { viewModeFor } from "@/lib/mode";
import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { z } from "zod";

export const metadata: Metadata = { title: "Conversations" };
export const dynamic = "force-dynamic";

// 25 rows a page (keyset-paged by Older →): half the render of 50, the page's whole cost.
const PAGE_SIZE = 25;

// Anything unexpected in the URL is dropped rather than failing the page.
const querySchema = z.object({
  flow: z.string().min(1).max(100).optional().catch(undefined),
  status: z.enum(CONVERSATION_STATUSES).optional().catch(undefined),
  channel: z.enum(CHANNEL_KINDS).optional().catch(undefined),
  simulations: z
    .literal("1")
    .optional()
    .catch(undefined)
    .transform((v) => v === "1"),
  cursor: z
    .string()
    .refine((text) => decodeConversationCursor(text) !== null)
    .optional()
    .catch(undefined),
});
type Query = z.infer<typeof querySchema>;

function href(query: Omit<Query, "cursor"> & { cursor?: string }): string {
  const search = new URLSearchParams();
  if (query.flow) search.set("flow", query.flow);
  if (query.status) search.set("status", query.status);
  if (query.channel) search.set("channel", query.channel);
  if (query.simulations) search.set("simulations", "1");
  if (query.cursor) search.set("cursor", query.cursor);
  const text = search.toString();
  return text ? `/conversations?${text}` : "/conversations";
}

/** The rows and their paging: streamed after the header and filters. */
async function ConversationResults({ ctx, query }: { ctx: ReadContext; query: Query }) {
  const mode = await viewModeFor();
  const page = await listConversations(ctx, {
    mode,
    flowId: query.flow,
    status: query.status,
    channel: query.channel,
    includeSimulations: query.simulations,
    cursor: query.cursor,
    limit: PAGE_SIZE,
  });
  const filters = { ...query, cursor: undefined };
  const filtered = Boolean(query.flow || query.status || query.channel);
  if (page.items.length === 0) {
    return query.cursor ? (
      <EmptyState
        title="No older conversations"
        action={
          <Link href={href(filters)} className="text-sm font-medium text-brand-700 hover:underline">
            Back to the newest
          </Link>
        }
      />
    ) : filtered ? (
      <EmptyState title="No conversations match these filters">
        Clear the filters, or pick another flow, status or channel.
        {query.simulations ? null : " Simulator tests are hidden unless you include them."}
      </EmptyState>
    ) : (
      <EmptyState
        title="No conversations yet"
        action={
          <Link href="/flows" className="text-sm font-medium text-brand-700 hover:underline">
            Go to your flows
          </Link>
        }
      >
        Publish a flow and share its chat link or website widget: every chat a customer starts
        appears here.
      </EmptyState>
    );
  }
  return (
    <>
      <ConversationsTable items={page.items} />
      <nav aria-label="Pagination" className="mt-4 flex justify-between text-sm">
        {query.cursor ? (
          <Link href={href(filters)} className="text-brand-700 hover:underline">
            ← Newest
          </Link>
        ) : (
          <span />
        )}
        {page.nextCursor ? (
          <Link
            href={href({ ...filters, cursor: page.nextCursor })}
            className="text-brand-700 hover:underline"
          >
            Older →
          </Link>
        ) : null}
      </nav>
    </>
  );
}

export default async function ConversationsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const ctx = await requirePagePermission("conversations.view");
  const query = querySchema.parse(await searchParams);
  const flowOptions = await listConversationFlowOptions(ctx);
  const flow = query.flow ? flowOptions.find((f) => f.id === query.flow) : undefined;

  return (
    <>
      {flow ? (
        <p className="mb-2 text-sm">
          <Link href={`/flows/${flow.id}`} className="text-brand-700 hover:underline">
            ← {flow.name}
          </Link>
        </p>
      ) : null}
      <PageHeader
        title={flow ? `Conversations · ${flow.name}` : "Conversations"}
        description="What customers said to your bots and what the bots answered, newest first. Open one for its transcript, the steps it took and its payment."
      />
      <ConversationFilters
        values={{
          flow: query.flow,
          status: query.status,
          channel: query.channel,
          simulations: query.simulations,
        }}
        flows={flowOptions}
      />
      {/* Keyed by the query, so a new filter or page shows the fallback, not the old rows. */}
      <Suspense key={href(query)} fallback={<ListLoading label="Loading conversations…" />}>
        <ConversationResults ctx={ctx} query={query} />
      </Suspense>
    </>
  );
}
