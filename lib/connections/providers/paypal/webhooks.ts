// PayPal webhooks: verification through PayPal's own API, then normalization of the event.
import { disputeEventType, disputeFields, mapPayPalDispute } from "@/lib/disputes/provider-mapping";
import { z } from "zod";
import {
  type ConnectorContext,
  type NormalizedEvent,
  type NormalizedEventType,
  ProviderError,
  type WebhookParseResult,
  type WebhookRequest,
} from "../types";
import { type PayPalCredentials, paypalRequest } from "./http";
import {
  orderToPaymentState,
  paypalCaptureSchema,
  paypalMoneySchema,
  paypalMoneyToMinor,
  type PayPalOrder,
  paypalOrderSchema,
} from "./orders";

/** Deliveries whose transmission time is further than this from now are refused as replays. */
export const PAYPAL_WEBHOOK_TOLERANCE_MS = 5 * 60 * 1000;

const SIGNATURE_HEADERS = {
  transmission_id: "paypal-transmission-id",
  transmission_time: "paypal-transmission-time",
  cert_url: "paypal-cert-url",
  auth_algo: "paypal-auth-algo",
  transmission_sig: "paypal-transmission-sig",
} as const;

const eventSchema = z.object({
  id: z.string().min(1),
  event_type: z.string().min(1),
  create_time: z.string().optional(),
  resource: z.record(z.string(), z.unknown()),
});
type PayPalEvent = z.infer<typeof eventSchema>;

const verificationSchema = z.object({ verification_status: z.string() });

