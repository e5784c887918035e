import { cn } from "@/components/ui/cn";
import type { ConnectionSummary } from "@/lib/connections/service";
import { formatDateTime, timeAgo } from "@/lib/format/time";

type Health = ConnectionSummary["health"];

function percent(rate: number): string {
  // The service reports a fraction (0..1).
  return `${Math.round(rate * 1000) / 10}%`;
}

/** One line for cards: last event, success rate, signature failures, last error. */
export function HealthLine({
  health,
  now,
  className,
}: {
  health: Health;
  now: Date;
  className?: string;
}) {
  return (
    <ul
      className={cn("flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600", className)}
      aria-label="Health"
    >
      <li>Last event {timeAgo(health.lastEventAt, now)}</li>
      <li>
        {health.successRate === null
          ? "No payments in 30 days"
          : `${percent(health.successRate)} succeeded (${health.payments30d} in 30 days)`}
      </li>
      <li className={health.signatureFailures ? "font-medium text-red-700" : undefined}>
        {health.signatureFailures} signature failure{health.signatureFailures === 1 ? "" : "s"}
      </li>
      {health.lastError ? (
        <li className="w-full truncate text-red-700">
          Last error {timeAgo(health.lastErrorAt, now)}: {health.lastError}
        </li>
      ) : null}
    </ul>
  );
}

/** The detail page's panel: the same facts, with exact times. */
export function HealthPanel({ health, now }: { health: Health; now: Date }) {
  const rows: [string, React.ReactNode][] = [
    [
      "Last event",
      health.lastEventAt ? (
        <span title={formatDateTime(health.lastEventAt)}>{timeAgo(health.lastEventAt, now)}</span>
      ) : (
        "No events yet"
      ),
    ],
    ["Payments (30 days)", health.payments30d.toLocaleString("en")],
    ["Success rate", health.successRate === null ? "—" : percent(health.successRate)],
    [
      "Signature failures",
      <span key="sf" className={health.signatureFailures ? "font-medium text-red-700" : undefined}>
        {health.signatureFailures}
      </span>,
    ],
    [
      "Last error",
      health.lastError ? (
        <span className="text-red-700">
          {health.lastError}{" "}
          <span className="text-slate-500">({formatDateTime(health.lastErrorAt)})</span>
        </span>
      ) : (
        "None"
      ),
    ],
  ];
  return (
    <dl className="grid grid-cols-[auto_1fr] gap-x-6 gap-y-2 text-sm">
      {rows.map(([term, value]) => (
        <div key={term} className="contents">
          <dt className="text-slate-500">{term}</dt>
          <dd className="text-slate-800">{value}</dd>
        </div>
      ))}
    </dl>
  );
}
