// Shared set-up for the integration tests: configuration, merchants with a real user behind a
// role, contexts as a service or a request sees them, connections to the Sandbox and to the fake
// providers, and a few readers of what the payment pipeline wrote.
import type { Db } from "@/db/client";
import {
  auditLog,
  connections,
  memberships,
  merchants,
  paymentEvents,
  payments,
  refunds,
  users,
  webhookInbox,
  type Role,
} from "@/db/schema";
import type { ServiceContext } from "@/lib/auth/context";
import { resolveMerchantContext, type MerchantContext } from "@/lib/auth/context";
import { openCredentials } from "@/lib/connections/credentials";
import { connectorFor, overrideConnector } from "@/lib/connections/providers/registry";
import { createStripeConnector } from "@/lib/connections/providers/stripe";
import type { Connector, ProviderKind } from "@/lib/connections/providers/types";
import { createConnection } from "@/lib/connections/service";
import { generateMasterKey } from "@/lib/crypto/secrets";
import { resetEnvCache } from "@/lib/env";
import { newId } from "@/lib/ids";
import { startFakeAdyen, type FakeAdyen } from "@/tests/fakes/adyen-server";
import { startFakePayPal, type FakePayPal } from "@/tests/fakes/paypal-server";
import { startFakeStripe, type FakeStripe } from "@/tests/fakes/stripe-server";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll } from "vitest";

export const APP_URL = "http://parley.test";

/** A master key and a public URL for this process; call before anything seals credentials. */
export function configurePipelineEnv(): void {
  process.env.PARLEY_MASTER_KEYS ??= `v1:${generateMasterKey()}`;
  process.env.PARLEY_APP_URL = APP_URL;
  resetEnvCache();
}

export async function addMerchant(db: Db, name = "Lumière Bistro"): Promise<string> {
  const id = newId("merchant");
  await db.insert(merchants).values({ id, name, slug: id.toLowerCase() });
  return id;
}

/** A context as a request of a member with `role` would build it. */
export async function contextFor(
  db: Db,
  merchantId: string,
  role: Role = "owner",
): Promise<ServiceContext> {
  const userId = newId("user");
  const email = `${role}.${userId.slice(-8).toLowerCase()}@example.test`;
  await db.insert(users).values({ id: userId, email, name: role, passwordHash: "x" });
  await db.insert(memberships).values({ merchantId, userId, role });
  return {
    db,
    merchantId,
    role,
    user: { id: userId, email, name: role },
    ip: "203.0.113.7",
    userAgent: "vitest",
  };
}

/** A member's context the way a request resolves it: from the user's current session version. */
export async function sessionContext(
  db: Db,
  userId: string,
  merchantId: string,
): Promise<MerchantContext> {
  const [user] = await db.select().from(users).where(eq(users.id, userId));
  const ctx = await resolveMerchantContext(
    db,
    { userId, sessionVersion: user.sessionVersion },
    merchantId,
  );
  if (!ctx || ctx.merchantId !== merchantId)
    throw new Error(`${userId} is not a member of ${merchantId}`);
  return ctx;
}

export async function merchantWithRoles(db: Db, name?: string) {
  const merchantId = await addMerchant(db, name);
  return {
    merchantId,
    owner: await contextFor(db, merchantId, "owner"),
    support: await contextFor(db, merchantId, "support"),
    analyst: await contextFor(db, merchantId, "analyst"),
  };
}

/** A Sandbox connection of the owner's merchant, with the webhook secret it signs with. */
export async function sandboxConnection(
  owner: ServiceContext,
  label = "Sandbox",
): Promise<{ id: string; webhookSecret: string }> {
  const { id } = await createConnection(owner, { provider: "sandbox", label, mode: "test" });
  const row = await connectionRow(owner.db, owner.merchantId, id);
  return { id, webhookSecret: openCredentials(row.credentialsEncrypted, id).webhookSecret };
}

/** Adyen's HMAC key for the fake's notifications (64 hex digits, as Adyen issues them). */
export const ADYEN_HMAC_KEY = "44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056";

export type FakeProvider = "stripe" | "paypal" | "adyen";

const PROVIDER_LABELS: Record<FakeProvider, string> = {
  stripe: "Stripe",
  paypal: "PayPal",
  adyen: "Adyen",
};

