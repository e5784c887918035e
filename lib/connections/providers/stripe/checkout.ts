// Translating Parley's checkout request into Stripe Checkout Session params: amounts,
// payment methods, locale and expiry, each with the rule Stripe enforces.
import { SUPPORTED_CURRENCIES, assertMinorUnits, currencyExponent } from "@/lib/money";
import type Stripe from "stripe";
import { ProviderError, type CheckoutInput, type PaymentMethod } from "../types";

type SessionParams = Stripe.Checkout.SessionCreateParams;

export const STRIPE_METHODS: PaymentMethod[] = [
  "card",
  "apple_pay",
  "google_pay",
  "alipay",
  "wechat_pay",
  "bank_transfer",
];
export const STRIPE_CURRENCIES: string[] = [...SUPPORTED_CURRENCIES];

/**
 * Stablecoin payments (Checkout's `crypto` type) are offered to US businesses and charged in USD
 * only (docs.stripe.com/payments/accept-stablecoin-payments, "Before you begin"); funds settle in
 * USD. A connection offers them only once its account is known to be US-based.
 */
export const STRIPE_CRYPTO_COUNTRIES = ["US"];
export const STRIPE_CRYPTO_CURRENCY = "USD";

/** The methods a Stripe account can offer: crypto only for a US-based account. */
export function stripeMethodsFor(country: string | null | undefined): PaymentMethod[] {
  return STRIPE_CRYPTO_COUNTRIES.includes((country ?? "").toUpperCase())
    ? [...STRIPE_METHODS, "crypto"]
    : [...STRIPE_METHODS];
}

/**
 * Stripe amounts are in the currency's minor unit, as in lib/money, for every currency Parley
 * supports. Three-decimal currencies (KWD, BHD, …) must end in 0 (docs.stripe.com/currencies
 * "Three-decimal currencies"): refuse rather than round a customer's money.
 */
export function toStripeAmount(amountMinor: number, currency: string): number {
  assertMinorUnits(amountMinor);
  const code = currency.toUpperCase();
  if (!STRIPE_CURRENCIES.includes(code)) {
    throw new ProviderError(
      `Stripe connector does not accept ${code}`,
      "invalid_request",
      undefined,
      "currency",
    );
  }
  if (amountMinor <= 0)
    throw new ProviderError("Amount must be positive", "invalid_request", undefined, "amount");
  if (currencyExponent(code) === 3 && amountMinor % 10 !== 0) {
    throw new ProviderError(
      `Stripe needs ${code} amounts rounded to the nearest ten (last digit 0); got ${amountMinor}`,
      "invalid_request",
      undefined,
      "amount_invalid",
    );
  }
  return amountMinor;
}

const BANK_TRANSFER_TYPES: Record<
  string,
  | "eu_bank_transfer"
  | "gb_bank_transfer"
  | "jp_bank_transfer"
  | "mx_bank_transfer"
  | "us_bank_transfer"
> = {
  EUR: "eu_bank_transfer",
  GBP: "gb_bank_transfer",
  JPY: "jp_bank_transfer",
  MXN: "mx_bank_transfer",
  USD: "us_bank_transfer",
};
/** Countries Stripe can issue a virtual EUR IBAN in (CheckoutSessionCreateParams …eu_bank_transfer.country). */
export const EU_BANK_TRANSFER_COUNTRIES = ["BE", "DE", "ES", "FR", "IE", "NL"];

/**
 * Payment-method params for the session. Apple Pay and Google Pay are wallets on the `card`
 * type in Stripe (shown when the merchant's domain is registered), not types of their own.
 * An empty list leaves the choice to the merchant's Dashboard settings.
 */
export function stripeMethodParams(
  methods: PaymentMethod[],
  currency: string,
  euCountry: string | undefined,
): Pick<
  SessionParams,
  "allowed_payment_method_types" | "payment_method_options" | "customer_creation"
