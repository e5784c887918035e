import type { Db, DbHandle } from "@/db/client";
import {
  alerts,
  auditLog,
  connections,
  conversationEvents,
  conversationMessages,
  conversations,
  disputeEvidence,
  disputes,
  flows,
  flowVersions,
  invites,
  memberships,
  merchants,
  paymentEvents,
  payments,
  refunds,
  users,
  webhookInbox,
} from "@/db/schema";
import {
  DEMO_LOGINS,
  DEMO_MERCHANT_SLUG,
  DEMO_PASSWORD,
  SECOND_MERCHANT_SLUG,
  seedDemo,
  type SeedSummary,
} from "@/db/seed";
import { buildMerchant } from "@/db/seed/merchant";
import { hashSeed, SeededRandom } from "@/db/seed/random";
import { verifyPassword } from "@/lib/auth/password";
import { openCredentials } from "@/lib/connections/credentials";
import { adyenCredentialsSchema } from "@/lib/connections/providers/adyen";
import {
  normalizeAdyenItem,
  type AdyenNotificationItem,
} from "@/lib/connections/providers/adyen/webhooks";
import { coinbaseCredentialsSchema } from "@/lib/connections/providers/coinbase";
import { normalizeCoinbaseEvent } from "@/lib/connections/providers/coinbase/webhooks";
import { paypalCredentialsSchema } from "@/lib/connections/providers/paypal";
import { normalizePayPalEvent } from "@/lib/connections/providers/paypal/webhooks";
import {
  normalizeSandboxEvent,
  sandboxCredentialsSchema,
} from "@/lib/connections/providers/sandbox";
import { sandboxEventSchema } from "@/lib/connections/providers/sandbox/webhooks";
import { stripeCredentialsSchema } from "@/lib/connections/providers/stripe";
import { normalizeStripeEvent } from "@/lib/connections/providers/stripe/webhooks";
import {
  PAYMENT_STATUSES,
  type NormalizedEvent,
  type ProviderKind,
} from "@/lib/connections/providers/types";
import { resetEnvCache } from "@/lib/env";
import { canPublish, validateFlow } from "@/lib/flows/validate";
import { reducePayment, type PaymentFact } from "@/lib/payments/state-machine";
import { and, asc, eq, sql } from "drizzle-orm";
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES, openTestDatabase } from "./helpers/test-db";

// A fixed instant (a Friday afternoon in Paris) so every run sees the same data.
const NOW = new Date("2025-03-14T15:20:00.000Z");
const DAY = 86_400_000;

const TABLES = {
  merchants,
  users,
  memberships,
  invites,
  connections,
  flows,
  flowVersions,
  conversations,
  conversationEvents,
  conversationMessages,
  payments,
  paymentEvents,
  webhookInbox,
  refunds,
  disputes,
  disputeEvidence,
  alerts,
  auditLog,
};

beforeAll(() => {
  // Sealing credentials needs a master key; never let the test write one into the data folder.
  process.env.PARLEY_MASTER_KEYS = `v1:${Buffer.alloc(32, 7).toString("base64")}`;
  resetEnvCache();
});

async function countRows(db: Db): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [name, table] of Object.entries(TABLES)) {
    const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(table);
    out[name] = row.n;
  }
  return out;
}

async function paymentFingerprint(db: Db): Promise<string> {
  const rows = await db
    .select({ id: payments.id, amount: payments.amountMinor, status: payments.status })
    .from(payments)
    .orderBy(asc(payments.id));
  return createHash("sha256")
    .update(rows.map((r) => `${r.id}|${r.amount}|${r.status}`).join("\n"))
    .digest("hex");
}

const CREDENTIAL_SCHEMAS = {
  sandbox: sandboxCredentialsSchema,
  stripe: stripeCredentialsSchema,
  paypal: paypalCredentialsSchema,
  adyen: adyenCredentialsSchema,
  coinbase: coinbaseCredentialsSchema,
};

