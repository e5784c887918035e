import { Chips, methodName } from "@/components/connections/chips";
import { CopyableInput } from "@/components/connections/copyable-input";
import { DeliveriesTable } from "@/components/connections/deliveries-table";
import { HealthPanel } from "@/components/connections/health";
import {
  ConnectionStatusBadge,
  ModeBadge,
  ProviderMonogram,
} from "@/components/connections/provider-badge";
import { RotateCredentialsForm } from "@/components/connections/rotate-credentials-form";
import { StatusToggle } from "@/components/connections/status-toggle";
import { TestConnection } from "@/components/connections/test-connection";
import { TestPaymentForm } from "@/components/connections/test-payment-form";
import { Card } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { can } from "@/lib/auth/permissions";
import { requirePagePermission } from "@/lib/auth/server";
import { PROVIDERS } from "@/lib/connections/provider-catalog";
import { COINBASE_ASSETS } from "@/lib/connections/providers/coinbase";
import type { PaymentMethod, ProviderKind } from "@/lib/connections/providers/types";
import { getConnection, listDeliveries } from "@/lib/connections/service";
import { loadOr404 } from "@/lib/load-or-404";
import type { Metadata } from "next";
import Link from "next/link";
import { z } from "zod";

export const metadata: Metadata = { title: "Connection" };
export const dynamic = "force-dynamic";

const DELIVERY_FILTERS = ["failed", "rejected", "applied", "ignored", "received"] as const;
const DELIVERIES_PAGE = 50;
const querySchema = z.object({
  deliveries: z.enum(DELIVERY_FILTERS).optional().catch(undefined),
  before: z.coerce.date().optional().catch(undefined),
});

function deliveriesHref(status: string | undefined, before?: Date): string {
  const params = new URLSearchParams();
  if (status) params.set("deliveries", status);
  if (before) params.set("before", before.toISOString());
  const query = params.toString();
  return query ? `?${query}#deliveries-heading` : "?#deliveries-heading";
}

