import { providerRefundReason } from "@/lib/refunds/reason-codes";
// Adyen connector (Checkout API v71 Payment Links, standard webhooks, Disputes API v30).
// Identifiers: a checkout is a payment link (PL…); fetchPayment takes that link id. Refunds need
// the payment's pspReference, which arrives with the AUTHORISATION webhook (providerPaymentId).
// http.ts: endpoints + API-key calls; hmac.ts + webhooks.ts: verify each item, then normalize;
// disputes.ts: the Disputes API.
import { isCurrency, SUPPORTED_CURRENCIES } from "@/lib/money";
import { z } from "zod";
import { verifyResultFromError } from "../http";
import {
  type Capabilities,
  type CheckoutInput,
  type CheckoutResult,
  type ConnectionMode,
  type Connector,
  type ConnectorContext,
  type PaymentMethod,
  type PaymentStatus,
  ProviderError,
  type ProviderPaymentState,
  type RefundInput,
  type RefundLookup,
  type RefundResult,
  type VerifyCredentialsResult,
} from "../types";
import {
  acceptAdyenDispute,
  fetchAdyenDisputeStanding,
  submitAdyenDisputeEvidence,
} from "./disputes";
import { HMAC_KEY_PATTERN } from "./hmac";
import { type AdyenCredentials, adyenRequest } from "./http";
import { parseAdyenWebhook } from "./webhooks";

export { adyenCheckoutBase, adyenDisputesBase } from "./http";
export type { AdyenCredentials } from "./http";

const LIVE_PREFIX = /^[A-Za-z0-9-]+$/;

export const adyenCredentialsSchema = z.object({
  apiKey: z.string().trim().min(1, { error: "Enter the API key of your Adyen API credential" }),
  merchantAccount: z.string().trim().min(1, { error: "Enter the Adyen merchant account name" }),
  hmacKey: z.string().trim().regex(HMAC_KEY_PATTERN, {
    error: "The HMAC key is 64 hexadecimal characters (Developers → Webhooks → Security)",
  }),
  liveUrlPrefix: z
    .string()
    .trim()
    .optional()
    .refine((v) => !v || LIVE_PREFIX.test(v), {
      error: "The live URL prefix looks like 1797a841fbb37ca7-AdyenDemo",
    }),
}) satisfies z.ZodType<AdyenCredentials>;

/** The same schema, with the live URL prefix required when the connection is live. */
export function adyenCredentialsSchemaFor(mode: ConnectionMode) {
  return adyenCredentialsSchema.refine((c) => mode !== "live" || Boolean(c.liveUrlPrefix), {
    error: "Live Adyen connections need the live URL prefix (Developers → API URLs)",
    path: ["liveUrlPrefix"],
  });
}

type Ctx = ConnectorContext<AdyenCredentials>;

// Adyen payment method types per Parley method ("Payment methods" reference, paymentMethod.type).
const ADYEN_METHOD_TYPES: Partial<Record<PaymentMethod, string[]>> = {
  card: ["scheme"],
  apple_pay: ["applepay"],
  google_pay: ["googlepay"],
  alipay: ["alipay"],
  wechat_pay: ["wechatpayQR"],
  bank_transfer: ["ideal", "sepadirectdebit"],
  installments: ["klarna_account"],
};
const ADYEN_METHODS = Object.keys(ADYEN_METHOD_TYPES) as PaymentMethod[];

const LINK_STATUSES: Record<string, PaymentStatus> = {
  active: "pending",
  paymentPending: "pending",
  completed: "succeeded",
  paid: "succeeded",
  expired: "expired",
};

const paymentLinkSchema = z.object({
  id: z.string(),
  url: z.string(),
  status: z.string(),
  expiresAt: z.string().optional(),
  amount: z.object({ value: z.number().int(), currency: z.string() }).optional(),
});

async function verifyCredentials(ctx: Ctx): Promise<VerifyCredentialsResult> {
  try {
    await adyenRequest(ctx, {
      api: "checkout",
      method: "POST",
      path: "/paymentMethods",
      json: { merchantAccount: ctx.credentials.merchantAccount },
    });
    return {
      ok: true,
      accountLabel: ctx.credentials.merchantAccount,
      message: `Adyen accepted the API key for ${ctx.credentials.merchantAccount}`,
    };
  } catch (error) {
    return verifyResultFromError(error, "Adyen");
  }
}

function capabilities(): Capabilities {
  return { methods: [...ADYEN_METHODS], currencies: [...SUPPORTED_CURRENCIES] };
}

function assertAmount(amountMinor: number, currency: string): { value: number; currency: string } {
  const code = currency.toUpperCase();
  if (!isCurrency(code))
    throw new ProviderError(`Adyen checkout in ${code} is not set up in Parley`, "invalid_request");
  if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0) {
    throw new ProviderError(
      `Amount must be a positive number of minor units, got ${amountMinor}`,
      "invalid_request",
    );
  }
  return { value: amountMinor, currency: code };
}

