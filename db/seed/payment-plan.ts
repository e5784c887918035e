// What happens to one demo payment after its link is sent: the provider events in order, each
// with the status it leaves the payment in. Events after `now` are cut, so a late success on a
// bank transfer simply leaves the payment pending.
import type { PaymentEvent } from "@/db/schema/payments";
import type { NormalizedEventType, PaymentMethod, PaymentStatus, ProviderKind } from "@/lib/connections/providers/types";
import { DECLINE_CODES, type DeclineCode } from "./catalog";
import { providerEventId, rawEventType } from "./provider-refs";
import type { SeededRandom } from "./random";

export type PaymentEventRow = PaymentEvent;

const MINUTE = 60_000;

export type AttemptOutcome = "succeeded" | "failed" | "expired" | "canceled" | "pending" | "requires_action" | "created";

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
  card_declined: 35, insufficient_funds: 25, do_not_honor: 18, expired_card: 12, fraudulent: 10,
};

function rollOutcome(input: PlanInput): AttemptOutcome {
  const { rng, now, createdAt } = input;
  if (input.outcome) return input.outcome;
  const failureRate = input.failureRate ?? 0.12;
  // Still inside the link's lifetime at `now`: some customers have not finished yet.
  if (now.getTime() - createdAt.getTime() < 45 * MINUTE) {
    return rng.weighted({ succeeded: 55, pending: 14, requires_action: 10, created: 5, failed: 11, canceled: 5 });
  }
  const roll = rng.next();
  if (roll < failureRate) return "failed";
  const rest = (1 - failureRate) / 0.88;
  if (roll < failureRate + 0.78 * rest) return "succeeded";
  if (roll < failureRate + 0.84 * rest) return "expired";
  return "canceled";
}

function decline(rng: SeededRandom, weights: Partial<Record<DeclineCode, number>>): { code: string; message: string } {
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
  const push = (type: PlannedStep["type"], statusAfter: PaymentStatus, failure?: PlannedStep["failure"]) => {
    steps.push({ type, at: new Date(t), statusAfter, ...(failure && { failure }) });
  };

  const cardLike = method === "card" || method === "apple_pay" || method === "google_pay";
  if (outcome !== "created" && outcome !== "expired") {
    if (isSlowMethod(method) || outcome === "pending") push("payment.pending", "pending");
    // 3-D Secure shows up as a webhook on Stripe (and the Sandbox); Adyen sends none for it.
    else if ((cardLike && (provider === "stripe" || provider === "sandbox") && rng.chance(0.22)) || outcome === "requires_action") {
      push("payment.requires_action", "requires_action");
    }
  }

  switch (outcome) {
    case "succeeded": {
      if (cardLike && rng.chance(0.06)) {
        t += rng.int(15, 90) * 1000;
        push("payment.failed", "failed", decline(rng, { card_declined: 50, insufficient_funds: 50 }));
      }
      // Bank transfers settle much later than cards and wallets, but before the link expires.
      const latest = expiresAt.getTime() - t - MINUTE;
      t += Math.min(latest, method === "bank_transfer" ? rng.int(20, 16 * 60) * MINUTE : rng.int(30, 420) * 1000);
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

/** A provider event row, or a Parley-side one when the provider sends no webhook for it. */
export function providerEventRow(
  input: Pick<TimelineInput, "rng" | "merchantId" | "paymentId" | "connectionId" | "provider" | "amountMinor" | "currency">,
  step: { type: PlannedStep["type"]; at: Date; statusAfter: PaymentStatus | null; detail?: Record<string, unknown> },
): PaymentEventRow {
  const raw = rawEventType(input.provider, step.type);
  return {
    merchantId: input.merchantId,
    id: input.rng.id("paymentEvent"),
    paymentId: input.paymentId,
    connectionId: input.connectionId,
    source: raw ? "provider" : "parley",
    providerEventId: raw ? providerEventId(input.provider, input.rng, raw) : null,
    type: step.type,
    rawType: raw ?? null,
    amountMinor: input.amountMinor,
    currency: input.currency,
    statusAfter: step.statusAfter,
    detail: step.detail ?? null,
    webhookId: null,
    occurredAt: step.at,
    recordedAt: new Date(step.at.getTime() + input.rng.int(300, 4000)),
  };
}

export function paymentTimeline(input: TimelineInput, plan: PaymentPlan): PaymentEventRow[] {
  const { rng, createdAt } = input;
  const parley = (type: string, at: Date, detail: Record<string, unknown>): PaymentEventRow => ({
    merchantId: input.merchantId,
    id: rng.id("paymentEvent"),
    paymentId: input.paymentId,
    connectionId: input.connectionId,
    source: "parley",
    providerEventId: null,
    type,
    rawType: null,
    amountMinor: input.amountMinor,
    currency: input.currency,
    statusAfter: "created",
    detail,
    webhookId: null,
    occurredAt: at,
    recordedAt: at,
  });
  const rows = [
    parley("created", createdAt, { method: input.method }),
    parley("checkout_sent", new Date(createdAt.getTime() + rng.int(600, 2500)), { channel: input.channel, url: input.checkoutUrl }),
  ];
  for (const step of plan.steps) {
    rows.push(providerEventRow(input, { ...step, ...(step.failure && { detail: { failure: step.failure } }) }));
  }
  return rows;
}
