import { ChartCard, type ChartSpec } from "@/components/analytics/chart-card";
import { Delta } from "@/components/analytics/delta";
import { RangePicker } from "@/components/analytics/range-picker";
import { Card, EmptyState, PageHeader } from "@/components/ui/card";
import {
  conversationsStoppedAt,
  failureReasons,
  FUNNEL_STEPS,
  getAnalyticsSetup,
  getFlowFunnel,
  GRANULARITIES,
  revenueSeries,
  riskBy,
  successRates,
  summarizeByCurrency,
  type Granularity,
  type RiskRow,
  type SuccessRow,
} from "@/lib/analytics/queries";
import { parseRange } from "@/lib/analytics/range";
import { can } from "@/lib/auth/permissions";
import { requirePagePermission } from "@/lib/auth/server";
import { viewModeFor } from "@/lib/mode";
import { formatMoney } from "@/lib/money";
import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = { title: "Analytics" };
export const dynamic = "force-dynamic";

const COLOURS = { a: "#4f46e5", b: "#dc2626", c: "#059669", d: "#d97706" };
const pct = (n: number, d: number) => (d > 0 ? `${((n / d) * 100).toFixed(1)} %` : "—");
const num = (n: number) => new Intl.NumberFormat("en").format(n);
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) || undefined;
/** A query string of the values that are set (empty ones left out). */
const searchOf = (values: Record<string, string | undefined>) =>
  new URLSearchParams(
    Object.entries(values).filter((e): e is [string, string] => Boolean(e[1])),
  ).toString();

