// Reads for the Inbox: the queue of conversations waiting for or held by a person (one mode at a
// time, oldest waiting first) and the agent panel of one conversation. Every query names the
// merchant; another merchant's conversation reads as one that does not exist.
import {
  conversationHandoffs,
  conversationMessages,
  conversations,
  flows,
  payments,
  users,
  type ConversationStatus,
  type HandoffStatus,
  type Mode,
  type PaymentOrigin,
} from "@/db/schema";
import { assertCan, type ReadContext } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import { CHANNEL_SEND_RULES } from "@/lib/channels/limits";
import type { ChannelKind } from "@/lib/channels/platforms/types";
import type { PaymentStatus } from "@/lib/connections/providers/types";
import { loadStepEnvironment } from "@/lib/conversations/engine/environment";
import { NotFoundError } from "@/lib/errors";
import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import { listInboxAgents, type InboxMember } from "./reassign";
import { paymentRequestOptions, type PaymentRequestOptions } from "./service";

/** The most entries the Inbox shows at once; it says so when there are more. */
export const INBOX_LIMIT = 200;

export interface InboxPayment {
  id: string;
  amountMinor: number;
  currency: string;
  status: PaymentStatus;
  origin: PaymentOrigin;
}

export interface InboxItem {
  conversationId: string;
  status: "waiting" | "assigned";
  reason: string;
  requestedAt: Date;
  assignedUserId: string | null;
  assignedName: string | null;
  assignedAt: Date | null;
  channel: ChannelKind;
  lang: string;
  flowName: string | null;
  payments: InboxPayment[];
}

export async function listInbox(
  ctx: ReadContext,
  mode: Mode,
): Promise<{ items: InboxItem[]; more: boolean }> {
  assertCan(ctx, "inbox.view");
  const rows = await ctx.db
    .select({
      conversationId: conversationHandoffs.conversationId,
      status: conversationHandoffs.status,
      reason: conversationHandoffs.reason,
      requestedAt: conversationHandoffs.requestedAt,
      assignedUserId: conversationHandoffs.assignedUserId,
      assignedAt: conversationHandoffs.assignedAt,
      assignedName: users.name,
      channel: conversations.channel,
      lang: conversations.lang,
      flowName: flows.name,
    })
    .from(conversationHandoffs)
    .innerJoin(
      conversations,
      and(
        eq(conversations.merchantId, conversationHandoffs.merchantId),
        eq(conversations.id, conversationHandoffs.conversationId),
      ),
    )
    .leftJoin(
      flows,
      and(eq(flows.merchantId, conversations.merchantId), eq(flows.id, conversations.flowId)),
    )
    .leftJoin(users, eq(users.id, conversationHandoffs.assignedUserId))
    .where(
      and(
        eq(conversationHandoffs.merchantId, ctx.merchantId),
        eq(conversationHandoffs.mode, mode),
        inArray(conversationHandoffs.status, ["waiting", "assigned"]),
      ),
    )
    // Waiting ones first, the longest wait on top; then the ones someone holds.
    .orderBy(
      sql`case when ${conversationHandoffs.status} = 'waiting' then 0 else 1 end`,
      asc(conversationHandoffs.requestedAt),
      asc(conversationHandoffs.conversationId),
    )
    .limit(INBOX_LIMIT + 1);
  const page = rows.slice(0, INBOX_LIMIT);
  const byConversation = await paymentsOf(
    ctx,
    page.map((r) => r.conversationId),
  );
  return {
    items: page.map((row) => ({
      ...row,
      status: row.status as "waiting" | "assigned",
      payments: byConversation.get(row.conversationId) ?? [],
    })),
    more: rows.length > INBOX_LIMIT,
  };
}

