import { providerRefundReason } from "@/lib/refunds/reason-codes";
// PayPal connector (REST, Orders v2). Identifiers: a Parley payment's providerPaymentId is the
// PayPal order id; refunds and disputes happen on the order's capture, which `refund` resolves.
// http.ts: OAuth token + REST calls; orders.ts: order shapes → statuses; webhooks.ts: verification
// through PayPal's API, then normalization.
import { z } from "zod";
import { verifyResultFromError } from "../http";
import {
  type Capabilities,
  type CheckoutInput,
  type CheckoutResult,
  type Connector,
  type ConnectorContext,
  type PaymentMethod,
  ProviderError,
  type ProviderPaymentState,
  type RefundInput,
  type RefundLookup,
  type RefundLookupInput,
  type RefundResult,
  type VerifyCredentialsResult,
} from "../types";
import {
  acceptPayPalClaim,
  fetchPayPalDisputeStanding,
  submitPayPalDisputeEvidence,
} from "./disputes";
import { getPayPalAccessToken, type PayPalCredentials, paypalRequest } from "./http";
import {
  firstCapture,
  orderToPaymentState,
  parsePayPalOrder,
  payerLink,
  paypalAmountValue,
  paypalCheckoutCurrencies,
} from "./orders";
import { parsePayPalWebhook } from "./webhooks";

export { clearPayPalTokenCache } from "./http";
export type { PayPalCredentials } from "./http";
export { PAYPAL_WEBHOOK_TOLERANCE_MS, paypalEventNeedsCapture } from "./webhooks";

export const paypalCredentialsSchema = z.object({
  clientId: z.string().trim().min(1, { error: "Enter the PayPal REST app's client ID" }),
  clientSecret: z.string().trim().min(1, { error: "Enter the PayPal REST app's secret" }),
  webhookId: z.string().trim().min(1, {
    error:
      "Enter the webhook ID PayPal shows for this app's webhook (Developer Dashboard → Webhooks)",
  }),
}) satisfies z.ZodType<PayPalCredentials>;

type Ctx = ConnectorContext<PayPalCredentials>;

// "card" is PayPal's advanced (guest) card checkout; "installments" is Pay Later.
const PAYPAL_METHODS: PaymentMethod[] = ["paypal", "card", "installments"];

// PayPal caps description at 127 characters (Orders v2 purchase_unit.description).
const DESCRIPTION_LIMIT = 127;
// experience_context.locale pattern from the Orders v2 reference; anything else is left out.
const PAYPAL_LOCALE = /^[a-z]{2}(?:-[A-Z][a-z]{3})?(?:-(?:[A-Z]{2}|[0-9]{3}))?$/;

async function verifyCredentials(ctx: Ctx): Promise<VerifyCredentialsResult> {
  try {
    await getPayPalAccessToken(ctx, { fresh: true });
    return {
      ok: true,
      accountLabel: `PayPal ${ctx.mode === "live" ? "live" : "sandbox"} app ${ctx.credentials.clientId.slice(0, 8)}…`,
      message: "PayPal accepted the client ID and secret",
    };
  } catch (error) {
    return verifyResultFromError(error, "PayPal");
  }
}

function capabilities(): Capabilities {
  return { methods: [...PAYPAL_METHODS], currencies: [...paypalCheckoutCurrencies] };
}

async function createCheckout(ctx: Ctx, input: CheckoutInput): Promise<CheckoutResult> {
  const unsupported = input.methods.filter((m) => !PAYPAL_METHODS.includes(m));
  if (unsupported.length > 0) {
    throw new ProviderError(`PayPal cannot offer ${unsupported.join(", ")}`, "invalid_request");
  }
  const amount = paypalAmountValue(input.amountMinor, input.currency);
  const onlyCards = input.methods.length > 0 && input.methods.every((m) => m === "card");
  const experienceContext: Record<string, string> = {
    return_url: input.successUrl,
    cancel_url: input.cancelUrl,
    user_action: "PAY_NOW",
    shipping_preference: "NO_SHIPPING",
    landing_page: onlyCards ? "GUEST_CHECKOUT" : "NO_PREFERENCE",
  };
  if (input.locale && PAYPAL_LOCALE.test(input.locale)) experienceContext.locale = input.locale;

  const body = await paypalRequest(ctx, {
    method: "POST",
    path: "/v2/checkout/orders",
    requestId: input.idempotencyKey,
    json: {
      intent: "CAPTURE",
      purchase_units: [
        {
          reference_id: input.paymentId,
          custom_id: input.paymentId,
          description: input.description.slice(0, DESCRIPTION_LIMIT),
          amount,
        },
      ],
      payment_source: {
        paypal: {
          ...(input.customerEmail ? { email_address: input.customerEmail } : {}),
          experience_context: experienceContext,
        },
      },
    },
  });
  const order = parsePayPalOrder(body);
  const url = payerLink(order);
  if (!url)
    throw new ProviderError(
      `PayPal order ${order.id} came back without an approval link`,
      "provider_error",
    );
  return { providerCheckoutId: order.id, providerPaymentId: order.id, url };
}

