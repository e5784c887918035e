// One demo conversation: how far through its flow's funnel it got, the step events the runtime
// would have written on the way (lib/flows/runtime StepEventKind names), and — if it got as far
// as the pay step — its payment (payment.ts).
import type { Mode } from "@/db/schema";
import type { Conversation, ConversationEvent } from "@/db/schema/conversations";
import type { ChannelKind } from "@/db/schema/flows";
import type { Payment } from "@/db/schema/payments";
import type { ProviderKind } from "@/lib/connections/providers/types";
import type { ConversationState, StepEventKind } from "@/lib/flows/runtime/types";
import {
  type Basket,
  batikBasket,
  chooseRoute,
  invoiceBasket,
  menuBasket,
  type PaymentRoute,
  routeInMode,
  type SeedLang,
} from "./amounts";
import type { MerchantSpec } from "./catalog";
import { conversationState, externalIds } from "./conversation-state";
import type { FlowKey, FlowSpec } from "./flows";
import { BATIK_PRODUCTS, MENU_PRODUCTS } from "./graphs";
import { buildPayment, type SeededPayment } from "./payment";
import { type AttemptOutcome, type PaymentPlan } from "./payment-plan";
import type { SeededRandom } from "./random";

const SECOND = 1000;
const MINUTE = 60 * SECOND;

export interface SeededFlow {
  spec: FlowSpec;
  id: string;
  /** The mode its versions were published in: its conversations and payments take it. */
  mode: Mode;
  versions: { id: string; version: number; publishedAt: Date }[];
  /** Node id → node type, from the flow's graph. */
  nodeTypes: Map<string, string>;
}

export interface SeededConversation {
  row: Conversation;
  lang: SeedLang;
  flowKey: FlowKey;
  flowVersion: number;
  basket?: Basket;
  payment?: SeededPayment;
}

export interface ConversationContext {
  rng: SeededRandom;
  now: Date;
  merchant: MerchantSpec;
  merchantId: string;
  connectionIds: Partial<Record<ProviderKind, string>>;
  /** Parley's public origin, for Sandbox checkout links. */
  appOrigin: string;
  nextInvoiceNumber(year: number): number;
}

export interface ConversationRequest {
  flow: SeededFlow;
  startedAt: Date;
  lang: SeedLang;
  channel: ChannelKind;
  /** Skip the funnel: the customer reaches the pay step (live payments, the failure spike). */
  reachPay?: boolean;
  route?: PaymentRoute;
  outcome?: AttemptOutcome;
  /** Overrides the usual ~12% failure rate for payments through these providers. */
  failureRates?: Partial<Record<ProviderKind, number>>;
}

const CHANNEL_FACTOR: Partial<Record<ChannelKind, number>> = {
  whatsapp: 1.03,
  web: 0.97,
  slack: 1.04,
};
const UNIT_PRICES = new Map<string, number>(
  [...MENU_PRODUCTS, ...BATIK_PRODUCTS].map((p) => [p.sku, p.priceMinor]),
);

function versionAt(flow: SeededFlow, at: Date) {
  const published = flow.versions.filter((v) => v.publishedAt.getTime() <= at.getTime());
  return published[published.length - 1] ?? flow.versions[0];
}

function basketFor(ctx: ConversationContext, key: FlowKey, at: Date): Basket {
  if (key === "invoice") {
    const year = at.getUTCFullYear();
    return invoiceBasket(ctx.rng, year, ctx.nextInvoiceNumber(year));
  }
  if (key === "batik") return batikBasket(ctx.rng);
  if (key === "donation") return { baseAmountMinor: ctx.rng.pick([500, 1000, 2500]), items: [] };
  return menuBasket(ctx.rng);
}

/** What the conversation sees of its payment: the runtime only hears succeeded/failed/expired. */
function visibleOutcome(
  plan: PaymentPlan,
  payment: Payment,
  nowMs: number,
): { kind: "succeeded" | "failed" | "expired"; at: number } | undefined {
  if (plan.status === "succeeded" && plan.succeededAt)
    return { kind: "succeeded", at: plan.succeededAt.getTime() };
  if (plan.status === "failed") return { kind: "failed", at: plan.settledAt.getTime() };
  // A canceled checkout sends the bot nothing: the conversation times out when the link expires.
  const expiresAt = payment.expiresAt!.getTime();
  if ((plan.status === "expired" || plan.status === "canceled") && expiresAt <= nowMs)
    return { kind: "expired", at: expiresAt };
  return undefined;
}

