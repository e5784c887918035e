// The bench seed's merchants (bench/seed-payments.ts): who sells what, through which provider, in
// which currencies, at what time of day — and the third merchant, a KWD shop, added to the demo's two.
import { openPostgres } from "@/db/client";
import {
  connections,
  flows,
  flowVersions,
  memberships,
  merchants,
  users,
  type Mode,
} from "@/db/schema";
import type { ChannelKind } from "@/db/schema/flows";
import { DEMO_PASSWORD } from "@/db/seed";
import { SeededRandom } from "@/db/seed/random";
import { hashPassword } from "@/lib/auth/password";
import { sealCredentials } from "@/lib/connections/credentials";
import type { PaymentMethod, ProviderKind } from "@/lib/connections/providers/types";
import { flowLookups, recordGlobalLookups } from "@/lib/global-lookups";
import { newId } from "@/lib/ids";
import { and, eq } from "drizzle-orm";
export const DAY = 86_400_000;
export const MINUTE = 60_000;
export const SPREAD_DAYS = 90;

export const SOUQ_OWNER = { email: "owner@souq.test", password: DEMO_PASSWORD };

export type Route = {
  provider: ProviderKind;
  method: PaymentMethod;
  currencies: Record<string, number>;
};

export interface MerchantPlan {
  slug: string;
  /** Share of all payments. */
  share: number;
  /** Share of this merchant's payments made in test mode (Sandbox). */
  testShare: number;
  /** UTC offset in hours, for the time of day customers pay. */
  utcOffsetHours: number;
  /** A typical basket in major units of the merchant's main currency, and its spread. */
  basketMajor: { median: number; spread: number };
  /** Major units of each currency per major unit of the merchant's main one. */
  rates: Record<string, number>;
  live: [Route, number][];
  langs: Record<"fr" | "en" | "zh" | "id", number>;
  emailShare: number;
}

// Routes and shares shaped like the demo's (db/seed/amounts.ts), with JPY and KWD in the mix.
export const PLANS: MerchantPlan[] = [
  {
    slug: "lumiere-bistro",
    share: 0.55,
    testShare: 0.07,
    utcOffsetHours: 1,
    basketMajor: { median: 38, spread: 0.6 },
    rates: { EUR: 1, USD: 1.08, GBP: 0.86, JPY: 160, CNY: 7.8, CHF: 0.95 },
    live: [
      [
        { provider: "stripe", method: "card", currencies: { EUR: 80, USD: 10, GBP: 5, JPY: 5 } },
        38,
      ],
      [{ provider: "stripe", method: "apple_pay", currencies: { EUR: 85, USD: 15 } }, 13],
      [{ provider: "stripe", method: "google_pay", currencies: { EUR: 90, USD: 10 } }, 6],
      [{ provider: "paypal", method: "paypal", currencies: { EUR: 85, USD: 10, GBP: 5 } }, 14],
      [{ provider: "paypal", method: "installments", currencies: { EUR: 100 } }, 4],
      [{ provider: "adyen", method: "card", currencies: { EUR: 40, JPY: 35, USD: 25 } }, 13],
      [{ provider: "adyen", method: "bank_transfer", currencies: { EUR: 100 } }, 5],
      [{ provider: "adyen", method: "alipay", currencies: { CNY: 80, EUR: 20 } }, 4],
      [{ provider: "adyen", method: "wechat_pay", currencies: { CNY: 80, EUR: 20 } }, 3],
    ],
    langs: { fr: 56, en: 31, zh: 8, id: 5 },
    emailShare: 0.35,
  },
  {
    slug: "nusantara-batik",
    share: 0.33,
    testShare: 0.04,
    utcOffsetHours: 7,
    basketMajor: { median: 450_000, spread: 0.7 },
    rates: { IDR: 1, USD: 1 / 16_000, CNY: 1 / 2_200 },
    live: [
      [{ provider: "adyen", method: "bank_transfer", currencies: { IDR: 100 } }, 52],
      [{ provider: "adyen", method: "card", currencies: { IDR: 80, USD: 20 } }, 31],
      [{ provider: "adyen", method: "installments", currencies: { IDR: 100 } }, 10],
      [{ provider: "adyen", method: "alipay", currencies: { CNY: 70, IDR: 30 } }, 4],
      [{ provider: "adyen", method: "wechat_pay", currencies: { CNY: 70, IDR: 30 } }, 3],
    ],
    langs: { id: 70, en: 24, zh: 5, fr: 1 },
    emailShare: 0.2,
  },
  {
    slug: "souq-al-bahar",
    share: 0.12,
    testShare: 0.05,
    utcOffsetHours: 3,
    basketMajor: { median: 24, spread: 0.8 },
    rates: { KWD: 1, USD: 3.25 },
    live: [
      [{ provider: "adyen", method: "card", currencies: { KWD: 85, USD: 15 } }, 58],
      [{ provider: "adyen", method: "apple_pay", currencies: { KWD: 90, USD: 10 } }, 27],
      [{ provider: "adyen", method: "bank_transfer", currencies: { KWD: 100 } }, 15],
    ],
    langs: { en: 60, fr: 5, zh: 5, id: 30 },
    emailShare: 0.45,
  },
];