async function fetchPayment(ctx: Ctx, orderId: string): Promise<ProviderPaymentState> {
  const body = await paypalRequest(ctx, {
    method: "GET",
    path: `/v2/checkout/orders/${encodeURIComponent(orderId)}`,
  });
  return orderToPaymentState(parsePayPalOrder(body));
}

/**
 * Captures an approved order (Orders v2: approval alone moves no money). Safe to repeat: the
 * request id is derived from the order, and an already captured order returns its state.
 */
export async function captureOrder(ctx: Ctx, orderId: string): Promise<ProviderPaymentState> {
  const path = `/v2/checkout/orders/${encodeURIComponent(orderId)}`;
  try {
    const body = await paypalRequest(ctx, {
      method: "POST",
      path: `${path}/capture`,
      requestId: `capture-${orderId}`,
      json: {},
    });
    return orderToPaymentState(parsePayPalOrder(body));
  } catch (error) {
    if (!(error instanceof ProviderError) || error.status !== 422) throw error;
    if (error.providerCode === "ORDER_ALREADY_CAPTURED") return fetchPayment(ctx, orderId);
    if (error.providerCode === "INSTRUMENT_DECLINED") {
      // PayPal's documented recovery: send the buyer back to the approval link to pick another source.
      const state = await fetchPayment(ctx, orderId);
      return {
        ...state,
        status: "requires_action",
        failure: { code: "INSTRUMENT_DECLINED", message: error.message },
      };
    }
    throw error;
  }
}

/** Finds the capture to refund: `providerPaymentId` may be the order id or the capture id. */
async function resolveCapture(
  ctx: Ctx,
  providerPaymentId: string,
): Promise<{ captureId: string; customId?: string }> {
  try {
    const body = await paypalRequest(ctx, {
      method: "GET",
      path: `/v2/checkout/orders/${encodeURIComponent(providerPaymentId)}`,
    });
    const order = parsePayPalOrder(body);
    const capture = firstCapture(order);
    if (!capture)
      throw new ProviderError(
        `PayPal order ${order.id} has no capture to refund`,
        "invalid_request",
      );
    return { captureId: capture.id, customId: order.purchase_units?.[0]?.custom_id };
  } catch (error) {
    if (error instanceof ProviderError && error.status === 404)
      return { captureId: providerPaymentId };
    throw error;
  }
}

const refundResponseSchema = z.object({ id: z.string(), status: z.string() });

async function refund(ctx: Ctx, input: RefundInput): Promise<RefundResult> {
  return readRefund(await sendRefundRequest(ctx, input));
}

/**
 * POST /v2/payments/captures/{id}/refund under `PayPal-Request-Id: <idempotencyKey>`. Sending it
 * again with the same key and body is the same request: PayPal answers with the first one's
 * refund instead of making another (see PAYPAL_REFUND_REPLAY_WINDOW_MS).
 */
async function sendRefundRequest(ctx: Ctx, input: RefundInput): Promise<unknown> {
  const amount = paypalAmountValue(input.amountMinor, input.currency);
  const { captureId, customId } = await resolveCapture(ctx, input.providerPaymentId);
  return paypalRequest(ctx, {
    method: "POST",
    path: `/v2/payments/captures/${encodeURIComponent(captureId)}/refund`,
    requestId: input.idempotencyKey,
    json: {
      amount,
      ...(customId ? { custom_id: customId } : {}),
      ...(input.reasonCode
        ? { note_to_payer: providerRefundReason("paypal", input.reasonCode, input.reason).value }
        : input.reason
          ? { note_to_payer: input.reason.slice(0, 255) }
          : {}),
    },
  });
}

