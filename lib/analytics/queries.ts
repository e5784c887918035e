// Analytics reads, all from the rollups (db/schema/analytics.ts), never from raw facts. Every
// read takes the console's view mode and a day range in the merchant's zone; money stays per
// currency. Another merchant's flow id looks exactly like an unknown one. Per-currency revenue
// (totals and the day/week/month series) reads the narrow revenue-per-day table; breakdowns by
// provider, connection, method, failure or flow read whole months from the monthly level and
// only the partial months at the range's edges day by day (exact either way).
import {
  connections,
  flows,
  flowVersions,
  analyticsFunnelDaily as funnel,
  merchants,
  analyticsPaymentsDaily as pay,
  analyticsPaymentsMonthly as payMonthly,
  analyticsRevenueDaily as revenue,
  analyticsFlowStepsDaily as steps,
  type Mode,
} from "@/db/schema";
import { assertCan, type ReadContext } from "@/lib/auth/context";
import { and, asc, between, desc, eq, inArray, sql, type AnyColumn, type SQL } from "drizzle-orm";
import { unionAll } from "drizzle-orm/pg-core";
import "server-only";
import { execRows, PAID_STATUSES, sqlList, UNATTEMPTED_STATUSES } from "./buckets";
import { rollupReadPlan, type DayRange } from "./range";

export { PAID_STATUSES };

type Days = Pick<DayRange, "from" | "to">;
const total = (column: SQL | SQL.Aliased | AnyColumn) =>
  sql<number>`coalesce(sum(${column}), 0)`.mapWith(Number);
const paidFilter = (status: SQL | AnyColumn) => sql`${status} in (${sqlList(PAID_STATUSES)})`;
const reachedFilter = (status: SQL | AnyColumn) =>
  sql`${status} not in (${sqlList(UNATTEMPTED_STATUSES)})`;
const sumIf = (column: SQL | SQL.Aliased | AnyColumn, filter: SQL) =>
  sql<number>`coalesce(sum(${column}) filter (where ${filter}), 0)`.mapWith(Number);

function payScope(ctx: ReadContext, mode: Mode, days: Days): SQL {
  return and(
    eq(pay.merchantId, ctx.merchantId),
    eq(pay.mode, mode),
    between(pay.day, days.from, days.to),
  )!;
}

type MetricName =
  | "payments"
  | "amountMinor"
  | "refundedMinor"
  | "refundedPayments"
  | "disputes"
  | "disputedMinor"
  | "disputesWon"
  | "disputesLost";

/** One level's rows as the union below reads them; sign −1 takes days back out of a month. */
function paymentColumns(t: typeof pay | typeof payMonthly, sign: 1 | -1) {
  const metric = (name: MetricName) => sql<number>`${sql.raw(String(sign))} * ${t[name]}`.as(name);
  return {
    flowId: t.flowId,
    connectionId: t.connectionId,
    provider: t.provider,
    method: t.method,
    currency: t.currency,
    status: t.status,
    failureCode: t.failureCode,
    payments: metric("payments"),
    amountMinor: metric("amountMinor"),
    refundedMinor: metric("refundedMinor"),
    refundedPayments: metric("refundedPayments"),
    disputes: metric("disputes"),
    disputedMinor: metric("disputedMinor"),
    disputesWon: metric("disputesWon"),
    disputesLost: metric("disputesLost"),
  };
}

/**
 * The payment rollup rows of a range as rollupReadPlan cuts it: months from the monthly level,
 * days added (or taken back out of a month) from the daily one. Group results keep only keys
 * with payments (a key whose payments were all taken back out sums to zero).
 */
function paymentRows(ctx: ReadContext, mode: Mode, days: Days) {
  const plan = rollupReadPlan(days.from, days.to);
  const parts = plan.days.map((r) =>
    ctx.db
      .select(paymentColumns(pay, r.sign))
      .from(pay)
      .where(payScope(ctx, mode, r)),
  );
  for (const r of plan.months) {
    const months = ctx.db
      .select(paymentColumns(payMonthly, 1))
      .from(payMonthly)
      .where(
        and(
          eq(payMonthly.merchantId, ctx.merchantId),
          eq(payMonthly.mode, mode),
          between(payMonthly.month, r.from, r.to),
        ),
      );
    // The same columns, names and types from the other table: only drizzle's table name differs.
    parts.push(months as unknown as (typeof parts)[number]);
  }
  const [first, second, ...rest] = parts;
  return (parts.length > 1 ? unionAll(first, second, ...rest) : first).as("p");
}

