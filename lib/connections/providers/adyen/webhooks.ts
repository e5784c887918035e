// Adyen standard webhooks: verify every item's HMAC, then normalize.
//
// Adyen signs no timestamp and redelivers unacknowledged batches for days, so deliveries are
// never refused for age; replays are harmless because each event id
// (pspReference:eventCode:success, Adyen's documented uniqueness key) is deduplicated on store.
import { disputeEventType, disputeFields, mapAdyenDispute } from "@/lib/disputes/provider-mapping";
import { z } from "zod";
import type {
  ConnectorContext,
  NormalizedEvent,
  NormalizedEventType,
  PaymentMethod,
  WebhookParseResult,
  WebhookRequest,
} from "../types";
import { isValidAdyenHmac } from "./hmac";
import type { AdyenCredentials } from "./http";

const itemSchema = z.object({
  pspReference: z.string().min(1),
  originalReference: z.string().optional(),
  merchantAccountCode: z.string(),
  merchantReference: z.string().optional(),
  amount: z.object({ value: z.number().int(), currency: z.string().length(3) }).optional(),
  eventCode: z.string().min(1),
  eventDate: z.string().optional(),
  success: z.enum(["true", "false"]),
  reason: z.string().optional(),
  paymentMethod: z.string().optional(),
  additionalData: z.record(z.string(), z.unknown()).optional(),
});
export type AdyenNotificationItem = z.infer<typeof itemSchema>;

const notificationSchema = z.object({
  live: z.string(),
  notificationItems: z.array(z.object({ NotificationRequestItem: itemSchema })).min(1),
});

export function parseAdyenWebhook(
  ctx: ConnectorContext<AdyenCredentials>,
  request: WebhookRequest,
): WebhookParseResult {
  let json: unknown;
  try {
    json = JSON.parse(request.rawBody);
  } catch {
    return { ok: false, reason: "malformed", message: "Body is not JSON" };
  }
  const parsed = notificationSchema.safeParse(json);
  if (!parsed.success)
    return { ok: false, reason: "malformed", message: "Not an Adyen standard notification" };

  const items = parsed.data.notificationItems.map((entry) => entry.NotificationRequestItem);
  for (const item of items) {
    const signature = item.additionalData?.hmacSignature;
    if (
      !isValidAdyenHmac(
        item,
        typeof signature === "string" ? signature : undefined,
        ctx.credentials.hmacKey,
      )
    ) {
      return {
        ok: false,
        reason: "bad_signature",
        message: `HMAC signature of ${item.eventCode} ${item.pspReference} does not match`,
      };
    }
  }
  // A company-level webhook carries every merchant account's events; only ours are kept.
  const ours = items.filter((item) => item.merchantAccountCode === ctx.credentials.merchantAccount);
  return { ok: true, events: ours.map(normalizeAdyenItem) };
}

const METHODS: [RegExp, PaymentMethod][] = [
  [/^(applepay)/i, "apple_pay"],
  [/^(googlepay|paywithgoogle)/i, "google_pay"],
  [/^alipay/i, "alipay"],
  [/^wechatpay/i, "wechat_pay"],
  [/^paypal/i, "paypal"],
  [/^(ideal|sepadirectdebit|banktransfer|directebanking|trustly|paybybank)/i, "bank_transfer"],
  [/^(klarna|affirm|afterpaytouch|clearpay)/i, "installments"],
  [/^(scheme|visa|mc|amex|maestro|cup|jcb|diners|discover|cartebancaire|bcmc)/i, "card"],
];

export function adyenMethod(paymentMethod: string | undefined): PaymentMethod | undefined {
  if (!paymentMethod) return undefined;
  return METHODS.find(([pattern]) => pattern.test(paymentMethod))?.[1];
}

// The codes that open a case (the first Parley may hear of one).
const DISPUTE_OPENING = new Set([
  "CHARGEBACK",
  "NOTIFICATION_OF_CHARGEBACK",
  "REQUEST_FOR_INFORMATION",
  "DISPUTE_OPENED_WITH_CHARGEBACK",
]);

function eventType(item: AdyenNotificationItem): NormalizedEventType {
  const ok = item.success === "true";
  switch (item.eventCode) {
    case "AUTHORISATION":
      return ok ? "payment.succeeded" : "payment.failed";
    case "PENDING":
      return "payment.pending";
    case "CAPTURE_FAILED":
      return "payment.failed";
    case "CANCELLATION":
      return ok ? "payment.canceled" : "unknown";
    case "CANCEL_OR_REFUND": {
      if (!ok) return "unknown";
      return item.additionalData?.["modification.action"] === "refund"
        ? "refund.succeeded"
        : "payment.canceled";
    }
    case "REFUND":
      return ok ? "refund.succeeded" : "refund.failed";
    case "REFUND_FAILED":
    case "REFUNDED_REVERSED":
      return "refund.failed";
    case "OFFER_CLOSED":
      return ok ? "payment.expired" : "unknown";
  }
  // additionalData.disputeStatus can tell a chargeback already settled; NOTIFICATION_OF_FRAUD
  // and other informational codes open no case (mapAdyenDispute returns null).
  const mapped = mapAdyenDispute(item);
  if (mapped) return disputeEventType(DISPUTE_OPENING.has(item.eventCode), mapped.status);
  return "unknown";
}

function date(value: unknown): Date | undefined {
  if (typeof value !== "string") return undefined;
  const parsed = new Date(value);
  return Number.isNaN(parsed.getTime()) ? undefined : parsed;
}

export function normalizeAdyenItem(item: AdyenNotificationItem): NormalizedEvent {
  const type = eventType(item);
  // Some event codes (reports, for instance) come without an amount.
  const amount = { amountMinor: item.amount?.value ?? 0, currency: item.amount?.currency ?? "" };
  // Modifications (refunds, chargebacks) carry their own pspReference and name the payment
  // in originalReference; payment events name the payment in pspReference.
  const isModification =
    type.startsWith("refund.") ||
    type.startsWith("dispute.") ||
    item.eventCode === "CANCEL_OR_REFUND";
  const event: NormalizedEvent = {
    providerEventId: `${item.pspReference}:${item.eventCode}:${item.success}`,
    type,
    rawType: item.eventCode,
    occurredAt: date(item.eventDate) ?? new Date(),
    providerPaymentId: isModification
      ? (item.originalReference ?? item.pspReference)
      : item.pspReference,
    paymentId: item.merchantReference || undefined,
    amountMinor: item.amount?.value,
    currency: item.amount?.currency,
    method: adyenMethod(item.paymentMethod),
  };
  if (type === "payment.failed") {
    event.failure = { code: item.eventCode, message: item.reason || "Refused" };
    const ip = item.additionalData?.shopperIP;
    if (typeof ip === "string" && ip.length > 0 && ip.length <= 64) event.clientIp = ip;
  }
  if (type.startsWith("refund.")) {
    event.refund = { providerRefundId: item.pspReference, ...amount };
    if (type === "refund.failed")
      event.failure = { code: item.eventCode, message: item.reason || "Refund failed" };
  }
  const mapped = type.startsWith("dispute.") ? mapAdyenDispute(item) : null;
  if (mapped) {
    event.dispute = { providerDisputeId: item.pspReference, ...amount, ...disputeFields(mapped) };
  }
  return event;
}
