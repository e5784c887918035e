// One payment as its detail page shows it: amounts (paid, refunded, net), its connection and flow
// by name, links to the provider's own dashboard, the conversation that led to it (what the
// customer was shown and what they confirmed) and one merged timeline of every system, provider
// and user event (lib/payments/timeline.ts). Every read is scoped by ctx.merchantId; another
// merchant's payment reads as one that does not exist. A payment opens whatever the viewed mode
// (a link to a test payment still works in live view; the page says it is a test payment).
import {
  alerts,
  auditLog,
  connections,
  conversationEvents,
  conversationMessages,
  conversations,
  disputes,
  flows,
  paymentEvents,
  payments,
  refunds,
  users,
  webhookInbox,
  type Dispute,
  type Payment,
  type PaymentEvent,
  type Refund,
} from "@/db/schema";
import type { ChannelKind } from "@/db/schema/flows";
import type { ServiceContext } from "@/lib/auth/context";
import { assertCan } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import { toMessageView } from "@/lib/conversations/engine/messages";
import type { TranscriptEntry } from "@/lib/conversations/queries";
import { NotFoundError } from "@/lib/errors";
import { formatMoney } from "@/lib/money";
import { viewFromTimeline } from "@/lib/payments/facts";
import { refundsAreManual } from "@/lib/payments/manual-refunds";
import {
  PROVIDER_DASHBOARD_NAME,
  providerDisputeLink,
  providerPaymentLink,
  type ProviderLink,
} from "@/lib/payments/provider-links";
import type { PaymentView } from "@/lib/payments/state-machine";
import { cryptoState, type CryptoState } from "@/lib/payments/status-display";
import { mergeTimeline, type TimelineEntry } from "@/lib/payments/timeline";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";

export interface PaymentWithTimeline {
  payment: Payment;
  /** Oldest first, newest last. */
  events: PaymentEvent[];
  refunds: Refund[];
  disputes: Dispute[];
}

/** The payment with its raw event rows, refunds and disputes (the refund action's read too). */
export async function getPaymentWithTimeline(
  ctx: ServiceContext,
  paymentId: string,
): Promise<PaymentWithTimeline> {
  assertCan(ctx, "transactions.view");
  const [payment] = await ctx.db
    .select()
    .from(payments)
    .where(and(eq(payments.merchantId, ctx.merchantId), eq(payments.id, paymentId)));
  if (!payment) throw new NotFoundError("This payment");
  const [events, refundRows, disputeRows] = await Promise.all([
    ctx.db
      .select()
      .from(paymentEvents)
      .where(
        and(eq(paymentEvents.merchantId, ctx.merchantId), eq(paymentEvents.paymentId, paymentId)),
      )
      .orderBy(asc(paymentEvents.occurredAt), asc(paymentEvents.recordedAt), asc(paymentEvents.id)),
    ctx.db
      .select()
      .from(refunds)
      .where(and(eq(refunds.merchantId, ctx.merchantId), eq(refunds.paymentId, paymentId)))
      .orderBy(asc(refunds.createdAt)),
    ctx.db
      .select()
      .from(disputes)
      .where(and(eq(disputes.merchantId, ctx.merchantId), eq(disputes.paymentId, paymentId)))
      .orderBy(asc(disputes.openedAt)),
  ]);
  return { payment, events, refunds: refundRows, disputes: disputeRows };
}

export interface PaymentAmounts {
  currency: string;
  /** What the customer paid: the amount, once captured; 0 before. */
  paidMinor: number;
  refundedMinor: number;
  /** Refunds still pending keep their amount reserved. */
  reservedMinor: number;
  /** Paid minus refunded. */
  netMinor: number;
}

export interface CartLine {
  sku: string;
  quantity: number;
  unitMinor: number;
}

export interface PaymentConversation {
  id: string;
  channel: ChannelKind;
  /** Oldest first. */
  messages: TranscriptEntry[];
  /** The cart the runtime priced, if the flow had one. */
  cart: { items: CartLine[]; totalMinor: number; currency: string } | null;
  /** The payment link message for this payment: the amount the customer was shown. */
  shown: { amountMinor: number; currency: string; at: Date } | null;
  /** What the customer last said (or tapped) before that link: what they confirmed. */
  confirmed: { text: string; at: Date } | null;
}

