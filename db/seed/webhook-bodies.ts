// Raw webhook deliveries as each provider sends them: Stripe events, PayPal notifications,
// Adyen standard notifications and Sandbox events, with the headers that carry their signatures.
// The connectors' own normalizers read them back (tests/integration/seed.test.ts checks it).
// Signatures are random hex: nothing re-verifies a stored delivery.
import type { Payment } from "@/db/schema/payments";
import type { ProviderKind } from "@/lib/connections/providers/types";
import { minorToMajorString } from "@/lib/money";
import type { PaymentEventRow } from "./payment-plan";
import type { SeededRandom } from "./random";

// PaymentIntent.status as Stripe reports it in each event (a failed attempt goes back to
// requires_payment_method; Stripe API reference › PaymentIntents › status).
const STRIPE_INTENT_STATUS: Record<string, string> = {
  "payment.pending": "processing",
  "payment.requires_action": "requires_action",
  "payment.succeeded": "succeeded",
  "payment.failed": "requires_payment_method",
  "payment.canceled": "canceled",
};

const STRIPE_DISPUTE_STATUS: Record<string, string> = {
  "dispute.opened": "needs_response",
  "dispute.updated": "under_review",
  "dispute.won": "won",
  "dispute.lost": "lost",
};

function stripeObject(event: PaymentEventRow, payment: Payment): Record<string, unknown> {
  const currency = payment.currency.toLowerCase();
  const chargeId = `ch_${(payment.providerPaymentId ?? "").slice(3)}`;
  const metadata = { parley_payment_id: payment.id };
  const created = Math.floor(event.occurredAt.getTime() / 1000);
  if (event.type.startsWith("dispute.")) {
    return {
      id: event.detail?.providerDisputeId,
      object: "dispute",
      amount: event.amountMinor,
      currency,
      charge: chargeId,
      payment_intent: payment.providerPaymentId,
      reason: event.detail?.reason,
      status: STRIPE_DISPUTE_STATUS[event.type],
      metadata: {},
      evidence_details: {
        due_by: created + 7 * 86_400,
        has_evidence: event.type !== "dispute.opened",
      },
    };
  }
  const refund = {
    id: event.detail?.providerRefundId,
    object: "refund",
    amount: event.amountMinor,
    currency,
    created,
    payment_intent: payment.providerPaymentId,
    status: event.type === "refund.failed" ? "failed" : "succeeded",
    ...(event.type === "refund.failed" && { failure_reason: "expired_or_canceled_card" }),
    metadata,
  };
  if (event.type === "refund.failed") return refund;
  if (event.type === "refund.succeeded") {
    return {
      id: chargeId,
      object: "charge",
      amount: payment.amountMinor,
      amount_refunded: event.amountMinor,
      currency,
      payment_intent: payment.providerPaymentId,
      refunded: event.amountMinor === payment.amountMinor,
      metadata,
      refunds: { object: "list", data: [refund] },
    };
  }
  if (event.type === "payment.expired") {
    return {
      id: payment.providerCheckoutId,
      object: "checkout.session",
      status: "expired",
      payment_status: "unpaid",
      payment_intent: null,
      amount_total: payment.amountMinor,
      currency,
      client_reference_id: payment.id,
      metadata,
    };
  }
  return {
    id: payment.providerPaymentId,
    object: "payment_intent",
    amount: payment.amountMinor,
    currency,
    status: STRIPE_INTENT_STATUS[event.type] ?? "succeeded",
    payment_method_types: [
      payment.method === "apple_pay" || payment.method === "google_pay"
        ? "card"
        : (payment.method ?? "card"),
    ],
    metadata,
    ...(event.type === "payment.failed" && {
      last_payment_error: {
        code: "card_declined",
        decline_code: payment.failureCode ?? "generic_decline",
        message: payment.failureMessage,
      },
    }),
  };
}

function stripeBody(event: PaymentEventRow, payment: Payment): string {
  return JSON.stringify({
    id: event.providerEventId,
    object: "event",
    api_version: "2025-03-31.basil",
    created: Math.floor(event.occurredAt.getTime() / 1000),
    livemode: false,
    type: event.rawType,
    data: { object: stripeObject(event, payment) },
  });
}

