// Reads for the dashboard's conversation pages: the list (filters, cursor paging) and one
// conversation with its transcript, steps, flow version and payments. Every query is scoped by
// ctx.merchantId; another merchant's conversation reads as one that does not exist.
import {
  conversationEvents,
  conversationMessages,
  conversations,
  flows,
  flowVersions,
  MODES,
  payments,
  type ConversationStatus,
  type Mode,
} from "@/db/schema";
import { assertCan, type ReadContext } from "@/lib/auth/context";
import { CHANNEL_KINDS, type ChannelKind } from "@/lib/channels/platforms/types";
import type { PaymentStatus } from "@/lib/connections/providers/types";
import { toMessageView, type ChatMessageView } from "@/lib/conversations/engine/messages";
import { NotFoundError } from "@/lib/errors";
import { CONVERSATION_STATUSES } from "@/lib/flows/runtime/types";
import { and, asc, desc, eq, inArray, sql, type SQL } from "drizzle-orm";
import { z } from "zod";

// The cursor carries started_at at microsecond precision (a JS Date keeps only milliseconds),
// so rows sharing a millisecond are neither skipped nor repeated between pages.
const CursorSchema = z.object({
  at: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/),
  id: z.string().min(1).max(100),
});
type Cursor = z.infer<typeof CursorSchema>;

export function encodeConversationCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor), "utf8").toString("base64url");
}

