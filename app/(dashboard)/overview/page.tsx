import { DeltaText, Tile } from "@/components/overview/tiles";
import { EmptyState, PageHeader } from "@/components/ui/card";
import { requirePagePermission } from "@/lib/auth/server";
import { viewModeFor } from "@/lib/mode";
import { formatMoney } from "@/lib/money";
import { countDelta, rateDelta } from "@/lib/overview/deltas";
import {
  DISPUTE_DUE_SOON_HOURS,
  getOverviewComparison,
  type RevenueLine,
} from "@/lib/overview/queries";
import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = { title: "Overview" };
export const dynamic = "force-dynamic";

/** The transactions list's URL contract: the filters behind each tile. */
function transactionsHref(params: Record<string, string>): string {
  return `/transactions?${new URLSearchParams(params).toString()}`;
}

function percent(rate: number | null): string {
  return rate === null ? "—" : `${Math.round(rate * 1000) / 10}%`;
}

function lineFor(lines: RevenueLine[], currency: string): RevenueLine | undefined {
  return lines.find((l) => l.currency === currency);
}

export default async function OverviewPage() {
  const ctx = await requirePagePermission("overview.view");
  const mode = await viewModeFor();
  const o = await getOverviewComparison(ctx, mode);
  const modeWord = mode === "test" ? "test" : "live";
  const currencies = [
    ...new Set([
      ...o.last7Days.revenueByCurrency.map((l) => l.currency),
      ...o.today.revenueByCurrency.map((l) => l.currency),
    ]),
  ];
  return (
    <>
      <PageHeader
        title={`Good to see you, ${ctx.user.name.split(" ")[0]}`}
        description={`${ctx.merchantName} · ${modeWord} data · today so far against yesterday by this time, and the last 7 days (days in ${o.timeZone})`}
      />
      {o.last7Days.payments === 0 && o.openDisputes === 0 ? (
        <EmptyState title={`No ${modeWord} payments in the last 7 days`}>
          {mode === "test"
            ? "Try a flow in the simulator or create a test payment on a Sandbox connection: test payments are summarised here."
            : "Connect a provider in live mode and publish a flow: payments your chatbot takes will be summarised here."}
        </EmptyState>
      ) : (
        <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4" data-testid="overview-figures">
          <Tile
            title="Payments today"
            href={transactionsHref({ range: "today" })}
            value={o.today.payments.toLocaleString("en")}
            valueTestId="overview-payments"
          >
            <DeltaText
              delta={countDelta(o.today.payments, o.yesterday.payments)}
              testId="overview-payments-delta"
            />
            <p>
              <Link href={transactionsHref({ range: "7d" })} className="underline">
                <span data-testid="overview-payments-7d">
                  {o.last7Days.payments.toLocaleString("en")}
                </span>{" "}
                in the last 7 days
              </Link>
            </p>
          </Tile>
          <Tile
            title="Success rate today"
            href={transactionsHref({ status: "succeeded", range: "today" })}
            value={percent(o.today.successRate)}
            valueTestId="overview-success-rate"
          >
            <DeltaText
              delta={rateDelta(o.today.successRate, o.yesterday.successRate)}
              testId="overview-success-rate-delta"
            />
            <p>
              <Link
                href={transactionsHref({ status: "failed", range: "today" })}
                className="underline"
                data-testid="overview-failed"
              >
                {o.today.failed} failed today
              </Link>
              {" · "}
              <span data-testid="overview-success-rate-7d">
                {percent(o.last7Days.successRate)}
              </span>{" "}
              over 7 days
            </p>
          </Tile>
          <Tile
            title="Open disputes"
            href="/disputes"
            value={o.openDisputes}
            valueTestId="overview-open-disputes"
          >
            <p
              className={o.disputesDueSoon ? "font-medium text-red-700" : undefined}
              data-testid="overview-disputes-due"
            >
              {o.disputesDueSoon === 0
                ? `None due within ${DISPUTE_DUE_SOON_HOURS} h`
                : `${o.disputesDueSoon} due within ${DISPUTE_DUE_SOON_HOURS} h — respond before the deadline`}
            </p>
          </Tile>
          <Tile
            title="Active alerts"
            href="/alerts"
            value={o.activeAlerts}
            valueTestId="overview-alerts"
            valueClassName={o.activeAlerts ? "text-red-700" : undefined}
          >
            <p>{o.activeAlerts ? "Open alerts need a look" : "Nothing needs attention"}</p>
            <p>Test and live alike</p>
          </Tile>
          <section
            className="min-w-0 rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200 sm:col-span-2 lg:col-span-4"
            aria-labelledby="revenue-heading"
          >
            <h2 id="revenue-heading" className="mb-1 text-sm font-medium text-slate-700">
              Revenue by currency
            </h2>
            <p className="mb-3 text-xs text-slate-500">
              Gross is every captured {modeWord} payment created in the period, including those
              later refunded or disputed; refunds are what was refunded of them; net is gross minus
              refunds. Currencies are never added together.
            </p>
            {currencies.length === 0 ? (
              <p className="text-sm text-slate-600">No payment has succeeded in the last 7 days.</p>
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
                        Net today
                      </th>
                      <th scope="col" className="py-1 pr-4 text-right font-medium">
                        Gross, 7 days
                      </th>
                      <th scope="col" className="py-1 pr-4 text-right font-medium">
                        Refunds, 7 days
                      </th>
                      <th scope="col" className="py-1 text-right font-medium">
                        Net, 7 days
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {currencies.map((currency) => {
                      const week = lineFor(o.last7Days.revenueByCurrency, currency);
                      const todayNet = lineFor(o.today.revenueByCurrency, currency)?.netMinor ?? 0;
                      const yesterdayNet =
                        lineFor(o.yesterday.revenueByCurrency, currency)?.netMinor ?? 0;
                      const fmt = (n: number) => formatMoney(n, currency);
                      return (
                        <tr
                          key={currency}
                          className="border-t border-slate-100"
                          data-testid={`revenue-${currency}`}
                        >
                          <th scope="row" className="py-2 pr-4 text-left font-medium">
                            <Link
                              href={transactionsHref({
                                status: "succeeded",
                                currency,
                                range: "7d",
                              })}
                              className="text-brand-700 underline"
                            >
                              {currency}
                            </Link>
                            <span className="ml-1 text-xs font-normal text-slate-500">
                              {week?.payments ?? 0} paid
                            </span>
                          </th>
                          <td className="py-2 pr-4 text-right tabular-nums">
                            <span className="block" data-testid="revenue-today-net">
                              {fmt(todayNet)}
                            </span>
                            <DeltaText
                              delta={countDelta(todayNet, yesterdayNet, { format: fmt })}
                            />
                          </td>
                          <td
                            className="py-2 pr-4 text-right tabular-nums"
                            data-testid="revenue-gross"
                          >
                            {fmt(week?.grossMinor ?? 0)}
                          </td>
                          <td
                            className="py-2 pr-4 text-right tabular-nums"
                            data-testid="revenue-refunds"
                          >
                            {week?.refundedMinor ? `−${fmt(week.refundedMinor)}` : "—"}
                          </td>
                          <td
                            className="py-2 text-right font-semibold tabular-nums"
                            data-testid="revenue-net"
                          >
                            {fmt(week?.netMinor ?? 0)}
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        </div>
      )}
    </>
  );
}