const hasPayments = (p: ReturnType<typeof paymentRows>) => sql`sum(${p.payments}) > 0`;

function revenueScope(ctx: ReadContext, mode: Mode, days: Days): SQL {
  return and(
    eq(revenue.merchantId, ctx.merchantId),
    eq(revenue.mode, mode),
    between(revenue.day, days.from, days.to),
  )!;
}

export interface AnalyticsSetup {
  timeZone: string;
  flows: { id: string; name: string }[];
  /** Currencies with payments in this mode, most used first. */
  currencies: string[];
}

export async function getAnalyticsSetup(ctx: ReadContext, mode: Mode): Promise<AnalyticsSetup> {
  assertCan(ctx, "analytics.view");
  const [merchant] = await ctx.db
    .select({ timeZone: merchants.timezone })
    .from(merchants)
    .where(eq(merchants.id, ctx.merchantId));
  const flowRows = await ctx.db
    .select({ id: flows.id, name: flows.name })
    .from(flows)
    .where(eq(flows.merchantId, ctx.merchantId))
    .orderBy(asc(flows.name), asc(flows.id));
  const currencies = await ctx.db
    .select({ currency: revenue.currency, n: total(revenue.payments) })
    .from(revenue)
    .where(and(eq(revenue.merchantId, ctx.merchantId), eq(revenue.mode, mode)))
    .groupBy(revenue.currency)
    .orderBy(desc(total(revenue.payments)), asc(revenue.currency));
  return {
    timeZone: merchant?.timeZone ?? "UTC",
    flows: flowRows,
    currencies: currencies.map((c) => c.currency),
  };
}

export interface CurrencySummary {
  currency: string;
  payments: number;
  paid: number;
  grossMinor: number;
  refundedMinor: number;
  netMinor: number;
}

/** Volume and revenue per currency (gross = paid payments' amounts; net = gross − refunds). */
export async function summarizeByCurrency(
  ctx: ReadContext,
  mode: Mode,
  days: Days,
): Promise<CurrencySummary[]> {
  assertCan(ctx, "analytics.view");
  const rows = await ctx.db
    .select({
      currency: revenue.currency,
      payments: total(revenue.payments),
      paid: total(revenue.paid),
      grossMinor: total(revenue.paidMinor),
      refundedMinor: total(revenue.refundedMinor),
    })
    .from(revenue)
    .where(revenueScope(ctx, mode, days))
    .groupBy(revenue.currency)
    .orderBy(asc(revenue.currency));
  return rows.map((r) => ({ ...r, netMinor: r.grossMinor - r.refundedMinor }));
}

export const FUNNEL_STEPS = [
  { key: "started", label: "Conversation started" },
  { key: "reachedPay", label: "Reached a pay step" },
  { key: "confirmed", label: "Confirmed the amount" },
  { key: "methodChosen", label: "Method chosen" },
  { key: "linkSent", label: "Payment link sent" },
  { key: "linkOpened", label: "Link opened (reached the provider)" },
  { key: "paid", label: "Paid" },
] as const;
export type FunnelStepKey = (typeof FUNNEL_STEPS)[number]["key"];

export interface FunnelFilter {
  flowId: string;
  flowVersionId?: string;
  channel?: string;
}

export interface FlowFunnel {
  flowId: string;
  counts: Record<FunnelStepKey, number>;
  /** Mean seconds from the first message to paid, null with nothing paid. */
  avgSecondsToPaid: number | null;
  versions: { id: string; version: number }[];
  channels: string[];
  /** Every node conversations entered, in the flow's order, with the flow's own names. */
  nodes: { nodeId: string; label: string; reached: number; stopped: number }[];
}

interface GraphNodeLike {
  id?: unknown;
  type?: unknown;
  data?: { label?: unknown };
}

