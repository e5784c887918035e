// Stripe webhook deliveries: verified with the SDK on the raw body, then normalized.
import { disputeEventType, disputeFields, mapStripeDispute } from "@/lib/disputes/provider-mapping";
import Stripe from "stripe";
import { z } from "zod";
import type {
  NormalizedEvent,
  NormalizedEventType,
  PaymentMethod,
  WebhookParseResult,
} from "../types";

/** Stripe's default: deliveries signed more than 5 minutes ago are replays (docs.stripe.com/webhooks#replay-attacks). */
export const STRIPE_WEBHOOK_TOLERANCE_SECONDS = 300;

const idRef = z
  .union([z.string(), z.looseObject({ id: z.string() })])
  .transform((value) => (typeof value === "string" ? value : value.id));
const metadata = z.record(z.string(), z.string()).nullish();
const paymentMethodDetails = z
  .looseObject({
    type: z.string(),
    card: z.looseObject({ wallet: z.looseObject({ type: z.string() }).nullish() }).nullish(),
  })
  .nullish();

const sessionSchema = z.looseObject({
  id: z.string(),
  payment_intent: idRef.nullish(),
  payment_status: z.string(),
  amount_total: z.number().int().nullish(),
  currency: z.string().nullish(),
  client_reference_id: z.string().nullish(),
  metadata,
});
const intentSchema = z.looseObject({
  id: z.string(),
  amount: z.number().int(),
  currency: z.string(),
  metadata,
  payment_method_types: z.array(z.string()).nullish(),
  last_payment_error: z
    .looseObject({
      code: z.string().nullish(),
      decline_code: z.string().nullish(),
      message: z.string().nullish(),
      payment_method: z
        .looseObject({
          card: z.looseObject({ fingerprint: z.string().nullish() }).nullish(),
        })
        .nullish(),
    })
    .nullish(),
});
const refundSchema = z.looseObject({
  id: z.string(),
  amount: z.number().int(),
  currency: z.string(),
  status: z.string().nullish(),
  created: z.number().int().optional(),
  payment_intent: idRef.nullish(),
  failure_reason: z.string().nullish(),
  metadata,
});
const chargeSchema = z.looseObject({
  id: z.string(),
  amount: z.number().int(),
  amount_refunded: z.number().int(),
  currency: z.string(),
  payment_intent: idRef.nullish(),
  metadata,
  payment_method_details: paymentMethodDetails,
  refunds: z.looseObject({ data: z.array(refundSchema) }).nullish(),
});
const disputeSchema = z.looseObject({
  id: z.string(),
  amount: z.number().int(),
  currency: z.string(),
  reason: z.string(),
  status: z.string(),
  payment_intent: idRef.nullish(),
  metadata,
  evidence_details: z.looseObject({ due_by: z.number().int().nullish() }).nullish(),
  network_reason_code: z.string().nullish(),
});
const envelopeSchema = z.looseObject({
  id: z.string().min(1),
  type: z.string().min(1),
  created: z.number().int(),
  data: z.looseObject({ object: z.looseObject({}) }),
});

type Mapped = Omit<NormalizedEvent, "providerEventId" | "rawType" | "occurredAt">;

/** Stripe's payment method type (plus card wallets) in Parley's vocabulary. */
export function methodFromStripe(
  type: string | undefined,
  wallet?: string | null,
): PaymentMethod | undefined {
  if (type === "card")
    return wallet === "apple_pay" ? "apple_pay" : wallet === "google_pay" ? "google_pay" : "card";
  if (type === "alipay" || type === "wechat_pay" || type === "paypal") return type;
  if (type === "customer_balance") return "bank_transfer";
  // Stablecoin payments: payment_method_details.type "crypto".
  if (type === "crypto") return "crypto";
  return undefined;
}

function paymentIdFrom(
  meta: Record<string, string> | null | undefined,
  clientReferenceId?: string | null,
) {
  return (
    meta?.parley_payment_id ??
    (clientReferenceId?.startsWith("pay_") ? clientReferenceId : undefined)
  );
}

function mapSession(type: NormalizedEventType, raw: unknown, failure?: Mapped["failure"]): Mapped {
  const session = sessionSchema.parse(raw);
  // Since API 2022-08-01 Checkout creates the PaymentIntent only on confirmation, so an
  // abandoned session has none: fall back to the session id (= providerCheckoutId).
  return {
    type,
    providerPaymentId: session.payment_intent ?? session.id,
    paymentId: paymentIdFrom(session.metadata, session.client_reference_id),
    amountMinor: session.amount_total ?? undefined,
    currency: session.currency?.toUpperCase(),
    failure,
  };
}

