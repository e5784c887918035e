import { Card, EmptyState, PageHeader } from "@/components/ui/card";
import { requirePagePermission } from "@/lib/auth/server";
import { formatMoney } from "@/lib/money";
import { getOverview } from "@/lib/overview/queries";
import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = { title: "Overview" };
export const dynamic = "force-dynamic";

export default async function OverviewPage() {
  const ctx = await requirePagePermission("overview.view");
  const figures = await getOverview(ctx);
  const successRate = figures.payments
    ? Math.round((figures.succeeded / figures.payments) * 1000) / 10
    : null;
  return (
    <>
      <PageHeader
        title={`Good to see you, ${ctx.user.name.split(" ")[0]}`}
        description={`${ctx.merchantName} · last 30 days`}
      />
      {figures.payments === 0 ? (
        <EmptyState title="No payments in the last 30 days">
          Connect a provider and publish a flow: payments your chatbot takes will be summarised
          here.
        </EmptyState>
      ) : (
        <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
          <Card>
            <p className="text-sm text-slate-600">Payments</p>
            <p className="mt-1 text-2xl font-semibold" data-testid="overview-payments">
              {figures.payments.toLocaleString("en")}
            </p>
          </Card>
          <Card>
            <p className="text-sm text-slate-600">Success rate</p>
            <p className="mt-1 text-2xl font-semibold">{successRate}%</p>
            <p className="text-xs text-slate-500">{figures.failed} failed</p>
          </Card>
          <Card>
            <p className="text-sm text-slate-600">Open disputes</p>
            <p className="mt-1 text-2xl font-semibold">{figures.openDisputes}</p>
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
          </Card>
          <Card className="sm:col-span-2 lg:col-span-4">
            <p className="mb-3 text-sm font-medium text-slate-700">
              Revenue by currency (succeeded)
            </p>
            <ul className="flex flex-wrap gap-6">
              {figures.revenueByCurrency.map((r) => (
                <li key={r.currency}>
                  <span className="text-lg font-semibold">
                    {formatMoney(r.amountMinor, r.currency)}
                  </span>
                  <span className="ml-1 text-xs text-slate-500">{r.currency}</span>
                </li>
              ))}
            </ul>
          </Card>
        </div>
      )}
    </>
  );
}
