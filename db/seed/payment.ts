// The payment a conversation creates at its pay step: where it goes (provider, method,
// currency), how much it is for, what happened to it, and its timeline.
import type { ChannelKind } from "@/db/schema/flows";
import type { Payment } from "@/db/schema/payments";
import {
  type Basket,
  convertFromBase,
  countryFor,
  type PaymentRoute,
  type SeedLang,
} from "./amounts";
import type { ConversationContext, ConversationRequest } from "./conversation";
import type { FlowKey, FlowSpec } from "./flows";
import {
  type PaymentEventRow,
  type PaymentPlan,
  paymentTimeline,
  planPayment,
} from "./payment-plan";
import { checkoutRefs } from "./provider-refs";

const MINUTE = 60_000;

export interface SeededPayment {
  row: Payment;
  events: PaymentEventRow[];
  lang: SeedLang;
}

function describe(key: FlowKey, lang: SeedLang, basket: Basket): string {
  if (key === "invoice")
    return `${{ fr: "Facture", en: "Invoice", zh: "发票", id: "Faktur" }[lang]} ${basket.invoiceNumber} — Lumière Bistro`;
  if (key === "batik")
    return {
      id: "Pesanan Nusantara Batik",
      en: "Nusantara Batik order",
      zh: "Nusantara Batik 订单",
      fr: "Commande Nusantara Batik",
    }[lang];
  if (key === "donation") return "Don — Restos du Cœur";
  return {
    fr: "Menu du jour — Lumière Bistro",
    en: "Menu of the day — Lumière Bistro",
    zh: "今日菜单 — Lumière Bistro",
    id: "Menu hari ini — Lumière Bistro",
  }[lang];
}

export interface PaymentRequest {
  conversationId: string;
  spec: FlowSpec;
  flowId: string;
  lang: SeedLang;
  channel: ChannelKind;
  basket: Basket;
  route: PaymentRoute;
  createdAt: Date;
  request: ConversationRequest;
}

export function buildPayment(
  ctx: ConversationContext,
  input: PaymentRequest,
): { seeded: SeededPayment; plan: PaymentPlan } {
  const { rng, merchantId, now } = ctx;
  const { route, createdAt } = input;
  const connectionId = ctx.connectionIds[route.provider];
  if (!connectionId) throw new Error(`No ${route.provider} connection for ${ctx.merchant.slug}`);
  const paymentId = rng.id("payment");
  const amountMinor = convertFromBase(
    ctx.merchant.key,
    input.basket.baseAmountMinor,
    route.currency,
  );
  const refs = checkoutRefs(route.provider, rng, ctx.appOrigin);
  const expiresAt = new Date(createdAt.getTime() + input.spec.payExpiresInMinutes * MINUTE);
  const failureRate = input.request.failureRates?.[route.provider];
  const plan = planPayment({
    rng,
    now,
    provider: route.provider,
    method: route.method,
    createdAt,
    expiresAt,
    ...(input.request.outcome && { outcome: input.request.outcome }),
    ...(failureRate !== undefined && { failureRate }),
    // An acquirer outage declines everything the same way, whatever the card.
    ...(failureRate !== undefined &&
      failureRate > 0.5 && { declineWeights: { do_not_honor: 80, card_declined: 20 } }),
  });
  const fraud = plan.failure?.code === "fraudulent";
  const row: Payment = {
    merchantId,
    id: paymentId,
    connectionId,
    provider: route.provider,
    conversationId: input.conversationId,
    flowId: input.flowId,
    channel: input.channel,
    amountMinor,
    currency: route.currency,
    method: route.method,
    status: plan.status,
    // Same shape as the runtime's key (conversation:pay:node:attempt).
    idempotencyKey: `${input.conversationId}:pay:pay:1`,
    providerCheckoutId: refs.providerCheckoutId,
    // An abandoned Stripe Checkout session never gets a PaymentIntent (API 2022-08-01 and later).
    providerPaymentId:
      plan.status === "created" || (route.provider === "stripe" && plan.status === "expired")
        ? null
        : refs.providerPaymentId,
    checkoutUrl: refs.checkoutUrl,
    description: describe(input.spec.key, input.lang, input.basket),
    customerEmail:
      input.spec.key === "invoice" && rng.chance(0.7) ? `client${rng.digits(5)}@example.com` : null,
    customerCountry: countryFor(input.lang, rng),
    failureCode: plan.failure?.code ?? null,
    failureMessage: plan.failure?.message ?? null,
    refundedMinor: 0,
    flags: [],
    riskScore: fraud ? rng.int(78, 97) : rng.int(2, 35),
    // The seed's Sandbox connections are test and its provider accounts live (catalog.ts).
    mode: route.provider === "sandbox" ? "test" : "live",
    expiresAt,
    origin: "bot",
    createdByUserId: null,
    succeededAt: plan.succeededAt ?? null,
    createdAt,
    updatedAt: plan.settledAt,
  };
  const events = paymentTimeline(
    {
      rng,
      merchantId,
      paymentId,
      connectionId,
      provider: route.provider,
      amountMinor,
      currency: route.currency,
      method: route.method,
      checkoutUrl: refs.checkoutUrl,
      channel: input.channel,
      createdAt,
      providerPaymentId: row.providerPaymentId,
    },
    plan,
  );
  return { seeded: { row, events, lang: input.lang }, plan };
}
