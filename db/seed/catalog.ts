// Who and what the demo is made of: the two merchants, the fixed demo logins and the provider
// connections. Everything here is fixed; the random parts of the seed live in the other files.
import type { Mode } from "@/db/schema";
import type { Role } from "@/db/schema/auth";
import type { ChannelKind } from "@/db/schema/flows";
import type { PaymentMethod, ProviderKind } from "@/lib/connections/providers/types";
import type { SeededRandom } from "./random";

export const DEMO_PASSWORD = "parley-demo";
export const DEMO_MERCHANT_SLUG = "lumiere-bistro";
export const SECOND_MERCHANT_SLUG = "nusantara-batik";

export type MerchantKey = "lumiere" | "nusantara";

export interface MerchantSpec {
  key: MerchantKey;
  slug: string;
  name: string;
  country: string;
  defaultCurrency: string;
  timezone: string;
  /** Whole-hour offset used to shape traffic by local time of day (demo only, DST ignored). */
  utcOffsetHours: number;
}

export const MERCHANTS: Record<MerchantKey, MerchantSpec> = {
  lumiere: {
    key: "lumiere",
    slug: DEMO_MERCHANT_SLUG,
    name: "Lumière Bistro",
    country: "FR",
    defaultCurrency: "EUR",
    timezone: "Europe/Paris",
    utcOffsetHours: 1,
  },
  nusantara: {
    key: "nusantara",
    slug: SECOND_MERCHANT_SLUG,
    name: "Nusantara Batik",
    country: "ID",
    defaultCurrency: "IDR",
    timezone: "Asia/Jakarta",
    utcOffsetHours: 7,
  },
};

export interface DemoUserSpec {
  key: "camille" | "hugo" | "siti" | "wei" | "dewi";
  email: string;
  name: string;
}

export const DEMO_USERS: readonly DemoUserSpec[] = [
  { key: "camille", email: "owner@parley.test", name: "Camille Laurent" },
  { key: "hugo", email: "admin@parley.test", name: "Hugo Bernard" },
  { key: "siti", email: "support@parley.test", name: "Siti Rahma" },
  { key: "wei", email: "analyst@parley.test", name: "Wei Zhang" },
  { key: "dewi", email: "owner@nusantara.test", name: "Dewi Lestari" },
];

/** A team member as the seed refers to them (audit actors, assignees, refunders). */
export interface Staff {
  id: string;
  email: string;
  name: string;
}

export interface DemoLogin {
  email: string;
  password: string;
  role: Role;
  /** The merchant's slug. */
  merchant: string;
}

/**
 * One row per membership. owner@parley.test is also an *analyst* of Nusantara Batik, so the
 * merchant switcher has something to show and cross-merchant role checks can be exercised.
 */
export const DEMO_LOGINS: readonly DemoLogin[] = [
  {
    email: "owner@parley.test",
    password: DEMO_PASSWORD,
    role: "owner",
    merchant: DEMO_MERCHANT_SLUG,
  },
  {
    email: "admin@parley.test",
    password: DEMO_PASSWORD,
    role: "admin",
    merchant: DEMO_MERCHANT_SLUG,
  },
  {
    email: "support@parley.test",
    password: DEMO_PASSWORD,
    role: "support",
    merchant: DEMO_MERCHANT_SLUG,
  },
  {
    email: "analyst@parley.test",
    password: DEMO_PASSWORD,
    role: "analyst",
    merchant: DEMO_MERCHANT_SLUG,
  },
  {
    email: "owner@nusantara.test",
    password: DEMO_PASSWORD,
    role: "owner",
    merchant: SECOND_MERCHANT_SLUG,
  },
  {
    email: "owner@parley.test",
    password: DEMO_PASSWORD,
    role: "analyst",
    merchant: SECOND_MERCHANT_SLUG,
  },
];

export const PENDING_INVITE = {
  email: "newhire@parley.test",
  role: "support" as Role,
  expiresInDays: 5,
};

export interface ConnectionSpec {
  key: string;
  provider: ProviderKind;
  label: string;
  methods: PaymentMethod[];
  currencies: string[];
  /** Sandbox is test; the demo's provider accounts are live, with fake keys no provider accepts. */
  mode: Mode;
  /** Obviously fake credentials, sealed before they are stored. */
  credentials(rng: SeededRandom): Record<string, string>;
}