function readRefund(body: unknown): RefundResult {
  const parsed = refundResponseSchema.safeParse(body);
  if (!parsed.success)
    throw new ProviderError("PayPal returned an unreadable refund", "provider_error");
  // Refund statuses: CANCELLED, FAILED, PENDING, COMPLETED (developer.paypal.com, Payments v2).
  const status =
    parsed.data.status === "COMPLETED"
      ? "succeeded"
      : parsed.data.status === "PENDING"
        ? "pending"
        : "failed";
  return { providerRefundId: parsed.data.id, status };
}

/**
 * How long after sending a refund Parley may replay it to learn its outcome. PayPal's guide
 * (REST APIs → Reference → Idempotency): with a previously used PayPal-Request-Id "PayPal returns
 * the latest status of the previous request that used that same header", and one may retry "for
 * as long as the server stores the ID"; the Payments v2 reference for "Refund captured payment"
 * says of PayPal-Request-Id: "The server stores keys for 45 days". Past that a replay could be
 * a second refund, so the replay stops well inside it.
 */
export const PAYPAL_REFUND_REPLAY_WINDOW_MS = 30 * 24 * 60 * 60_000;

/**
 * Where a refund stands. Named: GET /v2/payments/refunds/{id}. Unnamed (the create's answer never
 * came): PayPal has no lookup by PayPal-Request-Id and no list of a capture's refunds by it (an
 * order's purchase_units[].payments.refunds carry no request id, so several equal partial refunds
 * cannot be told apart), so the create is replayed under the same PayPal-Request-Id and body:
 * PayPal answers with the refund that request made, or makes it now if the first send never
 * reached PayPal; either way one refund for the one request.
 */
async function fetchRefund(ctx: Ctx, input: RefundLookupInput): Promise<RefundLookup> {
  if (!input.providerRefundId) return replayRefund(ctx, input);
  try {
    const body = await paypalRequest(ctx, {
      method: "GET",
      path: `/v2/payments/refunds/${encodeURIComponent(input.providerRefundId)}`,
    });
    return { kind: "found", ...readRefund(body) };
  } catch (error) {
    if (error instanceof ProviderError && error.status === 404)
      return { kind: "not_found", message: `PayPal has no refund ${input.providerRefundId}` };
    throw error;
  }
}

async function replayRefund(ctx: Ctx, input: RefundLookupInput): Promise<RefundLookup> {
  const awaiting = "awaiting PayPal's PAYMENT.CAPTURE.REFUNDED notification";
  if (!input.sent) {
    return {
      kind: "unanswerable",
      message: `PayPal never named this refund and what it was sent with is unknown, so it cannot be replayed: ${awaiting}`,
    };
  }
  const now = input.now ?? new Date();
  if (now.getTime() - input.sent.at.getTime() > PAYPAL_REFUND_REPLAY_WINDOW_MS) {
    return {
      kind: "unanswerable",
      message: `PayPal never named this refund and its request id may have expired, so it is not replayed: ${awaiting}`,
    };
  }
  // An error here (e.g. PayPal refusing a replay that overlaps the first send) leaves the refund
  // pending for the next check: the caller treats a throw as "still unknown".
  const body = await sendRefundRequest(ctx, {
    providerPaymentId: input.providerPaymentId,
    amountMinor: input.sent.amountMinor,
    currency: input.sent.currency,
    idempotencyKey: input.idempotencyKey,
    reason: input.sent.reason,
    reasonCode: input.sent.reasonCode,
  });
  return { kind: "found", ...readRefund(body) };
}

export const paypalConnector: Connector<PayPalCredentials> = {
  kind: "paypal",
  verifyCredentials,
  capabilities,
  createCheckout,
  fetchPayment,
  refund,
  fetchRefund,
  parseWebhook: parsePayPalWebhook,
  webhookAck: () => ({ status: 200, body: "", contentType: "text/plain" }),
  disputeSupport: { stage: false, submit: true, accept: true, fetch: true },
  submitDisputeEvidence: submitPayPalDisputeEvidence,
  acceptDispute: acceptPayPalClaim,
  fetchDisputeStanding: fetchPayPalDisputeStanding,
};
