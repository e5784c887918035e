import { Card, EmptyState, PageHeader } from "@/components/ui/card";
import { requirePagePermission } from "@/lib/auth/server";
import { viewModeFor } from "@/lib/mode";
import { formatMoney } from "@/lib/money";
import { getOverview } from "@/lib/overview/queries";
import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = { title: "Overview" };
export const dynamic = "force-dynamic";

export default async function OverviewPage() {
  const ctx = await requirePagePermission("overview.view");
  const mode = await viewModeFor();
  const figures = await getOverview(ctx, mode);
  const successRate = figures.payments
    ? Math.round((figures.succeeded / figures.payments) * 1000) / 10
    : null;
  const modeWord = mode === "test" ? "test" : "live";
  return (
    <>
      <PageHeader
        title={`Good to see you, ${ctx.user.name.split(" ")[0]}`}
        description={`${ctx.merchantName} · ${modeWord} data · last 30 days`}
      />
      {figures.payments === 0 ? (
        <EmptyState title={`No ${modeWord} payments in the last 30 days`}>
          {mode === "test"
            ? "Try a flow in the simulator or create a test payment on a Sandbox connection: test payments are summarised here."
            : "Connect a provider in live mode and publish a flow: payments your chatbot takes will be summarised here."}
        </EmptyState>
      ) : (
        <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4" data-testid="overview-figures">
          <Card>
            <p className="text-sm text-slate-600">Payments</p>
            <p className="mt-1 text-2xl font-semibold" data-testid="overview-payments">
              {figures.payments.toLocaleString("en")}
            </p>
          </Card>
          <Card>
            <p className="text-sm text-slate-600">Success rate</p>
            <p className="mt-1 text-2xl font-semibold" data-testid="overview-success-rate">
              {successRate}%
            </p>
            <p className="text-xs text-slate-500" data-testid="overview-failed">
              {figures.failed} failed
            </p>
          </Card>
          <Card>
            <p className="text-sm text-slate-600">Open disputes</p>
            <p className="mt-1 text-2xl font-semibold" data-testid="overview-open-disputes">
              {figures.openDisputes}
            </p>
            <Link href="/disputes" className="text-xs text-brand-700 hover:underline">
              Review disputes
            </Link>
          </Card>
          <Card>
            <p className="text-sm text-slate-600">Open alerts</p>
            <p
              className={
                figures.openAlerts
                  ? "mt-1 text-2xl font-semibold text-red-700"
                  : "mt-1 text-2xl font-semibold"
              }
            >
              {figures.openAlerts}
            </p>
            <p className="text-xs text-slate-500">Test and live alike</p>
          </Card>
          <Card className="min-w-0 sm:col-span-2 lg:col-span-4">
            <h2 className="mb-1 text-sm font-medium text-slate-700">Revenue by currency</h2>
            <p className="mb-3 text-xs text-slate-500">
              Gross is every captured {modeWord} payment created in the last 30 days, including
              those later refunded or disputed; refunds are what was refunded of them; net is gross
              minus refunds. Currencies are never added together.
            </p>
            {figures.revenueByCurrency.length === 0 ? (
              <p className="text-sm text-slate-600">No payment has succeeded yet.</p>
            ) : (
              // Long amounts (IDR, KRW) scroll inside the card on a phone, not the page; the
              // box is a named, focusable region so a keyboard can scroll it (as components/ui/table).
              <div
                role="region"
                aria-label="Revenue by currency"
                tabIndex={0}
                className="relative overflow-x-auto focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-500"
              >
                <table className="w-full text-sm" data-testid="overview-revenue">
                  <thead>
                    <tr className="text-left text-xs text-slate-500">
                      <th scope="col" className="py-1 pr-4 font-medium">
                        Currency
                      </th>
                      <th scope="col" className="py-1 pr-4 text-right font-medium">
                        Gross succeeded
                      </th>
                      <th scope="col" className="py-1 pr-4 text-right font-medium">
                        Refunds
                      </th>
                      <th scope="col" className="py-1 text-right font-medium">
                        Net
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {figures.revenueByCurrency.map((r) => (
                      <tr
                        key={r.currency}
                        className="border-t border-slate-100"
                        data-testid={`revenue-${r.currency}`}
                      >
                        <th scope="row" className="py-2 pr-4 text-left font-medium">
                          {r.currency}
                          <span className="ml-1 text-xs font-normal text-slate-500">
                            {r.payments} paid
                          </span>
                        </th>
                        <td
                          className="py-2 pr-4 text-right tabular-nums"
                          data-testid="revenue-gross"
                        >
                          {formatMoney(r.grossMinor, r.currency)}
                        </td>
                        <td
                          className="py-2 pr-4 text-right tabular-nums"
                          data-testid="revenue-refunds"
                        >
                          {r.refundedMinor ? `−${formatMoney(r.refundedMinor, r.currency)}` : "—"}
                        </td>
                        <td
                          className="py-2 text-right font-semibold tabular-nums"
                          data-testid="revenue-net"
                        >
                          {formatMoney(r.netMinor, r.currency)}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </Card>
        </div>
      )}
    </>
  );
}
