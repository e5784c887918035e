import { Badge, type Tone } from "@/components/ui/badge";
import { cn } from "@/components/ui/cn";
import { Sparkline } from "@/components/ui/sparkline";
import type { ConnectionHealth, HealthLevel, HealthWindowFigures } from "@/lib/connections/health";
import { formatDateTime, timeAgo } from "@/lib/format/time";

const TONE: Record<HealthLevel, Tone> = { green: "green", amber: "amber", red: "red" };

function percent(rate: number | null): string {
  return rate === null ? "—" : `${Math.round(rate * 1000) / 10}%`;
}

/** "42 s", "3 min 5 s", "1 h 2 min": how long customers took to pay. */
export function formatTimeToPay(ms: number | null): string {
  if (ms === null) return "—";
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return seconds % 60 ? `${minutes} min ${seconds % 60} s` : `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
}

function hourLabel(date: Date): string {
  return `${String(date.getUTCHours()).padStart(2, "0")}:00 UTC`;
}

/** The sparkline's words: what a screen reader hears instead of the line. */
export function hourlyDescription(hourly: ConnectionHealth["hourly"]): string {
  const total = hourly.reduce((n, b) => n + b.volume, 0);
  if (total === 0) return "Payments per hour over the last 24 hours: none.";
  const busiest = hourly.reduce((best, b) => (b.volume > best.volume ? b : best), hourly[0]);
  const succeeded = hourly.reduce((n, b) => n + b.succeeded, 0);
  return `Payments per hour over the last 24 hours: ${total} in all, ${succeeded} paid; busiest hour ${hourLabel(busiest.start)} with ${busiest.volume}.`;
}

export function HealthBadge({ health }: { health: ConnectionHealth }) {
  return (
    <span data-testid="health-status" data-level={health.verdict.level}>
      <Badge tone={TONE[health.verdict.level]} className="whitespace-normal text-left">
        {health.verdict.summary}
      </Badge>
    </span>
  );
}

function HealthSparkline({ health }: { health: ConnectionHealth }) {
  return (
    <Sparkline
      values={health.hourly.map((b) => b.volume)}
      description={hourlyDescription(health.hourly)}
      tone={health.verdict.level === "green" ? "slate" : health.verdict.level}
    />
  );
}

/** One block for cards: the verdict, the day in a line, and the sparkline. */
export function HealthLine({
  health,
  now,
  className,
}: {
  health: ConnectionHealth;
  now: Date;
  className?: string;
}) {
  return (
    <div className={cn("space-y-2", className)}>
      <HealthBadge health={health} />
      <div className="flex flex-wrap items-center gap-x-4 gap-y-1 text-xs text-slate-600">
        <HealthSparkline health={health} />
        <ul className="flex flex-wrap gap-x-4 gap-y-1" aria-label="Health, last day">
          <li>Last webhook {timeAgo(health.lastWebhookAt, now)}</li>
          <li>
            {health.day.volume === 0
              ? "No payments in the last day"
              : `${percent(health.day.successRate)} succeeded (${health.day.volume} in the last day)`}
          </li>
          {health.day.signatureFailures ? (
            <li className="font-medium text-red-700">
              {health.day.signatureFailures} signature failure
              {health.day.signatureFailures === 1 ? "" : "s"} in the last day
            </li>
          ) : null}
        </ul>
      </div>
    </div>
  );
}

const WINDOW_ROWS: [string, (w: HealthWindowFigures) => React.ReactNode][] = [
  ["Payments", (w) => w.volume.toLocaleString("en")],
  ["Success rate", (w) => percent(w.successRate)],
  ["Median time to pay", (w) => formatTimeToPay(w.medianTimeToPayMs)],
  [
    "Signature failures",
    (w) => (
      <span className={w.signatureFailures ? "font-medium text-red-700" : undefined}>
        {w.signatureFailures}
      </span>
    ),
  ],
  [
    "Failed deliveries",
    (w) => <span className={w.errors ? "font-medium text-red-700" : undefined}>{w.errors}</span>,
  ],
];

/** The detail page's panel: the verdict with every problem, both windows side by side. */
export function HealthPanel({ health, now }: { health: ConnectionHealth; now: Date }) {
  return (
    <div className="space-y-4 text-sm">
      <HealthBadge health={health} />
      {health.verdict.problems.length > 1 ? (
        <ul className="list-disc space-y-0.5 pl-5 text-slate-700" aria-label="Problems">
          {health.verdict.problems.map((p) => (
            <li key={p.text}>
              <span className="font-medium">{p.level === "red" ? "Red" : "Amber"}:</span> {p.text}
            </li>
          ))}
        </ul>
      ) : null}
      <table className="w-full text-sm" data-testid="health-windows">
        <caption className="sr-only">Health over the last hour and the last day</caption>
        <thead>
          <tr className="text-left text-xs text-slate-500">
            <th scope="col" className="py-1 pr-4 font-medium">
              <span className="sr-only">Figure</span>
            </th>
            <th scope="col" className="py-1 pr-4 text-right font-medium">
              Last hour
            </th>
            <th scope="col" className="py-1 text-right font-medium">
              Last day
            </th>
          </tr>
        </thead>
        <tbody>
          {WINDOW_ROWS.map(([label, value]) => (
            <tr key={label} className="border-t border-slate-100">
              <th scope="row" className="py-1.5 pr-4 text-left font-normal text-slate-500">
                {label}
              </th>
              <td className="py-1.5 pr-4 text-right tabular-nums">{value(health.hour)}</td>
              <td className="py-1.5 text-right tabular-nums">{value(health.day)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-6 gap-y-2">
        <dt className="text-slate-500">Last webhook</dt>
        <dd className="text-slate-800">
          {health.lastWebhookAt ? (
            <span title={formatDateTime(health.lastWebhookAt)}>
              {timeAgo(health.lastWebhookAt, now)}
            </span>
          ) : (
            "None received yet"
          )}
        </dd>
        <dt className="text-slate-500">Waiting on the provider</dt>
        <dd className="text-slate-800">{health.pending}</dd>
        <dt className="text-slate-500">Payments per hour</dt>
        <dd className="text-slate-800">
          <HealthSparkline health={health} />
        </dd>
        <dt className="text-slate-500">Last error</dt>
        <dd className="break-words text-slate-800">
          {health.lastError ? (
            <span className="text-red-700">
              {health.lastError}{" "}
              <span className="text-slate-500">({formatDateTime(health.lastErrorAt)})</span>
            </span>
          ) : (
            "None"
          )}
        </dd>
      </dl>
    </div>
  );
}