export const EXPONENT: Record<string, number> = { JPY: 0, KWD: 3 };
export const ROUND_TO: Record<string, number> = { JPY: 10, IDR: 100_000, KWD: 50 };

// Customers pay around lunch and dinner, local time (index = local hour).
export const HOUR_WEIGHTS = [
  1, 0.6, 0.3, 0.2, 0.2, 0.3, 0.8, 1.6, 2.4, 2.8, 3.2, 4.5, 6.5, 6, 4, 3.2, 3, 3.6, 5, 6.5, 6, 4.5,
  3, 1.8,
];
export const HOUR_CDF = (() => {
  const total = HOUR_WEIGHTS.reduce((a, b) => a + b, 0);
  let sum = 0;
  return HOUR_WEIGHTS.map((w) => (sum += w / total));
})();

export interface Cdf<T> {
  items: T[];
  cdf: number[];
}
export function cdfOf<T>(pairs: [T, number][]): Cdf<T> {
  const total = pairs.reduce((s, [, w]) => s + w, 0);
  let sum = 0;
  return { items: pairs.map(([t]) => t), cdf: pairs.map(([, w]) => (sum += w / total)) };
}
export function draw<T>(rng: SeededRandom, { items, cdf }: Cdf<T>): T {
  const roll = rng.next();
  for (let i = 0; i < cdf.length; i++) if (roll < cdf[i]) return items[i];
  return items[items.length - 1];
}

export interface FlowChoice {
  id: string;
  versionId: string;
  name: string;
  channels: ChannelKind[];
  mode: Mode;
}

export interface MerchantRuntime {
  plan: MerchantPlan;
  id: string;
  name: string;
  connectionFor: Map<string, string>;
  live: Cdf<Route>;
  langs: Cdf<"fr" | "en" | "zh" | "id">;
  flowsByMode: Record<Mode, FlowChoice[]>;
  currencyCdfs: Map<Route, Cdf<string>>;
  refunderIds: string[];
  payments: number;
}

