// What happens to one demo payment after its link is sent: the provider events in order, each
// with the status it leaves the payment in. Events after `now` are cut, so a late success on a
// bank transfer simply leaves the payment pending.
import type { PaymentEvent } from "@/db/schema/payments";
import type {
  NormalizedEventType,
  PaymentMethod,
  PaymentStatus,
  ProviderKind,
} from "@/lib/connections/providers/types";
import { DECLINE_CODES, type DeclineCode } from "./catalog";
import { providerEventId, rawEventType } from "./provider-refs";
import type { SeededRandom } from "./random";

export type PaymentEventRow = PaymentEvent;

const MINUTE = 60_000;

export type AttemptOutcome =
  "succeeded" | "failed" | "expired" | "canceled" | "pending" | "requires_action" | "created";

export interface PlanInput {
  rng: SeededRandom;
  now: Date;
  provider: ProviderKind;
  method: PaymentMethod;
  createdAt: Date;
  expiresAt: Date;
  /** Forces the outcome (live payments at `now`, the failure spike). */
  outcome?: AttemptOutcome;
  failureRate?: number;
  /** Decline codes to draw from when the payment fails. */
  declineWeights?: Partial<Record<DeclineCode, number>>;
}

export interface PlannedStep {
  type: Exclude<NormalizedEventType, "unknown">;
  at: Date;
  statusAfter: PaymentStatus;
  failure?: { code: string; message: string };
}

export interface PaymentPlan {
  status: PaymentStatus;
  steps: PlannedStep[];
  succeededAt?: Date;
  failure?: { code: string; message: string };
  /** When the customer stopped waiting: the conversation's wait-node outcome time. */
  settledAt: Date;
}

const DEFAULT_DECLINES: Record<DeclineCode, number> = {
  card_declined: 35,
  insufficient_funds: 25,
  do_not_honor: 18,
  expired_card: 12,
  fraudulent: 10,
};

function rollOutcome(input: PlanInput): AttemptOutcome {
  const { rng, now, createdAt } = input;
  if (input.outcome) return input.outcome;
  const failureRate = input.failureRate ?? 0.12;
  // Still inside the link's lifetime at `now`: some customers have not finished yet.
  if (now.getTime() - createdAt.getTime() < 45 * MINUTE) {
    return rng.weighted({
      succeeded: 55,
      pending: 14,
      requires_action: 10,
      created: 5,
      failed: 11,
      canceled: 5,
    });
  }
  const roll = rng.next();
  if (roll < failureRate) return "failed";
  const rest = (1 - failureRate) / 0.88;
  if (roll < failureRate + 0.78 * rest) return "succeeded";
  if (roll < failureRate + 0.84 * rest) return "expired";
  return "canceled";
}

function decline(
  rng: SeededRandom,
  weights: Partial<Record<DeclineCode, number>>,
): { code: string; message: string } {
  const code = rng.weighted(weights);
  return { code, message: DECLINE_CODES[code] };
}

/** Methods that go through a pending state before money moves. */
function isSlowMethod(method: PaymentMethod): boolean {
  return method === "bank_transfer" || method === "installments" || method === "paypal";
}

export function planPayment(input: PlanInput): PaymentPlan {
  const { rng, provider, method, createdAt, expiresAt } = input;
  const outcome = rollOutcome(input);
  const declines = input.declineWeights ?? DEFAULT_DECLINES;
  const steps: PlannedStep[] = [];
  let t = createdAt.getTime() + rng.int(20, 240) * 1000;
  const push = (
    type: PlannedStep["type"],
    statusAfter: PaymentStatus,
    failure?: PlannedStep["failure"],
  ) => {
    steps.push({ type, at: new Date(t), statusAfter, ...(failure && { failure }) });
  };

  const cardLike = method === "card" || method === "apple_pay" || method === "google_pay";
  if (outcome !== "created" && outcome !== "expired") {
    if (isSlowMethod(method) || outcome === "pending") push("payment.pending", "pending");
    // 3-D Secure shows up as a webhook on Stripe (and the Sandbox); Adyen sends none for it.
    else if (
      (cardLike && (provider === "stripe" || provider === "sandbox") && rng.chance(0.22)) ||
      outcome === "requires_action"
    ) {
      push("payment.requires_action", "requires_action");
    }
  }

  switch (outcome) {
    case "succeeded": {
      if (cardLike && rng.chance(0.06)) {
        t += rng.int(15, 90) * 1000;
        push(
          "payment.failed",
          "failed",
          decline(rng, { card_declined: 50, insufficient_funds: 50 }),
        );
      }
      // Bank transfers settle much later than cards and wallets, but before the link expires.
      const latest = expiresAt.getTime() - t - MINUTE;
      t += Math.min(
        latest,
        method === "bank_transfer" ? rng.int(20, 16 * 60) * MINUTE : rng.int(30, 420) * 1000,
      );
      push("payment.succeeded", "succeeded");
      break;
    }
    case "failed":
      t += rng.int(20, 180) * 1000;
      push("payment.failed", "failed", decline(rng, declines));
      break;
    case "canceled":
      t += rng.int(2, 25) * MINUTE;
      push("payment.canceled", "canceled");
      break;
    case "expired":
      t = expiresAt.getTime();
      push("payment.expired", "expired");
      break;
    case "pending":
    case "requires_action":
    case "created":
      break;
  }

  const visible = steps.filter((s) => s.at.getTime() <= input.now.getTime());
  const last = visible[visible.length - 1];
  const status: PaymentStatus = last?.statusAfter ?? "created";
  const success = visible.find((s) => s.statusAfter === "succeeded");
  const failure = status === "failed" ? last?.failure : undefined;
  return {
    status,
    steps: visible,
    ...(success && { succeededAt: success.at }),
    ...(failure && { failure }),
    settledAt: last?.at ?? createdAt,
  };
}