export function buildConversation(
  ctx: ConversationContext,
  request: ConversationRequest,
): { conversation: SeededConversation; events: ConversationEvent[] } {
  const { rng, merchantId, now } = ctx;
  const nowMs = now.getTime();
  const { flow, lang, channel } = request;
  const spec = flow.spec;
  const version = versionAt(flow, request.startedAt);
  const conversationId = rng.id("conversation");
  const ids = externalIds(rng, channel, lang);
  const basket = basketFor(ctx, spec.key, request.startedAt);
  const events: ConversationEvent[] = [];
  const path: string[] = [];
  let t = request.startedAt.getTime();

  const emit = (nodeId: string, kind: StepEventKind, detail?: string) => {
    events.push({
      merchantId,
      id: rng.id("conversationEvent"),
      conversationId,
      flowId: flow.id,
      flowVersionId: version.id,
      nodeId,
      nodeType: flow.nodeTypes.get(nodeId) ?? "none",
      kind,
      detail: detail === undefined ? null : { detail },
      occurredAt: new Date(t),
    });
  };
  const enter = (nodeId: string) => {
    path.push(nodeId);
    emit(nodeId, "entered");
  };
  const leave = (nodeId: string, handle = "next") => emit(nodeId, "completed", handle);

  let payment: { seeded: SeededPayment; plan: PaymentPlan } | undefined;
  let route: PaymentRoute | undefined;
  const enterStage = (nodes: readonly string[]) => {
    nodes.forEach((nodeId, j) => {
      t += rng.int(200, 900);
      enter(nodeId);
      if (nodeId === "pay") {
        route ??= request.route
          ? routeInMode(request.route, flow.mode)
          : chooseRoute(ctx.merchant.key, lang, rng, flow.mode);
        emit("pay", "checkout_requested", String(basket.baseAmountMinor));
        payment = buildPayment(ctx, {
          conversationId,
          spec,
          flowId: flow.id,
          lang,
          channel,
          basket,
          route,
          createdAt: new Date(t),
          request,
        });
        t += rng.int(600, 2500);
        emit("pay", "payment_link_sent", payment.seeded.row.id);
        leave("pay");
      } else if (j < nodes.length - 1) {
        leave(nodeId);
      }
    });
  };

  // Walk the funnel: every stage after the first needs the customer's answer to the one before.
  const factor = CHANNEL_FACTOR[channel] ?? 1;
  let handedOff = false;
  enterStage(spec.funnel[0].enter);
  for (let i = 1; i < spec.funnel.length; i++) {
    const stage = spec.funnel[i];
    const conditional = Math.min(1, (stage.reach / spec.funnel[i - 1].reach) * factor);
    const answerAt = t + rng.int(8, 95) * SECOND;
    if (!request.reachPay && (!rng.chance(conditional) || answerAt > nowMs)) break;
    t = answerAt;
    const answer = stage.answer!;
    // A few customers cannot find their invoice number; after three tries staff take over.
    if (answer.nodeId === "ask_invoice" && !request.reachPay && rng.chance(0.04)) {
      for (let k = 0; k < 3; k++) {
        emit(answer.nodeId, "input_invalid", "too_short");
        t += rng.int(10, 40) * SECOND;
      }
      emit(answer.nodeId, "handed_off", "too_many_invalid");
      handedOff = true;
      break;
    }
    if (answer.kind === "method_chosen") {
      route = request.route
        ? routeInMode(request.route, flow.mode)
        : chooseRoute(ctx.merchant.key, lang, rng, flow.mode);
      emit(answer.nodeId, "method_chosen", route.method);
    } else {
      emit(answer.nodeId, answer.kind, answer.detail);
    }
    if (answer.kind !== "cart_updated") leave(answer.nodeId);
    enterStage(stage.enter);
  }

  let status: Conversation["status"];
  let completedAt: Date | null = null;
  let reminderCount = 0;
  let waitingSince: Date | undefined;
  /** receipt → end; returns when the conversation completed. */
  const toReceipt = (): Date => {
    t += SECOND;
    enter("receipt");
    leave("receipt");
    t += SECOND;
    enter("end");
    emit("end", "conversation_completed");
    return new Date(t);
  };

  if (handedOff) {
    status = "handed_off";
  } else if (!payment) {
    status = nowMs - t < 20 * MINUTE ? "waiting_input" : "abandoned";
  } else {
    const paymentId = payment.seeded.row.id;
    const outcome = visibleOutcome(payment.plan, payment.seeded.row, nowMs);
    const payAt = t;
    waitingSince = new Date(payAt);
    status = "waiting_payment";
    let atWaitNode = spec.waitNode === "wait_payment";
    if (spec.waitNode === "reminder") {
      // Nudges every hour, twice, then the reminder node leaves by "unpaid" (pay_invoice template).
      const unpaidAt = payAt + 180 * MINUTE;
      const limit = Math.min(outcome?.at ?? nowMs, nowMs);
      for (let k = 1; k <= 2 && payAt + k * 60 * MINUTE < limit; k++) {
        t = payAt + k * 60 * MINUTE;
        emit("reminder", "reminder_sent", String(k));
        reminderCount = k;
      }
      if (outcome && outcome.kind !== "expired" && outcome.at < unpaidAt) {
        t = outcome.at;
        emit("reminder", `payment_${outcome.kind}`, paymentId);
        if (outcome.kind === "succeeded") {
          leave("reminder", "paid");
          completedAt = toReceipt();
          status = "completed";
        } else {
          leave("reminder", "unpaid");
          enter("wait_payment");
          status = nowMs - t > 60 * MINUTE ? "abandoned" : "waiting_input";
        }
      } else if (unpaidAt <= limit) {
        t = unpaidAt;
        leave("reminder", "unpaid");
        enter("wait_payment");
        atWaitNode = true;
      }
    }
    if (atWaitNode && outcome && status === "waiting_payment") {
      t = outcome.at;
      if (outcome.kind === "succeeded") {
        emit("wait_payment", "payment_succeeded", paymentId);
        leave("wait_payment", "succeeded");
        completedAt = toReceipt();
        status = "completed";
      } else if (outcome.kind === "failed") {
        emit("wait_payment", "payment_failed", paymentId);
        status = nowMs - t > 60 * MINUTE ? "abandoned" : "waiting_input";
      } else {
        emit("wait_payment", "payment_expired", "timeout");
        leave("wait_payment", "expired");
        enter("end_expired");
        emit("end_expired", "conversation_completed");
        status = "expired";
        completedAt = new Date(t);
      }
    }
  }

  const last = events[events.length - 1];
  const runtimeStatus: ConversationState["status"] =
    status === "abandoned" ? "waiting_input" : status;
  const paymentRow = payment?.seeded.row;
  const state = conversationState(
    {
      conversationId,
      lang,
      channel,
      path,
      status: runtimeStatus,
      currentNodeId:
        status === "completed" || status === "expired" ? null : (path[path.length - 1] ?? null),
      ...(path.some((n) => n === "ask_amount" || n === "confirm") && { basket }),
      baseCurrency: ctx.merchant.defaultCurrency,
      ...(paymentRow && { payment: paymentRow }),
      reminderCount,
      ...(waitingSince && status === "waiting_payment" && { waitingSince }),
    },
    (sku) => UNIT_PRICES.get(sku) ?? 0,
  );
  const row: Conversation = {
    merchantId,
    id: conversationId,
    flowId: flow.id,
    flowVersionId: version.id,
    channel,
    channelId: null,
    externalUserId: ids.user,
    externalChatId: ids.chat,
    lang,
    status,
    isSimulation: false,
    mode: flow.mode,
    state,
    revision: events.length,
    startedAt: request.startedAt,
    updatedAt: last.occurredAt,
    completedAt,
  };
  return {
    conversation: {
      row,
      lang,
      flowKey: spec.key,
      flowVersion: version.version,
      ...(payment || path.includes("confirm") || path.includes("ask_amount") ? { basket } : {}),
      ...(payment && { payment: payment.seeded }),
    },
    events,
  };
}