function paypalResource(
  event: PaymentEventRow,
  payment: Payment,
): { type: string; resource: Record<string, unknown> } {
  const amount = {
    currency_code: event.currency ?? payment.currency,
    value: minorToMajorString(
      event.amountMinor ?? payment.amountMinor,
      event.currency ?? payment.currency,
    ),
  };
  const orderId = payment.providerPaymentId;
  const captureId = `${(orderId ?? "").slice(0, 9)}CAP${(orderId ?? "").slice(12)}`;
  const raw = event.rawType ?? "";
  if (raw.startsWith("CHECKOUT.ORDER.")) {
    return {
      type: "checkout-order",
      resource: {
        id: orderId,
        status: raw === "CHECKOUT.ORDER.VOIDED" ? "VOIDED" : "APPROVED",
        intent: "CAPTURE",
        purchase_units: [{ reference_id: payment.id, custom_id: payment.id, amount }],
      },
    };
  }
  if (raw === "PAYMENT.CAPTURE.REFUNDED") {
    return {
      type: "refund",
      resource: {
        id: event.detail?.providerRefundId,
        status: "COMPLETED",
        amount,
        custom_id: payment.id,
        supplementary_data: { related_ids: { order_id: orderId } },
      },
    };
  }
  if (raw.startsWith("CUSTOMER.DISPUTE.")) {
    const outcome =
      event.type === "dispute.won"
        ? "RESOLVED_SELLER_FAVOUR"
        : event.type === "dispute.lost"
          ? "RESOLVED_BUYER_FAVOUR"
          : undefined;
    return {
      type: "dispute",
      resource: {
        dispute_id: event.detail?.providerDisputeId,
        reason: String((event.detail?.reason as string | undefined) ?? "").toUpperCase(),
        status: outcome
          ? "RESOLVED"
          : event.type === "dispute.updated"
            ? "UNDER_REVIEW"
            : "WAITING_FOR_SELLER_RESPONSE",
        dispute_amount: amount,
        disputed_transactions: [{ seller_transaction_id: captureId, custom: payment.id }],
        ...(outcome && { dispute_outcome: { outcome_code: outcome } }),
      },
    };
  }
  return {
    type: "capture",
    resource: {
      id: captureId,
      status:
        event.type === "payment.failed"
          ? "DECLINED"
          : event.type === "payment.pending"
            ? "PENDING"
            : "COMPLETED",
      amount,
      custom_id: payment.id,
      supplementary_data: { related_ids: { order_id: orderId } },
    },
  };
}

function paypalBody(event: PaymentEventRow, payment: Payment): string {
  const { type, resource } = paypalResource(event, payment);
  return JSON.stringify({
    id: event.providerEventId,
    event_version: "1.0",
    create_time: event.occurredAt.toISOString(),
    resource_type: type,
    event_type: event.rawType,
    summary: `${event.rawType} for ${minorToMajorString(event.amountMinor ?? payment.amountMinor, payment.currency)} ${payment.currency}`,
    resource,
  });
}

// Adyen's paymentMethod variants (Adyen docs › Payment methods › "variant" values).
const ADYEN_METHODS: Record<string, string> = {
  card: "visa",
  apple_pay: "applepay",
  google_pay: "googlepay",
  alipay: "alipay",
  wechat_pay: "wechatpayQR",
  bank_transfer: "bankTransfer_IBAN",
  installments: "klarna_account",
};

// Adyen refusal reasons (Adyen docs › Refusal reasons) for Parley's decline codes.
const ADYEN_REFUSALS: Record<string, string> = {
  card_declined: "Refused",
  insufficient_funds: "Not enough balance",
  expired_card: "Expired Card",
  do_not_honor: "Acquirer Error",
  fraudulent: "FRAUD",
};

