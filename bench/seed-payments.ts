// Millions of payments on a real Postgres, for the monitoring benchmarks:
// `npx tsx bench/seed-payments.ts --payments 1000000 [--keep]` (or through `npm run bench --
// monitoring --payments N`, which seeds, measures and drops).
//
// A fresh database, migrated with the repo's migrations and given the demo seed (db/seed/index.ts:
// two merchants, their team, connections, flows and ~90 days of hand-shaped activity), plus a
// third merchant that sells in KWD. Then, for the three, N payments over the 90 days before now,
// each with its conversation, its timeline (db/seed/payment-plan.ts decides statuses and provider
// events the way the demo does) and, for some, a refund — streamed with COPY FROM STDIN into
// payments, payment_events, conversations and refunds at once. Those tables' keys, indexes and
// foreign keys are dropped for the load and rebuilt after it (a B-tree built once from sorted
// input is much cheaper than one updated per row); their CHECK constraints stay, so every row is
// checked as the app's writes would be. VACUUM ANALYZE last, as autovacuum would do.
import { createFreshDatabase, LOCAL_ADMIN_PG_URL, type FreshDatabase } from "@/db/admin";
import { openPostgres } from "@/db/client";
import {
  connections,
  conversations,
  flows,
  flowVersions,
  memberships,
  merchants,
  paymentEvents,
  payments,
  refunds,
  users,
  type Mode,
} from "@/db/schema";
import type { Conversation } from "@/db/schema/conversations";
import type { ChannelKind } from "@/db/schema/flows";
import type { Payment, PaymentEvent, Refund } from "@/db/schema/payments";
import { DEMO_LOGINS, DEMO_PASSWORD, seedDemo } from "@/db/seed";
import { externalIds } from "@/db/seed/conversation-state";
import {
  parleyEventRow,
  paymentTimeline,
  planPayment,
  providerEventRow,
  type PaymentPlan,
} from "@/db/seed/payment-plan";
import { checkoutRefs, providerRefundId } from "@/db/seed/provider-refs";
import { SeededRandom } from "@/db/seed/random";
import { hashPassword } from "@/lib/auth/password";
import { sealCredentials } from "@/lib/connections/credentials";
import type { PaymentMethod, ProviderKind } from "@/lib/connections/providers/types";
import { resetEnvCache } from "@/lib/env";
import { newId } from "@/lib/ids";
import { and, eq, getTableColumns } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import { pathToFileURL } from "node:url";
import pg from "pg";
import { CopyWriter } from "./copy-writer";

const DAY = 86_400_000;
const MINUTE = 60_000;
const SPREAD_DAYS = 90;

/** A fixed, bench-only key ring: the seeder seals credentials with it, the app opens them. */
export const BENCH_MASTER_KEYS = "bench:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
export const BENCH_AUTH_SECRET = "bench-only-secret-not-for-production-use";

export const SOUQ_OWNER = { email: "owner@souq.test", password: DEMO_PASSWORD };

/** Sets the environment the seed and the app processes share (keys, app URL). */
export function configureBenchEnv(appUrl = "http://localhost:3000"): void {
  process.env.PARLEY_MASTER_KEYS ??= BENCH_MASTER_KEYS;
  process.env.AUTH_SECRET ??= BENCH_AUTH_SECRET;
  process.env.PARLEY_APP_URL ??= appUrl;
  resetEnvCache();
}

type Route = { provider: ProviderKind; method: PaymentMethod; currencies: Record<string, number> };