async function createCheckout(ctx: Ctx, input: CheckoutInput): Promise<CheckoutResult> {
  const unsupported = input.methods.filter((m) => !ADYEN_METHOD_TYPES[m]);
  if (unsupported.length > 0)
    throw new ProviderError(
      `Adyen payment links here cannot offer ${unsupported.join(", ")}`,
      "invalid_request",
    );
  const amount = assertAmount(input.amountMinor, input.currency);
  const allowedPaymentMethods = input.methods.flatMap((m) => ADYEN_METHOD_TYPES[m] ?? []);

  const body = await adyenRequest(ctx, {
    api: "checkout",
    method: "POST",
    path: "/paymentLinks",
    idempotencyKey: input.idempotencyKey,
    json: {
      merchantAccount: ctx.credentials.merchantAccount,
      reference: input.paymentId,
      amount,
      description: input.description,
      returnUrl: input.successUrl,
      ...(input.expiresAt
        ? { expiresAt: input.expiresAt.toISOString().replace(/\.\d{3}Z$/, "Z") }
        : {}),
      ...(input.locale ? { shopperLocale: input.locale } : {}),
      ...(input.customerEmail ? { shopperEmail: input.customerEmail } : {}),
      ...(allowedPaymentMethods.length > 0 ? { allowedPaymentMethods } : {}),
      ...(input.conversationId ? { metadata: { conversationId: input.conversationId } } : {}),
    },
  });
  const link = paymentLinkSchema.safeParse(body);
  if (!link.success)
    throw new ProviderError("Adyen returned an unreadable payment link", "provider_error");
  const expiresAt = link.data.expiresAt ? new Date(link.data.expiresAt) : undefined;
  return {
    providerCheckoutId: link.data.id,
    url: link.data.url,
    expiresAt: expiresAt && !Number.isNaN(expiresAt.getTime()) ? expiresAt : undefined,
  };
}

async function fetchPayment(ctx: Ctx, paymentLinkId: string): Promise<ProviderPaymentState> {
  const body = await adyenRequest(ctx, {
    api: "checkout",
    method: "GET",
    path: `/paymentLinks/${encodeURIComponent(paymentLinkId)}`,
  });
  const link = paymentLinkSchema.safeParse(body);
  if (!link.success)
    throw new ProviderError("Adyen returned an unreadable payment link", "provider_error");
  return {
    providerPaymentId: link.data.id,
    status: LINK_STATUSES[link.data.status] ?? "pending",
    amountMinor: link.data.amount?.value,
    currency: link.data.amount?.currency,
  };
}

const refundResponseSchema = z.object({ pspReference: z.string(), status: z.string() });

async function refund(ctx: Ctx, input: RefundInput): Promise<RefundResult> {
  const body = await adyenRequest(ctx, {
    api: "checkout",
    method: "POST",
    path: `/payments/${encodeURIComponent(input.providerPaymentId)}/refunds`,
    idempotencyKey: input.idempotencyKey,
    json: {
      merchantAccount: ctx.credentials.merchantAccount,
      amount: assertAmount(input.amountMinor, input.currency),
      reference: input.idempotencyKey,
      ...(input.reasonCode && {
        merchantRefundReason: providerRefundReason("adyen", input.reasonCode).value,
      }),
    },
  });
  const parsed = refundResponseSchema.safeParse(body);
  if (!parsed.success)
    throw new ProviderError("Adyen returned an unreadable refund", "provider_error");
  // "received" only: the outcome comes later in a REFUND webhook.
  return { providerRefundId: parsed.data.pspReference, status: "pending" };
}

/**
 * Adyen's Checkout API has no refund lookup: the outcome arrives only as a REFUND (or
 * REFUND_FAILED) notification, which the webhook pipeline applies (Adyen API Explorer, Webhooks
 * → REFUND: "The result of the request to refund a payment"; the refunds call answers "received").
 */
async function fetchRefund(): Promise<RefundLookup> {
  return {
    kind: "unanswerable",
    message: "Adyen offers no refund lookup: awaiting Adyen's REFUND notification",
  };
}

export const adyenConnector: Connector<AdyenCredentials> = {
  kind: "adyen",
  verifyCredentials,
  capabilities,
  createCheckout,
  fetchPayment,
  refund,
  fetchRefund,
  parseWebhook: async (ctx, request) => parseAdyenWebhook(ctx, request),
  // Adyen retries any delivery not answered with exactly "[accepted]".
  webhookAck: () => ({ status: 200, body: "[accepted]", contentType: "text/plain" }),
  disputeSupport: { stage: false, submit: true, accept: true, fetch: false },
  submitDisputeEvidence: submitAdyenDisputeEvidence,
  acceptDispute: acceptAdyenDispute,
  fetchDisputeStanding: fetchAdyenDisputeStanding,
};