export interface PaymentDetail extends PaymentWithTimeline {
  amounts: PaymentAmounts;
  connectionLabel: string | null;
  flowName: string | null;
  providerLink: ProviderLink | null;
  /** The provider dashboard's name ("Stripe") for "Open in …". */
  providerDashboard: string;
  /** Null without a conversation, or when the role may not read conversations. */
  conversation: PaymentConversation | null;
  /** Every event, merged and ordered oldest first. */
  timeline: TimelineEntry[];
  /** Crypto payments: where the charge stands and what arrived on chain; null otherwise. */
  crypto: PaymentCrypto | null;
  /** The provider has no refund API: refunds are recorded, not sent (Coinbase Commerce). */
  manualRefunds: boolean;
}

export interface PaymentCrypto {
  state: CryptoState;
  settlement: PaymentView["settlement"] | null;
  received: PaymentView["received"] | null;
}

const CAPTURED = ["succeeded", "partially_refunded", "refunded", "disputed"];

const CartSchema = z.object({
  items: z.array(
    z.object({ sku: z.string(), quantity: z.number().int(), unitMinor: z.number().int() }),
  ),
  totalMinor: z.number().int(),
  currency: z.string(),
});
const StateCartSchema = z.object({ cart: CartSchema.optional() }).loose();
const StepDetailSchema = z.object({ detail: z.string() });

// Conversation steps that concern one payment, their detail being its id.
const CONVERSATION_PAYMENT_KINDS = {
  payment_link_sent: { kind: "link_sent", title: "Payment link sent in the chat" },
  payment_opened: { kind: "opened", title: "Customer opened the payment page" },
} as const;

function money(amountMinor: number, currency: string): string {
  try {
    return formatMoney(amountMinor, currency);
  } catch {
    return `${amountMinor} ${currency} (minor units)`;
  }
}

export function paymentAmounts(payment: Payment, refundRows: Refund[]): PaymentAmounts {
  const paidMinor = CAPTURED.includes(payment.status) ? payment.amountMinor : 0;
  const reservedMinor = refundRows
    .filter((r) => r.status === "pending")
    .reduce((total, r) => total + r.amountMinor, 0);
  return {
    currency: payment.currency,
    paidMinor,
    refundedMinor: payment.refundedMinor,
    reservedMinor,
    netMinor: paidMinor - payment.refundedMinor,
  };
}