const NODE_TYPE_NAMES: Record<string, string> = {
  start: "Start",
  message: "Message",
  ask: "Question",
  product_choice: "Product choice",
  choose_method: "Choose method",
  confirm: "Confirm order",
  pay: "Pay",
  wait_payment: "Wait for payment",
  reminder: "Reminder",
  receipt: "Receipt",
  end: "End",
  handoff: "Hand-off",
};

function nodeNames(graph: unknown): { order: string[]; names: Map<string, string> } {
  const list = (graph as { nodes?: GraphNodeLike[] } | null)?.nodes ?? [];
  const names = new Map<string, string>();
  const order: string[] = [];
  for (const node of list) {
    if (typeof node.id !== "string") continue;
    order.push(node.id);
    const label = typeof node.data?.label === "string" ? node.data.label.trim() : "";
    const type = typeof node.type === "string" ? (NODE_TYPE_NAMES[node.type] ?? node.type) : "";
    names.set(node.id, label || `${type} (${node.id})`);
  }
  return { order, names };
}

export async function flowExists(ctx: ReadContext, flowId: string): Promise<boolean> {
  const [row] = await ctx.db
    .select({ id: flows.id })
    .from(flows)
    .where(and(eq(flows.merchantId, ctx.merchantId), eq(flows.id, flowId)));
  return Boolean(row);
}

/** The chat-to-pay funnel of one flow (optionally one version and one channel), with drop-off per node. */
export async function getFlowFunnel(
  ctx: ReadContext,
  mode: Mode,
  days: Days,
  filter: FunnelFilter,
): Promise<FlowFunnel | null> {
  assertCan(ctx, "analytics.view");
  if (!(await flowExists(ctx, filter.flowId))) return null;
  const base = and(
    eq(funnel.merchantId, ctx.merchantId),
    eq(funnel.mode, mode),
    between(funnel.day, days.from, days.to),
    eq(funnel.flowId, filter.flowId),
  );
  const scoped = and(
    base,
    filter.flowVersionId ? eq(funnel.flowVersionId, filter.flowVersionId) : undefined,
    filter.channel ? eq(funnel.channel, filter.channel) : undefined,
  );
  const [counts] = await ctx.db
    .select({
      started: total(funnel.started),
      reachedPay: total(funnel.reachedPay),
      confirmed: total(funnel.confirmed),
      methodChosen: total(funnel.methodChosen),
      linkSent: total(funnel.linkSent),
      linkOpened: total(funnel.linkOpened),
      paid: total(funnel.paid),
      paidSeconds: total(funnel.paidSecondsSum),
    })
    .from(funnel)
    .where(scoped);
  const channelRows = await ctx.db
    .selectDistinct({ channel: funnel.channel })
    .from(funnel)
    .where(base)
    .orderBy(asc(funnel.channel));
  const versions = await ctx.db
    .select({ id: flowVersions.id, version: flowVersions.version, graph: flowVersions.graph })
    .from(flowVersions)
    .where(and(eq(flowVersions.merchantId, ctx.merchantId), eq(flowVersions.flowId, filter.flowId)))
    .orderBy(desc(flowVersions.version));
  const nodeRows = await ctx.db
    .select({
      nodeId: steps.nodeId,
      reached: total(steps.reached),
      stopped: total(steps.stopped),
    })
    .from(steps)
    .where(
      and(
        eq(steps.merchantId, ctx.merchantId),
        eq(steps.mode, mode),
        between(steps.day, days.from, days.to),
        eq(steps.flowId, filter.flowId),
        filter.flowVersionId ? eq(steps.flowVersionId, filter.flowVersionId) : undefined,
        filter.channel ? eq(steps.channel, filter.channel) : undefined,
      ),
    )
    .groupBy(steps.nodeId);
  // Names from the chosen version, else the newest one; older versions fill in removed nodes.
  const chosen = versions.find((v) => v.id === filter.flowVersionId);
  const graphs = chosen ? [chosen, ...versions.filter((v) => v !== chosen)] : versions;
  const names = new Map<string, string>();
  const order: string[] = [];
  for (const v of graphs) {
    const g = nodeNames(v.graph);
    for (const id of g.order) if (!order.includes(id)) order.push(id);
    for (const [id, name] of g.names) if (!names.has(id)) names.set(id, name);
  }
  const rank = (id: string) => (order.includes(id) ? order.indexOf(id) : order.length);
  const nodes = nodeRows
    .map((r) => ({ ...r, label: names.get(r.nodeId) ?? r.nodeId }))
    .sort((a, b) => b.reached - a.reached || rank(a.nodeId) - rank(b.nodeId));
  const { paidSeconds, ...stepCounts } = counts;
  return {
    flowId: filter.flowId,
    counts: stepCounts,
    avgSecondsToPaid: stepCounts.paid > 0 ? paidSeconds / stepCounts.paid : null,
    versions: versions.map((v) => ({ id: v.id, version: v.version })),
    channels: channelRows.map((c) => c.channel).filter(Boolean),
    nodes,
  };
}