/** Reads a stored webhook body with the connector's own normalizer, as a replay would. */
function normalizeDelivery(provider: ProviderKind, rawBody: string): NormalizedEvent[] {
  const json = JSON.parse(rawBody) as Record<string, unknown>;
  switch (provider) {
    case "stripe":
      return [normalizeStripeEvent(json)];
    case "paypal":
      return [normalizePayPalEvent(json as Parameters<typeof normalizePayPalEvent>[0])];
    case "adyen":
      return (json.notificationItems as { NotificationRequestItem: AdyenNotificationItem }[]).map(
        (i) => normalizeAdyenItem(i.NotificationRequestItem),
      );
    case "sandbox":
      return [normalizeSandboxEvent(sandboxEventSchema.parse(json))];
    case "coinbase":
      return [
        normalizeCoinbaseEvent(
          (json as { event: Parameters<typeof normalizeCoinbaseEvent>[0] }).event,
        ),
      ];
  }
}

async function merchantId(db: Db, slug: string): Promise<string> {
  const [row] = await db
    .select({ id: merchants.id })
    .from(merchants)
    .where(eq(merchants.slug, slug));
  return row.id;
}

describe.each(ENGINES)("demo seed on %s", (engine) => {
  let handle: DbHandle;
  let db: Db;
  let summary: SeedSummary;
  let lumiere: string;
  let nusantara: string;

  beforeAll(async () => {
    handle = await openTestDatabase(engine);
    db = handle.db;
    summary = await seedDemo(db, { now: NOW });
    console.info(`[seed test] ${engine}: seeded in ${summary.ms} ms`, summary.counts);
    lumiere = await merchantId(db, DEMO_MERCHANT_SLUG);
    nusantara = await merchantId(db, SECOND_MERCHANT_SLUG);
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("reports what it wrote, and the counts match the database", async () => {
    expect(summary.created).toBe(true);
    expect(summary.merchants.map((m) => m.slug).sort()).toEqual([
      DEMO_MERCHANT_SLUG,
      SECOND_MERCHANT_SLUG,
    ]);
    const actual = await countRows(db);
    const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    for (const [name, n] of Object.entries(actual))
      expect(summary.counts[snake(name)], name).toBe(n);
  });

  it("creates the demo logins with the shared password and the documented memberships", async () => {
    const rows = await db
      .select({
        email: users.email,
        hash: users.passwordHash,
        role: memberships.role,
        slug: merchants.slug,
      })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .innerJoin(merchants, eq(merchants.id, memberships.merchantId));
    const got = rows.map((r) => `${r.email} ${r.role} ${r.slug}`).sort();
    expect(got).toEqual(DEMO_LOGINS.map((l) => `${l.email} ${l.role} ${l.merchant}`).sort());
    expect(got).toContain(`owner@parley.test analyst ${SECOND_MERCHANT_SLUG}`);
    const owner = rows.find((r) => r.email === "owner@nusantara.test")!;
    expect(await verifyPassword(DEMO_PASSWORD, owner.hash)).toBe(true);
    expect(new Set(rows.map((r) => r.hash)).size).toBe(1);
  });

  it("has plausible volumes: 90 days of Lumière traffic, 30 of Nusantara", async () => {
    const perDay = await db
      .select({
        day: sql<string>`to_char(${conversations.startedAt} at time zone 'Europe/Paris', 'YYYY-MM-DD')`,
        n: sql<number>`count(*)::int`,
      })
      .from(conversations)
      .where(eq(conversations.merchantId, lumiere))
      .groupBy(sql`1`)
      .orderBy(sql`1`);
    expect(perDay.length).toBeGreaterThanOrEqual(89);
    expect(perDay.length).toBeLessThanOrEqual(91);
    // Full days only: the first and last are partial.
    for (const { day, n } of perDay.slice(1, -1)) {
      expect(n, day).toBeGreaterThanOrEqual(30);
      expect(n, day).toBeLessThanOrEqual(170);
    }
    const total = perDay.reduce((s, d) => s + d.n, 0);
    expect(total).toBeGreaterThan(90 * 45);
    expect(total).toBeLessThan(90 * 110);
    const firstWeek = perDay.slice(1, 8).reduce((s, d) => s + d.n, 0);
    const lastWeek = perDay.slice(-8, -1).reduce((s, d) => s + d.n, 0);
    expect(lastWeek).toBeGreaterThan(firstWeek * 1.3);

    const [second] = await db
      .select({
        n: sql<number>`count(*)::int`,
        first: sql<string>`min(${conversations.startedAt})`,
      })
      .from(conversations)
      .where(eq(conversations.merchantId, nusantara));
    expect(second.n).toBeGreaterThan(250);
    expect(second.n).toBeLessThan(900);
    expect(NOW.getTime() - new Date(second.first).getTime()).toBeLessThan(31 * DAY);
  });

  it("drops customers off along the funnel at roughly the documented rates", async () => {
    const reached = async (nodeId: string, kind = "entered") => {
      const [row] = await db
        .select({ n: sql<number>`count(distinct ${conversationEvents.conversationId})::int` })
        .from(conversationEvents)
        .where(
          and(
            eq(conversationEvents.merchantId, lumiere),
            eq(conversationEvents.nodeId, nodeId),
            eq(conversationEvents.kind, kind),
          ),
        );
      return row.n;
    };
    const started = await reached("start");
    const asked =
      (await reached("ask_invoice", "input_accepted")) +
      (await reached("catalogue", "cart_updated"));
    const method = await reached("choose_method");
    const linkSent = await reached("pay", "payment_link_sent");
    const paid = (await reached("receipt")) / started;
    expect(asked / started).toBeGreaterThan(0.78);
    expect(asked / started).toBeLessThan(0.92);
    expect(method / started).toBeGreaterThan(0.53);
    expect(method / started).toBeLessThan(0.68);
    expect(linkSent / started).toBeGreaterThan(0.48);
    expect(linkSent / started).toBeLessThan(0.62);
    expect(paid).toBeGreaterThan(0.33);
    expect(paid).toBeLessThan(0.47);
  });

  it("stores money as integer minor units with ISO currencies, in the documented mix", async () => {
    const rows = await db.select().from(payments);
    for (const p of rows) {
      expect(Number.isSafeInteger(p.amountMinor) && p.amountMinor >= 0, p.id).toBe(true);
      expect(Number.isSafeInteger(p.refundedMinor) && p.refundedMinor <= p.amountMinor, p.id).toBe(
        true,
      );
      expect(p.currency).toMatch(/^[A-Z]{3}$/);
    }
    const ofLumiere = rows.filter((p) => p.merchantId === lumiere);
    const byCurrency = new Map<string, number>();
    for (const p of ofLumiere) byCurrency.set(p.currency, (byCurrency.get(p.currency) ?? 0) + 1);
    expect([...byCurrency.keys()].sort()).toEqual(["CNY", "EUR", "IDR", "JPY", "USD"]);
    expect(byCurrency.get("EUR")! / ofLumiere.length).toBeGreaterThan(0.6);
    const nusantaraIdr = rows.filter(
      (p) => p.merchantId === nusantara && p.currency === "IDR",
    ).length;
    expect(nusantaraIdr / rows.filter((p) => p.merchantId === nusantara).length).toBeGreaterThan(
      0.75,
    );
    expect(new Set(ofLumiere.map((p) => p.provider))).toEqual(
      new Set(["sandbox", "stripe", "paypal", "adyen"]),
    );
  });

  it("has data in both modes, each row in its conversation's mode (issue 15)", async () => {
    for (const [name, table] of [
      ["payments", payments],
      ["conversations", conversations],
      ["refunds", refunds],
      ["disputes", disputes],
      ["flow_versions", flowVersions],
    ] as const) {
      const rows = await db
        .select({ mode: table.mode, n: sql<number>`count(*)::int` })
        .from(table)
        .where(eq(table.merchantId, lumiere))
        .groupBy(table.mode);
      const n = Object.fromEntries(rows.map((r) => [r.mode, r.n]));
      expect(n.test ?? 0, `${name} test`).toBeGreaterThan(0);
      expect(n.live ?? 0, `${name} live`).toBeGreaterThan(0);
    }
    const mismatched = await db.execute(sql`select p.id from payments p
      join conversations c on c.merchant_id = p.merchant_id and c.id = p.conversation_id
      join connections k on k.merchant_id = p.merchant_id and k.id = p.connection_id
      where p.mode <> c.mode or p.mode <> k.mode
      union all select r.id from refunds r join payments p
        on p.merchant_id = r.merchant_id and p.id = r.payment_id where r.mode <> p.mode
      union all select d.id from disputes d join payments p
        on p.merchant_id = d.merchant_id and p.id = d.payment_id where d.mode <> p.mode`);
    expect(mismatched.rows).toEqual([]);
  });

  it("has every payment status, with the documented shares", async () => {
    const rows = await db
      .select({ status: payments.status, n: sql<number>`count(*)::int` })
      .from(payments)
      .where(eq(payments.merchantId, lumiere))
      .groupBy(payments.status);
    const n = Object.fromEntries(rows.map((r) => [r.status, r.n]));
    for (const status of PAYMENT_STATUSES) expect(n[status] ?? 0, status).toBeGreaterThan(0);
    const total = rows.reduce((s, r) => s + r.n, 0);
    const paid =
      (n.succeeded ?? 0) + (n.refunded ?? 0) + (n.partially_refunded ?? 0) + (n.disputed ?? 0);
    expect(paid / total).toBeGreaterThan(0.7);
    expect(paid / total).toBeLessThan(0.84);
    expect(n.failed / total).toBeGreaterThan(0.09);
    expect(n.failed / total).toBeLessThan(0.17);
  });

  it("gives each payment a timeline the payment state machine folds into its stored status", async () => {
    const rows = await db.select().from(payments);
    const events = await db.select().from(paymentEvents).orderBy(asc(paymentEvents.occurredAt));
    const byPayment = new Map<string, typeof events>();
    for (const e of events) {
      expect(e.paymentId).not.toBeNull();
      byPayment.set(e.paymentId!, [...(byPayment.get(e.paymentId!) ?? []), e]);
    }
    for (const p of rows) {
      const timeline = byPayment.get(p.id) ?? [];
      expect(timeline.map((e) => e.type).slice(0, 2), p.id).toEqual(["created", "checkout_sent"]);
      const facts: PaymentFact[] = [];
      for (const e of timeline) {
        const at = e.occurredAt;
        const detail = e.detail ?? {};
        if (e.type.startsWith("payment.")) {
          facts.push({
            kind: "payment",
            status: e.type.slice("payment.".length) as "succeeded",
            occurredAt: at,
            amountMinor: e.amountMinor!,
            currency: e.currency!,
          });
        } else if (e.type === "refund.succeeded" || e.type === "refund.failed") {
          facts.push({
            kind: "refund",
            providerRefundId: String(detail.providerRefundId),
            status: e.type === "refund.succeeded" ? "succeeded" : "failed",
            amountMinor: e.amountMinor!,
            currency: e.currency!,
            occurredAt: at,
          });
        } else if (e.type.startsWith("dispute.")) {
          facts.push({
            kind: "dispute",
            providerDisputeId: String(detail.providerDisputeId),
            status: e.type.slice("dispute.".length) as "opened",
            occurredAt: at,
            amountMinor: e.amountMinor!,
            currency: e.currency!,
          });
        }
      }
      const view = reducePayment({ amountMinor: p.amountMinor, currency: p.currency }, facts);
      expect(view.status, p.id).toBe(p.status);
      expect(view.refundedMinor, p.id).toBe(p.refundedMinor);
      expect(view.anomalies, p.id).toEqual([]);
      // Provider event ids are what webhooks dedupe on: they must be unique per connection.
    }
    const ids = events
      .filter((e) => e.providerEventId)
      .map((e) => `${e.connectionId}|${e.providerEventId}`);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("keeps every merchant's rows pointing at rows of the same merchant", async () => {
    const checks: [string, string, string, string][] = [
      ["payments", "connection_id", "connections", "id"],
      ["payments", "conversation_id", "conversations", "id"],
      ["payments", "flow_id", "flows", "id"],
      ["payment_events", "payment_id", "payments", "id"],
      ["payment_events", "connection_id", "connections", "id"],
      ["payment_events", "webhook_id", "webhook_inbox", "id"],
      ["conversations", "flow_id", "flows", "id"],
      ["conversations", "flow_version_id", "flow_versions", "id"],
      ["conversation_events", "conversation_id", "conversations", "id"],
      ["conversation_events", "flow_version_id", "flow_versions", "id"],
      ["conversation_messages", "conversation_id", "conversations", "id"],
      ["flow_versions", "flow_id", "flows", "id"],
      ["flows", "published_version_id", "flow_versions", "id"],
      ["webhook_inbox", "connection_id", "connections", "id"],
      ["refunds", "payment_id", "payments", "id"],
      ["disputes", "payment_id", "payments", "id"],
      ["disputes", "connection_id", "connections", "id"],
      ["dispute_evidence", "dispute_id", "disputes", "id"],
      ["alerts", "rule_id", "alert_rules", "id"],
    ];
    for (const [child, column, parent, key] of checks) {
      const result = await db.execute(
        sql.raw(
          `select count(*)::int as n from ${child} c where c.${column} is not null and not exists ` +
            `(select 1 from ${parent} p where p.merchant_id = c.merchant_id and p.${key} = c.${column})`,
        ),
      );
      const n = (result as unknown as { rows: { n: number }[] }).rows[0].n;
      expect(n, `${child}.${column} → ${parent}`).toBe(0);
    }
    // And the acting users of each merchant's rows are its own members.
    const strangers = await db.execute(sql`
      select count(*)::int as n from disputes d
      where d.assignee_user_id is not null
        and not exists (select 1 from memberships m where m.merchant_id = d.merchant_id and m.user_id = d.assignee_user_id)`);
    expect((strangers as unknown as { rows: { n: number }[] }).rows[0].n).toBe(0);
    const nusantaraConnections = await db
      .select({ id: connections.id })
      .from(connections)
      .where(eq(connections.merchantId, nusantara));
    const nusantaraPayments = await db
      .select({ connectionId: payments.connectionId })
      .from(payments)
      .where(eq(payments.merchantId, nusantara));
    const own = new Set(nusantaraConnections.map((c) => c.id));
    expect(nusantaraPayments.length).toBeGreaterThan(0);
    for (const p of nusantaraPayments) expect(own.has(p.connectionId)).toBe(true);
  });

  it("stores sealed, decryptable test credentials with masked hints", async () => {
    const rows = await db.select().from(connections);
    expect(
      rows
        .filter((c) => c.merchantId === lumiere)
        .map((c) => c.label)
        .sort(),
    ).toEqual(["Adyen APAC", "PayPal", "Sandbox", "Stripe EU"]);
    expect(
      rows
        .filter((c) => c.merchantId === nusantara)
        .map((c) => c.provider)
        .sort(),
    ).toEqual(["adyen", "sandbox"]);
    // Every connection holds credentials its connector accepts, so the demo can use them.
    for (const c of rows) {
      const parsed = CREDENTIAL_SCHEMAS[c.provider].safeParse(
        openCredentials(c.credentialsEncrypted, c.id),
      );
      expect(parsed.success, `${c.label}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
    }
    const stripe = rows.find((c) => c.label === "Stripe EU")!;
    const secrets = openCredentials(stripe.credentialsEncrypted, stripe.id);
    // Issue 15: the provider accounts are live, with fake keys, and say they cannot be reached.
    expect(stripe.mode).toBe("live");
    expect(secrets.secretKey).toMatch(/^sk_live_parleydemo/);
    expect(stripe.credentialsEncrypted).not.toContain("sk_live");
    expect(JSON.stringify(stripe.credentialsHint)).not.toContain(secrets.secretKey);
    for (const c of rows) {
      expect(c.mode).toBe(c.provider === "sandbox" ? "test" : "live");
      expect(c.lastVerification?.ok).toBe(c.mode === "test");
      // Unverified live keys are never offered to a live chat (issue 15).
      expect(c.status).toBe(c.mode === "test" ? "active" : "error");
      if (c.mode === "test") expect(c.credentialsVerifiedAt).not.toBeNull();
      else expect(c.lastVerification?.message).toMatch(/cannot be reached/);
      // Nusantara's Sandbox takes no payments: its only flow is live.
      if (c.merchantId === lumiere || c.mode === "live") expect(c.lastEventAt).not.toBeNull();
    }
  });

  it("builds flows whose published versions pass publish validation, and events that name their nodes", async () => {
    const flowRows = await db.select().from(flows);
    expect(
      flowRows
        .filter((f) => f.merchantId === lumiere)
        .map((f) => `${f.name}|${f.status}`)
        .sort(),
    ).toEqual([
      "Donation — Restos du Cœur|draft",
      "Order and pay — Menu du jour|published",
      "Pay an invoice|published",
    ]);
    const versions = await db.select().from(flowVersions);
    const conns = await db.select().from(connections);
    for (const v of versions) {
      const own = conns.filter((c) => c.merchantId === v.merchantId);
      const issues = validateFlow(v.graph, {
        enabledMethods: [...new Set(own.flatMap((c) => c.methods))],
        connections: own.map((c) => ({
          id: c.id,
          enabled: true,
          methods: c.methods,
          currencies: c.currencies,
        })),
      });
      expect(canPublish(issues), `${v.id}: ${JSON.stringify(issues)}`).toBe(true);
    }
    for (const f of flowRows.filter((f) => f.status === "published")) {
      const latest = versions
        .filter((v) => v.flowId === f.id)
        .sort((a, b) => b.version - a.version)[0];
      expect(f.publishedVersionId).toBe(latest.id);
    }
    const nodesOf = new Map(
      versions.map((v) => [
        v.id,
        new Set((v.graph as { nodes: { id: string }[] }).nodes.map((n) => n.id)),
      ]),
    );
    const used = await db
      .selectDistinct({
        version: conversationEvents.flowVersionId,
        node: conversationEvents.nodeId,
      })
      .from(conversationEvents);
    for (const u of used)
      expect(nodesOf.get(u.version!)?.has(u.node), `${u.node} in ${u.version}`).toBe(true);
  });

  it("has refunds, disputes in every state, evidence and an assignee", async () => {
    const disputeRows = await db.select().from(disputes).where(eq(disputes.merchantId, lumiere));
    expect(new Set(disputeRows.map((d) => d.status))).toEqual(
      new Set(["needs_response", "under_review", "won", "lost", "accepted"]),
    );
    const open = disputeRows.filter((d) => d.status === "needs_response");
    for (const d of open) {
      const dueIn = d.dueBy!.getTime() - NOW.getTime();
      expect(dueIn).toBeGreaterThan(0);
      expect(dueIn).toBeLessThanOrEqual(10 * DAY);
    }
    expect(open.some((d) => d.dueBy!.getTime() - NOW.getTime() < 2 * DAY)).toBe(true);
    const [support] = await db.select().from(users).where(eq(users.email, "support@parley.test"));
    expect(disputeRows.some((d) => d.assigneeUserId === support.id)).toBe(true);
    const evidence = await db.select().from(disputeEvidence);
    expect(evidence.length).toBeGreaterThanOrEqual(2);
    expect(await db.select().from(disputes).where(eq(disputes.merchantId, nusantara))).toHaveLength(
      1,
    );

    const paidCount = (
      await db.select().from(payments).where(eq(payments.merchantId, lumiere))
    ).filter((p) => p.succeededAt).length;
    const refundRows = await db.select().from(refunds).where(eq(refunds.merchantId, lumiere));
    expect(refundRows.length / paidCount).toBeGreaterThan(0.015);
    expect(refundRows.length / paidCount).toBeLessThan(0.05);
    expect(refundRows.some((r) => r.status === "succeeded")).toBe(true);
    expect(disputeRows.length / paidCount).toBeLessThan(0.015);
  });

  it("shows an Adyen failure spike three days ago, and the alert it raised", async () => {
    const rows = await db
      .select()
      .from(payments)
      .where(and(eq(payments.merchantId, lumiere), eq(payments.provider, "adyen")));
    const day = (d: Date) => Math.floor((NOW.getTime() - d.getTime()) / DAY);
    const rate = (list: typeof rows) =>
      list.filter((p) => p.failureCode !== null).length / Math.max(1, list.length);
    const spikeDay = rows.filter((p) => day(p.createdAt) === 3 || day(p.createdAt) === 2);
    const otherDays = rows.filter((p) => day(p.createdAt) > 7);
    expect(rate(spikeDay)).toBeGreaterThan(3 * rate(otherDays));

    const alertRows = await db.select().from(alerts).where(eq(alerts.merchantId, lumiere));
    const critical = alertRows.find((a) => a.status === "open" && a.severity === "critical")!;
    expect(critical.kind).toBe("failure_rate");
    expect(critical.detail.failureRate as number).toBeGreaterThan(0.25);
    expect(critical.detail.payments as number).toBeGreaterThanOrEqual(20);
    expect(alertRows.map((a) => a.status).sort()).toEqual(["acknowledged", "open", "resolved"]);
  });

  it("has a recent webhook inbox with applied, rejected and failed deliveries", async () => {
    const rows = await db.select().from(webhookInbox).where(eq(webhookInbox.merchantId, lumiere));
    const statuses = rows.map((r) => r.status);
    expect(statuses.filter((s) => s === "rejected")).toHaveLength(2);
    expect(statuses.filter((s) => s === "failed")).toHaveLength(1);
    expect(statuses.filter((s) => s === "applied").length).toBeGreaterThan(50);
    for (const r of rows) {
      expect(NOW.getTime() - r.receivedAt.getTime()).toBeLessThanOrEqual(2 * DAY);
      expect(r.verified).toBe(r.status !== "rejected");
      expect(() => JSON.parse(r.rawBody)).not.toThrow();
    }
  });

  it("stores webhook bodies the connectors' own normalizers read back as the recorded events", async () => {
    const deliveries = await db
      .select()
      .from(webhookInbox)
      .where(eq(webhookInbox.status, "applied"));
    const events = await db
      .select()
      .from(paymentEvents)
      .where(sql`${paymentEvents.webhookId} is not null`);
    const paymentRows = new Map((await db.select().from(payments)).map((p) => [p.id, p]));
    const byWebhook = new Map(events.map((e) => [e.webhookId!, e]));
    expect(events).toHaveLength(deliveries.length);
    expect(new Set(deliveries.map((d) => d.provider))).toEqual(
      new Set(["sandbox", "stripe", "paypal", "adyen"]),
    );
    for (const delivery of deliveries) {
      const recorded = byWebhook.get(delivery.id)!;
      const payment = paymentRows.get(recorded.paymentId!)!;
      const [normalized] = normalizeDelivery(delivery.provider, delivery.rawBody);
      const where = `${delivery.provider} ${recorded.rawType} ${delivery.id}`;
      expect(normalized.providerEventId, where).toBe(recorded.providerEventId);
      expect(normalized.type, where).toBe(recorded.type);
      expect(delivery.providerEventIds, where).toEqual([recorded.providerEventId]);
      // PayPal disputes name the capture, not the order (see paypal/webhooks.ts).
      if (!(delivery.provider === "paypal" && normalized.dispute)) {
        expect(normalized.providerPaymentId ?? payment.providerCheckoutId, where).toBe(
          payment.providerPaymentId ?? payment.providerCheckoutId,
        );
      }
      if (normalized.paymentId) expect(normalized.paymentId, where).toBe(payment.id);
      if (normalized.type === "payment.failed") expect(normalized.failure, where).toBeDefined();
      if (normalized.refund)
        expect(normalized.refund.amountMinor, where).toBe(recorded.amountMinor);
      if (normalized.dispute)
        expect(normalized.dispute.providerDisputeId, where).toBe(
          recorded.detail?.providerDisputeId,
        );
    }
  });

  it("keeps transcripts for recent conversations only, in their language, with card data redacted", async () => {
    const rows = await db
      .select({
        conversationId: conversationMessages.conversationId,
        body: conversationMessages.body,
        redacted: conversationMessages.redacted,
        lang: conversations.lang,
        startedAt: conversations.startedAt,
      })
      .from(conversationMessages)
      .innerJoin(
        conversations,
        and(
          eq(conversations.merchantId, conversationMessages.merchantId),
          eq(conversations.id, conversationMessages.conversationId),
        ),
      );
    const withMessages = new Set(rows.map((r) => r.conversationId));
    expect(withMessages.size).toBeGreaterThan(150);
    expect(withMessages.size).toBeLessThanOrEqual(240);
    const oldest = Math.min(...rows.map((r) => r.startedAt.getTime()));
    expect(NOW.getTime() - oldest).toBeLessThan(10 * DAY);
    const redacted = rows.filter((r) => r.redacted);
    expect(redacted.length).toBeGreaterThan(0);
    for (const r of rows) expect(JSON.stringify(r.body)).not.toMatch(/\d{13,19}/);
    const zh = rows
      .filter((r) => r.lang === "zh")
      .map((r) => (r.body as { text?: string }).text ?? "");
    expect(zh.some((text) => /[\u4e00-\u9fff]/.test(text))).toBe(true);
    const fr = rows
      .filter((r) => r.lang === "fr")
      .map((r) => (r.body as { text?: string }).text ?? "");
    expect(fr.some((text) => /Bonjour|Merci/.test(text))).toBe(true);
  });

  it("shows each cart once per change in a transcript: the customer types the menu's numbers, confirms, then picks a method", async () => {
    const rows = await db
      .select({
        conversationId: conversationMessages.conversationId,
        direction: conversationMessages.direction,
        body: conversationMessages.body,
      })
      .from(conversationMessages)
      .orderBy(
        asc(conversationMessages.conversationId),
        asc(conversationMessages.createdAt),
        asc(conversationMessages.id),
      );
    const textOf = (body: unknown) => (body as { text?: string }).text ?? "";
    const isSummary = (body: unknown) =>
      (body as { options?: { value: string }[] }).options?.some((o) => o.value === "confirm");
    let summaries = 0;
    for (const [i, row] of rows.entries()) {
      // "3 × Tarte Tatin" is how the bot shows a cart; a customer never writes it back.
      if (row.direction === "inbound") expect(textOf(row.body)).not.toMatch(/\d+ × /);
      if (row.direction !== "outbound" || !isSummary(row.body)) continue;
      summaries += 1;
      const next = rows[i + 1];
      expect(next.conversationId).toBe(row.conversationId);
      expect(next.direction).toBe("inbound");
      const after = rows[i + 2];
      if (after?.conversationId === row.conversationId) expect(isSummary(after.body)).toBeFalsy();
    }
    expect(summaries).toBeGreaterThan(10);
  });

  it("leaves a pending invite and an audit trail of the team's work", async () => {
    const [invite] = await db.select().from(invites).where(eq(invites.merchantId, lumiere));
    expect(invite.email).toBe("newhire@parley.test");
    expect(invite.role).toBe("support");
    expect(invite.acceptedAt).toBeNull();
    expect(Math.abs(invite.expiresAt.getTime() - (NOW.getTime() + 5 * DAY))).toBeLessThan(60_000);
    expect(invite.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    const actions = new Set(
      (
        await db
          .select({ action: auditLog.action })
          .from(auditLog)
          .where(eq(auditLog.merchantId, lumiere))
      ).map((a) => a.action),
    );
    for (const action of [
      "auth.sign_in",
      "member.role_changed",
      "invite.created",
      "connection.credentials_rotated",
    ])
      expect(actions).toContain(action);

    // A user's last sign-in is their latest sign-in in the audit log.
    const signIns = await db
      .select({ userId: auditLog.actorUserId, last: sql<string>`max(${auditLog.createdAt})` })
      .from(auditLog)
      .where(eq(auditLog.action, "auth.sign_in"))
      .groupBy(auditLog.actorUserId);
    const people = await db.select().from(users);
    expect(signIns).toHaveLength(people.length);
    for (const person of people) {
      const last = signIns.find((row) => row.userId === person.id)!.last;
      expect(person.lastSignInAt?.getTime(), person.email).toBe(new Date(last).getTime());
    }
  });

  it.runIf(engine === "pglite")(
    "gives the same ids, amounts and statuses in a fresh database for the same now, even when two seeds race",
    async () => {
      const fresh = await openTestDatabase("pglite");
      try {
        const results = await Promise.all([
          seedDemo(fresh.db, { now: NOW }),
          seedDemo(fresh.db, { now: NOW }),
        ]);
        expect(results.map((r) => r.created).sort()).toEqual([false, true]);
        for (const r of results) expect(r.merchants).toEqual(summary.merchants);
        expect(await paymentFingerprint(fresh.db)).toBe(await paymentFingerprint(db));
        const ids = async (d: Db) =>
          (
            await d
              .select({ id: conversations.id })
              .from(conversations)
              .orderBy(asc(conversations.id))
          ).map((r) => r.id);
        expect(await ids(fresh.db)).toEqual(await ids(db));
        expect(await countRows(fresh.db)).toEqual(await countRows(db));
      } finally {
        await fresh.close();
      }
    },
  );

  it("does nothing the second time", async () => {
    const before = await countRows(db);
    const fingerprint = await paymentFingerprint(db);
    const again = await seedDemo(db, { now: new Date(NOW.getTime() + DAY) });
    expect(again.created).toBe(false);
    expect(again.merchants.map((m) => m.slug).sort()).toEqual([
      DEMO_MERCHANT_SLUG,
      SECOND_MERCHANT_SLUG,
    ]);
    expect(await countRows(db)).toEqual(before);
    expect(await paymentFingerprint(db)).toBe(fingerprint);
  });
});

describe("demo seed randomness", () => {
  it("draws different data for a different now (built in memory, no database needed)", () => {
    const team = {
      owner: { id: "usr_test", email: "owner@example.com", name: "Owner" },
      members: [],
    };
    const paymentsAt = (now: Date) => {
      const rows = buildMerchant(
        new SeededRandom(hashSeed(now.toISOString())),
        "nusantara",
        now,
        team,
        "http://localhost:3000",
      ).payments;
      return rows.map((p) => `${p.id}|${p.amountMinor}`);
    };
    const first = paymentsAt(NOW);
    expect(paymentsAt(NOW)).toEqual(first);
    expect(paymentsAt(new Date(NOW.getTime() + 3_600_000))).not.toEqual(first);
  });
});