export default async function ConnectionPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const ctx = await requirePagePermission("connections.view");
  const { id } = await params;
  const { deliveries: deliveryStatus, before } = querySchema.parse(await searchParams);
  const connection = await loadOr404(getConnection(ctx, id));
  // One extra row says whether an older page exists.
  const deliveryRows = await listDeliveries(ctx, connection.id, {
    status: deliveryStatus,
    before,
    limit: DELIVERIES_PAGE + 1,
  });
  const deliveries = deliveryRows.slice(0, DELIVERIES_PAGE);
  const olderBefore =
    deliveryRows.length > DELIVERIES_PAGE
      ? deliveries[deliveries.length - 1].receivedAt
      : undefined;
  const canManage = can(ctx.role, "connections.manage");
  const info = PROVIDERS[connection.provider];
  const hints = Object.entries(connection.credentialsHint);
  const now = new Date();

  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/connections" className="text-brand-700 hover:underline">
          ← Connections
        </Link>
      </p>
      <div className="mb-6 flex flex-wrap items-start justify-between gap-4">
        <div className="flex items-start gap-3">
          <ProviderMonogram provider={connection.provider} className="h-11 w-11" />
          <div>
            <h1 className="text-2xl font-semibold tracking-tight">{connection.label}</h1>
            <div className="mt-1 flex flex-wrap items-center gap-2 text-sm text-slate-600">
              <span>{info.name}</span>
              <ModeBadge mode={connection.mode} />
              <ConnectionStatusBadge status={connection.status} />
            </div>
          </div>
        </div>
        {canManage ? (
          <StatusToggle connectionId={connection.id} status={connection.status} />
        ) : null}
      </div>

      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
        <Card className="space-y-4">
          <h2 className="text-base font-semibold">Webhook</h2>
          <CopyableInput
            id="webhook-url"
            label="Webhook URL"
            value={connection.webhookUrl}
            hint={
              connection.provider === "sandbox"
                ? "Sandbox posts here by itself; nothing to paste."
                : "Paste this into your provider's dashboard."
            }
          />
          <div>
            <h3 className="mb-1 text-sm font-medium text-slate-700">Methods</h3>
            <Chips label="Methods" items={connection.methods} format={methodName} />
            <CryptoNote provider={connection.provider} methods={connection.methods} />
          </div>
          <div>
            <h3 className="mb-1 text-sm font-medium text-slate-700">Currencies</h3>
            <Chips label="Currencies" items={connection.currencies} />
          </div>
        </Card>

        <Card className="space-y-4">
          <h2 className="text-base font-semibold">Credentials</h2>
          {hints.length ? (
            <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-6 gap-y-2 text-sm">
              {hints.map(([field, hint]) => (
                <div key={field} className="contents">
                  <dt className="text-slate-500">
                    {info.fields.find((f) => f.name === field)?.label ?? field}
                  </dt>
                  <dd className="break-all font-mono text-slate-800">{hint}</dd>
                </div>
              ))}
            </dl>
          ) : (
            <p className="text-sm text-slate-600">No credential hints stored.</p>
          )}
          {connection.apiBaseUrl ? (
            <p className="text-xs text-slate-500">
              API base URL: <span className="font-mono">{connection.apiBaseUrl}</span>
            </p>
          ) : null}
          <div className="border-t border-slate-100 pt-4">
            <h3 className="mb-2 text-sm font-medium text-slate-700">Connection test</h3>
            <TestConnection
              connectionId={connection.id}
              initial={connection.lastVerification}
              canTest={canManage}
            />
          </div>
        </Card>

        <Card className="space-y-3">
          <h2 className="text-base font-semibold">Health</h2>
          <HealthPanel health={connection.health} now={now} />
        </Card>

        {/* Live keys move real money: the server refuses a test payment on them (422), so the
            form is not offered at all. */}
        {canManage && connection.mode === "test" ? (
          <Card className="space-y-3">
            <h2 className="text-base font-semibold">Create a test payment</h2>
            <p className="text-sm text-slate-600">
              {connection.provider === "sandbox"
                ? "Opens Parley's hosted Sandbox checkout, where you choose the outcome."
                : `Opens ${info.name}'s hosted checkout with this connection's keys.`}
            </p>
            <TestPaymentForm
              connectionId={connection.id}
              currencies={connection.currencies}
              disabled={connection.status === "disabled"}
            />
          </Card>
        ) : null}

        {canManage ? (
          <Card className="space-y-3 lg:col-span-2">
            <h2 className="text-base font-semibold">Rotate credentials</h2>
            <RotateCredentialsForm
              connectionId={connection.id}
              provider={connection.provider}
              mode={connection.mode}
              hints={connection.credentialsHint}
            />
          </Card>
        ) : null}
      </div>

      <section className="mt-8" aria-labelledby="deliveries-heading">
        <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
          <h2 id="deliveries-heading" className="text-lg font-semibold">
            Webhook deliveries
          </h2>
          <nav aria-label="Filter deliveries" className="flex flex-wrap gap-1 text-sm">
            {[undefined, ...DELIVERY_FILTERS].map((status) => (
              <Link
                key={status ?? "all"}
                href={deliveriesHref(status)}
                aria-current={status === deliveryStatus ? "page" : undefined}
                className={cn(
                  "rounded-md px-2 py-1",
                  status === deliveryStatus
                    ? "bg-slate-200 font-medium"
                    : "text-slate-600 hover:bg-slate-100",
                )}
              >
                {status ? status[0].toUpperCase() + status.slice(1) : "All"}
              </Link>
            ))}
          </nav>
        </div>
        <DeliveriesTable
          connectionId={connection.id}
          deliveries={deliveries}
          mayReapply={can(ctx.role, "webhooks.reapply")}
          filtered={Boolean(deliveryStatus || before)}
        />
        <nav aria-label="Delivery pages" className="mt-3 flex justify-between text-sm">
          {before ? (
            <Link href={deliveriesHref(deliveryStatus)} className="text-brand-700 hover:underline">
              ← Newest
            </Link>
          ) : (
            <span />
          )}
          {olderBefore ? (
            <Link
              href={deliveriesHref(deliveryStatus, olderBefore)}
              className="text-brand-700 hover:underline"
            >
              Older →
            </Link>
          ) : null}
        </nav>
      </section>
    </>
  );
}

/** What crypto means on this connection: the assets it settles, or why Stripe offers it or not. */
function CryptoNote({ provider, methods }: { provider: ProviderKind; methods: PaymentMethod[] }) {
  if (provider === "coinbase") {
    return (
      <p className="mt-2 text-xs text-slate-600" data-testid="crypto-note">
        Crypto settles in {COINBASE_ASSETS.join(", ")}, priced in the currencies below. Crypto has
        no chargebacks, and Coinbase Commerce has no refund API: refunds are sent from your Coinbase
        account and recorded in Parley.
      </p>
    );
  }
  if (provider !== "stripe") return null;
  return (
    <p className="mt-2 text-xs text-slate-600" data-testid="crypto-note">
      {methods.includes("crypto")
        ? "Crypto (stablecoins such as USDC) is offered: this Stripe account is US-based. Stripe takes stablecoin payments for USD prices only and settles them in USD."
        : "Crypto (stablecoins) is offered only for US-based Stripe accounts and USD prices. Test the connection: if Stripe reports a US account, crypto is added."}
    </p>
  );
}