async function paymentsOf(
  ctx: ReadContext,
  conversationIds: string[],
): Promise<Map<string, InboxPayment[]>> {
  const out = new Map<string, InboxPayment[]>();
  if (conversationIds.length === 0) return out;
  const rows = await ctx.db
    .select({
      id: payments.id,
      conversationId: payments.conversationId,
      amountMinor: payments.amountMinor,
      currency: payments.currency,
      status: payments.status,
      origin: payments.origin,
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
    out.set(conversationId, [...(out.get(conversationId) ?? []), payment]);
  }
  return out;
}

export interface FlowStepOption {
  id: string;
  label: string;
}

export interface InboxPanel {
  conversationId: string;
  conversationStatus: ConversationStatus;
  isSimulation: boolean;
  handoffStatus: HandoffStatus | null;
  requestedAt: Date | null;
  assignedUserId: string | null;
  assignedName: string | null;
  heldByMe: boolean;
  /** The viewer's role may take over, reply, request payments and hand back. */
  mayAct: boolean;
  channel: ChannelKind;
  maxTextLength: number;
  /** When the channel's window closes (WhatsApp, Messenger); null: no window. */
  windowClosesAt: Date | null;
  windowMs: number | null;
  lastCustomerMessageAt: Date | null;
  /** Steps the bot can resume at. */
  steps: FlowStepOption[];
  /** Where a payment request goes; null when no connection of the conversation's mode fits. */
  paymentOptions: PaymentRequestOptions | null;
  /** The viewer (owner, admin) may move the held conversation to another member. */
  mayReassign: boolean;
  /** Who it can move to: members who may take chats over, the holder left out. */
  reassignTo: InboxMember[];
}

export async function getInboxPanel(
  ctx: ReadContext & { userId: string },
  conversationId: string,
): Promise<InboxPanel> {
  assertCan(ctx, "conversations.view");
  const [row] = await ctx.db
    .select({
      conversation: conversations,
      handoff: conversationHandoffs,
      assignedName: users.name,
      lastCustomerMessageAt: sql<
        string | null
      >`(select max(m.created_at) from ${conversationMessages} m
        where m.merchant_id = ${conversations.merchantId} and m.conversation_id = ${conversations.id}
          and m.direction = 'inbound')`,
    })
    .from(conversations)
    .leftJoin(
      conversationHandoffs,
      and(
        eq(conversationHandoffs.merchantId, conversations.merchantId),
        eq(conversationHandoffs.conversationId, conversations.id),
      ),
    )
    .leftJoin(users, eq(users.id, conversationHandoffs.assignedUserId))
    .where(and(eq(conversations.merchantId, ctx.merchantId), eq(conversations.id, conversationId)));
  if (!row) throw new NotFoundError("This conversation");
  const c = row.conversation;
  const rules = CHANNEL_SEND_RULES[c.channel];
  const last = row.lastCustomerMessageAt ? new Date(row.lastCustomerMessageAt) : null;
  const mayAct = can(ctx.role, "conversations.takeover");
  let steps: FlowStepOption[] = [];
  let paymentOptions: PaymentRequestOptions | null = null;
  if (mayAct && !c.isSimulation) {
    const env = await loadStepEnvironment(ctx.db, c).catch(() => null);
    steps = (env?.graph.nodes ?? [])
      .filter((node) => node.type !== "start")
      .map((node) => ({
        id: node.id,
        label: node.data.label ? `${node.data.label} (${node.type})` : `${node.id} (${node.type})`,
      }));
    paymentOptions = env ? await paymentRequestOptions(ctx.db, c).catch(() => null) : null;
  }
  const mayReassign =
    can(ctx.role, "conversations.reassign") &&
    !c.isSimulation &&
    row.handoff?.status === "assigned" &&
    !["completed", "expired", "abandoned"].includes(c.status);
  const reassignTo = mayReassign
    ? (await listInboxAgents(ctx)).filter((m) => m.userId !== row.handoff?.assignedUserId)
    : [];
  return {
    conversationId: c.id,
    conversationStatus: c.status,
    isSimulation: c.isSimulation,
    handoffStatus: row.handoff?.status ?? null,
    requestedAt: row.handoff?.requestedAt ?? null,
    assignedUserId: row.handoff?.assignedUserId ?? null,
    assignedName: row.assignedName,
    heldByMe: row.handoff?.status === "assigned" && row.handoff.assignedUserId === ctx.userId,
    mayAct,
    channel: c.channel,
    maxTextLength: rules.maxTextLength,
    windowMs: rules.windowMs,
    windowClosesAt:
      rules.windowMs !== null && last ? new Date(last.getTime() + rules.windowMs) : null,
    lastCustomerMessageAt: last,
    steps,
    paymentOptions,
    mayReassign,
    reassignTo,
  };
}
