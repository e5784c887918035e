import { providerRefundReason } from "@/lib/refunds/reason-codes";
// Stripe connector: Checkout Sessions through the official SDK, one client per call with the
// connection's own key. client.ts builds the SDK client and maps its errors, checkout.ts the
// session, webhooks.ts verifies a delivery on the raw body and normalizes it, payment-state.ts
// reads a PaymentIntent / Session as a Parley status.
import type Stripe from "stripe";
import { z } from "zod";
import { verifyResultFromError } from "../http";
import { ProviderError, type ConnectionMode, type Connector, type RefundResult } from "../types";
import {
  EU_BANK_TRANSFER_COUNTRIES,
  STRIPE_CURRENCIES,
  STRIPE_METHODS,
  checkoutMetadata,
  stripeExpiresAt,
  stripeMethodParams,
  stripeMethodsFor,
  toStripeAmount,
  toStripeLocale,
} from "./checkout";
import { call, stripeClient, type StripeConnectorOptions } from "./client";
import {
  closeStripeDispute,
  fetchStripeDisputeStanding,
  submitStripeDisputeEvidence,
} from "./disputes";
import { intentState, sessionState } from "./payment-state";
import { parseStripeWebhook } from "./webhooks";
export { toProviderError, type StripeConnectorOptions } from "./client";

export const stripeCredentialsSchema = z.object({
  secretKey: z
    .string()
    .trim()
    .refine(
      (key) => !/^pk_/.test(key),
      "This is a publishable key (pk_…); paste the secret key (sk_…) instead",
    )
    .refine(
      (key) => /^(sk|rk)_(test|live)_/.test(key),
      "Use a secret key (sk_test_… / sk_live_…) or restricted key (rk_…) from Stripe Dashboard → Developers → API keys",
    ),
  webhookSecret: z
    .string()
    .trim()
    .regex(
      /^whsec_/,
      "Use the endpoint's signing secret (whsec_…) from Stripe Dashboard → Developers → Webhooks",
    ),
});
export type StripeCredentials = z.infer<typeof stripeCredentialsSchema>;

export type StripeCredentialsCheck =
  | { ok: true; credentials: StripeCredentials }
  | { ok: false; fieldErrors: Partial<Record<keyof StripeCredentials, string>> };

/** Shape and mode check, before any network call: an sk_live key can't back a test connection. */
export function validateStripeCredentials(
  input: unknown,
  mode: ConnectionMode,
): StripeCredentialsCheck {
  const parsed = stripeCredentialsSchema.safeParse(input);
  if (!parsed.success) {
    const fieldErrors: Partial<Record<keyof StripeCredentials, string>> = {};
    for (const issue of parsed.error.issues) {
      const field = issue.path[0] as keyof StripeCredentials;
      fieldErrors[field] ??= issue.message;
    }
    return { ok: false, fieldErrors };
  }
  const keyMode = parsed.data.secretKey.split("_")[1];
  if (keyMode !== mode) {
    return {
      ok: false,
      fieldErrors: {
        secretKey: `This is a ${keyMode} key but the connection is in ${mode} mode; use a ${parsed.data.secretKey.slice(0, 2)}_${mode}_… key`,
      },
    };
  }
  return { ok: true, credentials: parsed.data };
}

const REFUND_REASONS = new Set(["duplicate", "fraudulent", "requested_by_customer"]);

function refundStatus(status: string | null): RefundResult["status"] {
  if (status === "succeeded") return "succeeded";
  if (status === "failed" || status === "canceled") return "failed";
  return "pending";
}

/** The refund metadata key holding Parley's idempotency key for it. */
export const REFUND_KEY_METADATA = "parley_refund_key";

/** Refunds are made on the PaymentIntent; a Checkout Session id is resolved to its intent. */
async function intentToRefund(client: Stripe, providerPaymentId: string): Promise<string> {
  if (!providerPaymentId.startsWith("cs_")) return providerPaymentId;
  const session = await call(() => client.checkout.sessions.retrieve(providerPaymentId));
  const intentId =
    typeof session.payment_intent === "string"
      ? session.payment_intent
      : session.payment_intent?.id;
  if (!intentId)
    throw new ProviderError(
      `Checkout Session ${session.id} has no payment to refund`,
      "invalid_request",
    );
  return intentId;
}

