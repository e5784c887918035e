// One bench payment and what belongs to it (conversation, timeline, maybe a refund), as COPY rows
// (bench/seed-payments.ts streams them). Statuses and provider events come from the demo seed's
// own plan (db/seed/payment-plan.ts), ids from its providers' shapes (db/seed/provider-refs.ts).
import { conversations, paymentEvents, payments, refunds, type Mode } from "@/db/schema";
import type { Conversation } from "@/db/schema/conversations";
import type { ChannelKind } from "@/db/schema/flows";
import type { Payment, PaymentEvent, Refund } from "@/db/schema/payments";
import { externalIds } from "@/db/seed/conversation-state";
import {
  parleyEventRow,
  paymentTimeline,
  planPayment,
  providerEventRow,
  type PaymentPlan,
} from "@/db/seed/payment-plan";
import { checkoutRefs, providerRefundId } from "@/db/seed/provider-refs";
import { SeededRandom } from "@/db/seed/random";
import type { ProviderKind } from "@/lib/connections/providers/types";
import { getTableColumns } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import { CopyWriter } from "./copy-writer";
import {
  DAY,
  draw,
  EXPONENT,
  HOUR_CDF,
  MINUTE,
  ROUND_TO,
  SPREAD_DAYS,
  type MerchantPlan,
  type MerchantRuntime,
} from "./seed-merchants";
/** Minor units of a basket drawn around the merchant's median, rounded like a real price. */
export function amountFor(rng: SeededRandom, plan: MerchantPlan, currency: string): number {
  const major = plan.basketMajor.median * Math.exp(rng.gaussian(0, plan.basketMajor.spread));
  const exponent = EXPONENT[currency] ?? 2;
  const minor = major * (plan.rates[currency] ?? 1) * 10 ** exponent;
  const step = ROUND_TO[currency] ?? 10;
  return Math.max(step, Math.round(minor / step) * step);
}

/** An instant in the last 90 days, busier lately (+30 %) and at lunch and dinner, local time. */
export function createdAtFor(rng: SeededRandom, plan: MerchantPlan, nowMs: number): number {
  for (;;) {
    const ago = rng.next() * SPREAD_DAYS;
    if (rng.next() * 1.3 > 1 + 0.3 * (1 - ago / SPREAD_DAYS)) continue;
    const localMidnight =
      Math.floor((nowMs - ago * DAY + plan.utcOffsetHours * 3_600_000) / DAY) * DAY;
    const roll = rng.next();
    let hour = 0;
    while (hour < 23 && roll >= HOUR_CDF[hour]) hour++;
    const t =
      localMidnight -
      plan.utcOffsetHours * 3_600_000 +
      hour * 3_600_000 +
      Math.floor(rng.next() * 3_600_000);
    if (t <= nowMs - 1000) return t;
  }
}

export const PAYMENT_COLUMNS = columnsOf(payments);
export const EVENT_COLUMNS = columnsOf(paymentEvents);
export const CONVERSATION_COLUMNS = columnsOf(conversations);
export const REFUND_COLUMNS = columnsOf(refunds);

/** [row key, column name] for every column the app writes (identity columns excluded). */
export function columnsOf(table: PgTable): [string, string][] {
  return Object.entries(getTableColumns(table))
    .filter(([, c]) => !(c as { generatedIdentity?: unknown }).generatedIdentity)
    .map(([key, c]) => [key, c.name]);
}

export function valuesOf(row: Record<string, unknown>, columns: [string, string][]): unknown[] {
  return columns.map(([key]) => {
    const value = row[key];
    if (value === undefined) throw new Error(`bench seed row is missing "${key}"`);
    return value;
  });
}

export const CONVERSATION_STATUS_FOR: Partial<Record<Payment["status"], Conversation["status"]>> = {
  succeeded: "completed",
  refunded: "completed",
  partially_refunded: "completed",
  pending: "waiting_payment",
  requires_action: "waiting_payment",
  created: "waiting_payment",
  failed: "expired",
  canceled: "abandoned",
  expired: "expired",
};

export const DESCRIPTION_PREFIX: Record<string, string> = {
  "lumiere-bistro": "Lumière Bistro",
  "nusantara-batik": "Nusantara Batik",
  "souq-al-bahar": "Souq Al Bahar",
};

export interface Writers {
  payments: CopyWriter;
  events: CopyWriter;
  conversations: CopyWriter;
  refunds: CopyWriter;
}