export async function parsePayPalWebhook(
  ctx: ConnectorContext<PayPalCredentials>,
  request: WebhookRequest,
  now: Date = new Date(),
): Promise<WebhookParseResult> {
  const signature: Record<string, string> = {};
  for (const [field, header] of Object.entries(SIGNATURE_HEADERS)) {
    const value = request.headers.get(header);
    if (!value)
      return {
        ok: false,
        reason: "bad_signature",
        message: `Missing ${header.toUpperCase()} header`,
      };
    signature[field] = value;
  }

  const sentAt = Date.parse(signature.transmission_time);
  if (Number.isNaN(sentAt))
    return { ok: false, reason: "bad_signature", message: "Unreadable PAYPAL-TRANSMISSION-TIME" };
  if (Math.abs(now.getTime() - sentAt) > PAYPAL_WEBHOOK_TOLERANCE_MS) {
    return {
      ok: false,
      reason: "stale",
      message: `Transmission time ${signature.transmission_time} is outside the 5 minute window`,
    };
  }

  let event: PayPalEvent;
  try {
    const parsed = eventSchema.safeParse(JSON.parse(request.rawBody));
    if (!parsed.success)
      return { ok: false, reason: "malformed", message: "Not a PayPal webhook event" };
    event = parsed.data;
  } catch {
    return { ok: false, reason: "malformed", message: "Body is not JSON" };
  }

  // PayPal re-serializes webhook_event to check the signature over the original bytes, so a
  // re-stringified object can fail verification; the raw body is embedded verbatim instead.
  const rawJson = `{${Object.entries({ ...signature, webhook_id: ctx.credentials.webhookId })
    .map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`)
    .join(",")},"webhook_event":${request.rawBody}}`;

  try {
    const body = await paypalRequest(ctx, {
      method: "POST",
      path: "/v1/notifications/verify-webhook-signature",
      rawJson,
    });
    const verification = verificationSchema.safeParse(body);
    if (!verification.success || verification.data.verification_status !== "SUCCESS") {
      return { ok: false, reason: "bad_signature", message: "PayPal did not verify the signature" };
    }
  } catch (error) {
    // Not verified is not verified: answering non-2xx makes PayPal redeliver later
    // (it retries for up to 3 days), so an outage on either side loses nothing.
    const detail =
      error instanceof ProviderError ? `${error.kind}: ${error.message}` : String(error);
    return {
      ok: false,
      reason: "bad_signature",
      message: `Could not verify with PayPal (${detail})`,
    };
  }

  try {
    return { ok: true, events: [normalizePayPalEvent(event)] };
  } catch {
    return { ok: false, reason: "malformed", message: `Unreadable ${event.event_type} resource` };
  }
}

const refundResourceSchema = z.object({
  id: z.string(),
  status: z.string().optional(),
  amount: paypalMoneySchema,
  custom_id: z.string().optional(),
  supplementary_data: z
    .object({ related_ids: z.object({ order_id: z.string().optional() }).optional() })
    .optional(),
  links: z.array(z.object({ href: z.string(), rel: z.string() })).optional(),
});

const disputeResourceSchema = z.object({
  dispute_id: z.string(),
  reason: z.string().optional(),
  status: z.string().optional(),
  dispute_life_cycle_stage: z.string().optional(),
  dispute_amount: paypalMoneySchema,
  seller_response_due_date: z.string().optional(),
  dispute_outcome: z.object({ outcome_code: z.string().optional() }).optional(),
  disputed_transactions: z
    .array(
      z.object({ seller_transaction_id: z.string().optional(), custom: z.string().optional() }),
    )
    .optional(),
});

const CAPTURE_EVENTS: Record<string, NormalizedEventType> = {
  "PAYMENT.CAPTURE.COMPLETED": "payment.succeeded",
  "PAYMENT.CAPTURE.PENDING": "payment.pending",
  "PAYMENT.CAPTURE.DENIED": "payment.failed",
  "PAYMENT.CAPTURE.DECLINED": "payment.failed",
};

function base(event: PayPalEvent): NormalizedEvent {
  const created = event.create_time ? new Date(event.create_time) : new Date();
  return {
    providerEventId: event.id,
    type: "unknown",
    rawType: event.event_type,
    occurredAt: Number.isNaN(created.getTime()) ? new Date() : created,
  };
}

function fromOrder(
  event: PayPalEvent,
  type: NormalizedEventType,
  order: PayPalOrder,
): NormalizedEvent {
  const state = orderToPaymentState(order);
  return {
    ...base(event),
    type,
    providerPaymentId: order.id,
    paymentId: order.purchase_units?.[0]?.custom_id ?? order.purchase_units?.[0]?.reference_id,
    amountMinor: state.amountMinor,
    currency: state.currency,
    method: state.method,
  };
}

/** Maps a verified PayPal event. Throws only on a resource that does not match its type. */
export function normalizePayPalEvent(event: PayPalEvent): NormalizedEvent {
  const type = event.event_type;
  if (type === "CHECKOUT.ORDER.APPROVED") {
    // Approval moves no money: the pipeline captures (see paypalEventNeedsCapture).
    return fromOrder(event, "payment.pending", paypalOrderSchema.parse(event.resource));
  }
  if (type === "CHECKOUT.ORDER.COMPLETED") {
    const order = paypalOrderSchema.parse(event.resource);
    const status = orderToPaymentState(order).status;
    return fromOrder(
      event,
      status === "succeeded" ? "payment.succeeded" : "payment.pending",
      order,
    );
  }
  if (type === "CHECKOUT.ORDER.VOIDED") {
    return fromOrder(event, "payment.canceled", paypalOrderSchema.parse(event.resource));
  }
  const captureType = CAPTURE_EVENTS[type];
  if (captureType) {
    const capture = paypalCaptureSchema.parse(event.resource);
    const amount = capture.amount ? paypalMoneyToMinor(capture.amount) : undefined;
    return {
      ...base(event),
      type: captureType,
      providerPaymentId: capture.supplementary_data?.related_ids?.order_id ?? capture.id,
      paymentId: capture.custom_id,
      amountMinor: amount?.amountMinor,
      currency: amount?.currency,
      failure:
        captureType === "payment.failed"
          ? {
              code: capture.status,
              message:
                capture.status_details?.reason ?? `PayPal capture ${capture.status.toLowerCase()}`,
            }
          : undefined,
    };
  }
  // REVERSED: PayPal itself took the money back (a reversal); its resource is a refund too.
  if (type === "PAYMENT.CAPTURE.REFUNDED" || type === "PAYMENT.CAPTURE.REVERSED") {
    const refund = refundResourceSchema.parse(event.resource);
    const amount = paypalMoneyToMinor(refund.amount);
    const captureId = refund.links
      ?.find((l) => l.rel === "up")
      ?.href.split("/")
      .pop();
    return {
      ...base(event),
      type: "refund.succeeded",
      providerPaymentId: refund.supplementary_data?.related_ids?.order_id ?? captureId,
      paymentId: refund.custom_id,
      refund: { providerRefundId: refund.id, ...amount },
    };
  }
  if (type.startsWith("CUSTOMER.DISPUTE.")) {
    const dispute = disputeResourceSchema.parse(event.resource);
    const amount = paypalMoneyToMinor(dispute.dispute_amount);
    const mapped = mapPayPalDispute({
      stage: dispute.dispute_life_cycle_stage,
      status: dispute.status,
      reason: dispute.reason,
      outcomeCode: dispute.dispute_outcome?.outcome_code,
      sellerResponseDueDate: dispute.seller_response_due_date,
    });
    const transaction = dispute.disputed_transactions?.[0];
    return {
      ...base(event),
      type: disputeEventType(type === "CUSTOMER.DISPUTE.CREATED", mapped.status),
      // PayPal names the capture here, not the order.
      providerPaymentId: transaction?.seller_transaction_id,
      paymentId: transaction?.custom,
      ...amount,
      dispute: {
        providerDisputeId: dispute.dispute_id,
        ...amount,
        ...disputeFields(mapped),
      },
    };
  }
  return base(event);
}

/** True when the event is a buyer approval the pipeline must follow with `captureOrder`. */
export function paypalEventNeedsCapture(event: NormalizedEvent): boolean {
  return event.rawType === "CHECKOUT.ORDER.APPROVED";
}