function mapIntent(type: NormalizedEventType, raw: unknown): Mapped {
  const intent = intentSchema.parse(raw);
  const error = intent.last_payment_error;
  const types = intent.payment_method_types ?? [];
  return {
    type,
    providerPaymentId: intent.id,
    paymentId: paymentIdFrom(intent.metadata),
    amountMinor: intent.amount,
    currency: intent.currency.toUpperCase(),
    method: types.length === 1 ? methodFromStripe(types[0]) : undefined,
    cardFingerprint: error?.payment_method?.card?.fingerprint ?? undefined,
    failure:
      type === "payment.failed"
        ? {
            code: error?.decline_code ?? error?.code ?? "payment_failed",
            message: error?.message ?? "The payment failed",
          }
        : undefined,
  };
}

function refundOutcome(status: string | null | undefined): NormalizedEventType {
  if (status === "succeeded") return "refund.succeeded";
  if (status === "failed" || status === "canceled") return "refund.failed";
  return "unknown"; // pending / requires_action: nothing final to record yet
}

function mapRefund(raw: unknown, forced?: NormalizedEventType): Mapped {
  const refund = refundSchema.parse(raw);
  const type = forced ?? refundOutcome(refund.status);
  return {
    type,
    providerPaymentId: refund.payment_intent ?? undefined,
    paymentId: paymentIdFrom(refund.metadata),
    refund: {
      providerRefundId: refund.id,
      amountMinor: refund.amount,
      currency: refund.currency.toUpperCase(),
    },
    failure:
      type === "refund.failed"
        ? {
            code: refund.failure_reason ?? "refund_failed",
            message: `Stripe could not complete refund ${refund.id}`,
          }
        : undefined,
  };
}

function mapChargeRefunded(raw: unknown): Mapped {
  const charge = chargeSchema.parse(raw);
  // Since API 2022-11-15 the charge no longer embeds its refunds (docs.stripe.com/upgrades):
  // then `amount_refunded`, the cumulative refunded amount, is what this event says. Older
  // versions list them; the refund.* events carry each refund on its own either way.
  const latest = [...(charge.refunds?.data ?? [])].sort(
    (a, b) => (b.created ?? 0) - (a.created ?? 0),
  )[0];
  const details = charge.payment_method_details;
  return {
    type: "refund.succeeded",
    providerPaymentId: charge.payment_intent ?? undefined,
    paymentId: paymentIdFrom(charge.metadata),
    amountMinor: charge.amount,
    currency: charge.currency.toUpperCase(),
    method: methodFromStripe(details?.type, details?.card?.wallet?.type),
    refund: latest
      ? {
          providerRefundId: latest.id,
          amountMinor: latest.amount,
          currency: latest.currency.toUpperCase(),
        }
      : undefined,
    refundedTotalMinor: latest ? undefined : charge.amount_refunded,
  };
}

function mapDispute(rawType: string, raw: unknown): Mapped {
  const dispute = disputeSchema.parse(raw);
  const mapped = mapStripeDispute({
    status: dispute.status,
    reason: dispute.reason,
    dueBy: dispute.evidence_details?.due_by,
    networkReasonCode: dispute.network_reason_code,
  });
  return {
    type: disputeEventType(rawType === "charge.dispute.created", mapped.status),
    providerPaymentId: dispute.payment_intent ?? undefined,
    paymentId: paymentIdFrom(dispute.metadata),
    amountMinor: dispute.amount,
    currency: dispute.currency.toUpperCase(),
    dispute: {
      providerDisputeId: dispute.id,
      amountMinor: dispute.amount,
      currency: dispute.currency.toUpperCase(),
      ...disputeFields(mapped),
    },
  };
}