> {
  if (methods.length === 0) return {};
  const types = new Set<Stripe.Checkout.SessionCreateParams.AllowedPaymentMethodType>();
  const options: Stripe.Checkout.SessionCreateParams.PaymentMethodOptions = {};
  let customerCreation: Stripe.Checkout.SessionCreateParams.CustomerCreation | undefined;
  for (const method of methods) {
    switch (method) {
      case "card":
      case "apple_pay":
      case "google_pay":
        types.add("card");
        break;
      case "alipay":
        types.add("alipay");
        break;
      case "crypto":
        if (currency.toUpperCase() !== STRIPE_CRYPTO_CURRENCY) {
          throw new ProviderError(
            `Stripe stablecoin payments take USD only, not ${currency.toUpperCase()}`,
            "invalid_request",
          );
        }
        types.add("crypto");
        break;
      case "wechat_pay":
        types.add("wechat_pay");
        options.wechat_pay = { client: "web" }; // required for wechat_pay in Checkout
        break;
      case "bank_transfer": {
        const type = BANK_TRANSFER_TYPES[currency.toUpperCase()];
        if (!type) {
          throw new ProviderError(
            `Stripe bank transfers are not available in ${currency.toUpperCase()}`,
            "invalid_request",
          );
        }
        types.add("customer_balance");
        options.customer_balance = {
          funding_type: "bank_transfer",
          bank_transfer: {
            type,
            ...(type === "eu_bank_transfer"
              ? { eu_bank_transfer: { country: euCountry ?? "NL" } }
              : {}),
          },
        };
        // Bank transfers credit a Customer's balance, so Checkout must create one.
        customerCreation = "always";
        break;
      }
      default:
        throw new ProviderError(`Stripe connector does not offer ${method}`, "invalid_request");
    }
  }
  return {
    allowed_payment_method_types: [...types],
    ...(Object.keys(options).length ? { payment_method_options: options } : {}),
    ...(customerCreation ? { customer_creation: customerCreation } : {}),
  };
}

const STRIPE_LOCALES = [
  "bg",
  "cs",
  "da",
  "de",
  "el",
  "en",
  "en-GB",
  "es",
  "es-419",
  "et",
  "fi",
  "fil",
  "fr",
  "fr-CA",
  "hi-IN",
  "hr",
  "hu",
  "id",
  "it",
  "ja",
  "ko",
  "lt",
  "lv",
  "ms",
  "mt",
  "nb",
  "nl",
  "pl",
  "pt",
  "pt-BR",
  "ro",
  "ru",
  "sk",
  "sl",
  "sv",
  "th",
  "tr",
  "vi",
  "zh",
  "zh-HK",
  "zh-TW",
] as const;

/** Stripe rejects locales outside its list; fall back to the base language, then "auto". */
export function toStripeLocale(
  locale: string | undefined,
): Stripe.Checkout.SessionCreateParams.Locale | undefined {
  if (!locale) return undefined;
  const lower = locale.replace("_", "-").toLowerCase();
  const exact = STRIPE_LOCALES.find((l) => l.toLowerCase() === lower);
  if (exact) return exact;
  const base = STRIPE_LOCALES.find((l) => l === lower.split("-")[0]);
  return base ?? "auto";
}

const MIN_EXPIRY_S = 30 * 60;
const MAX_EXPIRY_S = 24 * 60 * 60;
// Keeps a request that spends a few seconds in flight inside Stripe's window.
const EXPIRY_MARGIN_S = 60;

/**
 * Checkout Sessions must expire 30 minutes to 24 hours after creation
 * (api/checkout/sessions/create#expires_at); a wish outside that window is clamped into it.
 */
export function stripeExpiresAt(expiresAt: Date | undefined, now: Date): number | undefined {
  if (!expiresAt) return undefined;
  const nowS = Math.floor(now.getTime() / 1000);
  const wanted = Math.floor(expiresAt.getTime() / 1000);
  return Math.min(
    Math.max(wanted, nowS + MIN_EXPIRY_S + EXPIRY_MARGIN_S),
    nowS + MAX_EXPIRY_S - EXPIRY_MARGIN_S,
  );
}

/** Stripe metadata values are capped at 500 characters. */
export function checkoutMetadata(input: CheckoutInput): Record<string, string> {
  return {
    parley_payment_id: input.paymentId,
    ...(input.conversationId ? { parley_conversation_id: input.conversationId.slice(0, 500) } : {}),
  };
}