export function decodeConversationCursor(text: string): Cursor | null {
  try {
    const parsed = CursorSchema.safeParse(
      JSON.parse(Buffer.from(text, "base64url").toString("utf8")),
    );
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export const listConversationsSchema = z.object({
  /** Test or live: the list never mixes them (simulations are test). */
  mode: z.enum(MODES),
  flowId: z.string().min(1).max(100).optional(),
  status: z.enum(CONVERSATION_STATUSES).optional(),
  channel: z.enum(CHANNEL_KINDS).optional(),
  includeSimulations: z.boolean().default(false),
  /** Opaque: the nextCursor of the previous page. */
  cursor: z
    .string()
    .transform((text, ctx) => {
      const cursor = decodeConversationCursor(text);
      if (!cursor) ctx.addIssue({ code: "custom", message: "This page link is not valid." });
      return cursor ?? z.NEVER;
    })
    .optional(),
  limit: z.number().int().min(1).max(200).default(50),
});
export type ListConversationsOptions = z.input<typeof listConversationsSchema>;

export interface LinkedPayment {
  id: string;
  amountMinor: number;
  currency: string;
  status: PaymentStatus;
  createdAt: Date;
}

export interface ConversationListItem {
  id: string;
  flowId: string;
  /** Null when the flow was deleted. */
  flowName: string | null;
  channel: ChannelKind;
  lang: string;
  status: ConversationStatus;
  isSimulation: boolean;
  mode: Mode;
  startedAt: Date;
  lastActivityAt: Date;
  /** The newest payment the conversation created, if any. */
  latestPayment: LinkedPayment | null;
  paymentCount: number;
}

export interface ConversationPage {
  items: ConversationListItem[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

const startedAtText = sql<string>`to_char(${conversations.startedAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** Newest first, ordered by (started_at, id) so paging is stable over equal timestamps. */
export async function listConversations(
  ctx: ReadContext,
  options: ListConversationsOptions,
): Promise<ConversationPage> {
  assertCan(ctx, "conversations.view");
  const filter = listConversationsSchema.parse(options);
  const conditions: SQL[] = [
    eq(conversations.merchantId, ctx.merchantId),
    eq(conversations.mode, filter.mode),
  ];
  if (filter.flowId) conditions.push(eq(conversations.flowId, filter.flowId));
  if (filter.status) conditions.push(eq(conversations.status, filter.status));
  if (filter.channel) conditions.push(eq(conversations.channel, filter.channel));
  if (!filter.includeSimulations) conditions.push(eq(conversations.isSimulation, false));
  if (filter.cursor) {
    conditions.push(
      sql`(${conversations.startedAt}, ${conversations.id}) < (${filter.cursor.at}::timestamptz, ${filter.cursor.id})`,
    );
  }

  const rows = await ctx.db
    .select({
      id: conversations.id,
      flowId: conversations.flowId,
      flowName: flows.name,
      channel: conversations.channel,
      lang: conversations.lang,
      status: conversations.status,
      isSimulation: conversations.isSimulation,
      mode: conversations.mode,
      startedAt: conversations.startedAt,
      lastActivityAt: conversations.updatedAt,
      startedAtText,
    })
    .from(conversations)
    .leftJoin(
      flows,
      and(eq(flows.merchantId, conversations.merchantId), eq(flows.id, conversations.flowId)),
    )
    .where(and(...conditions))
    .orderBy(desc(conversations.startedAt), desc(conversations.id))
    .limit(filter.limit + 1);

  const pageRows = rows.slice(0, filter.limit);
  const last = pageRows.at(-1);
  const nextCursor =
    rows.length > filter.limit && last
      ? encodeConversationCursor({ at: last.startedAtText, id: last.id })
      : null;

  const paymentsByConversation = await paymentsOf(
    ctx,
    pageRows.map((r) => r.id),
  );
  const items = pageRows.map(({ startedAtText: _text, ...row }) => {
    const linked = paymentsByConversation.get(row.id) ?? [];
    return { ...row, latestPayment: linked[0] ?? null, paymentCount: linked.length };
  });
  return { items, nextCursor };
}

/** Each conversation's payments, newest first. */
async function paymentsOf(
  ctx: ReadContext,
  conversationIds: string[],
): Promise<Map<string, LinkedPayment[]>> {
  const byConversation = new Map<string, LinkedPayment[]>();
  if (conversationIds.length === 0) return byConversation;
  const rows = await ctx.db
    .select({
      id: payments.id,
      conversationId: payments.conversationId,
      amountMinor: payments.amountMinor,
      currency: payments.currency,
      status: payments.status,
      createdAt: payments.createdAt,
    })
    .from(payments)
    .where(
      and(
        eq(payments.merchantId, ctx.merchantId),
        inArray(payments.conversationId, conversationIds),
      ),
    )
    .orderBy(desc(payments.createdAt), desc(payments.id));
  for (const { conversationId, ...payment } of rows) {
    if (!conversationId) continue;
    const list = byConversation.get(conversationId) ?? [];
    list.push(payment);
    byConversation.set(conversationId, list);
  }
  return byConversation;
}

export interface FlowOption {
  id: string;
  name: string;
}

/** The merchant's flows, for the list's flow filter. */
export async function listConversationFlowOptions(ctx: ReadContext): Promise<FlowOption[]> {
  assertCan(ctx, "conversations.view");
  return ctx.db
    .select({ id: flows.id, name: flows.name })
    .from(flows)
    .where(eq(flows.merchantId, ctx.merchantId))
    .orderBy(asc(flows.name), asc(flows.id));
}

export interface TranscriptEntry {
  id: string;
  direction: "inbound" | "outbound";
  createdAt: Date;
  /** Card data was removed from what the customer sent before it was stored. */
  redacted: boolean;
  /** Null when the stored body is in a shape this version cannot read. */
  view: ChatMessageView | null;
}

export interface ConversationStep {
  id: string;
  nodeId: string;
  nodeType: string;
  kind: string;
  detail: string | null;
  occurredAt: Date;
}

export interface ConversationDetail {
  id: string;
  flowId: string;
  flowName: string | null;
  flowVersionId: string | null;
  /** The published version's number, null when unknown (a simulation of a draft). */
  flowVersion: number | null;
  channel: ChannelKind;
  lang: string;
  status: ConversationStatus;
  isSimulation: boolean;
  /** Opened whatever the viewed mode; the page says when it is a test conversation. */
  mode: Mode;
  startedAt: Date;
  lastActivityAt: Date;
  completedAt: Date | null;
  /** Oldest first. */
  messages: TranscriptEntry[];
  /** Oldest first. */
  steps: ConversationStep[];
  /** Newest first. */
  payments: LinkedPayment[];
}

const StepDetailSchema = z.object({ detail: z.string() });

export async function getConversationDetail(
  ctx: ReadContext,
  conversationId: string,
): Promise<ConversationDetail> {
  assertCan(ctx, "conversations.view");
  const [row] = await ctx.db
    .select({
      conversation: conversations,
      flowName: flows.name,
      flowVersion: flowVersions.version,
    })
    .from(conversations)
    .leftJoin(
      flows,
      and(eq(flows.merchantId, conversations.merchantId), eq(flows.id, conversations.flowId)),
    )
    .leftJoin(
      flowVersions,
      and(
        eq(flowVersions.merchantId, conversations.merchantId),
        eq(flowVersions.id, conversations.flowVersionId),
      ),
    )
    .where(and(eq(conversations.merchantId, ctx.merchantId), eq(conversations.id, conversationId)));
  if (!row) throw new NotFoundError("This conversation");
  const c = row.conversation;

  const [messageRows, eventRows, linked] = await Promise.all([
    ctx.db
      .select()
      .from(conversationMessages)
      .where(
        and(
          eq(conversationMessages.merchantId, ctx.merchantId),
          eq(conversationMessages.conversationId, c.id),
        ),
      )
      .orderBy(asc(conversationMessages.createdAt), asc(conversationMessages.id)),
    ctx.db
      .select()
      .from(conversationEvents)
      .where(
        and(
          eq(conversationEvents.merchantId, ctx.merchantId),
          eq(conversationEvents.conversationId, c.id),
        ),
      )
      // Events of one step share a timestamp and have random ids; they are written in one
      // insert and never updated, so their physical order is the order the runtime took them.
      .orderBy(asc(conversationEvents.occurredAt), asc(conversationEvents.seq)),
    paymentsOf(ctx, [c.id]),
  ]);

  return {
    id: c.id,
    flowId: c.flowId,
    flowName: row.flowName,
    flowVersionId: c.flowVersionId,
    flowVersion: row.flowVersion,
    channel: c.channel,
    lang: c.lang,
    status: c.status,
    isSimulation: c.isSimulation,
    mode: c.mode,
    startedAt: c.startedAt,
    lastActivityAt: c.updatedAt,
    completedAt: c.completedAt,
    messages: messageRows.map((m) => ({
      id: m.id,
      direction: m.direction,
      createdAt: m.createdAt,
      redacted: m.redacted,
      view: toMessageView(m),
    })),
    steps: eventRows.map((e) => {
      const detail = StepDetailSchema.safeParse(e.detail);
      return {
        id: e.id,
        nodeId: e.nodeId,
        nodeType: e.nodeType,
        kind: e.kind,
        detail: detail.success ? detail.data.detail : null,
        occurredAt: e.occurredAt,
      };
    }),
    payments: linked.get(c.id) ?? [],
  };
}