export type SuccessDimension = "provider" | "connection" | "method";

export interface SuccessRow {
  key: string;
  label: string;
  /** Every payment created. */
  attempts: number;
  /** Payments the customer took to the provider (not created / expired / canceled). */
  reached: number;
  succeeded: number;
}

/** Success rate = succeeded ÷ attempts that reached the provider; raw = succeeded ÷ all. */
export async function successRates(
  ctx: ReadContext,
  mode: Mode,
  days: Days,
  by: SuccessDimension,
): Promise<SuccessRow[]> {
  assertCan(ctx, "analytics.view");
  const p = paymentRows(ctx, mode, days);
  const column = by === "provider" ? p.provider : by === "connection" ? p.connectionId : p.method;
  const rows = await ctx.db
    .select({
      key: column,
      attempts: total(p.payments),
      reached: sumIf(p.payments, reachedFilter(p.status)),
      succeeded: sumIf(p.payments, paidFilter(p.status)),
    })
    .from(p)
    .groupBy(column)
    .having(hasPayments(p))
    .orderBy(desc(total(p.payments)), asc(column));
  let labels = new Map<string, string>();
  if (by === "connection" && rows.length > 0) {
    const named = await ctx.db
      .select({ id: connections.id, label: connections.label, provider: connections.provider })
      .from(connections)
      .where(
        and(
          eq(connections.merchantId, ctx.merchantId),
          inArray(
            connections.id,
            rows.map((r) => r.key),
          ),
        ),
      );
    labels = new Map(named.map((c) => [c.id, `${c.label} (${c.provider})`]));
  }
  return rows.map((r) => ({
    ...r,
    label: by === "connection" ? (labels.get(r.key) ?? r.key) : r.key || "not chosen",
  }));
}

export async function failureReasons(
  ctx: ReadContext,
  mode: Mode,
  days: Days,
): Promise<{ code: string; count: number }[]> {
  assertCan(ctx, "analytics.view");
  const p = paymentRows(ctx, mode, days);
  return ctx.db
    .select({ code: p.failureCode, count: total(p.payments) })
    .from(p)
    .where(eq(p.status, "failed"))
    .groupBy(p.failureCode)
    .having(hasPayments(p))
    .orderBy(desc(total(p.payments)), asc(p.failureCode));
}

export const GRANULARITIES = ["day", "week", "month"] as const;
export type Granularity = (typeof GRANULARITIES)[number];

export interface RevenuePoint {
  period: string;
  payments: number;
  paid: number;
  grossMinor: number;
  refundedMinor: number;
  netMinor: number;
}

/** Revenue of one currency per day, week (Monday) or month; never summed across currencies. */
export async function revenueSeries(
  ctx: ReadContext,
  mode: Mode,
  days: Days,
  currency: string,
  granularity: Granularity,
): Promise<RevenuePoint[]> {
  assertCan(ctx, "analytics.view");
  // One row per day of the currency (its own key range): a year is 365 rows to group.
  const period =
    granularity === "day"
      ? sql<string>`to_char(${revenue.day}, 'YYYY-MM-DD')`
      : granularity === "week"
        ? sql<string>`to_char(date_trunc('week', ${revenue.day}::timestamp), 'YYYY-MM-DD')`
        : sql<string>`to_char(date_trunc('month', ${revenue.day}::timestamp), 'YYYY-MM')`;
  const rows = await ctx.db
    .select({
      period,
      payments: total(revenue.payments),
      paid: total(revenue.paid),
      grossMinor: total(revenue.paidMinor),
      refundedMinor: total(revenue.refundedMinor),
    })
    .from(revenue)
    .where(and(revenueScope(ctx, mode, days), eq(revenue.currency, currency)))
    .groupBy(sql`1`)
    .orderBy(sql`1`);
  return rows.map((r) => ({ ...r, netMinor: r.grossMinor - r.refundedMinor }));
}