interface MerchantPlan {
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
const PLANS: MerchantPlan[] = [
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

const EXPONENT: Record<string, number> = { JPY: 0, KWD: 3 };
const ROUND_TO: Record<string, number> = { JPY: 10, IDR: 100_000, KWD: 50 };

// Customers pay around lunch and dinner, local time (index = local hour).
const HOUR_WEIGHTS = [
  1, 0.6, 0.3, 0.2, 0.2, 0.3, 0.8, 1.6, 2.4, 2.8, 3.2, 4.5, 6.5, 6, 4, 3.2, 3, 3.6, 5, 6.5, 6, 4.5,
  3, 1.8,
];
const HOUR_CDF = (() => {
  const total = HOUR_WEIGHTS.reduce((a, b) => a + b, 0);
  let sum = 0;
  return HOUR_WEIGHTS.map((w) => (sum += w / total));
})();

interface Cdf<T> {
  items: T[];
  cdf: number[];
}
function cdfOf<T>(pairs: [T, number][]): Cdf<T> {
  const total = pairs.reduce((s, [, w]) => s + w, 0);
  let sum = 0;
  return { items: pairs.map(([t]) => t), cdf: pairs.map(([, w]) => (sum += w / total)) };
}
function draw<T>(rng: SeededRandom, { items, cdf }: Cdf<T>): T {
  const roll = rng.next();
  for (let i = 0; i < cdf.length; i++) if (roll < cdf[i]) return items[i];
  return items[items.length - 1];
}

interface FlowChoice {
  id: string;
  versionId: string;
  name: string;
  channels: ChannelKind[];
  mode: Mode;
}

interface MerchantRuntime {
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
async function addSouqMerchant(db: ReturnType<typeof openPostgres>["db"], now: Date) {
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
    await db.insert(flows).values({
      ...template.flows,
      merchantId,
      id: flowId,
      name: "Order an abaya",
      publicKey: `fpk_${newId("flow").slice(5)}`,
      publishedVersionId: versionId,
    });
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

async function loadMerchants(
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

/** Minor units of a basket drawn around the merchant's median, rounded like a real price. */
function amountFor(rng: SeededRandom, plan: MerchantPlan, currency: string): number {
  const major = plan.basketMajor.median * Math.exp(rng.gaussian(0, plan.basketMajor.spread));
  const exponent = EXPONENT[currency] ?? 2;
  const minor = major * (plan.rates[currency] ?? 1) * 10 ** exponent;
  const step = ROUND_TO[currency] ?? 10;
  return Math.max(step, Math.round(minor / step) * step);
}

/** An instant in the last 90 days, busier lately (+30 %) and at lunch and dinner, local time. */
function createdAtFor(rng: SeededRandom, plan: MerchantPlan, nowMs: number): number {
  for (;;) {
    const ago = rng.next() * SPREAD_DAYS;
    if (rng.next() * 1.3 > 1 + 0.3 * (1 - ago / SPREAD_DAYS)) continue;
    const localMidnight =
      Math.floor((nowMs - ago * DAY + plan.utcOffsetHours * 3_600_000) / DAY) * DAY;
    const roll = rng.next();
    let hour = 0;
    while (hour < 23 && roll >= HOUR_CDF[hour]) hour++;
    const t =
      localMidnight -
      plan.utcOffsetHours * 3_600_000 +
      hour * 3_600_000 +
      Math.floor(rng.next() * 3_600_000);
    if (t <= nowMs - 1000) return t;
  }
}

const PAYMENT_COLUMNS = columnsOf(payments);
const EVENT_COLUMNS = columnsOf(paymentEvents);
const CONVERSATION_COLUMNS = columnsOf(conversations);
const REFUND_COLUMNS = columnsOf(refunds);

/** [row key, column name] for every column the app writes (identity columns excluded). */
function columnsOf(table: PgTable): [string, string][] {
  return Object.entries(getTableColumns(table))
    .filter(([, c]) => !(c as { generatedIdentity?: unknown }).generatedIdentity)
    .map(([key, c]) => [key, c.name]);
}

function valuesOf(row: Record<string, unknown>, columns: [string, string][]): unknown[] {
  return columns.map(([key]) => {
    const value = row[key];
    if (value === undefined) throw new Error(`bench seed row is missing "${key}"`);
    return value;
  });
}

const CONVERSATION_STATUS_FOR: Partial<Record<Payment["status"], Conversation["status"]>> = {
  succeeded: "completed",
  refunded: "completed",
  partially_refunded: "completed",
  pending: "waiting_payment",
  requires_action: "waiting_payment",
  created: "waiting_payment",
  failed: "expired",
  canceled: "abandoned",
  expired: "expired",
};

const DESCRIPTION_PREFIX: Record<string, string> = {
  "lumiere-bistro": "Lumière Bistro",
  "nusantara-batik": "Nusantara Batik",
  "souq-al-bahar": "Souq Al Bahar",
};

interface Writers {
  payments: CopyWriter;
  events: CopyWriter;
  conversations: CopyWriter;
  refunds: CopyWriter;
}

/** One payment (and its conversation, timeline, maybe a refund) written to the COPY streams. */
function writePayment(
  rng: SeededRandom,
  m: MerchantRuntime,
  nowMs: number,
  origin: string,
  w: Writers,
): void {
  const now = new Date(nowMs);
  const mode: Mode = rng.chance(m.plan.testShare) ? "test" : "live";
  const liveRoute = draw(rng, m.live);
  const provider: ProviderKind = mode === "test" ? "sandbox" : liveRoute.provider;
  const method = liveRoute.method;
  const currency = draw(rng, m.currencyCdfs.get(liveRoute)!);
  const connectionId = m.connectionFor.get(`${provider}:${mode}`);
  if (!connectionId) throw new Error(`${m.plan.slug} has no ${provider} ${mode} connection`);
  const createdAtMs = createdAtFor(rng, m.plan, nowMs);
  const createdAt = new Date(createdAtMs);
  const expiresAt = new Date(createdAtMs + (method === "bank_transfer" ? 24 * 60 : 60) * MINUTE);
  const amountMinor = amountFor(rng, m.plan, currency);
  const lang = draw(rng, m.langs);
  const paymentId = rng.id("payment");

  // Test payments without a test-mode flow come from the Connections page: no conversation.
  const flowChoices = m.flowsByMode[mode];
  const flow = flowChoices.length ? flowChoices[rng.int(0, flowChoices.length - 1)] : null;
  const channel: ChannelKind = flow ? rng.pick(flow.channels) : "web";
  const conversationId = flow ? rng.id("conversation") : null;

  const plan: PaymentPlan = planPayment({ rng, now, provider, method, createdAt, expiresAt });
  const refs = checkoutRefs(provider, rng, origin);
  const providerPaymentId =
    plan.status === "created" || (provider === "stripe" && plan.status === "expired")
      ? null
      : refs.providerPaymentId;
  const orderRef = `${rng.int(10, 99)}${rng.digits(5)}`;
  const row: Payment = {
    merchantId: m.id,
    id: paymentId,
    connectionId,
    provider,
    conversationId,
    flowId: flow?.id ?? null,
    amountMinor,
    currency,
    method,
    status: plan.status,
    idempotencyKey: conversationId ? `${conversationId}:pay:pay:1` : `test-payment:${paymentId}`,
    providerCheckoutId: refs.providerCheckoutId,
    providerPaymentId,
    checkoutUrl: refs.checkoutUrl,
    description: `${flow?.name ?? "Test payment"} — ${DESCRIPTION_PREFIX[m.plan.slug]} #${orderRef}`,
    customerEmail: rng.chance(m.plan.emailShare) ? `customer${rng.digits(7)}@example.com` : null,
    customerCountry: { fr: "FR", en: "GB", zh: "CN", id: "ID" }[lang],
    failureCode: plan.failure?.code ?? null,
    failureMessage: plan.failure?.message ?? null,
    refundedMinor: 0,
    flags: rng.chance(0.003) ? ["amount_mismatch"] : [],
    riskScore: plan.failure?.code === "fraudulent" ? rng.int(78, 97) : rng.int(2, 35),
    mode,
    expiresAt,
    succeededAt: plan.succeededAt ?? null,
    createdAt,
    updatedAt: plan.settledAt,
  };
  const events: PaymentEvent[] = paymentTimeline(
    {
      rng,
      merchantId: m.id,
      paymentId,
      connectionId,
      provider,
      amountMinor,
      currency,
      method,
      checkoutUrl: refs.checkoutUrl,
      channel,
      createdAt,
      providerPaymentId,
    },
    plan,
  );

  // About one successful payment in 20 is refunded (two in five of those partly), a few days on.
  if (row.status === "succeeded" && row.succeededAt && rng.chance(0.05)) {
    const step = ROUND_TO[currency] ?? 10;
    const partial = rng.chance(0.4);
    const part = Math.floor((amountMinor * rng.int(20, 70)) / 100 / step) * step;
    const refundMinor = partial && part >= step && part < amountMinor ? part : amountMinor;
    const refundAt = Math.min(row.succeededAt.getTime() + rng.int(1, 144) * 3_600_000, nowMs - 1);
    const roll = rng.next();
    const status: Refund["status"] =
      roll < 0.02 ? "failed" : roll < 0.06 && nowMs - refundAt < 3 * DAY ? "pending" : "succeeded";
    const refund: Refund = {
      merchantId: m.id,
      id: rng.id("refund"),
      paymentId,
      mode,
      amountMinor: refundMinor,
      currency,
      status,
      reason: refundMinor === amountMinor ? "Customer asked to cancel" : "Item unavailable",
      providerRefundId: providerRefundId(provider, rng),
      idempotencyKey: `refund:${paymentId}:1`,
      outcomeReason:
        status === "pending"
          ? "The provider accepted the refund and is still processing it"
          : status === "failed"
            ? "The provider reported the refund as failed"
            : null,
      providerCheckedAt: null,
      createdByUserId: m.refunderIds.length ? rng.pick(m.refunderIds) : null,
      createdAt: new Date(refundAt),
      updatedAt: new Date(refundAt + 20 * MINUTE),
    };
    const owner = {
      rng,
      merchantId: m.id,
      paymentId,
      connectionId,
      provider,
      providerPaymentId,
      amountMinor: refundMinor,
      currency,
    };
    events.push(
      parleyEventRow(owner, {
        type: "refund_requested",
        at: refund.createdAt,
        statusAfter: "succeeded",
        detail: { refundId: refund.id, reason: refund.reason },
      }),
    );
    if (status !== "pending") {
      const after =
        status === "failed"
          ? "succeeded"
          : refundMinor === amountMinor
            ? "refunded"
            : "partially_refunded";
      events.push(
        providerEventRow(owner, {
          type: status === "failed" ? "refund.failed" : "refund.succeeded",
          at: refund.updatedAt,
          statusAfter: after,
          detail: { refundId: refund.id, providerRefundId: refund.providerRefundId },
        }),
      );
      if (status === "succeeded") {
        row.refundedMinor = refundMinor;
        row.status = after;
        row.updatedAt = refund.updatedAt;
      }
    }
    w.refunds.push(valuesOf(refund, REFUND_COLUMNS));
  }

  if (flow && conversationId) {
    const ids = externalIds(rng, channel, lang);
    const startedAt = new Date(createdAtMs - rng.int(40, 600) * 1000);
    const status = CONVERSATION_STATUS_FOR[row.status] ?? "completed";
    const conversation: Conversation = {
      merchantId: m.id,
      id: conversationId,
      flowId: flow.id,
      flowVersionId: flow.versionId,
      channel,
      channelId: null,
      externalUserId: ids.user,
      externalChatId: ids.chat,
      lang,
      status,
      isSimulation: false,
      mode,
      state: {},
      revision: rng.int(6, 14),
      startedAt,
      updatedAt: plan.settledAt,
      completedAt: status === "completed" ? plan.settledAt : null,
    };
    w.conversations.push(valuesOf(conversation, CONVERSATION_COLUMNS));
  }
  w.payments.push(valuesOf(row, PAYMENT_COLUMNS));
  for (const e of events) w.events.push(valuesOf(e, EVENT_COLUMNS));
  m.payments += 1;
}

const BULK_TABLES = ["payments", "payment_events", "conversations", "refunds"];

interface SavedDdl {
  constraints: { table: string; name: string; definition: string; kind: string }[];
  indexes: { name: string; definition: string }[];
}

/** Drops the bulk tables' keys, unique constraints, foreign keys and indexes; returns their DDL. */
async function dropKeysAndIndexes(client: pg.Client): Promise<SavedDdl> {
  const { rows: constraints } = await client.query<{
    table: string;
    name: string;
    definition: string;
    kind: string;
  }>(
    `select c.conrelid::regclass::text as table, c.conname as name,
            pg_get_constraintdef(c.oid) as definition, c.contype as kind
       from pg_constraint c
      where c.conrelid = any($1::regclass[]) and c.contype in ('p','u','f')`,
    [BULK_TABLES],
  );
  const { rows: indexes } = await client.query<{ name: string; definition: string }>(
    `select i.indexname as name, i.indexdef as definition
       from pg_indexes i
      where i.schemaname = 'public' and i.tablename = any($1::text[])
        and not exists (select 1 from pg_constraint c
                         where c.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass
                           and c.contype in ('p','u'))`,
    [BULK_TABLES],
  );
  for (const c of constraints.filter((c) => c.kind === "f"))
    await client.query(`alter table ${c.table} drop constraint "${c.name}"`);
  for (const c of constraints.filter((c) => c.kind !== "f"))
    await client.query(`alter table ${c.table} drop constraint "${c.name}"`);
  for (const i of indexes) await client.query(`drop index "${i.name}"`);
  return { constraints, indexes };
}

async function restoreKeysAndIndexes(
  client: pg.Client,
  saved: SavedDdl,
  log: (line: string) => void,
): Promise<void> {
  await client.query("set maintenance_work_mem = '512MB'");
  const timed = async (label: string, ddl: string) => {
    const t0 = performance.now();
    await client.query(ddl);
    log(`  ${label} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  };
  for (const c of saved.constraints.filter((c) => c.kind !== "f"))
    await timed(
      `${c.table}: ${c.name}`,
      `alter table ${c.table} add constraint "${c.name}" ${c.definition}`,
    );
  for (const i of saved.indexes) await timed(i.name, i.definition);
  for (const c of saved.constraints.filter((c) => c.kind === "f"))
    await timed(
      `${c.table}: ${c.name}`,
      `alter table ${c.table} add constraint "${c.name}" ${c.definition}`,
    );
}

export interface SeedResult {
  payments: number;
  rows: Record<string, number>;
  merchants: { id: string; slug: string; name: string; payments: number }[];
  /** Owners to sign in as (Lumière's is the demo's first login). */
  logins: { email: string; password: string; merchant: string }[];
  seconds: { demo: number; copy: number; indexes: number; analyze: number; total: number };
}

export interface SeedOptions {
  /** A fresh, empty database. */
  url: string;
  payments: number;
  /** Deterministic rows for one seed number (ids included). */
  seed?: number;
  now?: Date;
  log?: (line: string) => void;
}

/** Migrates, seeds the demo, then COPYs `payments` payments (and what belongs to them) in. */
export async function seedPaymentsDatabase(options: SeedOptions): Promise<SeedResult> {
  configureBenchEnv();
  const log = options.log ?? ((line: string) => console.error(line));
  const started = performance.now();
  const now = options.now ?? new Date();
  const nowMs = now.getTime();
  const handle = openPostgres(options.url, 2);
  const clients: pg.Client[] = [];
  try {
    await handle.migrate();
    await seedDemo(handle.db, { now });
    await addSouqMerchant(handle.db, now);
    const merchantsRt = await loadMerchants(handle.db);
    const demoSeconds = (performance.now() - started) / 1000;
    log(`demo seed + migrations: ${demoSeconds.toFixed(1)} s`);

    const admin = new pg.Client({ connectionString: options.url });
    await admin.connect();
    clients.push(admin);
    const saved = await dropKeysAndIndexes(admin);

    const open = async (table: string, columns: [string, string][]) => {
      const client = new pg.Client({ connectionString: options.url });
      await client.connect();
      clients.push(client);
      await client.query("set synchronous_commit = off");
      const writer = new CopyWriter(
        client,
        table,
        columns.map(([, name]) => name),
      );
      writer.start();
      return writer;
    };
    const writers: Writers = {
      payments: await open("payments", PAYMENT_COLUMNS),
      events: await open("payment_events", EVENT_COLUMNS),
      conversations: await open("conversations", CONVERSATION_COLUMNS),
      refunds: await open("refunds", REFUND_COLUMNS),
    };
    const all: CopyWriter[] = Object.values(writers);
    const merchantCdf = cdfOf(merchantsRt.map((m): [MerchantRuntime, number] => [m, m.plan.share]));
    const rng = new SeededRandom(options.seed ?? 0x5eed);
    const origin = process.env.PARLEY_APP_URL ?? "http://localhost:3000";

    const copyStarted = performance.now();
    let lastLog = copyStarted;
    const total = options.payments;
    const progress = (done: number) => {
      const elapsed = (performance.now() - copyStarted) / 1000;
      const rows = all.reduce((s, w) => s + w.rows, 0);
      const rate = done / elapsed;
      log(
        `  ${done.toLocaleString("en")} / ${total.toLocaleString("en")} payments (${((100 * done) / total).toFixed(1)} %)` +
          ` · ${Math.round(rate).toLocaleString("en")} payments/s · ${Math.round(rows / elapsed).toLocaleString("en")} rows/s` +
          ` · ${elapsed.toFixed(0)} s, ~${Math.max(0, (total - done) / rate).toFixed(0)} s left`,
      );
    };
    for (let done = 0; done < total;) {
      const batch = Math.min(2_000, total - done);
      for (let i = 0; i < batch; i++)
        writePayment(rng, draw(rng, merchantCdf), nowMs, origin, writers);
      done += batch;
      for (const w of all) await w.flush();
      if (performance.now() - lastLog > 2_000 || done === total) {
        lastLog = performance.now();
        progress(done);
      }
    }
    // Chats that never reached the pay step: about one in four.
    const idle = Math.round(total * 0.25);
    for (let i = 0; i < idle; i++) {
      const m = draw(rng, merchantCdf);
      const flow = m.flowsByMode.live[0];
      if (!flow) continue;
      const lang = draw(rng, m.langs);
      const channel = rng.pick(flow.channels);
      const ids = externalIds(rng, channel, lang);
      const startedAt = new Date(createdAtFor(rng, m.plan, nowMs));
      const updatedAt = new Date(startedAt.getTime() + rng.int(20, 900) * 1000);
      const status = rng.weighted({ abandoned: 60, expired: 25, handed_off: 15 });
      const conversation: Conversation = {
        merchantId: m.id,
        id: rng.id("conversation"),
        flowId: flow.id,
        flowVersionId: flow.versionId,
        channel,
        channelId: null,
        externalUserId: ids.user,
        externalChatId: ids.chat,
        lang,
        status,
        isSimulation: false,
        mode: "live",
        state: {},
        revision: rng.int(1, 6),
        startedAt,
        updatedAt,
        completedAt: status === "handed_off" ? updatedAt : null,
      };
      writers.conversations.push(valuesOf(conversation, CONVERSATION_COLUMNS));
      if (i % 2_000 === 0) await writers.conversations.flush();
    }
    await Promise.all(all.map((w) => w.end()));
    const copySeconds = (performance.now() - copyStarted) / 1000;
    const rowCounts = Object.fromEntries(all.map((w) => [w.table, w.rows]));
    const copied = all.reduce((s, w) => s + w.rows, 0);
    log(
      `COPY done: ${copied.toLocaleString("en")} rows in ${copySeconds.toFixed(1)} s (${Math.round(copied / copySeconds).toLocaleString("en")} rows/s) ${JSON.stringify(rowCounts)}`,
    );

    log("rebuilding keys and indexes:");
    const indexStarted = performance.now();
    await restoreKeysAndIndexes(admin, saved, log);
    const indexSeconds = (performance.now() - indexStarted) / 1000;
    const analyzeStarted = performance.now();
    for (const table of BULK_TABLES) await admin.query(`vacuum (analyze) ${table}`);
    const analyzeSeconds = (performance.now() - analyzeStarted) / 1000;
    log(`indexes ${indexSeconds.toFixed(1)} s, vacuum analyze ${analyzeSeconds.toFixed(1)} s`);

    return {
      payments: total,
      rows: rowCounts,
      merchants: merchantsRt.map((m) => ({
        id: m.id,
        slug: m.plan.slug,
        name: m.name,
        payments: m.payments,
      })),
      logins: [
        ...DEMO_LOGINS.filter((l) => l.role === "owner").map((l) => ({
          email: l.email,
          password: l.password,
          merchant: l.merchant,
        })),
        { ...SOUQ_OWNER, merchant: "souq-al-bahar" },
      ],
      seconds: {
        demo: demoSeconds,
        copy: copySeconds,
        indexes: indexSeconds,
        analyze: analyzeSeconds,
        total: (performance.now() - started) / 1000,
      },
    };
  } finally {
    for (const client of clients) await client.end().catch(() => undefined);
    await handle.close();
  }
}

/** A fresh database on the admin connection's server, seeded; drop it when done. */
export async function createSeededDatabase(options: {
  payments: number;
  adminUrl?: string;
  log?: (line: string) => void;
}): Promise<{ database: FreshDatabase; seed: SeedResult }> {
  const adminUrl = options.adminUrl ?? process.env.PARLEY_TEST_PG_URL ?? LOCAL_ADMIN_PG_URL;
  const database = await createFreshDatabase(adminUrl, "parley_bench_payments");
  try {
    const seed = await seedPaymentsDatabase({
      url: database.url,
      payments: options.payments,
      ...(options.log && { log: options.log }),
    });
    return { database, seed };
  } catch (error) {
    await database.drop();
    throw error;
  }
}

/** `--payments 1_000_000` or `--payments 1e6` → 1000000. */
export function parseCount(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text.replace(/_/g, ""));
  if (!Number.isInteger(n) || n < 1) throw new Error(`not a positive whole number: ${text}`);
  return n;
}

export function argValue(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const payments = parseCount(argValue(args, "--payments"), 50_000);
  const keep = args.includes("--keep");
  const { database, seed } = await createSeededDatabase({ payments });
  console.log(JSON.stringify({ database: database.url, ...seed }, null, 2));
  if (keep)
    console.error(
      `kept: ${database.url} (drop it with: dropdb -h 127.0.0.1 -U postgres ${database.name})`,
    );
  else await database.drop();
}