function adyenBody(
  event: PaymentEventRow,
  payment: Payment,
  rng: SeededRandom,
  merchantAccount: string,
): string {
  // Seeded Adyen event ids are Adyen's own uniqueness key: pspReference:eventCode:success.
  const [pspReference, , success] = (event.providerEventId ?? "").split(":");
  const failure = (event.detail?.failure as { code?: string } | undefined)?.code;
  const disputeStatus =
    event.type === "dispute.lost"
      ? event.detail?.acceptedByMerchant
        ? "Accepted"
        : "Lost"
      : undefined;
  return JSON.stringify({
    live: "false",
    notificationItems: [
      {
        NotificationRequestItem: {
          eventCode: event.rawType,
          success,
          eventDate: event.occurredAt.toISOString().replace(/\.\d{3}Z$/, "+00:00"),
          merchantAccountCode: merchantAccount,
          merchantReference: payment.id,
          ...(!event.type.startsWith("payment.") &&
            payment.providerPaymentId && { originalReference: payment.providerPaymentId }),
          pspReference,
          paymentMethod: ADYEN_METHODS[payment.method ?? "card"] ?? "visa",
          amount: { currency: event.currency, value: event.amountMinor },
          ...(event.type === "payment.failed" && {
            reason: ADYEN_REFUSALS[failure ?? ""] ?? "Refused",
          }),
          ...(event.type.startsWith("dispute.") && {
            reason: String((event.detail?.reason as string | undefined) ?? ""),
          }),
          additionalData: {
            hmacSignature: Buffer.from(rng.hex(64), "hex").toString("base64"),
            ...(disputeStatus && { disputeStatus }),
          },
        },
      },
    ],
  });
}

// lib/connections/providers/sandbox/webhooks.ts: { id: evt_sbx_…, type, created, data }.
function coinbaseBody(event: PaymentEventRow, payment: Payment): string {
  return JSON.stringify({
    id: event.id,
    attempt_number: 1,
    event: {
      id: event.providerEventId,
      type: event.rawType,
      created_at: event.occurredAt.toISOString(),
      data: {
        id: payment.providerPaymentId,
        metadata: { parley_payment_id: payment.id },
        pricing: { local: { amount: String(payment.amountMinor), currency: payment.currency } },
      },
    },
  });
}

function sandboxBody(event: PaymentEventRow, payment: Payment): string {
  const money = { amountMinor: event.amountMinor, currency: event.currency };
  const detail = event.detail ?? {};
  return JSON.stringify({
    id: event.providerEventId,
    type: event.type,
    created: Math.floor(event.occurredAt.getTime() / 1000),
    data: {
      providerPaymentId: payment.providerPaymentId,
      paymentId: payment.id,
      amountMinor: payment.amountMinor,
      currency: payment.currency,
      ...(payment.method && { method: payment.method }),
      ...(event.type === "payment.failed" && {
        failure: detail.failure ?? { code: payment.failureCode, message: payment.failureMessage },
      }),
      ...(event.type === "payment.requires_action" && { nextAction: "three_d_secure" }),
      ...(event.type.startsWith("refund.") && {
        refund: { providerRefundId: detail.providerRefundId, ...money },
      }),
      ...(event.type.startsWith("dispute.") && {
        dispute: { providerDisputeId: detail.providerDisputeId, reason: detail.reason, ...money },
      }),
    },
  });
}

export function webhookHeaders(
  provider: ProviderKind,
  at: Date,
  rng: SeededRandom,
  body: string,
): Record<string, string> {
  const common = {
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(body)),
  };
  switch (provider) {
    case "stripe":
      return {
        ...common,
        "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
        "stripe-signature": `t=${Math.floor(at.getTime() / 1000)},v1=${rng.hex(64)}`,
      };
    case "paypal":
      return {
        ...common,
        "paypal-transmission-id": `${rng.hex(8)}-${rng.hex(4)}-11ef-${rng.hex(4)}-${rng.hex(12)}`,
        "paypal-transmission-time": at.toISOString(),
        "paypal-transmission-sig": Buffer.from(rng.hex(128), "hex").toString("base64"),
        "paypal-auth-algo": "SHA256withRSA",
        "paypal-cert-url":
          "https://api.sandbox.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-a5cafa77",
      };
    case "adyen":
      return { ...common, "user-agent": "Adyen HttpClient 1.0" };
    case "coinbase":
      return { ...common, "x-cc-webhook-signature": rng.hex(64) };
    case "sandbox":
      return {
        ...common,
        "parley-sandbox-signature": `t=${Math.floor(at.getTime() / 1000)},v1=${rng.hex(64)}`,
      };
  }
}

export function webhookBody(
  event: PaymentEventRow,
  payment: Payment,
  rng: SeededRandom,
  merchantAccount: string,
): string {
  switch (payment.provider) {
    case "stripe":
      return stripeBody(event, payment);
    case "paypal":
      return paypalBody(event, payment);
    case "adyen":
      return adyenBody(event, payment, rng, merchantAccount);
    case "sandbox":
      return sandboxBody(event, payment);
    case "coinbase":
      return coinbaseBody(event, payment);
  }
}