/** One payment (and its conversation, timeline, maybe a refund) written to the COPY streams. */
export function writePayment(
  rng: SeededRandom,
  m: MerchantRuntime,
  nowMs: number,
  origin: string,
  w: Writers,
): void {
  const now = new Date(nowMs);
  const mode: Mode = rng.chance(m.plan.testShare) ? "test" : "live";
  const liveRoute = draw(rng, m.live);
  const provider: ProviderKind = mode === "test" ? "sandbox" : liveRoute.provider;
  const method = liveRoute.method;
  const currency = draw(rng, m.currencyCdfs.get(liveRoute)!);
  const connectionId = m.connectionFor.get(`${provider}:${mode}`);
  if (!connectionId) throw new Error(`${m.plan.slug} has no ${provider} ${mode} connection`);
  const createdAtMs = createdAtFor(rng, m.plan, nowMs);
  const createdAt = new Date(createdAtMs);
  const expiresAt = new Date(createdAtMs + (method === "bank_transfer" ? 24 * 60 : 60) * MINUTE);
  const amountMinor = amountFor(rng, m.plan, currency);
  const lang = draw(rng, m.langs);
  const paymentId = rng.id("payment");

  // Test payments without a test-mode flow come from the Connections page: no conversation.
  const flowChoices = m.flowsByMode[mode];
  const flow = flowChoices.length ? flowChoices[rng.int(0, flowChoices.length - 1)] : null;
  const channel: ChannelKind = flow ? rng.pick(flow.channels) : "web";
  const conversationId = flow ? rng.id("conversation") : null;

  const plan: PaymentPlan = planPayment({ rng, now, provider, method, createdAt, expiresAt });
  const refs = checkoutRefs(provider, rng, origin);
  const providerPaymentId =
    plan.status === "created" || (provider === "stripe" && plan.status === "expired")
      ? null
      : refs.providerPaymentId;
  const orderRef = `${rng.int(10, 99)}${rng.digits(5)}`;
  // `channel` is the conversation's, copied onto the payment where the schema has that column
  // (the transactions filters add it); columnsOf() writes only the columns the schema has.
  const row = {
    merchantId: m.id,
    id: paymentId,
    connectionId,
    provider,
    conversationId,
    flowId: flow?.id ?? null,
    channel: flow ? channel : null,
    amountMinor,
    currency,
    method,
    status: plan.status,
    idempotencyKey: conversationId ? `${conversationId}:pay:pay:1` : `test-payment:${paymentId}`,
    providerCheckoutId: refs.providerCheckoutId,
    providerPaymentId,
    checkoutUrl: refs.checkoutUrl,
    description: `${flow?.name ?? "Test payment"} — ${DESCRIPTION_PREFIX[m.plan.slug]} #${orderRef}`,
    customerEmail: rng.chance(m.plan.emailShare) ? `customer${rng.digits(7)}@example.com` : null,
    customerCountry: { fr: "FR", en: "GB", zh: "CN", id: "ID" }[lang],
    failureCode: plan.failure?.code ?? null,
    failureMessage: plan.failure?.message ?? null,
    refundedMinor: 0,
    // The bot's payments: an agent's payment request (origin "agent") names who sent it.
    origin: "bot",
    createdByUserId: null,
    flags: rng.chance(0.003) ? ["amount_mismatch"] : [],
    riskScore: plan.failure?.code === "fraudulent" ? rng.int(78, 97) : rng.int(2, 35),
    mode,
    expiresAt,
    succeededAt: plan.succeededAt ?? null,
    createdAt,
    updatedAt: plan.settledAt,
  } as Payment;
  const events: PaymentEvent[] = paymentTimeline(
    {
      rng,
      merchantId: m.id,
      paymentId,
      connectionId,
      provider,
      amountMinor,
      currency,
      method,
      checkoutUrl: refs.checkoutUrl,
      channel,
      createdAt,
      providerPaymentId,
    },
    plan,
  );

  // About one successful payment in 20 is refunded (two in five of those partly), a few days on.
  if (row.status === "succeeded" && row.succeededAt && rng.chance(0.05)) {
    const step = ROUND_TO[currency] ?? 10;
    const partial = rng.chance(0.4);
    const part = Math.floor((amountMinor * rng.int(20, 70)) / 100 / step) * step;
    const refundMinor = partial && part >= step && part < amountMinor ? part : amountMinor;
    // At least an hour ago, so its provider answer (20 minutes on) is in the past too.
    const refundAt = Math.min(
      row.succeededAt.getTime() + rng.int(1, 144) * 3_600_000,
      nowMs - 60 * MINUTE,
    );
    const roll = rng.next();
    const status: Refund["status"] =
      roll < 0.02 ? "failed" : roll < 0.06 && nowMs - refundAt < 3 * DAY ? "pending" : "succeeded";
    const refund: Refund = {
      merchantId: m.id,
      id: rng.id("refund"),
      paymentId,
      mode,
      amountMinor: refundMinor,
      currency,
      reasonCode: "requested_by_customer",
      status,
      reason: refundMinor === amountMinor ? "Customer asked to cancel" : "Item unavailable",
      providerRefundId: providerRefundId(provider, rng),
      idempotencyKey: `refund:${paymentId}:1`,
      outcomeReason:
        status === "pending"
          ? "The provider accepted the refund and is still processing it"
          : status === "failed"
            ? "The provider reported the refund as failed"
            : null,
      providerCheckedAt: null,
      createdByUserId: m.refunderIds.length ? rng.pick(m.refunderIds) : null,
      createdAt: new Date(refundAt),
      updatedAt: new Date(refundAt + 20 * MINUTE),
    };
    const owner = {
      rng,
      merchantId: m.id,
      paymentId,
      connectionId,
      provider,
      providerPaymentId,
      amountMinor: refundMinor,
      currency,
    };
    events.push(
      parleyEventRow(owner, {
        type: "refund_requested",
        at: refund.createdAt,
        statusAfter: "succeeded",
        detail: { refundId: refund.id, reason: refund.reason },
      }),
    );
    if (status !== "pending") {
      const after =
        status === "failed"
          ? "succeeded"
          : refundMinor === amountMinor
            ? "refunded"
            : "partially_refunded";
      events.push(
        providerEventRow(owner, {
          type: status === "failed" ? "refund.failed" : "refund.succeeded",
          at: refund.updatedAt,
          statusAfter: after,
          detail: { refundId: refund.id, providerRefundId: refund.providerRefundId },
        }),
      );
      if (status === "succeeded") {
        row.refundedMinor = refundMinor;
        row.status = after;
        row.updatedAt = refund.updatedAt;
      }
    }
    w.refunds.push(valuesOf(refund, REFUND_COLUMNS));
  }

  if (flow && conversationId) {
    const ids = externalIds(rng, channel, lang);
    const startedAt = new Date(createdAtMs - rng.int(40, 600) * 1000);
    const status = CONVERSATION_STATUS_FOR[row.status] ?? "completed";
    const conversation: Conversation = {
      merchantId: m.id,
      id: conversationId,
      flowId: flow.id,
      flowVersionId: flow.versionId,
      channel,
      channelId: null,
      externalUserId: ids.user,
      externalChatId: ids.chat,
      lang,
      status,
      isSimulation: false,
      mode,
      state: {},
      revision: rng.int(6, 14),
      startedAt,
      updatedAt: plan.settledAt,
      completedAt: status === "completed" ? plan.settledAt : null,
    };
    w.conversations.push(valuesOf(conversation, CONVERSATION_COLUMNS));
  }
  w.payments.push(valuesOf(row, PAYMENT_COLUMNS));
  for (const e of events) w.events.push(valuesOf(e, EVENT_COLUMNS));
  m.payments += 1;
}

/** A chat that never reached the pay step (abandoned, expired or handed to a person). */
export function writeIdleConversation(
  rng: SeededRandom,
  m: MerchantRuntime,
  nowMs: number,
  w: Writers,
): void {
  const flow = m.flowsByMode.live[0];
  if (!flow) return;
  const lang = draw(rng, m.langs);
  const channel = rng.pick(flow.channels);
  const ids = externalIds(rng, channel, lang);
  const startedAt = new Date(createdAtFor(rng, m.plan, nowMs));
  const updatedAt = new Date(startedAt.getTime() + rng.int(20, 900) * 1000);
  const status = rng.weighted({ abandoned: 60, expired: 25, handed_off: 15 });
  const conversation: Conversation = {
    merchantId: m.id,
    id: rng.id("conversation"),
    flowId: flow.id,
    flowVersionId: flow.versionId,
    channel,
    channelId: null,
    externalUserId: ids.user,
    externalChatId: ids.chat,
    lang,
    status,
    isSimulation: false,
    mode: "live",
    state: {},
    revision: rng.int(1, 6),
    startedAt,
    updatedAt,
    completedAt: status === "handed_off" ? updatedAt : null,
  };
  w.conversations.push(valuesOf(conversation, CONVERSATION_COLUMNS));
}
