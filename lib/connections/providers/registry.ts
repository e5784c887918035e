// Which connector speaks for which provider, and the context a stored connection gives it:
// decrypted credentials, the API origin override, Parley's public URL, a timeout.
import type { DbOrTx } from "@/db/client";
import { payments, type Connection } from "@/db/schema";
import { openCredentials } from "@/lib/connections/credentials";
import { adyenConnector } from "@/lib/connections/providers/adyen";
import { coinbaseConnector } from "@/lib/connections/providers/coinbase";
import { paypalConnector } from "@/lib/connections/providers/paypal";
import { sandboxConnector, type SandboxContext } from "@/lib/connections/providers/sandbox";
import { stripeConnector } from "@/lib/connections/providers/stripe";
import type { Connector, ConnectorContext, ProviderKind } from "@/lib/connections/providers/types";
import { appUrl } from "@/lib/env";
import { apiBaseUrlPolicy, guardedFetch } from "@/lib/http/outbound-url";
import { and, eq } from "drizzle-orm";
import { PROVIDER_TIMEOUT_MS } from "./http";

// The registry works with credentials as plain string maps: each connector validates its own.
export type AnyConnector = Connector<Record<string, string>>;
export type AnyConnectorContext = ConnectorContext<Record<string, string>>;

const DEFAULT_CONNECTORS: Record<ProviderKind, AnyConnector> = {
  sandbox: sandboxConnector,
  stripe: stripeConnector,
  paypal: paypalConnector as unknown as AnyConnector,
  adyen: adyenConnector as unknown as AnyConnector,
  coinbase: coinbaseConnector as unknown as AnyConnector,
};

// Survives Next's module reloading, so a test or script override is seen everywhere.
const globalForRegistry = globalThis as unknown as {
  __parleyConnectors?: Partial<Record<ProviderKind, AnyConnector>>;
};

export function connectorFor(kind: ProviderKind): AnyConnector {
  return globalForRegistry.__parleyConnectors?.[kind] ?? DEFAULT_CONNECTORS[kind];
}

/**
 * Replaces one provider's connector (tests use a Stripe connector without network retries).
 * Returns the function that puts the previous one back.
 */
export function overrideConnector<C>(kind: ProviderKind, connector: Connector<C>): () => void {
  const overrides = (globalForRegistry.__parleyConnectors ??= {});
  const previous = overrides[kind];
  overrides[kind] = connector as unknown as AnyConnector;
  return () => {
    if (previous) overrides[kind] = previous;
    else delete overrides[kind];
  };
}

/** The decrypted context for calling a connection's provider. Server code only. */
export function connectorContext(
  connection: Pick<
    Connection,
    "id" | "merchantId" | "provider" | "mode" | "apiBaseUrl" | "credentialsEncrypted"
  >,
  db?: DbOrTx,
): AnyConnectorContext {
  const ctx: AnyConnectorContext & Partial<Pick<SandboxContext, "lookupSandboxPayment">> = {
    credentials: openCredentials(connection.credentialsEncrypted, connection.id),
    mode: connection.mode,
    baseUrl: connection.apiBaseUrl ?? undefined,
    appUrl: appUrl(),
    timeoutMs: PROVIDER_TIMEOUT_MS,
  };
  // An overridden origin is checked again before every call (and redirects refused) outside
  // dev and tests; a stored override that production no longer allows fails the call clearly.
  if (ctx.baseUrl && apiBaseUrlPolicy() !== "open") ctx.fetch = guardedFetch(ctx.fetch);
  // The Sandbox "provider" keeps no state of its own: its truth is the payment row.
  if (connection.provider === "sandbox" && db) {
    ctx.lookupSandboxPayment = async (providerPaymentId) => {
      const [row] = await db
        .select({
          status: payments.status,
          amountMinor: payments.amountMinor,
          currency: payments.currency,
        })
        .from(payments)
        .where(
          and(
            eq(payments.merchantId, connection.merchantId),
            eq(payments.connectionId, connection.id),
            eq(payments.providerPaymentId, providerPaymentId),
          ),
        );
      if (!row) return null;
      return {
        providerPaymentId,
        status: row.status,
        amountMinor: row.amountMinor,
        currency: row.currency,
      };
    };
  }
  return ctx;
}