export function createStripeConnector(
  options: StripeConnectorOptions = {},
): Connector<StripeCredentials> {
  return {
    kind: "stripe",

    async verifyCredentials(ctx) {
      const check = validateStripeCredentials(ctx.credentials, ctx.mode);
      if (!check.ok) {
        return {
          ok: false,
          reason: "invalid_credentials",
          message: Object.values(check.fieldErrors).join("; "),
        };
      }
      try {
        const account = await call(() => stripeClient(ctx, options).accounts.retrieveCurrent());
        const label =
          account.business_profile?.name ??
          account.settings?.dashboard?.display_name ??
          account.email ??
          account.id;
        const methods = stripeMethodsFor(account.country);
        const crypto = methods.includes("crypto")
          ? "; stablecoins (crypto) offered for USD prices"
          : `; stablecoins (crypto) not offered: Stripe offers them to US-based accounts only${account.country ? ` (this one is ${account.country})` : ""}`;
        return {
          ok: true,
          accountLabel: label,
          message: `Connected to Stripe account ${label} (${account.id})${crypto}`,
          methods,
        };
      } catch (error) {
        return verifyResultFromError(error, "Stripe");
      }
    },

    capabilities: () => ({ methods: [...STRIPE_METHODS], currencies: [...STRIPE_CURRENCIES] }),

    async createCheckout(ctx, input) {
      const amount = toStripeAmount(input.amountMinor, input.currency);
      const currency = input.currency.toLowerCase();
      const client = stripeClient(ctx, options);
      let euCountry: string | undefined;
      if (input.methods.includes("bank_transfer") && currency === "eur") {
        // A virtual IBAN is issued in one of a few countries; prefer the merchant's own.
        const account = await call(() => client.accounts.retrieveCurrent());
        euCountry = EU_BANK_TRANSFER_COUNTRIES.find((c) => c === account.country?.toUpperCase());
      }
      const metadata = checkoutMetadata(input);
      const session = await call(() =>
        client.checkout.sessions.create(
          {
            mode: "payment",
            line_items: [
              {
                quantity: 1,
                price_data: {
                  currency,
                  unit_amount: amount,
                  product_data: { name: input.description.slice(0, 250) },
                },
              },
            ],
            client_reference_id: input.paymentId,
            metadata,
            payment_intent_data: { metadata, description: input.description.slice(0, 1000) },
            success_url: input.successUrl,
            cancel_url: input.cancelUrl,
            expires_at: stripeExpiresAt(input.expiresAt, new Date()),
            locale: toStripeLocale(input.locale),
            customer_email: input.customerEmail,
            ...stripeMethodParams(input.methods, currency, euCountry),
          },
          { idempotencyKey: input.idempotencyKey },
        ),
      );
      if (!session.url)
        throw new ProviderError(
          `Stripe returned session ${session.id} without a URL`,
          "provider_error",
        );
      return {
        providerCheckoutId: session.id,
        providerPaymentId:
          typeof session.payment_intent === "string"
            ? session.payment_intent
            : session.payment_intent?.id,
        url: session.url,
        expiresAt: new Date(session.expires_at * 1000),
      };
    },

    async fetchPayment(ctx, providerPaymentId) {
      const client = stripeClient(ctx, options);
      if (providerPaymentId.startsWith("cs_")) {
        const session = await call(() =>
          client.checkout.sessions.retrieve(providerPaymentId, {
            expand: ["payment_intent.latest_charge"],
          }),
        );
        return sessionState(session);
      }
      const intent = await call(() =>
        client.paymentIntents.retrieve(providerPaymentId, { expand: ["latest_charge"] }),
      );
      return intentState(intent);
    },

    async refund(ctx, input) {
      const amount = toStripeAmount(input.amountMinor, input.currency);
      const client = stripeClient(ctx, options);
      const paymentIntent = await intentToRefund(client, input.providerPaymentId);
      const reason = input.reasonCode
        ? (providerRefundReason("stripe", input.reasonCode).value ?? undefined)
        : input.reason && REFUND_REASONS.has(input.reason)
          ? input.reason
          : undefined;
      const refund = await call(() =>
        client.refunds.create(
          {
            payment_intent: paymentIntent,
            amount,
            reason,
            // Names the refund by its key, so a create whose answer never came can be found.
            metadata: {
              [REFUND_KEY_METADATA]: input.idempotencyKey,
              ...(input.reason &&
                input.reason !== reason && { parley_reason: input.reason.slice(0, 500) }),
              ...(input.reasonCode && { parley_reason_code: input.reasonCode }),
            },
          },
          { idempotencyKey: input.idempotencyKey },
        ),
      );
      return { providerRefundId: refund.id, status: refundStatus(refund.status) };
    },

    async fetchRefund(ctx, input) {
      const client = stripeClient(ctx, options);
      if (input.providerRefundId) {
        const refund = await call(() => client.refunds.retrieve(input.providerRefundId!));
        return { kind: "found", providerRefundId: refund.id, status: refundStatus(refund.status) };
      }
      // GET /v1/refunds?payment_intent=…: the refund carrying our key in its metadata.
      const paymentIntent = await intentToRefund(client, input.providerPaymentId);
      const page = await call(() =>
        client.refunds.list({ payment_intent: paymentIntent, limit: 100 }),
      );
      const refund = page.data.find(
        (r) => r.metadata?.[REFUND_KEY_METADATA] === input.idempotencyKey,
      );
      if (!refund) {
        return {
          kind: "not_found",
          message: `Stripe has no refund under key ${input.idempotencyKey} on ${paymentIntent}`,
        };
      }
      return { kind: "found", providerRefundId: refund.id, status: refundStatus(refund.status) };
    },

    async parseWebhook(ctx, request, now) {
      return parseStripeWebhook(
        request.rawBody,
        request.headers.get("stripe-signature"),
        ctx.credentials?.webhookSecret,
        now,
      );
    },

    webhookAck: () => ({
      status: 200,
      body: JSON.stringify({ received: true }),
      contentType: "application/json",
    }),

    disputeSupport: { stage: true, submit: true, accept: true, fetch: true },
    submitDisputeEvidence: (ctx, input) => submitStripeDisputeEvidence(ctx, options, input),
    acceptDispute: (ctx, providerDisputeId, idempotencyKey) =>
      closeStripeDispute(ctx, options, providerDisputeId, idempotencyKey),
    fetchDisputeStanding: (ctx, providerDisputeId) =>
      fetchStripeDisputeStanding(ctx, options, providerDisputeId),
  };
}

export const stripeConnector = createStripeConnector();