const ALL_METHODS: PaymentMethod[] = [
  "card",
  "apple_pay",
  "google_pay",
  "paypal",
  "bank_transfer",
  "alipay",
  "wechat_pay",
  "installments",
];

const sandbox: ConnectionSpec = {
  key: "sandbox",
  provider: "sandbox",
  label: "Sandbox",
  mode: "test",
  methods: ALL_METHODS,
  currencies: ["EUR", "USD", "IDR", "CNY", "JPY", "GBP", "SGD"],
  // The Sandbox connector only accepts whsec_sbx_… secrets.
  credentials: (rng) => ({ webhookSecret: `whsec_sbx_parleydemo${rng.base62(24)}` }),
};

const stripe: ConnectionSpec = {
  key: "stripe",
  provider: "stripe",
  label: "Stripe EU",
  mode: "live",
  methods: ["card", "apple_pay", "google_pay", "alipay", "wechat_pay"],
  currencies: ["EUR", "USD", "GBP", "CHF", "JPY", "CNY"],
  credentials: (rng) => ({
    secretKey: `sk_live_parleydemo${rng.base62(24)}`,
    webhookSecret: `whsec_parleydemo${rng.base62(24)}`,
  }),
};

const paypal: ConnectionSpec = {
  key: "paypal",
  provider: "paypal",
  label: "PayPal",
  mode: "live",
  methods: ["paypal", "card", "installments"],
  currencies: ["EUR", "USD", "GBP", "JPY"],
  credentials: (rng) => ({
    clientId: `AParleyDemo-${rng.base62(40)}`,
    clientSecret: `EParleyDemo-${rng.base62(40)}`,
    webhookId: `${rng.digits(1)}DEMO${rng.base62(13).toUpperCase()}`,
  }),
};

const adyen = (label: string): ConnectionSpec => ({
  key: "adyen",
  provider: "adyen",
  label,
  mode: "live",
  methods: [
    "card",
    "apple_pay",
    "google_pay",
    "alipay",
    "wechat_pay",
    "bank_transfer",
    "installments",
  ],
  currencies: ["EUR", "USD", "IDR", "CNY", "JPY", "SGD", "HKD"],
  credentials: (rng) => ({
    apiKey: `AQEParleyDemo${rng.base62(48)}`,
    merchantAccount: label === "Adyen APAC" ? "ParleyDemoAPAC" : "ParleyDemoID",
    hmacKey: rng.hex(64).toUpperCase(),
    liveUrlPrefix: `${rng.hex(16)}-ParleyDemo`,
  }),
});

export const CONNECTIONS: Record<MerchantKey, readonly ConnectionSpec[]> = {
  lumiere: [sandbox, stripe, paypal, adyen("Adyen APAC")],
  nusantara: [sandbox, adyen("Adyen Indonesia")],
};

export const LANG_WEIGHTS: Record<MerchantKey, Record<"fr" | "en" | "zh" | "id", number>> = {
  lumiere: { fr: 56, en: 31, zh: 8, id: 5 },
  nusantara: { id: 70, en: 24, zh: 5, fr: 1 },
};

// Slack is a small share on the invoice flow: business clients paying catering invoices.
export const CHANNEL_WEIGHTS: Record<string, Partial<Record<ChannelKind, number>>> = {
  invoice: { web: 45, whatsapp: 48, slack: 7 },
  menu: { web: 40, messenger: 32, telegram: 28 },
  batik: { web: 35, whatsapp: 65 },
};

export const DECLINE_CODES = {
  card_declined: "Your card was declined.",
  insufficient_funds: "Your card has insufficient funds.",
  expired_card: "Your card has expired.",
  do_not_honor: "The card issuer declined the payment (do not honor).",
  fraudulent: "The payment was declined as suspected fraud.",
} as const;
export type DeclineCode = keyof typeof DECLINE_CODES;

export const DISPUTE_REASONS = [
  "fraudulent",
  "product_not_received",
  "duplicate",
  "subscription_canceled",
  "credit_not_processed",
] as const;
