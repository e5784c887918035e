// The webhook inbox for the last two days: one verified, applied delivery per provider event,
// plus the deliveries an operator should notice (bad signatures, one that failed to apply).
// Bodies follow each provider's envelope so the raw view in the console reads like the real thing.
import type { Payment, WebhookDelivery } from "@/db/schema/payments";
import type { ProviderKind } from "@/lib/connections/providers/types";
import { minorToMajorString } from "@/lib/money";
import type { SeededPayment } from "./conversation";
import type { PaymentEventRow } from "./payment-plan";
import type { SeededRandom } from "./random";

const HOUR = 3_600_000;

function stripeBody(event: PaymentEventRow, payment: Payment): string {
  const object = event.type.startsWith("dispute")
    ? { id: (event.detail?.providerDisputeId as string) ?? "du_demo", object: "dispute", amount: event.amountMinor, currency: event.currency?.toLowerCase(), payment_intent: payment.providerPaymentId, reason: event.detail?.reason }
    : {
        id: payment.providerPaymentId,
        object: "payment_intent",
        amount: payment.amountMinor,
        currency: payment.currency.toLowerCase(),
        status: event.statusAfter === "succeeded" ? "succeeded" : event.statusAfter === "failed" ? "requires_payment_method" : event.statusAfter,
        metadata: { parley_payment_id: payment.id },
        ...(event.type === "payment.failed" && { last_payment_error: { code: "card_declined", decline_code: payment.failureCode ?? "generic_decline", message: payment.failureMessage } }),
      };
  return JSON.stringify({
    id: event.providerEventId,
    object: "event",
    api_version: "2025-03-31.basil",
    created: Math.floor(event.occurredAt.getTime() / 1000),
    livemode: false,
    type: event.rawType,
    data: { object },
  });
}

function paypalBody(event: PaymentEventRow, payment: Payment): string {
  const value = minorToMajorString(payment.amountMinor, payment.currency);
  return JSON.stringify({
    id: event.providerEventId,
    event_version: "1.0",
    create_time: event.occurredAt.toISOString(),
    resource_type: event.rawType?.startsWith("CHECKOUT") ? "checkout-order" : "capture",
    event_type: event.rawType,
    summary: `${event.rawType} for ${value} ${payment.currency}`,
    resource: {
      id: payment.providerPaymentId,
      status: event.statusAfter === "succeeded" ? "COMPLETED" : event.statusAfter === "failed" ? "DENIED" : "APPROVED",
      amount: { currency_code: payment.currency, value },
      custom_id: payment.id,
    },
  });
}

function adyenBody(event: PaymentEventRow, payment: Payment, rng: SeededRandom): string {
  const [pspReference] = (event.providerEventId ?? "").split(":");
  return JSON.stringify({
    live: "false",
    notificationItems: [
      {
        NotificationRequestItem: {
          eventCode: event.rawType,
          success: event.type === "payment.failed" ? "false" : "true",
          eventDate: event.occurredAt.toISOString().replace(/\.\d{3}Z$/, "+00:00"),
          merchantAccountCode: "ParleyDemoAPAC_TEST",
          merchantReference: payment.id,
          originalReference: event.type.startsWith("payment") ? undefined : payment.providerPaymentId,
          pspReference,
          paymentMethod: payment.method === "wechat_pay" ? "wechatpayQR" : payment.method === "alipay" ? "alipay" : payment.method === "bank_transfer" ? "bankTransfer_IBAN" : "visa",
          amount: { currency: payment.currency, value: event.amountMinor },
          ...(event.type === "payment.failed" && { reason: "Refused" }),
          additionalData: { hmacSignature: Buffer.from(rng.hex(64), "hex").toString("base64") },
        },
      },
    ],
  });
}

function sandboxBody(event: PaymentEventRow, payment: Payment): string {
  return JSON.stringify({
    id: event.providerEventId,
    type: event.rawType,
    created_at: event.occurredAt.toISOString(),
    payment: { id: payment.providerPaymentId, reference: payment.id, amount_minor: event.amountMinor, currency: event.currency, status: event.statusAfter },
  });
}