export interface FakeProviders {
  stripe: FakeStripe;
  paypal: FakePayPal;
  adyen: FakeAdyen;
  /** Credentials the provider's fake accepts, as a merchant would paste them in. */
  credentials(provider: FakeProvider, stripeWebhookSecret?: string): Record<string, string>;
  /** A test-mode connection to the provider's fake; its id. */
  connect(
    owner: ServiceContext,
    provider: FakeProvider,
    options?: { label?: string; stripeWebhookSecret?: string },
  ): Promise<string>;
}

/**
 * Stripe, PayPal and Adyen fakes for the test file (started before its tests, closed after),
 * with the Stripe SDK's network retries off so that an unreachable API is reported at once.
 */
export function useFakeProviders(): FakeProviders {
  // The servers are filled in by beforeAll; tests only read them once it has run.
  const fakes = {} as FakeProviders;
  let restoreStripe: (() => void) | undefined;
  fakes.credentials = (
    provider,
    stripeWebhookSecret = "whsec_fake_provider",
  ): Record<string, string> => {
    switch (provider) {
      case "stripe":
        return { secretKey: fakes.stripe.validKey, webhookSecret: stripeWebhookSecret };
      case "paypal":
        return {
          clientId: fakes.paypal.clientId,
          clientSecret: fakes.paypal.clientSecret,
          webhookId: fakes.paypal.webhookId,
        };
      case "adyen":
        return {
          apiKey: fakes.adyen.apiKey,
          merchantAccount: fakes.adyen.merchantAccount,
          hmacKey: ADYEN_HMAC_KEY,
        };
    }
  };
  fakes.connect = async (owner, provider, options = {}) => {
    const { id } = await createConnection(owner, {
      provider,
      label: options.label ?? PROVIDER_LABELS[provider],
      mode: "test",
      credentials: fakes.credentials(provider, options.stripeWebhookSecret),
      apiBaseUrl: fakes[provider].url,
    });
    return id;
  };
  beforeAll(async () => {
    [fakes.stripe, fakes.paypal, fakes.adyen] = await Promise.all([
      startFakeStripe(),
      startFakePayPal(),
      startFakeAdyen(),
    ]);
    restoreStripe = overrideConnector("stripe", createStripeConnector({ maxNetworkRetries: 0 }));
  });
  afterAll(async () => {
    restoreStripe?.();
    await Promise.all([fakes.stripe?.close(), fakes.paypal?.close(), fakes.adyen?.close()]);
  });
  return fakes;
}

export async function paymentRow(db: Db, merchantId: string, paymentId: string) {
  const [row] = await db
    .select()
    .from(payments)
    .where(and(eq(payments.merchantId, merchantId), eq(payments.id, paymentId)));
  return row;
}

export async function refundRow(db: Db, merchantId: string, refundId: string) {
  const [row] = await db
    .select()
    .from(refunds)
    .where(and(eq(refunds.merchantId, merchantId), eq(refunds.id, refundId)));
  return row;
}

/** A short deadline on the provider's refund creates (a slow fake is a timeout); returns the undo. */
export function withShortRefundTimeout(provider: ProviderKind): () => void {
  const real = connectorFor(provider) as Connector<unknown>;
  return overrideConnector(provider, {
    ...real,
    refund: (ctx, input) => real.refund({ ...ctx, timeoutMs: 200 }, input),
  });
}

export async function connectionRow(db: Db, merchantId: string, connectionId: string) {
  const [row] = await db
    .select()
    .from(connections)
    .where(and(eq(connections.merchantId, merchantId), eq(connections.id, connectionId)));
  return row;
}

export async function eventsOf(db: Db, merchantId: string, paymentId: string) {
  return db
    .select()
    .from(paymentEvents)
    .where(and(eq(paymentEvents.merchantId, merchantId), eq(paymentEvents.paymentId, paymentId)));
}

export async function deliveriesOf(db: Db, merchantId: string, connectionId: string) {
  return db
    .select()
    .from(webhookInbox)
    .where(
      and(eq(webhookInbox.merchantId, merchantId), eq(webhookInbox.connectionId, connectionId)),
    );
}

export async function auditActions(db: Db, merchantId: string): Promise<string[]> {
  const rows = await db.select().from(auditLog).where(eq(auditLog.merchantId, merchantId));
  return rows.map((r) => r.action);
}

export async function auditRows(db: Db, merchantId: string, action: string) {
  return db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.merchantId, merchantId), eq(auditLog.action, action)));
}