/** The third merchant: a Kuwaiti shop on Adyen (KWD, 3 decimals) with a Sandbox connection. */
export async function addSouqMerchant(db: ReturnType<typeof openPostgres>["db"], now: Date) {
  const [template] = await db
    .select()
    .from(flows)
    .innerJoin(merchants, eq(merchants.id, flows.merchantId))
    .where(and(eq(merchants.slug, "nusantara-batik"), eq(flows.status, "published")))
    .limit(1);
  const merchantId = newId("merchant");
  const userId = newId("user");
  await db.insert(merchants).values({
    id: merchantId,
    name: "Souq Al Bahar",
    slug: "souq-al-bahar",
    country: "KW",
    defaultCurrency: "KWD",
    timezone: "Asia/Kuwait",
    createdAt: new Date(now.getTime() - 120 * DAY),
  });
  await db.insert(users).values({
    id: userId,
    email: SOUQ_OWNER.email,
    name: "Fatima Al-Sabah",
    passwordHash: await hashPassword(SOUQ_OWNER.password),
  });
  await db.insert(memberships).values({ merchantId, userId, role: "owner" });
  const specs: {
    provider: ProviderKind;
    label: string;
    mode: Mode;
    methods: PaymentMethod[];
    currencies: string[];
    credentials: Record<string, string>;
  }[] = [
    {
      provider: "adyen" as const,
      label: "Adyen Gulf",
      mode: "live" as const,
      methods: ["card", "apple_pay", "bank_transfer"] as PaymentMethod[],
      currencies: ["KWD", "USD"],
      credentials: {
        apiKey: "AQEBenchSouqNotARealKey0000000000000000",
        merchantAccount: "BenchSouqKW",
        hmacKey: "44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056",
        liveUrlPrefix: "0000000000000000-BenchSouq",
      },
    },
    {
      provider: "sandbox" as const,
      label: "Sandbox",
      mode: "test" as const,
      methods: ["card", "apple_pay", "bank_transfer"] as PaymentMethod[],
      currencies: ["KWD", "USD"],
      credentials: { webhookSecret: "whsec_sbx_benchsouq000000000000000000" },
    },
  ];
  for (const spec of specs) {
    const id = newId("connection");
    const sealed = sealCredentials(spec.provider, spec.credentials, id);
    await db.insert(connections).values({
      merchantId,
      id,
      provider: spec.provider,
      label: spec.label,
      mode: spec.mode,
      credentialsEncrypted: sealed.credentialsEncrypted,
      keyVersion: sealed.keyVersion,
      credentialsHint: sealed.credentialsHint,
      methods: spec.methods,
      currencies: spec.currencies,
    });
  }
  if (template) {
    const [version] = await db
      .select()
      .from(flowVersions)
      .where(
        and(
          eq(flowVersions.merchantId, template.flows.merchantId),
          eq(flowVersions.id, template.flows.publishedVersionId ?? ""),
        ),
      );
    const flowId = newId("flow");
    const versionId = newId("flowVersion");
    const publicKey = `fpk_${newId("flow").slice(5)}`;
    await db.insert(flows).values({
      ...template.flows,
      merchantId,
      id: flowId,
      name: "Order an abaya",
      publicKey,
      publishedVersionId: versionId,
    });
    await recordGlobalLookups(db, flowLookups([{ merchantId, id: flowId, publicKey }]));
    if (version)
      await db.insert(flowVersions).values({
        ...version,
        merchantId,
        id: versionId,
        flowId,
        publishedByUserId: userId,
      });
  }
}

export async function loadMerchants(
  db: ReturnType<typeof openPostgres>["db"],
): Promise<MerchantRuntime[]> {
  const out: MerchantRuntime[] = [];
  for (const plan of PLANS) {
    const [m] = await db.select().from(merchants).where(eq(merchants.slug, plan.slug));
    if (!m) throw new Error(`merchant ${plan.slug} is missing`);
    const conns = await db.select().from(connections).where(eq(connections.merchantId, m.id));
    const connectionFor = new Map(conns.map((c) => [`${c.provider}:${c.mode}`, c.id]));
    const rows = await db
      .select({ flow: flows, version: flowVersions })
      .from(flows)
      .innerJoin(
        flowVersions,
        and(eq(flowVersions.merchantId, flows.merchantId), eq(flowVersions.flowId, flows.id)),
      )
      .where(eq(flows.merchantId, m.id));
    const flowsByMode: Record<Mode, FlowChoice[]> = { live: [], test: [] };
    for (const { flow, version } of rows) {
      if (flow.publishedVersionId !== version.id) continue;
      flowsByMode[version.mode].push({
        id: flow.id,
        versionId: version.id,
        name: flow.name,
        channels: flow.channels,
        mode: version.mode,
      });
    }
    const team = await db
      .select({ userId: memberships.userId, role: memberships.role })
      .from(memberships)
      .where(eq(memberships.merchantId, m.id));
    const live = cdfOf(plan.live);
    out.push({
      plan,
      id: m.id,
      name: m.name,
      connectionFor,
      live,
      langs: cdfOf(Object.entries(plan.langs) as [keyof MerchantPlan["langs"], number][]),
      flowsByMode,
      currencyCdfs: new Map(live.items.map((r) => [r, cdfOf(Object.entries(r.currencies))])),
      refunderIds: team.filter((t) => t.role !== "analyst").map((t) => t.userId),
      payments: 0,
    });
  }
  return out;
}