const MAPPERS: Record<string, (object: unknown, rawType: string) => Mapped> = {
  "checkout.session.completed": (o) => {
    const status = sessionSchema.parse(o).payment_status;
    // payment_status "unpaid" on completion = a delayed method (bank transfer) still in flight.
    return mapSession(status === "unpaid" ? "payment.pending" : "payment.succeeded", o);
  },
  "checkout.session.async_payment_succeeded": (o) => mapSession("payment.succeeded", o),
  "checkout.session.async_payment_failed": (o) =>
    mapSession("payment.failed", o, {
      code: "async_payment_failed",
      message: "The delayed payment failed",
    }),
  "checkout.session.expired": (o) => mapSession("payment.expired", o),
  "payment_intent.succeeded": (o) => mapIntent("payment.succeeded", o),
  "payment_intent.payment_failed": (o) => mapIntent("payment.failed", o),
  "payment_intent.requires_action": (o) => mapIntent("payment.requires_action", o),
  "payment_intent.processing": (o) => mapIntent("payment.pending", o),
  "payment_intent.canceled": (o) => mapIntent("payment.canceled", o),
  "charge.refunded": (o) => mapChargeRefunded(o),
  "refund.created": (o) => mapRefund(o),
  "refund.updated": (o) => mapRefund(o),
  "charge.refund.updated": (o) => mapRefund(o),
  "refund.failed": (o) => mapRefund(o, "refund.failed"),
  "charge.dispute.created": mapDispute.bind(null, "charge.dispute.created"),
  "charge.dispute.updated": mapDispute.bind(null, "charge.dispute.updated"),
  "charge.dispute.closed": mapDispute.bind(null, "charge.dispute.closed"),
  "charge.dispute.funds_withdrawn": mapDispute.bind(null, "charge.dispute.funds_withdrawn"),
  "charge.dispute.funds_reinstated": mapDispute.bind(null, "charge.dispute.funds_reinstated"),
};

/** Normalizes a verified, parsed Stripe event. Throws ZodError when a known type has the wrong shape. */
export function normalizeStripeEvent(event: unknown): NormalizedEvent {
  const envelope = envelopeSchema.parse(event);
  const mapper = MAPPERS[envelope.type];
  const mapped: Mapped = mapper ? mapper(envelope.data.object, envelope.type) : { type: "unknown" };
  const cleaned = Object.fromEntries(
    Object.entries(mapped).filter(([, v]) => v !== undefined),
  ) as Mapped;
  return {
    ...cleaned,
    providerEventId: envelope.id,
    rawType: envelope.type,
    occurredAt: new Date(envelope.created * 1000),
  };
}

function signatureMatches(rawBody: string, header: string, secret: string): boolean {
  try {
    Stripe.webhooks.constructEvent(rawBody, header, secret, 0); // 0 = skip the age check
    return true;
  } catch (error) {
    return !(error instanceof Stripe.errors.StripeSignatureVerificationError);
  }
}

/** Verifies a delivery (Stripe-Signature: t=…,v1=…) against `now`, then normalizes it. Never throws. */
export function parseStripeWebhook(
  rawBody: string,
  signatureHeader: string | null,
  secret: string,
  now: Date = new Date(),
): WebhookParseResult {
  if (!signatureHeader)
    return { ok: false, reason: "bad_signature", message: "Missing Stripe-Signature header" };
  if (typeof secret !== "string" || !secret) {
    return {
      ok: false,
      reason: "bad_signature",
      message: "This connection has no webhook signing secret",
    };
  }
  let event: unknown;
  try {
    event = Stripe.webhooks.constructEvent(
      rawBody,
      signatureHeader,
      secret,
      STRIPE_WEBHOOK_TOLERANCE_SECONDS,
      undefined,
      now.getTime(),
    );
  } catch (error) {
    if (error instanceof Stripe.errors.StripeSignatureVerificationError) {
      // The SDK reports both failures with one error class; a signature that is valid
      // without the age check means the delivery is genuine but too old.
      if (signatureMatches(rawBody, signatureHeader, secret)) {
        return {
          ok: false,
          reason: "stale",
          message: "Stripe-Signature timestamp is outside the 5-minute tolerance",
        };
      }
      return {
        ok: false,
        reason: "bad_signature",
        message: "Stripe-Signature does not match this endpoint's secret",
      };
    }
    return {
      ok: false,
      reason: "malformed",
      message: `Body is not a Stripe event: ${(error as Error).message}`,
    };
  }
  try {
    return { ok: true, events: [normalizeStripeEvent(event)] };
  } catch (error) {
    const detail = error instanceof z.ZodError ? z.prettifyError(error) : String(error);
    return { ok: false, reason: "malformed", message: `Unexpected Stripe event shape: ${detail}` };
  }
}
