// What each chart's CSV holds, as pages of rows read from the rollups: the route handler
// (app/api/analytics/export/route.ts) streams them page by page, so a large range never builds
// the whole file. The row count comes first (sent as a header for the browser's progress).
import { analyticsPaymentsDaily as pay, type Mode } from "@/db/schema";
import { assertCan, type ReadContext } from "@/lib/auth/context";
import { AppError } from "@/lib/errors";
import { and, asc, between, eq, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { CsvCell } from "./csv";
import {
  FUNNEL_STEPS,
  GRANULARITIES,
  failureReasons,
  getFlowFunnel,
  revenueSeries,
  riskBy,
  successRates,
} from "./queries";
import type { DayRange } from "./range";

export const EXPORT_CHARTS = [
  "funnel",
  "steps",
  "success",
  "failures",
  "revenue",
  "risk",
  "daily",
] as const;
export type ExportChart = (typeof EXPORT_CHARTS)[number];

/** More rows than this is refused with a message (narrow the range), never attempted. */
export const MAX_EXPORT_ROWS = 2_000_000;
export const EXPORT_PAGE_ROWS = 2_000;

/** The bounds of one export: the route takes the defaults; tests pass small ones. */
export interface ExportLimits {
  maxRows: number;
  pageRows: number;
}
const DEFAULT_LIMITS: ExportLimits = { maxRows: MAX_EXPORT_ROWS, pageRows: EXPORT_PAGE_ROWS };

export const ExportParamsSchema = z.object({
  chart: z.enum(EXPORT_CHARTS, { message: "Unknown chart." }),
  flow: z.string().max(100).optional(),
  version: z.string().max(100).optional(),
  channel: z.string().max(40).optional(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, "A currency is three capital letters.")
    .optional(),
  granularity: z.enum(GRANULARITIES).optional(),
  by: z.enum(["provider", "connection", "method", "flow"]).optional(),
});
export type ExportParams = z.infer<typeof ExportParamsSchema>;

export interface ChartExport {
  filename: string;
  header: string[];
  totalRows: number;
  pages: AsyncIterable<CsvCell[][]>;
}

/** A request that cannot be answered as asked: a 422 with the reason. */
const refuse = (message: string) => new AppError(message, 422);

async function* once(rows: CsvCell[][]): AsyncIterable<CsvCell[][]> {
  yield rows;
}

const rate = (n: number, d: number): string => (d > 0 ? (n / d).toFixed(4) : "");

export async function chartExport(
  ctx: ReadContext,
  mode: Mode,
  range: Pick<DayRange, "from" | "to">,
  params: ExportParams,
  limits: ExportLimits = DEFAULT_LIMITS,
): Promise<ChartExport> {
  assertCan(ctx, "analytics.export");
  const name = (chart: string) => `parley-${chart}-${mode}-${range.from}-to-${range.to}.csv`;
  switch (params.chart) {
    case "funnel":
    case "steps": {
      if (!params.flow) throw refuse("Pick a flow to export its funnel.");
      const f = await getFlowFunnel(ctx, mode, range, {
        flowId: params.flow,
        flowVersionId: params.version,
        channel: params.channel,
      });
      if (!f) throw refuse("This flow does not exist.");
      if (params.chart === "funnel") {
        const rows = FUNNEL_STEPS.map((s, i): CsvCell[] => {
          const n = f.counts[s.key];
          const prev = i === 0 ? n : f.counts[FUNNEL_STEPS[i - 1].key];
          return [s.label, n, rate(n, prev), rate(n, f.counts.started)];
        });
        return {
          filename: name("funnel"),
          header: ["step", "conversations", "step_conversion", "overall_conversion"],
          totalRows: rows.length,
          pages: once(rows),
        };
      }
      const rows = f.nodes.map((n): CsvCell[] => [
        n.nodeId,
        n.label,
        n.reached,
        n.stopped,
        rate(n.stopped, n.reached),
      ]);
      return {
        filename: name("drop-off"),
        header: ["node_id", "node", "reached", "stopped_here", "drop_off_rate"],
        totalRows: rows.length,
        pages: once(rows),
      };
    }
    case "success": {
      const by = params.by === "connection" || params.by === "method" ? params.by : "provider";
      const rows = (await successRates(ctx, mode, range, by)).map((r): CsvCell[] => [
        r.label,
        r.attempts,
        r.reached,
        r.succeeded,
        rate(r.succeeded, r.reached),
        rate(r.succeeded, r.attempts),
      ]);
      return {
        filename: name(`success-by-${by}`),
        header: [by, "attempts", "reached_provider", "succeeded", "success_rate", "raw_rate"],
        totalRows: rows.length,
        pages: once(rows),
      };
    }
    case "failures": {
      const rows = (await failureReasons(ctx, mode, range)).map((r): CsvCell[] => [
        r.code,
        r.count,
      ]);
      return {
        filename: name("failure-reasons"),
        header: ["failure_code", "payments"],
        totalRows: rows.length,
        pages: once(rows),
      };
    }
    case "revenue": {
      if (!params.currency)
        throw refuse("Pick a currency: revenue is never summed across currencies.");
      const c = params.currency;
      const rows = (await revenueSeries(ctx, mode, range, c, params.granularity ?? "day")).map(
        (r): CsvCell[] => [
          r.period,
          c,
          r.payments,
          r.paid,
          { minor: r.grossMinor, currency: c },
          { minor: r.refundedMinor, currency: c },
          { minor: r.netMinor, currency: c },
        ],
      );
      return {
        filename: name(`revenue-${c}`),
        header: ["period", "currency", "payments", "paid", "gross", "refunds", "net"],
        totalRows: rows.length,
        pages: once(rows),
      };
    }
    case "risk": {
      const by = params.by === "flow" ? "flow" : "provider";
      const rows = (await riskBy(ctx, mode, range, by)).map((r): CsvCell[] => [
        r.label,
        r.currency,
        r.paid,
        { minor: r.paidMinor, currency: r.currency },
        r.refundedPayments,
        { minor: r.refundedMinor, currency: r.currency },
        rate(r.refundedPayments, r.paid),
        rate(r.refundedMinor, r.paidMinor),
        r.disputes,
        { minor: r.disputedMinor, currency: r.currency },
        rate(r.disputes, r.paid),
        rate(r.disputedMinor, r.paidMinor),
        r.disputesWon,
        r.disputesLost,
      ]);
      return {
        filename: name(`risk-by-${by}`),
        header: [
          by,
          "currency",
          "paid",
          "paid_amount",
          "refunded_payments",
          "refunded_amount",
          "refund_rate_count",
          "refund_rate_amount",
          "disputes",
          "disputed_amount",
          "dispute_rate_count",
          "dispute_rate_amount",
          "disputes_won",
          "disputes_lost",
        ],
        totalRows: rows.length,
        pages: once(rows),
      };
    }
    case "daily":
      return dailyExport(ctx, mode, range, name("daily"), limits);
  }
}

interface DailyRow {
  day: string;
  flowId: string;
  flowVersionId: string;
  channel: string;
  connectionId: string;
  provider: string;
  method: string;
  currency: string;
  status: string;
  failureCode: string;
  payments: number;
  amountMinor: number;
  refundedMinor: number;
  disputes: number;
  disputedMinor: number;
}

/** Every rollup row of the range, keyset-paged on its primary key: constant memory at any size. */
async function dailyExport(
  ctx: ReadContext,
  mode: Mode,
  range: Pick<DayRange, "from" | "to">,
  filename: string,
  { maxRows, pageRows }: ExportLimits,
): Promise<ChartExport> {
  const scope = and(
    eq(pay.merchantId, ctx.merchantId),
    eq(pay.mode, mode),
    between(pay.day, range.from, range.to),
  );
  // Counting stops one row past the limit, so a 50M-row range costs no more to refuse than a
  // 2M-row one to accept.
  const capped = ctx.db
    .select({ one: sql`1`.as("one") })
    .from(pay)
    .where(scope)
    .limit(maxRows + 1)
    .as("capped");
  const [{ n }] = await ctx.db.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(capped);
  if (n > maxRows) {
    throw refuse(
      `This export would hold more than ${maxRows.toLocaleString("en")} rows, the limit. Pick a shorter range.`,
    );
  }
  const keyColumns = [
    pay.day,
    pay.flowId,
    pay.flowVersionId,
    pay.channel,
    pay.connectionId,
    pay.provider,
    pay.method,
    pay.currency,
    pay.status,
    pay.failureCode,
  ] as const;
  async function* pages(): AsyncIterable<CsvCell[][]> {
    let after: string[] | null = null;
    for (;;) {
      // Row-value comparison (a, b, …) > (x, y, …) walks the primary key index in order.
      const keyset: SQL | undefined = after
        ? sql`(${sql.join([...keyColumns], sql`, `)}) > (${sql.join(
            after.map((v, i) => (i === 0 ? sql`${v}::date` : sql`${v}`)),
            sql`, `,
          )})`
        : undefined;
      const rows: DailyRow[] = await ctx.db
        .select({
          day: sql<string>`to_char(${pay.day}, 'YYYY-MM-DD')`,
          flowId: pay.flowId,
          flowVersionId: pay.flowVersionId,
          channel: pay.channel,
          connectionId: pay.connectionId,
          provider: pay.provider,
          method: pay.method,
          currency: pay.currency,
          status: pay.status,
          failureCode: pay.failureCode,
          payments: pay.payments,
          amountMinor: pay.amountMinor,
          refundedMinor: pay.refundedMinor,
          disputes: pay.disputes,
          disputedMinor: pay.disputedMinor,
        })
        .from(pay)
        .where(and(scope, keyset))
        .orderBy(...keyColumns.map((c) => asc(c)))
        .limit(pageRows);
      if (rows.length === 0) return;
      yield rows.map((r): CsvCell[] => [
        r.day,
        r.flowId,
        r.flowVersionId,
        r.channel,
        r.connectionId,
        r.provider,
        r.method,
        r.currency,
        r.status,
        r.failureCode,
        r.payments,
        { minor: r.amountMinor, currency: r.currency },
        { minor: r.refundedMinor, currency: r.currency },
        r.disputes,
        { minor: r.disputedMinor, currency: r.currency },
      ]);
      if (rows.length < pageRows) return;
      const last: DailyRow = rows[rows.length - 1];
      after = [
        last.day,
        last.flowId,
        last.flowVersionId,
        last.channel,
        last.connectionId,
        last.provider,
        last.method,
        last.currency,
        last.status,
        last.failureCode,
      ];
    }
  }
  return {
    filename,
    header: [
      "day",
      "flow_id",
      "flow_version_id",
      "channel",
      "connection_id",
      "provider",
      "method",
      "currency",
      "status",
      "failure_code",
      "payments",
      "amount",
      "refunded",
      "disputes",
      "disputed_amount",
    ],
    totalRows: n,
    pages: pages(),
  };
}

/** The whole CSV as text (tests and small exports); the route streams the same lines. */
export async function* csvLines(
  exp: ChartExport,
  line: (cells: readonly CsvCell[]) => string,
): AsyncIterable<string> {
  yield line(exp.header);
  for await (const page of exp.pages) yield page.map(line).join("");
}