export async function getPaymentDetail(
  ctx: ServiceContext,
  paymentId: string,
): Promise<PaymentDetail> {
  const base = await getPaymentWithTimeline(ctx, paymentId);
  const { payment } = base;
  const m = ctx.merchantId;
  const withPayloads = can(ctx.role, "webhooks.view_payloads");
  const readsConversations = can(ctx.role, "conversations.view");
  const webhookIds = [
    ...new Set(base.events.map((e) => e.webhookId).filter((id): id is string => !!id)),
  ];

  const [names, deliveries, auditRows, alertRows, stepRows, conversation] = await Promise.all([
    ctx.db
      .select({ connectionLabel: connections.label, flowName: flows.name })
      .from(payments)
      .leftJoin(
        connections,
        and(eq(connections.merchantId, m), eq(connections.id, payments.connectionId)),
      )
      .leftJoin(flows, and(eq(flows.merchantId, m), eq(flows.id, payments.flowId)))
      .where(and(eq(payments.merchantId, m), eq(payments.id, payment.id))),
    webhookIds.length
      ? ctx.db
          .select({
            id: webhookInbox.id,
            connectionId: webhookInbox.connectionId,
            status: webhookInbox.status,
            eventTypes: webhookInbox.eventTypes,
            receivedAt: webhookInbox.receivedAt,
            // The body is not even read for roles that may not see it.
            rawBody: withPayloads ? webhookInbox.rawBody : sql<null>`null`,
          })
          .from(webhookInbox)
          .where(and(eq(webhookInbox.merchantId, m), inArray(webhookInbox.id, webhookIds)))
      : Promise.resolve([]),
    ctx.db
      .select()
      .from(auditLog)
      .where(
        and(
          eq(auditLog.merchantId, m),
          eq(auditLog.targetType, "payment"),
          eq(auditLog.targetId, payment.id),
        ),
      ),
    ctx.db
      .select()
      .from(alerts)
      .where(and(eq(alerts.merchantId, m), sql`${alerts.detail}->>'paymentId' = ${payment.id}`)),
    payment.conversationId
      ? ctx.db
          .select({
            id: conversationEvents.id,
            kind: conversationEvents.kind,
            detail: conversationEvents.detail,
            occurredAt: conversationEvents.occurredAt,
          })
          .from(conversationEvents)
          .where(
            and(
              eq(conversationEvents.merchantId, m),
              eq(conversationEvents.conversationId, payment.conversationId),
              inArray(conversationEvents.kind, Object.keys(CONVERSATION_PAYMENT_KINDS)),
            ),
          )
      : Promise.resolve([]),
    payment.conversationId && readsConversations
      ? loadConversation(ctx, payment.conversationId, payment)
      : Promise.resolve(null),
  ]);

  const refundUserIds = [
    ...new Set(base.refunds.map((r) => r.createdByUserId).filter((id): id is string => !!id)),
  ];
  const refundUsers = refundUserIds.length
    ? await ctx.db
        .select({ id: users.id, email: users.email })
        .from(users)
        .where(inArray(users.id, refundUserIds))
    : [];
  const emailOf = new Map(refundUsers.map((u) => [u.id, u.email]));

  const entries: TimelineEntry[] = [
    {
      key: `created:${payment.id}`,
      at: payment.createdAt,
      kind: "created",
      source: "system",
      title: "Payment created",
      detail: payment.description || undefined,
      amountMinor: payment.amountMinor,
      currency: payment.currency,
    },
  ];
  for (const step of stepRows) {
    const detail = StepDetailSchema.safeParse(step.detail);
    if (!detail.success || detail.data.detail !== payment.id) continue;
    const meta = CONVERSATION_PAYMENT_KINDS[step.kind as keyof typeof CONVERSATION_PAYMENT_KINDS];
    entries.push({
      key: `${meta.kind}:${step.id}`,
      at: step.occurredAt,
      kind: meta.kind,
      source: "system",
      title: meta.title,
    });
  }
  for (const d of deliveries) {
    entries.push({
      key: `webhook:${d.id}`,
      at: d.receivedAt,
      kind: "webhook",
      source: "provider",
      title: `Webhook received (${d.status})`,
      detail: d.eventTypes.join(", ") || undefined,
      href: `/connections/${d.connectionId}/deliveries/${d.id}`,
      ...(d.rawBody !== null && { payload: d.rawBody }),
    });
  }
  for (const e of base.events) {
    entries.push({
      key: `state_change:${e.id}`,
      at: e.occurredAt,
      recordedAt: e.recordedAt,
      kind: "state_change",
      source: e.source === "parley" ? "system" : "provider",
      title: e.type,
      detail: e.rawType && e.rawType !== e.type ? e.rawType : undefined,
      statusAfter: e.statusAfter,
      amountMinor: e.amountMinor,
      currency: e.currency,
    });
  }
  for (const r of base.refunds) {
    const by = r.createdByUserId ? emailOf.get(r.createdByUserId) : undefined;
    entries.push({
      key: `refund:${r.id}`,
      at: r.createdAt,
      kind: "refund",
      source: by ? "user" : "system",
      title: r.providerRefundId?.startsWith("manual_")
        ? `Refund of ${money(r.amountMinor, r.currency)} recorded manually${by ? ` by ${by}` : ""} — sent outside the provider`
        : `Refund of ${money(r.amountMinor, r.currency)} ${by ? `requested by ${by}` : "recorded"} — ${r.status}`,
      detail: [r.reason, r.outcomeReason].filter(Boolean).join(" · ") || undefined,
      actor: by,
      amountMinor: r.amountMinor,
      currency: r.currency,
    });
  }
  for (const d of base.disputes) {
    entries.push({
      key: `dispute:${d.id}`,
      at: d.openedAt,
      kind: "dispute",
      source: "provider",
      title: `Dispute opened: ${d.reason}`,
      detail: `${d.status}${d.dueBy ? ` · respond by ${d.dueBy.toISOString().slice(0, 10)}` : ""}`,
      amountMinor: d.amountMinor,
      currency: d.currency,
      href: providerDisputeLink(payment.provider, payment.mode, d.providerDisputeId) ?? undefined,
    });
    if (d.closedAt) {
      entries.push({
        key: `dispute:${d.id}:closed`,
        at: d.closedAt,
        kind: "dispute",
        source: "provider",
        title: `Dispute closed: ${d.outcome ?? d.status}`,
      });
    }
  }
  for (const a of auditRows) {
    entries.push({
      key: `audit:${a.id}`,
      at: a.createdAt,
      kind: "audit",
      source: "user",
      title: a.summary,
      actor: a.actorEmail,
      detail: `${a.action} by ${a.actorEmail}`,
    });
  }
  for (const a of alertRows) {
    entries.push({
      key: `alert:${a.id}`,
      at: a.openedAt,
      kind: "alert",
      source: "system",
      title: `Alert: ${a.title}`,
      detail: `${a.severity} · ${a.status}`,
      href: "/alerts",
    });
  }

  const [name] = names;
  return {
    ...base,
    amounts: paymentAmounts(payment, base.refunds),
    connectionLabel: name?.connectionLabel ?? null,
    flowName: name?.flowName ?? null,
    providerLink: providerPaymentLink(payment.provider, payment.mode, payment.providerPaymentId),
    providerDashboard: PROVIDER_DASHBOARD_NAME[payment.provider],
    conversation,
    timeline: mergeTimeline(entries),
    crypto: paymentCrypto(payment, base.events),
    manualRefunds: refundsAreManual(payment.provider),
  };
}

