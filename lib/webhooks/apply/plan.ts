// What applying a list of events will write, decided in memory from the locked payments and their
// timelines: which events are new (the rest were recorded before, by provider event id), the
// timeline row of each, each touched payment's new view, and the follow-up rows to sync. Pure:
// the caller writes the plan in one statement and then runs the follow-ups.
import type { Connection, Payment, PaymentEvent } from "@/db/schema";
import type { NormalizedEvent } from "@/lib/connections/providers/types";
import { newId } from "@/lib/ids";
import { paymentFactFromEvent } from "@/lib/payments/event-mapping";
import { serializeFact, viewFromTimeline } from "@/lib/payments/facts";
import { applyEvent, type PaymentView } from "@/lib/payments/state-machine";
import type { PaymentExtras } from "@/lib/payments/status-write";
import type { LockedPayment } from "@/lib/webhooks/apply/load";

export type ConnectionRef = Pick<Connection, "merchantId" | "id" | "provider">;

/** A payment_events row as inserted (recorded_at is the database's). */
export type TimelineRow = Omit<
  PaymentEvent,
  "recordedAt" | "providerEventId" | "rawType" | "detail"
> & {
  providerEventId: string;
  rawType: string;
  detail: Record<string, unknown>;
};

export type FollowUp =
  | { kind: "refund"; payment: Payment; providerRefundId: string }
  | {
      kind: "dispute";
      payment: Payment;
      event: NormalizedEvent & { dispute: NonNullable<NormalizedEvent["dispute"]> };
    }
  | { kind: "paypal_capture"; payment: Payment; orderId: string };

export interface ApplyPlan {
  /** New timeline rows, in event order. */
  rows: TimelineRow[];
  /** Payments with at least one new event, in id order, with the view they fold into. */
  writes: { payment: Payment; view: PaymentView; extras: PaymentExtras }[];
  followUps: FollowUp[];
  recorded: number;
  duplicates: number;
  unknown: number;
  /** Provider event ids recorded without a payment of this connection. */
  unmatched: string[];
}

export interface PlanOptions {
  webhookId?: string;
  source?: "provider" | "parley";
  timelineType?: string;
  /** Whether PayPal approvals need a capture job (the caller knows the connector). */
  needsCapture?: (event: NormalizedEvent) => boolean;
}

/** Our payment for an event. A pay_… id the event names must be ours, or nothing matches. */
function matchPayment(locked: LockedPayment[], event: NormalizedEvent): Payment | undefined {
  if (event.paymentId) return locked.find((l) => l.payment.id === event.paymentId)?.payment;
  const ref = event.providerPaymentId;
  if (!ref) return undefined;
  return (
    locked.find((l) => l.payment.providerPaymentId === ref)?.payment ??
    locked.find((l) => l.payment.providerCheckoutId === ref)?.payment
  );
}

function eventAmount(event: NormalizedEvent): {
  amountMinor: number | null;
  currency: string | null;
} {
  const money = event.refund ?? event.dispute;
  return {
    amountMinor: event.amountMinor ?? money?.amountMinor ?? null,
    currency: (event.currency ?? money?.currency ?? "").toUpperCase() || null,
  };
}

/**
 * The provider's own payment id, when the payment didn't know it yet: Adyen names it (the
 * pspReference) from AUTHORISATION on, Stripe's PaymentIntent exists once the customer pays.
 */
function learnedProviderPaymentId(payment: Payment, event: NormalizedEvent): string | undefined {
  if (!event.type.startsWith("payment.") || !event.providerPaymentId) return undefined;
  if (event.providerPaymentId === payment.providerCheckoutId) return undefined;
  const unknown =
    payment.providerPaymentId === null || payment.providerPaymentId === payment.providerCheckoutId;
  return unknown ? event.providerPaymentId : undefined;
}

