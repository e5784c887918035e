// Coinbase Commerce connector: hosted charges priced in fiat (local_price, fixed_price) that the
// customer pays in BTC, ETH or USDC on Coinbase's page. Identifiers: a payment's
// providerCheckoutId and providerPaymentId are both the charge id. http.ts: X-CC-Api-Key calls;
// charges.ts: the charge shape and the status table; webhooks.ts: X-CC-Webhook-Signature and
// normalization. Commerce has no refund API and no chargebacks: refunds are recorded manually
// (lib/payments/manual-refunds.ts) and no dispute event exists.
import { minorToMajorString, SUPPORTED_CURRENCIES } from "@/lib/money";
import { z } from "zod";
import { verifyResultFromError } from "../http";
import {
  type Capabilities,
  type CheckoutInput,
  type CheckoutResult,
  type Connector,
  type ConnectorContext,
  type PaymentStatus,
  ProviderError,
  type ProviderPaymentState,
  type RefundLookup,
  type VerifyCredentialsResult,
} from "../types";
import { chargePrice, coinbaseChargeOutcome, coinbaseChargeSchema } from "./charges";
import { type CoinbaseCredentials, coinbaseRequest } from "./http";
import { parseCoinbaseWebhook } from "./webhooks";

export { coinbaseChargeOutcome } from "./charges";
export type { CoinbaseCredentials } from "./http";
export { COINBASE_SIGNATURE_HEADER, coinbaseSignature, verifyCoinbaseSignature } from "./webhooks";

export const coinbaseCredentialsSchema = z.object({
  apiKey: z
    .string()
    .trim()
    .min(1, { error: "Enter the API key from Coinbase Commerce → Settings → Security" }),
  webhookSecret: z.string().trim().min(1, {
    error: "Enter the webhook shared secret from Coinbase Commerce → Settings → Notifications",
  }),
}) satisfies z.ZodType<CoinbaseCredentials>;

type Ctx = ConnectorContext<CoinbaseCredentials>;

/** The crypto assets the connection settles (shown beside the method; Commerce's own list). */
export const COINBASE_ASSETS = ["BTC", "ETH", "USDC"] as const;

// Fiat currencies a charge can be priced in (local_price.currency), among those Parley supports.
const PRICE_CURRENCIES = ["USD", "EUR", "GBP", "CAD", "AUD", "CHF", "SGD", "HKD", "JPY"];
export const COINBASE_CURRENCIES = SUPPORTED_CURRENCIES.filter((c) => PRICE_CURRENCIES.includes(c));

const chargeListSchema = z.object({ data: z.array(z.unknown()) });
const chargeEnvelopeSchema = z.object({ data: coinbaseChargeSchema });

async function verifyCredentials(ctx: Ctx): Promise<VerifyCredentialsResult> {
  try {
    const body = chargeListSchema.safeParse(
      await coinbaseRequest(ctx, { method: "GET", path: "/charges?limit=1" }),
    );
    if (!body.success)
      return {
        ok: false,
        reason: "provider_error",
        message: "Coinbase Commerce answered with something that is not a charge list",
      };
    return {
      ok: true,
      accountLabel: `Coinbase Commerce key ${ctx.credentials.apiKey.slice(0, 4)}…`,
      message: "Coinbase Commerce accepted the API key",
    };
  } catch (error) {
    return verifyResultFromError(error, "Coinbase Commerce");
  }
}

function capabilities(): Capabilities {
  return { methods: ["crypto"], currencies: [...COINBASE_CURRENCIES] };
}

function readCharge(body: unknown) {
  const parsed = chargeEnvelopeSchema.safeParse(body);
  if (!parsed.success)
    throw new ProviderError("Coinbase Commerce returned an unreadable charge", "provider_error");
  return parsed.data.data;
}