/** The crypto charge's state, folded from the timeline the page already read. */
function paymentCrypto(payment: Payment, events: PaymentEvent[]): PaymentCrypto | null {
  if (payment.method !== "crypto" && payment.provider !== "coinbase") return null;
  const view = viewFromTimeline(payment, events);
  return {
    state: cryptoState(payment.status, view.settlement),
    settlement: view.settlement ?? null,
    received: view.received ?? null,
  };
}

async function loadConversation(
  ctx: ServiceContext,
  conversationId: string,
  payment: Payment,
): Promise<PaymentConversation | null> {
  const m = ctx.merchantId;
  const [[row], messageRows] = await Promise.all([
    ctx.db
      .select({ id: conversations.id, channel: conversations.channel, state: conversations.state })
      .from(conversations)
      .where(and(eq(conversations.merchantId, m), eq(conversations.id, conversationId))),
    ctx.db
      .select()
      .from(conversationMessages)
      .where(
        and(
          eq(conversationMessages.merchantId, m),
          eq(conversationMessages.conversationId, conversationId),
        ),
      )
      .orderBy(asc(conversationMessages.createdAt), asc(conversationMessages.id)),
  ]);
  if (!row) return null;
  const messages: TranscriptEntry[] = messageRows.map((msg) => ({
    id: msg.id,
    direction: msg.direction,
    createdAt: msg.createdAt,
    redacted: msg.redacted,
    view: toMessageView(msg),
  }));
  // The link for this payment: its URL, else the last link for this amount.
  const links = messages.filter((msg) => msg.view?.kind === "payment_link");
  const link =
    links.find((msg) => payment.checkoutUrl && msg.view?.url === payment.checkoutUrl) ??
    links
      .filter(
        (msg) =>
          msg.view?.amountMinor === payment.amountMinor && msg.view?.currency === payment.currency,
      )
      .at(-1) ??
    null;
  const beforeLink = link ? messages.slice(0, messages.indexOf(link)) : [];
  const confirmation = beforeLink.filter((msg) => msg.direction === "inbound" && msg.view).at(-1);
  const state = StateCartSchema.safeParse(row.state);
  return {
    id: row.id,
    channel: row.channel,
    messages,
    cart: state.success ? (state.data.cart ?? null) : null,
    shown:
      link?.view?.amountMinor !== undefined && link.view.currency
        ? { amountMinor: link.view.amountMinor, currency: link.view.currency, at: link.createdAt }
        : null,
    confirmed: confirmation?.view
      ? { text: confirmation.view.text, at: confirmation.createdAt }
      : null,
  };
}