export function planApply(
  connection: ConnectionRef,
  events: NormalizedEvent[],
  locked: LockedPayment[],
  alreadyRecorded: ReadonlySet<string>,
  options: PlanOptions = {},
): ApplyPlan {
  const source = options.source ?? "provider";
  const plan: ApplyPlan = {
    rows: [],
    writes: [],
    followUps: [],
    recorded: 0,
    duplicates: 0,
    unknown: 0,
    unmatched: [],
  };
  const seen = new Set(alreadyRecorded);
  const views = new Map<string, PaymentView>();
  const extras = new Map<string, PaymentExtras>();

  for (const event of events) {
    if (event.type === "unknown") {
      plan.unknown += 1;
      continue;
    }
    if (seen.has(event.providerEventId)) {
      plan.duplicates += 1;
      continue;
    }
    seen.add(event.providerEventId);
    plan.recorded += 1;
    const payment = matchPayment(locked, event);
    if (!payment) plan.unmatched.push(event.providerEventId);
    let view: PaymentView | undefined;
    if (payment) {
      view =
        views.get(payment.id) ??
        viewFromTimeline(payment, locked.find((l) => l.payment === payment)!.timeline);
    }
    const fact = paymentFactFromEvent(event);
    const applied = view && fact ? applyEvent(view, fact) : undefined;
    plan.rows.push({
      merchantId: connection.merchantId,
      id: newId("paymentEvent"),
      paymentId: payment?.id ?? null,
      connectionId: connection.id,
      source,
      providerEventId: event.providerEventId,
      type: options.timelineType ?? event.type,
      rawType: event.rawType,
      ...eventAmount(event),
      statusAfter: payment ? (applied?.next.status ?? view?.status ?? null) : null,
      detail: {
        ...(fact && { fact: serializeFact(fact) }),
        ...(applied?.flags.length && { flags: applied.flags }),
        ...(event.providerPaymentId && { providerPaymentId: event.providerPaymentId }),
        ...(event.paymentId && !payment && { claimedPaymentId: event.paymentId }),
        ...(event.method && { method: event.method }),
        ...(event.failure && { failure: event.failure }),
        ...(event.cardFingerprint && { cardFingerprint: event.cardFingerprint }),
        ...(event.clientIp && { clientIp: event.clientIp }),
        ...(event.refund && { providerRefundId: event.refund.providerRefundId }),
        ...(event.settlement && { settlement: event.settlement }),
        ...(event.received && { received: event.received }),
        ...(event.dispute && {
          providerDisputeId: event.dispute.providerDisputeId,
          reason: event.dispute.reason,
          ...(event.dispute.dueBy && { dueBy: event.dispute.dueBy.toISOString() }),
          ...(event.dispute.stage && { disputeStage: event.dispute.stage }),
          ...(event.dispute.status && { disputeStatus: event.dispute.status }),
          ...(event.dispute.providerStatus && { providerStatus: event.dispute.providerStatus }),
          ...(event.dispute.providerReason && { providerReason: event.dispute.providerReason }),
          ...(event.dispute.providerReasonCode && {
            providerReasonCode: event.dispute.providerReasonCode,
          }),
        }),
      },
      webhookId: options.webhookId ?? null,
      occurredAt: event.occurredAt,
    });
    if (!payment || !view) continue;

    views.set(payment.id, applied?.next ?? view);
    const extra = extras.get(payment.id) ?? {};
    extra.method ??= event.method;
    extra.providerPaymentId ??= learnedProviderPaymentId(payment, event);
    extras.set(payment.id, extra);
    if (event.refund) {
      plan.followUps.push({
        kind: "refund",
        payment,
        providerRefundId: event.refund.providerRefundId,
      });
    }
    if (event.dispute) {
      plan.followUps.push({
        kind: "dispute",
        payment,
        event: { ...event, dispute: event.dispute },
      });
    }
    if (options.needsCapture?.(event) && event.providerPaymentId) {
      plan.followUps.push({ kind: "paypal_capture", payment, orderId: event.providerPaymentId });
    }
  }

  for (const { payment } of locked) {
    const view = views.get(payment.id);
    if (view) plan.writes.push({ payment, view, extras: extras.get(payment.id) ?? {} });
  }
  return plan;
}