export default async function AnalyticsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const ctx = await requirePagePermission("analytics.view");
  const mode = await viewModeFor();
  const params = await searchParams;
  const setup = await getAnalyticsSetup(ctx, mode);
  const parsed = parseRange(params, setup.timeZone);
  const { range } = parsed;
  const canExport = can(ctx.role, "analytics.export");

  const askedFlow = first(params.flow);
  const flow = setup.flows.find((f) => f.id === askedFlow) ?? setup.flows[0];
  const flowMessage =
    askedFlow && flow?.id !== askedFlow ? "That flow does not exist; showing another one." : null;
  const askedCurrency = first(params.currency);
  const currency = setup.currencies.find((c) => c === askedCurrency) ?? setup.currencies[0];
  const askedGranularity = first(params.granularity);
  const granularity: Granularity = (GRANULARITIES as readonly string[]).includes(
    askedGranularity ?? "",
  )
    ? (askedGranularity as Granularity)
    : range.days <= 31
      ? "day"
      : range.days <= 120
        ? "week"
        : "month";

  const rangeParams = {
    range: range.preset,
    from: range.preset === "custom" ? range.from : undefined,
    to: range.preset === "custom" ? range.to : undefined,
  };
  const state = {
    ...rangeParams,
    flow: flow?.id,
    version: first(params.version),
    channel: first(params.channel),
    currency,
    granularity: first(params.granularity),
    step: undefined as string | undefined,
  };
  const hrefFor = (change: Record<string, string | undefined>) =>
    `/analytics?${searchOf({ ...state, ...change })}`;
  const exportHref = (chart: string, extra: Record<string, string | undefined> = {}) =>
    `/api/analytics/export?${searchOf({ ...rangeParams, chart, ...extra })}`;
  // The funnel and its drop-off export the same flow, version and channel the page shows.
  const funnelFilter = { flow: state.flow, version: state.version, channel: state.channel };

  const [
    summary,
    previousSummary,
    funnel,
    previousFunnel,
    byProvider,
    byConnection,
    byMethod,
    failures,
    revenue,
    riskFlow,
    riskProvider,
  ] = await Promise.all([
    summarizeByCurrency(ctx, mode, range),
    summarizeByCurrency(ctx, mode, range.previous),
    flow
      ? getFlowFunnel(ctx, mode, range, {
          flowId: flow.id,
          flowVersionId: state.version,
          channel: state.channel,
        })
      : null,
    flow
      ? getFlowFunnel(ctx, mode, range.previous, {
          flowId: flow.id,
          flowVersionId: state.version,
          channel: state.channel,
        })
      : null,
    successRates(ctx, mode, range, "provider"),
    successRates(ctx, mode, range, "connection"),
    successRates(ctx, mode, range, "method"),
    failureReasons(ctx, mode, range),
    currency ? revenueSeries(ctx, mode, range, currency, granularity) : [],
    riskBy(ctx, mode, range, "flow"),
    riskBy(ctx, mode, range, "provider"),
  ]);

  const askedStep = first(params.step);
  const stepNode = funnel?.nodes.find((n) => n.nodeId === askedStep);
  const stopped =
    flow && stepNode
      ? await conversationsStoppedAt(ctx, mode, range, flow.id, stepNode.nodeId)
      : [];
  const canSeeTranscripts = can(ctx.role, "conversations.view");
  const modeWord = mode === "test" ? "test" : "live";
  const noData = setup.currencies.length === 0 && setup.flows.length === 0;

  const successCard = (id: string, title: string, rows: SuccessRow[], by: string) => {
    const spec: ChartSpec = {
      kind: "hbar",
      format: { kind: "percent" },
      series: [
        { key: "rate", label: "Success rate", colour: COLOURS.c },
        { key: "raw", label: "Raw rate", colour: COLOURS.a },
      ],
      data: rows.map((r) => ({
        label: r.label,
        rate: r.reached > 0 ? r.succeeded / r.reached : 0,
        raw: r.attempts > 0 ? r.succeeded / r.attempts : 0,
      })),
    };
    return (
      <ChartCard
        id={id}
        title={title}
        spec={spec}
        canExport={canExport}
        exportHref={exportHref("success", { by })}
        empty={`No ${modeWord} payments in this range. Pick a longer range, or switch to ${mode === "live" ? "test" : "live"} data.`}
        table={{
          columns: [by, "Attempts", "Reached provider", "Succeeded", "Success rate", "Raw rate"],
          rows: rows.map((r) => [
            r.label,
            num(r.attempts),
            num(r.reached),
            num(r.succeeded),
            pct(r.succeeded, r.reached),
            pct(r.succeeded, r.attempts),
          ]),
        }}
      />
    );
  };

  const riskCard = (id: string, title: string, rows: RiskRow[], by: "flow" | "provider") => {
    const spec: ChartSpec = {
      kind: "hbar",
      format: { kind: "percent" },
      series: [
        { key: "refund", label: "Refund rate (count)", colour: COLOURS.d },
        { key: "dispute", label: "Dispute rate (count)", colour: COLOURS.b },
      ],
      data: rows
        .filter((r) => r.paid > 0)
        .map((r) => ({
          label: `${r.label} · ${r.currency}`,
          refund: r.refundedPayments / r.paid,
          dispute: r.disputes / r.paid,
        })),
    };
    return (
      <ChartCard
        id={id}
        title={title}
        description="By count (refunded or disputed payments ÷ paid ones) and by amount, per currency."
        spec={spec}
        canExport={canExport}
        exportHref={exportHref("risk", { by })}
        empty="No paid payments in this range, so no refund or dispute rates yet."
        table={{
          columns: [
            by === "flow" ? "Flow" : "Provider",
            "Currency",
            "Paid",
            "Refund rate (count)",
            "Refund rate (amount)",
            "Refunded",
            "Dispute rate (count)",
            "Dispute rate (amount)",
            "Disputed",
            "Won / lost",
          ],
          rows: rows
            .filter((r) => r.paid > 0)
            .map((r) => [
              r.label,
              r.currency,
              num(r.paid),
              pct(r.refundedPayments, r.paid),
              pct(r.refundedMinor, r.paidMinor),
              formatMoney(r.refundedMinor, r.currency),
              pct(r.disputes, r.paid),
              pct(r.disputedMinor, r.paidMinor),
              formatMoney(r.disputedMinor, r.currency),
              `${r.disputesWon} / ${r.disputesLost}`,
            ]),
        }}
      />
    );
  };

  const counts = funnel?.counts;
  const overall = counts && counts.started > 0 ? counts.paid / counts.started : null;
  const previousOverall =
    previousFunnel && previousFunnel.counts.started > 0
      ? previousFunnel.counts.paid / previousFunnel.counts.started
      : 0;

  return (
    <>
      <PageHeader
        title="Analytics"
        description={`Which flows, channels, providers and methods turn conversations into money — ${modeWord} data, days in ${range.timeZone}, compared with the ${range.days} days before.`}
      />
      <div className="space-y-6">
        <Card className="space-y-3">
          <RangePicker range={range} hrefFor={hrefFor} keep={{ flow: state.flow, currency }} />
          <p className="text-sm text-slate-600">
            Showing <strong>{range.from}</strong> to <strong>{range.to}</strong> ({range.days}{" "}
            days); previous period {range.previous.from} to {range.previous.to}.
          </p>
          {!parsed.ok ? (
            <p
              role="alert"
              className="rounded-md bg-red-50 px-3 py-2 text-sm font-medium text-red-800"
            >
              {parsed.message} Showing the last 30 days instead.
            </p>
          ) : null}
        </Card>

        {noData ? (
          <EmptyState title={`No ${modeWord} activity yet`}>
            Publish a flow and take a payment in a chat; its conversations and payments appear here
            within a minute.
          </EmptyState>
        ) : null}

        <section aria-labelledby="revenue-summary" className="space-y-2">
          <h2 id="revenue-summary" className="text-base font-semibold text-slate-900">
            Revenue per currency
          </h2>
          {summary.length === 0 ? (
            <p className="text-sm text-slate-600">
              No {modeWord} payments in this range. Pick a longer range.
            </p>
          ) : (
            <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
              {summary.map((s) => {
                const before = previousSummary.find((p) => p.currency === s.currency);
                return (
                  <li
                    key={s.currency}
                    className="rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200"
                  >
                    <p className="text-xs font-semibold uppercase tracking-wide text-slate-500">
                      {s.currency} net
                    </p>
                    <p className="mt-1 text-xl font-semibold tabular-nums">
                      {formatMoney(s.netMinor, s.currency)}
                    </p>
                    <Delta now={s.netMinor} before={before?.netMinor ?? 0} />
                    <p className="mt-2 text-xs text-slate-600">
                      Gross {formatMoney(s.grossMinor, s.currency)} · refunds{" "}
                      {formatMoney(s.refundedMinor, s.currency)} · {num(s.paid)} paid of{" "}
                      {num(s.payments)} payments · average order{" "}
                      {s.paid > 0
                        ? formatMoney(Math.round(s.grossMinor / s.paid), s.currency)
                        : "—"}
                    </p>
                  </li>
                );
              })}
            </ul>
          )}
        </section>

        {flow && funnel && counts ? (
          <>
            <Card className="space-y-3">
              <form
                method="get"
                action="/analytics"
                className="flex flex-wrap items-end gap-3"
                aria-label="Funnel filters"
              >
                {Object.entries(rangeParams).map(([k, v]) =>
                  v ? <input key={k} type="hidden" name={k} value={v} /> : null,
                )}
                {currency ? <input type="hidden" name="currency" value={currency} /> : null}
                <label className="text-sm text-slate-700">
                  Flow
                  <select
                    name="flow"
                    defaultValue={flow.id}
                    className="ml-1 rounded-md px-2 py-1 text-sm ring-1 ring-slate-300"
                  >
                    {setup.flows.map((f) => (
                      <option key={f.id} value={f.id}>
                        {f.name}
                      </option>
                    ))}
                  </select>
                </label>
                <label className="text-sm text-slate-700">
                  Version
                  <select
                    name="version"
                    defaultValue={state.version ?? ""}
                    className="ml-1 rounded-md px-2 py-1 text-sm ring-1 ring-slate-300"
                  >
                    <option value="">All versions</option>
                    {funnel.versions.map((v) => (
                      <option key={v.id} value={v.id}>
                        Version {v.version}
                      </option>
                    ))}
                  </select>
                </label>
                <label className="text-sm text-slate-700">
                  Channel
                  <select
                    name="channel"
                    defaultValue={state.channel ?? ""}
                    className="ml-1 rounded-md px-2 py-1 text-sm ring-1 ring-slate-300"
                  >
                    <option value="">All channels</option>
                    {funnel.channels.map((c) => (
                      <option key={c} value={c}>
                        {c}
                      </option>
                    ))}
                  </select>
                </label>
                <button
                  type="submit"
                  className="rounded-md bg-white px-3 py-1.5 text-sm font-medium ring-1 ring-slate-300 hover:bg-slate-50"
                >
                  Show funnel
                </button>
              </form>
              {flowMessage ? (
                <p role="alert" className="text-sm font-medium text-red-800">
                  {flowMessage}
                </p>
              ) : null}
              <p className="text-sm text-slate-700">
                Overall conversion:{" "}
                <strong>{overall === null ? "—" : `${(overall * 100).toFixed(1)} %`}</strong>{" "}
                {overall !== null ? <Delta now={overall} before={previousOverall} /> : null}
                {funnel.avgSecondsToPaid !== null ? (
                  <>
                    {" "}
                    · average time from first message to paid{" "}
                    {Math.round(funnel.avgSecondsToPaid / 60)} min
                  </>
                ) : null}
              </p>
            </Card>
            <ChartCard
              id="funnel"
              title={`Chat-to-pay funnel: ${flow.name}`}
              description="Each step counts conversations that reached it or a later one."
              canExport={canExport}
              exportHref={exportHref("funnel", funnelFilter)}
              empty="No conversations started on this flow in this range. Share its chat link, or pick a longer range."
              spec={{
                kind: "hbar",
                format: { kind: "count" },
                series: [{ key: "count", label: "Conversations", colour: COLOURS.a }],
                data:
                  counts.started > 0
                    ? FUNNEL_STEPS.map((s) => ({ label: s.label, count: counts[s.key] }))
                    : [],
              }}
              table={{
                columns: ["Step", "Conversations", "Step conversion", "Overall conversion"],
                rows:
                  counts.started > 0
                    ? FUNNEL_STEPS.map((s, i) => [
                        s.label,
                        num(counts[s.key]),
                        pct(
                          counts[s.key],
                          i === 0 ? counts[s.key] : counts[FUNNEL_STEPS[i - 1].key],
                        ),
                        pct(counts[s.key], counts.started),
                      ])
                    : [],
              }}
            />
            <ChartCard
              id="drop-off"
              title={`Drop-off per step: ${flow.name}`}
              description="Conversations that entered each step, and those whose last step it was without paying."
              canExport={canExport}
              exportHref={exportHref("steps", funnelFilter)}
              empty="No conversations entered this flow's steps in this range."
              spec={{
                kind: "hbar",
                format: { kind: "count" },
                series: [
                  { key: "reached", label: "Reached", colour: COLOURS.a },
                  { key: "stopped", label: "Stopped here", colour: COLOURS.b },
                ],
                data: funnel.nodes.map((n) => ({
                  label: n.label,
                  reached: n.reached,
                  stopped: n.stopped,
                })),
              }}
              table={{
                columns: ["Step", "Reached", "Stopped here", "Drop-off"],
                rows: funnel.nodes.map((n) => [
                  n.label,
                  num(n.reached),
                  num(n.stopped),
                  pct(n.stopped, n.reached),
                ]),
              }}
            />
            {funnel.nodes.some((n) => n.stopped > 0) ? (
              <Card className="space-y-3" id="stopped">
                <h2 className="text-base font-semibold text-slate-900">Who stopped where</h2>
                <nav
                  aria-label="Steps where conversations stopped"
                  className="flex flex-wrap gap-2"
                >
                  {funnel.nodes
                    .filter((n) => n.stopped > 0)
                    .map((n) => (
                      <Link
                        key={n.nodeId}
                        href={`${hrefFor({ step: n.nodeId })}#stopped`}
                        aria-current={stepNode?.nodeId === n.nodeId ? "true" : undefined}
                        className={`rounded-md px-2.5 py-1 text-sm ring-1 ring-slate-300 ${
                          stepNode?.nodeId === n.nodeId
                            ? "bg-slate-800 text-white"
                            : "bg-white text-slate-700 hover:bg-slate-50"
                        }`}
                      >
                        {n.label} ({num(n.stopped)})
                      </Link>
                    ))}
                </nav>
                {stepNode ? (
                  stopped.length === 0 ? (
                    <p className="text-sm text-slate-600">
                      No unpaid conversation of this range stopped at {stepNode.label}.
                    </p>
                  ) : (
                    <>
                      <p className="text-sm text-slate-600">
                        The {stopped.length === 20 ? "20 newest" : stopped.length} unpaid
                        conversations whose last step was <strong>{stepNode.label}</strong>
                        {canSeeTranscripts
                          ? ""
                          : " (your role does not open transcripts; ask support or an admin)"}
                        :
                      </p>
                      <ul className="divide-y divide-slate-100 text-sm">
                        {stopped.map((c) => (
                          <li key={c.id} className="flex flex-wrap gap-x-3 py-1.5">
                            {canSeeTranscripts ? (
                              <Link
                                className="font-medium text-brand-700 underline"
                                href={`/conversations/${c.id}`}
                              >
                                {c.id}
                              </Link>
                            ) : (
                              <span className="font-mono">{c.id}</span>
                            )}
                            <span className="text-slate-600">{c.channel}</span>
                            <span className="text-slate-600">
                              started {c.startedAt.toISOString().slice(0, 16).replace("T", " ")} UTC
                            </span>
                          </li>
                        ))}
                      </ul>
                    </>
                  )
                ) : (
                  <p className="text-sm text-slate-600">
                    Pick a step to list the conversations that stopped there.
                  </p>
                )}
              </Card>
            ) : null}
          </>
        ) : (
          <EmptyState title="No flows yet">
            Create and publish a flow to see its chat-to-pay funnel.
          </EmptyState>
        )}

        <p className="text-sm text-slate-600">
          <strong>Success rate</strong> = succeeded ÷ attempts that reached the provider (payments
          whose link was never opened, expired or canceled are left out); the{" "}
          <strong>raw rate</strong> beside it divides by every payment created.
        </p>
        <div className="grid gap-6 xl:grid-cols-2">
          {successCard("success-provider", "Success rate by provider", byProvider, "provider")}
          {successCard(
            "success-connection",
            "Success rate by connection",
            byConnection,
            "connection",
          )}
          {successCard("success-method", "Success rate by method", byMethod, "method")}
          <ChartCard
            id="failures"
            title="Failure reasons, ranked"
            canExport={canExport}
            exportHref={exportHref("failures")}
            empty="No failed payments in this range."
            spec={{
              kind: "hbar",
              format: { kind: "count" },
              series: [{ key: "count", label: "Failed payments", colour: COLOURS.b }],
              data: failures.map((f) => ({ label: f.code, count: f.count })),
            }}
            table={{
              columns: ["Failure reason", "Payments"],
              rows: failures.map((f) => [f.code, num(f.count)]),
            }}
          />
        </div>

        <Card className="space-y-3">
          <form
            method="get"
            action="/analytics"
            className="flex flex-wrap items-end gap-3"
            aria-label="Revenue options"
          >
            {Object.entries(rangeParams).map(([k, v]) =>
              v ? <input key={k} type="hidden" name={k} value={v} /> : null,
            )}
            {flow ? <input type="hidden" name="flow" value={flow.id} /> : null}
            <label className="text-sm text-slate-700">
              Currency
              <select
                name="currency"
                defaultValue={currency ?? ""}
                className="ml-1 rounded-md px-2 py-1 text-sm ring-1 ring-slate-300"
              >
                {setup.currencies.map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </select>
            </label>
            <label className="text-sm text-slate-700">
              Per
              <select
                name="granularity"
                defaultValue={granularity}
                className="ml-1 rounded-md px-2 py-1 text-sm ring-1 ring-slate-300"
              >
                {GRANULARITIES.map((g) => (
                  <option key={g} value={g}>
                    {g}
                  </option>
                ))}
              </select>
            </label>
            <button
              type="submit"
              className="rounded-md bg-white px-3 py-1.5 text-sm font-medium ring-1 ring-slate-300 hover:bg-slate-50"
            >
              Show revenue
            </button>
          </form>
        </Card>
        {currency ? (
          <ChartCard
            id="revenue"
            title={`Revenue in ${currency} per ${granularity}`}
            description="Gross = paid payments; net = gross − refunds. Each currency is shown on its own, never summed."
            canExport={canExport}
            exportHref={exportHref("revenue", { currency, granularity })}
            empty={`No ${currency} payments in this range. Pick another currency or a longer range.`}
            spec={{
              kind: "line",
              format: { kind: "money", currency },
              series: [
                { key: "gross", label: "Gross", colour: COLOURS.a },
                { key: "refunds", label: "Refunds", colour: COLOURS.b },
                { key: "net", label: "Net", colour: COLOURS.c },
              ],
              data: revenue.map((r) => ({
                label: r.period,
                gross: r.grossMinor,
                refunds: r.refundedMinor,
                net: r.netMinor,
              })),
            }}
            table={{
              columns: ["Period", "Payments", "Paid", "Gross", "Refunds", "Net"],
              rows: revenue.map((r) => [
                r.period,
                num(r.payments),
                num(r.paid),
                formatMoney(r.grossMinor, currency),
                formatMoney(r.refundedMinor, currency),
                formatMoney(r.netMinor, currency),
              ]),
            }}
          />
        ) : null}

        <div className="grid gap-6 xl:grid-cols-2">
          {riskCard("risk-flow", "Refunds and disputes by flow", riskFlow, "flow")}
          {riskCard("risk-provider", "Refunds and disputes by provider", riskProvider, "provider")}
        </div>
        {canExport ? (
          <p className="text-sm text-slate-600">
            Every rollup row of the range (day × flow × channel × connection × method × currency ×
            status):{" "}
            <a className="font-medium text-brand-700 underline" href={exportHref("daily")}>
              download the full daily CSV
            </a>
            .
          </p>
        ) : null}
      </div>
    </>
  );
}