async function createCheckout(ctx: Ctx, input: CheckoutInput): Promise<CheckoutResult> {
  const unsupported = input.methods.filter((m) => m !== "crypto");
  if (unsupported.length > 0) {
    throw new ProviderError(
      `Coinbase Commerce cannot offer ${unsupported.join(", ")}`,
      "invalid_request",
    );
  }
  const currency = input.currency.toUpperCase();
  if (!COINBASE_CURRENCIES.includes(currency as (typeof COINBASE_CURRENCIES)[number]))
    throw new ProviderError(
      `Coinbase Commerce cannot price a charge in ${currency}`,
      "invalid_request",
    );
  const charge = readCharge(
    await coinbaseRequest(ctx, {
      method: "POST",
      path: "/charges",
      json: {
        // Commerce caps name at 100 and description at 200 characters.
        name: input.description.slice(0, 100) || "Payment",
        description: input.description.slice(0, 200),
        local_price: { amount: minorToMajorString(input.amountMinor, currency), currency },
        pricing_type: "fixed_price",
        metadata: {
          parley_payment_id: input.paymentId,
          ...(input.merchantId && { parley_merchant_id: input.merchantId }),
          ...(input.customerEmail && { email: input.customerEmail }),
        },
        redirect_url: input.successUrl,
        cancel_url: input.cancelUrl,
      },
    }),
  );
  if (!charge.hosted_url)
    throw new ProviderError(`Charge ${charge.id} came back without a hosted URL`, "provider_error");
  const price = chargePrice(charge);
  if (price && (price.amountMinor !== input.amountMinor || price.currency !== currency))
    throw new ProviderError(
      `Charge ${charge.id} was priced differently than asked`,
      "provider_error",
    );
  const expiresAt = charge.expires_at ? new Date(charge.expires_at) : undefined;
  return {
    providerCheckoutId: charge.id,
    providerPaymentId: charge.id,
    url: charge.hosted_url,
    ...(expiresAt && !Number.isNaN(expiresAt.getTime()) && { expiresAt }),
  };
}

const STATUS_BY_EVENT: Record<string, PaymentStatus> = {
  "payment.pending": "pending",
  "payment.succeeded": "succeeded",
  "payment.failed": "failed",
  "payment.expired": "expired",
  "payment.canceled": "canceled",
};

async function fetchPayment(ctx: Ctx, chargeId: string): Promise<ProviderPaymentState> {
  const charge = readCharge(
    await coinbaseRequest(ctx, { method: "GET", path: `/charges/${encodeURIComponent(chargeId)}` }),
  );
  const outcome = coinbaseChargeOutcome("", charge);
  const price = chargePrice(charge);
  return {
    providerPaymentId: charge.id,
    status: STATUS_BY_EVENT[outcome.type] ?? "created",
    method: "crypto",
    ...(price && { amountMinor: price.amountMinor, currency: price.currency }),
    ...(outcome.failure && { failure: outcome.failure }),
  };
}

const NO_REFUNDS =
  "Coinbase Commerce has no refund API: send the crypto back from your Coinbase account, then record the refund in Parley";

async function refund(): Promise<never> {
  throw new ProviderError(NO_REFUNDS, "invalid_request");
}

async function fetchRefund(): Promise<RefundLookup> {
  return { kind: "unanswerable", message: NO_REFUNDS };
}

async function noDisputes(): Promise<never> {
  // Crypto payments cannot be charged back; Commerce sends no dispute events.
  throw new ProviderError("Coinbase Commerce payments have no disputes", "invalid_request");
}

export const coinbaseConnector: Connector<CoinbaseCredentials> = {
  kind: "coinbase",
  refunds: "manual",
  verifyCredentials,
  capabilities,
  createCheckout,
  fetchPayment,
  refund,
  fetchRefund,
  parseWebhook: (ctx, request) => parseCoinbaseWebhook(ctx, request),
  webhookAck: () => ({ status: 200, body: "", contentType: "text/plain" }),
  disputeSupport: { stage: false, submit: false, accept: false, fetch: false },
  submitDisputeEvidence: noDisputes,
  acceptDispute: noDisputes,
  fetchDisputeStanding: noDisputes,
};