export interface TimelineInput {
  rng: SeededRandom;
  merchantId: string;
  paymentId: string;
  connectionId: string;
  provider: ProviderKind;
  amountMinor: number;
  currency: string;
  method: PaymentMethod;
  checkoutUrl: string;
  channel: string;
  createdAt: Date;
}

type EventOwner = Pick<
  TimelineInput,
  "rng" | "merchantId" | "paymentId" | "connectionId" | "provider" | "amountMinor" | "currency"
> & {
  /** The provider's id of the payment (Adyen builds event ids from it). */
  providerPaymentId: string | null;
};

/** Adyen's event key is pspReference:eventCode:success, where modifications have their own psp. */
function adyenPspReference(
  owner: EventOwner,
  type: PlannedStep["type"],
  detail: Record<string, unknown> | undefined,
): string | null {
  if (type.startsWith("refund.")) return (detail?.providerRefundId as string | undefined) ?? null;
  if (type.startsWith("dispute.")) return (detail?.providerDisputeId as string | undefined) ?? null;
  return owner.providerPaymentId;
}

/** A provider event row, or a Parley-side one when the provider sends no webhook for it. */
export function providerEventRow(
  owner: EventOwner,
  step: {
    type: PlannedStep["type"];
    at: Date;
    statusAfter: PaymentStatus | null;
    detail?: Record<string, unknown>;
  },
): PaymentEventRow {
  const raw = rawEventType(owner.provider, step.type);
  let eventId: string | null = null;
  if (raw) {
    const { provider } = owner;
    if (provider === "adyen") {
      const psp = adyenPspReference(owner, step.type, step.detail);
      eventId = psp ? `${psp}:${raw}:${step.type === "payment.failed" ? "false" : "true"}` : null;
    } else {
      eventId = providerEventId(provider, owner.rng);
    }
  }
  return {
    merchantId: owner.merchantId,
    id: owner.rng.id("paymentEvent"),
    paymentId: owner.paymentId,
    connectionId: owner.connectionId,
    source: eventId ? "provider" : "parley",
    providerEventId: eventId,
    type: step.type,
    rawType: eventId ? raw! : null,
    amountMinor: owner.amountMinor,
    currency: owner.currency,
    statusAfter: step.statusAfter,
    detail: step.detail ?? null,
    webhookId: null,
    occurredAt: step.at,
    recordedAt: new Date(step.at.getTime() + owner.rng.int(300, 4000)),
  };
}

/** Something Parley itself did to the payment (created it, sent the link, asked for a refund). */
export function parleyEventRow(
  owner: EventOwner,
  event: { type: string; at: Date; statusAfter: PaymentStatus; detail: Record<string, unknown> },
): PaymentEventRow {
  return {
    merchantId: owner.merchantId,
    id: owner.rng.id("paymentEvent"),
    paymentId: owner.paymentId,
    connectionId: owner.connectionId,
    source: "parley",
    providerEventId: null,
    type: event.type,
    rawType: null,
    amountMinor: owner.amountMinor,
    currency: owner.currency,
    statusAfter: event.statusAfter,
    detail: event.detail,
    webhookId: null,
    occurredAt: event.at,
    recordedAt: event.at,
  };
}

export function paymentTimeline(
  input: TimelineInput & { providerPaymentId: string | null },
  plan: PaymentPlan,
): PaymentEventRow[] {
  const { rng, createdAt } = input;
  const rows = [
    parleyEventRow(input, {
      type: "created",
      at: createdAt,
      statusAfter: "created",
      detail: { method: input.method },
    }),
    parleyEventRow(input, {
      type: "checkout_sent",
      at: new Date(createdAt.getTime() + rng.int(600, 2500)),
      statusAfter: "created",
      detail: { channel: input.channel, url: input.checkoutUrl },
    }),
  ];
  for (const step of plan.steps) {
    rows.push(
      providerEventRow(input, {
        ...step,
        ...(step.failure && { detail: { failure: step.failure } }),
      }),
    );
  }
  return rows;
}