export type RiskDimension = "flow" | "provider";

export interface RiskRow {
  key: string;
  label: string;
  currency: string;
  paid: number;
  paidMinor: number;
  refundedPayments: number;
  refundedMinor: number;
  disputes: number;
  disputedMinor: number;
  disputesWon: number;
  disputesLost: number;
}

/** Refund and dispute counts and amounts per flow or provider, per currency. */
export async function riskBy(
  ctx: ReadContext,
  mode: Mode,
  days: Days,
  by: RiskDimension,
): Promise<RiskRow[]> {
  assertCan(ctx, "analytics.view");
  const p = paymentRows(ctx, mode, days);
  const column = by === "flow" ? p.flowId : p.provider;
  const rows = await ctx.db
    .select({
      key: column,
      currency: p.currency,
      paid: sumIf(p.payments, paidFilter(p.status)),
      paidMinor: sumIf(p.amountMinor, paidFilter(p.status)),
      refundedPayments: total(p.refundedPayments),
      refundedMinor: total(p.refundedMinor),
      disputes: total(p.disputes),
      disputedMinor: total(p.disputedMinor),
      disputesWon: total(p.disputesWon),
      disputesLost: total(p.disputesLost),
    })
    .from(p)
    .groupBy(column, p.currency)
    .having(hasPayments(p))
    .orderBy(asc(column), asc(p.currency));
  let labels = new Map<string, string>();
  if (by === "flow") {
    const named = await ctx.db
      .select({ id: flows.id, name: flows.name })
      .from(flows)
      .where(eq(flows.merchantId, ctx.merchantId));
    labels = new Map(named.map((f) => [f.id, f.name]));
  }
  return rows.map((r) => ({
    ...r,
    label: by === "flow" ? (r.key ? (labels.get(r.key) ?? r.key) : "no flow") : r.key,
  }));
}

export interface StoppedConversation {
  id: string;
  channel: string;
  startedAt: Date;
}

/**
 * The drill-down behind a drop-off bar: unpaid conversations of the range whose last step was
 * `nodeId`, newest first. Read from raw facts (bounded by `limit`), like a transcript list.
 */
export async function conversationsStoppedAt(
  ctx: ReadContext,
  mode: Mode,
  range: Pick<DayRange, "from" | "to" | "timeZone">,
  flowId: string,
  nodeId: string,
  limit = 20,
): Promise<StoppedConversation[]> {
  assertCan(ctx, "analytics.view");
  const rows = await execRows<{ id: string; channel: string; started_at: string | Date }>(
    ctx.db,
    sql`
    select c.id, c.channel, c.started_at from conversations c
    where c.merchant_id = ${ctx.merchantId} and c.mode = ${mode} and c.flow_id = ${flowId}
      and not c.is_simulation
      and c.started_at >= (${range.from}::date::timestamp at time zone ${range.timeZone})
      and c.started_at < ((${range.to}::date + 1)::timestamp at time zone ${range.timeZone})
      and (select e.node_id from conversation_events e
           where e.merchant_id = c.merchant_id and e.conversation_id = c.id and e.kind = 'entered'
           order by e.seq desc limit 1) = ${nodeId}
      and not exists (select 1 from payments p
           where p.merchant_id = c.merchant_id and p.conversation_id = c.id and p.mode = c.mode
             and p.status in (${sqlList(PAID_STATUSES)}))
    order by c.started_at desc, c.id
    limit ${Math.min(Math.max(1, limit), 100)}`,
  );
  return rows.map((r) => ({ id: r.id, channel: r.channel, startedAt: new Date(r.started_at) }));
}