function headersFor(provider: ProviderKind, at: Date, rng: SeededRandom, body: string): Record<string, string> {
  const common = { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) };
  switch (provider) {
    case "stripe":
      return { ...common, "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)", "stripe-signature": `t=${Math.floor(at.getTime() / 1000)},v1=${rng.hex(64)}` };
    case "paypal":
      return {
        ...common,
        "paypal-transmission-id": `${rng.hex(8)}-${rng.hex(4)}-11ef-${rng.hex(4)}-${rng.hex(12)}`,
        "paypal-transmission-time": at.toISOString(),
        "paypal-transmission-sig": Buffer.from(rng.hex(128), "hex").toString("base64"),
        "paypal-auth-algo": "SHA256withRSA",
        "paypal-cert-url": "https://api.sandbox.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-a5cafa77",
      };
    case "adyen":
      return { ...common, "user-agent": "Adyen HttpClient 1.0" };
    case "sandbox":
      return { ...common, "x-parley-sandbox-signature": `t=${Math.floor(at.getTime() / 1000)},v1=${rng.hex(64)}` };
  }
}

function bodyFor(event: PaymentEventRow, payment: Payment, rng: SeededRandom): string {
  switch (payment.provider) {
    case "stripe":
      return stripeBody(event, payment);
    case "paypal":
      return paypalBody(event, payment);
    case "adyen":
      return adyenBody(event, payment, rng);
    case "sandbox":
      return sandboxBody(event, payment);
  }
}

export interface WebhookInput {
  rng: SeededRandom;
  now: Date;
  merchantId: string;
  payments: SeededPayment[];
  /** How many deliveries to turn into bad-signature rejections and failed applications. */
  rejected: number;
  failed: number;
}

/** Creates the inbox rows and links each applied provider event to its delivery. */
export function generateWebhooks(input: WebhookInput): WebhookDelivery[] {
  const { rng, now, merchantId } = input;
  const since = now.getTime() - 48 * HOUR;
  const rows: WebhookDelivery[] = [];
  const recent: { event: PaymentEventRow; payment: SeededPayment }[] = [];
  for (const payment of input.payments) {
    for (const event of payment.events) {
      if (event.source === "provider" && event.providerEventId && event.occurredAt.getTime() >= since) recent.push({ event, payment });
    }
  }
  recent.sort((a, b) => a.event.occurredAt.getTime() - b.event.occurredAt.getTime() || (a.event.id < b.event.id ? -1 : 1));

  for (const { event, payment } of recent) {
    const receivedAt = new Date(Math.min(event.occurredAt.getTime() + rng.int(300, 3000), now.getTime()));
    const rawBody = bodyFor(event, payment.row, rng);
    const id = rng.id("webhook");
    event.webhookId = id;
    event.recordedAt = new Date(receivedAt.getTime() + rng.int(20, 200));
    rows.push({
      merchantId,
      id,
      connectionId: payment.row.connectionId,
      provider: payment.row.provider,
      headers: headersFor(payment.row.provider, receivedAt, rng, rawBody),
      rawBody,
      verified: true,
      status: "applied",
      providerEventIds: [event.providerEventId!],
      eventTypes: [event.rawType ?? event.type],
      attempts: 1,
      error: null,
      receivedAt,
      appliedAt: event.recordedAt,
    });
  }

  // Deliveries that never became events: replays signed with an old secret, and one that
  // verified but could not be applied (it names a payment Parley does not know).
  const templates = rows.filter((r) => r.provider === "stripe" || r.provider === "paypal");
  for (let i = 0; i < input.rejected && templates.length > 0; i++) {
    const source = templates[rng.int(0, templates.length - 1)]!;
    const receivedAt = new Date(now.getTime() - rng.int(1, 40) * HOUR);
    rows.push({
      ...source,
      id: rng.id("webhook"),
      verified: false,
      status: "rejected",
      providerEventIds: [],
      eventTypes: [],
      error: "bad_signature: no signature matched the connection's webhook secret",
      receivedAt,
      appliedAt: null,
    });
  }
  for (let i = 0; i < input.failed && rows.length > 0; i++) {
    const receivedAt = new Date(now.getTime() - rng.int(2, 30) * HOUR);
    const source = rows.find((r) => r.status === "applied" && r.provider === "stripe") ?? rows[0]!;
    const eventId = `evt_3${rng.base62(23)}`;
    const body = JSON.parse(source.rawBody) as Record<string, unknown>;
    body.id = eventId;
    body.type = "charge.refund.updated";
    body.data = { object: { id: `re_3${rng.base62(23)}`, object: "refund", payment_intent: `pi_3${rng.base62(23)}`, status: "failed" } };
    rows.push({
      ...source,
      id: rng.id("webhook"),
      rawBody: JSON.stringify(body),
      status: "failed",
      providerEventIds: [eventId],
      eventTypes: ["charge.refund.updated"],
      attempts: 3,
      error: "No payment matches provider payment id for this connection",
      receivedAt,
      appliedAt: null,
    });
  }
  return rows.sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime());
}
