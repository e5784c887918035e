"use client";
// One analytics chart with its table view (the same numbers) and its CSV download. Values
// arrive as numbers (minor units for money) and are formatted here with the currency's exponent.
import { Table, Td, Th } from "@/components/ui/table";
import { formatMoney } from "@/lib/money";
import { useState } from "react";
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { ExportButton } from "./export-button";

export type ValueFormat =
  { kind: "count" } | { kind: "percent" } | { kind: "money"; currency: string };

export interface ChartSeries {
  key: string;
  label: string;
  colour: string;
}

export interface ChartSpec {
  kind: "bar" | "line" | "hbar";
  /** Rows for the chart: `label` is the category / period, series keys hold numbers. */
  data: ({ label: string } & Record<string, number | string>)[];
  series: ChartSeries[];
  format: ValueFormat;
}

export function formatValue(value: number, format: ValueFormat): string {
  if (format.kind === "money") return formatMoney(Math.round(value), format.currency);
  if (format.kind === "percent") return `${(value * 100).toFixed(1)} %`;
  return new Intl.NumberFormat("en").format(value);
}

function Chart({ spec, title }: { spec: ChartSpec; title: string }) {
  const fmt = (v: unknown) => (typeof v === "number" ? formatValue(v, spec.format) : String(v));
  const common = (
    <>
      <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
      <Tooltip formatter={(v) => fmt(v)} />
      <Legend />
    </>
  );
  const height = spec.kind === "hbar" ? Math.max(160, 44 * spec.data.length + 60) : 280;
  return (
    <figure
      role="img"
      aria-label={`${title} chart; switch to the table for the exact figures`}
      className="w-full"
      style={{ height }}
    >
      <ResponsiveContainer width="100%" height="100%">
        {spec.kind === "line" ? (
          <LineChart
            data={spec.data}
            margin={{ left: 8, right: 16, top: 8 }}
            accessibilityLayer={false}
          >
            {common}
            <XAxis dataKey="label" tick={{ fontSize: 12, fill: "#334155" }} minTickGap={16} />
            <YAxis tickFormatter={fmt} tick={{ fontSize: 12, fill: "#334155" }} width={88} />
            {spec.series.map((s) => (
              <Line
                key={s.key}
                dataKey={s.key}
                name={s.label}
                stroke={s.colour}
                strokeWidth={2}
                dot={false}
                type="monotone"
              />
            ))}
          </LineChart>
        ) : spec.kind === "hbar" ? (
          <BarChart
            data={spec.data}
            layout="vertical"
            margin={{ left: 8, right: 16, top: 8 }}
            accessibilityLayer={false}
          >
            {common}
            <XAxis type="number" tickFormatter={fmt} tick={{ fontSize: 12, fill: "#334155" }} />
            <YAxis
              type="category"
              dataKey="label"
              width={150}
              tick={{ fontSize: 12, fill: "#334155" }}
            />
            {spec.series.map((s) => (
              <Bar key={s.key} dataKey={s.key} name={s.label} fill={s.colour} />
            ))}
          </BarChart>
        ) : (
          <BarChart
            data={spec.data}
            margin={{ left: 8, right: 16, top: 8 }}
            accessibilityLayer={false}
          >
            {common}
            <XAxis dataKey="label" tick={{ fontSize: 12, fill: "#334155" }} minTickGap={8} />
            <YAxis tickFormatter={fmt} tick={{ fontSize: 12, fill: "#334155" }} width={88} />
            {spec.series.map((s) => (
              <Bar key={s.key} dataKey={s.key} name={s.label} fill={s.colour} />
            ))}
          </BarChart>
        )}
      </ResponsiveContainer>
    </figure>
  );
}

export function ChartCard({
  id,
  title,
  description,
  spec,
  table,
  exportHref,
  canExport,
  empty,
}: {
  id: string;
  title: string;
  description?: React.ReactNode;
  spec: ChartSpec;
  table: { columns: string[]; rows: string[][] };
  exportHref: string;
  canExport: boolean;
  /** What to do when there is nothing to chart. */
  empty: string;
}) {
  const [view, setView] = useState<"chart" | "table">("chart");
  const headingId = `${id}-title`;
  return (
    <section
      aria-labelledby={headingId}
      className="rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200 sm:p-5"
    >
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <h2 id={headingId} className="text-base font-semibold text-slate-900">
            {title}
          </h2>
          {description ? <div className="mt-1 text-sm text-slate-600">{description}</div> : null}
        </div>
        <div className="flex flex-wrap items-center gap-2">
          <div
            role="group"
            aria-label={`${title}: view as`}
            className="inline-flex rounded-md ring-1 ring-slate-300"
          >
            {(["chart", "table"] as const).map((v) => (
              <button
                key={v}
                type="button"
                aria-pressed={view === v}
                onClick={() => setView(v)}
                className={`px-3 py-1.5 text-sm font-medium first:rounded-l-md last:rounded-r-md ${
                  view === v
                    ? "bg-slate-800 text-white"
                    : "bg-white text-slate-700 hover:bg-slate-50"
                }`}
              >
                {v === "chart" ? "Chart" : "Table"}
              </button>
            ))}
          </div>
          {canExport ? <ExportButton href={exportHref} label={title} /> : null}
        </div>
      </div>
      <div className="mt-4">
        {table.rows.length === 0 ? (
          <p className="rounded-md border-2 border-dashed border-slate-200 px-4 py-8 text-center text-sm text-slate-600">
            {empty}
          </p>
        ) : view === "chart" ? (
          <Chart spec={spec} title={title} />
        ) : (
          <Table label={`${title} (table)`}>
            <thead className="bg-slate-50">
              <tr>
                {table.columns.map((c) => (
                  <Th key={c}>{c}</Th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {table.rows.map((row, i) => (
                <tr key={i}>
                  {row.map((cell, j) => (
                    <Td key={j} className={j > 0 ? "text-right tabular-nums" : undefined}>
                      {cell}
                    </Td>
                  ))}
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </div>
    </section>
  );
}
