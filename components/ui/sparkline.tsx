"use client";

// A small trend line with its words beside it: the chart is decoration for sighted readers
// (aria-hidden); `description` is what a screen reader hears, and what anyone can read on hover.
import { Line, LineChart, YAxis } from "recharts";

export function Sparkline({
  values,
  description,
  width = 120,
  height = 28,
  tone = "slate",
}: {
  values: number[];
  /** The text alternative: what the line shows, in words. */
  description: string;
  width?: number;
  height?: number;
  tone?: "slate" | "green" | "amber" | "red";
}) {
  const stroke = {
    slate: "#475569",
    green: "#047857",
    amber: "#b45309",
    red: "#b91c1c",
  }[tone];
  const data = values.map((value, index) => ({ index, value }));
  return (
    <span className="inline-flex items-center" title={description} data-testid="sparkline">
      <span aria-hidden className="inline-block" style={{ width, height }}>
        <LineChart
          accessibilityLayer={false}
          width={width}
          height={height}
          data={data}
          margin={{ top: 2, right: 2, bottom: 2, left: 2 }}
        >
          <YAxis hide domain={[0, (max: number) => Math.max(1, max)]} />
          <Line
            type="monotone"
            dataKey="value"
            stroke={stroke}
            strokeWidth={1.5}
            dot={false}
            isAnimationActive={false}
          />
        </LineChart>
      </span>
      <span className="sr-only">{description}</span>
    </span>
  );
}
