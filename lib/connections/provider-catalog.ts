import type { ProviderKind } from "@/lib/connections/providers/types";

// What each provider asks for on the add/rotate forms. Field names match the connectors'
// credential schemas (lib/connections/providers/<provider>/index.ts), so the service's `credentials.<field>`
// errors land beside the right input.

export interface CredentialField {
  name: string;
  label: string;
  /** Secrets use password inputs and are never shown back; only masked hints are. */
  secret: boolean;
  hint: string;
  placeholder?: string;
  /** Shown (and required) only for live connections. */
  liveOnly?: boolean;
}

export interface ProviderInfo {
  kind: ProviderKind;
  name: string;
  /** Two letters for the logo-ish badge. */
  monogram: string;
  monogramClassName: string;
  summary: string;
  needs: string;
  fields: CredentialField[];
  /** Sandbox exists only in test mode. */
  modes: ("test" | "live")[];
}

export const PROVIDERS: Record<ProviderKind, ProviderInfo> = {
  sandbox: {
    kind: "sandbox",
    name: "Sandbox",
    monogram: "Sb",
    monogramClassName: "bg-violet-600 text-white",
    summary: "Parley's built-in simulator: a hosted test checkout and signed webhooks.",
    needs: "Nothing — no account; Parley generates the webhook secret.",
    fields: [],
    modes: ["test"],
  },
  stripe: {
    kind: "stripe",
    name: "Stripe",
    monogram: "St",
    monogramClassName: "bg-indigo-600 text-white",
    summary:
      "Cards, Apple Pay and Google Pay through Stripe Checkout; stablecoins (crypto) for US-based accounts charging USD.",
    needs: "A secret key and the webhook endpoint's signing secret.",
    fields: [
      {
        name: "secretKey",
        label: "Secret key",
        secret: true,
        hint: "sk_test_… or sk_live_… from Stripe Dashboard → Developers → API keys.",
        placeholder: "sk_test_…",
      },
      {
        name: "webhookSecret",
        label: "Webhook signing secret",
        secret: true,
        hint: "whsec_… shown on the webhook endpoint you create with the URL Parley gives you.",
        placeholder: "whsec_…",
      },
    ],
    modes: ["test", "live"],
  },
  paypal: {
    kind: "paypal",
    name: "PayPal",
    monogram: "Pp",
    monogramClassName: "bg-sky-700 text-white",
    summary: "PayPal wallet, Pay Later and guest card checkout (Orders v2).",
    needs: "A REST app's client ID and secret, and the ID of its webhook.",
    fields: [
      {
        name: "clientId",
        label: "Client ID",
        secret: false,
        hint: "From Developer Dashboard → Apps & Credentials.",
      },
      { name: "clientSecret", label: "Secret", secret: true, hint: "The same app's secret." },
      {
        name: "webhookId",
        label: "Webhook ID",
        secret: false,
        hint: "Shown beside the webhook you add for Parley's URL.",
      },
    ],
    modes: ["test", "live"],
  },
  adyen: {
    kind: "adyen",
    name: "Adyen",
    monogram: "Ad",
    monogramClassName: "bg-emerald-700 text-white",
    summary: "Cards, bank transfer and local methods through Adyen payment links.",
    needs:
      "An API key, the merchant account, the webhook HMAC key (and the live URL prefix for live).",
    fields: [
      {
        name: "apiKey",
        label: "API key",
        secret: true,
        hint: "Developers → API credentials → your credential.",
      },
      {
        name: "merchantAccount",
        label: "Merchant account",
        secret: false,
        hint: "The merchant account name, e.g. YourShopECOM.",
      },
      {
        name: "hmacKey",
        label: "HMAC key",
        secret: true,
        hint: "64 hex characters from Developers → Webhooks → Security.",
      },
      {
        name: "liveUrlPrefix",
        label: "Live URL prefix",
        secret: false,
        hint: "Developers → API URLs, e.g. 1797a841fbb37ca7-AdyenDemo.",
        liveOnly: true,
      },
    ],
    modes: ["test", "live"],
  },
  coinbase: {
    kind: "coinbase",
    name: "Coinbase Commerce",
    monogram: "Cb",
    monogramClassName: "bg-blue-700 text-white",
    summary:
      "Crypto (BTC, ETH, USDC) on Coinbase's hosted charge page, priced in your currency. No chargebacks; refunds are sent from your wallet and recorded in Parley.",
    needs: "An API key and the webhook shared secret.",
    fields: [
      {
        name: "apiKey",
        label: "API key",
        secret: true,
        hint: "Coinbase Commerce → Settings → Security → New API key.",
      },
      {
        name: "webhookSecret",
        label: "Webhook shared secret",
        secret: true,
        hint: "Settings → Notifications: add Parley's webhook URL, then “Show shared secret”.",
      },
    ],
    modes: ["test", "live"],
  },
};

export const PROVIDER_ORDER: ProviderKind[] = ["sandbox", "stripe", "paypal", "adyen", "coinbase"];

export function fieldsFor(provider: ProviderKind, mode: "test" | "live"): CredentialField[] {
  return PROVIDERS[provider].fields.filter((f) => !f.liveOnly || mode === "live");
}
