// A payment's one timeline: system, provider and user events merged in order
// (lib/payments/timeline.ts). Raw webhook bodies arrive only for roles that may read them.
import { Badge, type Tone } from "@/components/ui/badge";
import { formatDateTime } from "@/lib/format/time";
import { formatMoney } from "@/lib/money";
import type { TimelineEntry, TimelineSource } from "@/lib/payments/timeline";
import Link from "next/link";
import { PaymentStatusBadge } from "./payment-status-badge";

const SOURCE: Record<TimelineSource, { label: string; tone: Tone; dot: string }> = {
  system: { label: "Parley", tone: "violet", dot: "bg-violet-400" },
  provider: { label: "Provider", tone: "blue", dot: "bg-sky-500" },
  user: { label: "Team", tone: "slate", dot: "bg-slate-500" },
};

/** Late deliveries are the point of showing both times: the provider's and ours. */
function lagNote(occurredAt: Date, recordedAt: Date | undefined): string | null {
  if (!recordedAt) return null;
  const lag = recordedAt.getTime() - occurredAt.getTime();
  if (!Number.isFinite(lag) || lag < 2_000) return null;
  return lag < 120_000
    ? `recorded ${Math.round(lag / 1000)} s later`
    : `recorded ${Math.round(lag / 60_000)} min later`;
}

function amount(amountMinor: number, currency: string): string {
  try {
    return formatMoney(amountMinor, currency);
  } catch {
    return `${amountMinor} ${currency}`;
  }
}

export function PaymentTimeline({ entries }: { entries: TimelineEntry[] }) {
  if (entries.length === 0) {
    return (
      <p className="text-sm text-slate-600">
        No events yet. They appear as the provider reports the customer&apos;s progress.
      </p>
    );
  }
  return (
    <ol className="relative space-y-4 border-l border-slate-200 pl-5" aria-label="Timeline">
      {entries.map((entry) => {
        const source = SOURCE[entry.source];
        const lag = lagNote(entry.at, entry.recordedAt);
        return (
          <li key={entry.key} className="relative" data-kind={entry.kind}>
            <span
              aria-hidden
              className={`absolute -left-[1.65rem] top-1.5 h-2.5 w-2.5 rounded-full ring-4 ring-white ${source.dot}`}
            />
            <div className="flex flex-wrap items-center gap-2">
              <span
                className={
                  entry.kind === "state_change"
                    ? "break-all font-mono text-sm font-semibold text-slate-900"
                    : "text-sm font-semibold text-slate-900"
                }
              >
                {entry.href && entry.href.startsWith("/") ? (
                  <Link href={entry.href} className="text-brand-700 hover:underline">
                    {entry.title}
                  </Link>
                ) : entry.href ? (
                  <a
                    href={entry.href}
                    target="_blank"
                    rel="noopener noreferrer"
                    className="text-brand-700 hover:underline"
                  >
                    {entry.title}
                  </a>
                ) : (
                  entry.title
                )}
              </span>
              <Badge tone={source.tone}>{source.label}</Badge>
              {entry.statusAfter ? (
                <span className="inline-flex items-center gap-1 text-xs text-slate-500">
                  → <PaymentStatusBadge status={entry.statusAfter} />
                </span>
              ) : null}
              {entry.kind === "state_change" &&
              entry.amountMinor !== null &&
              entry.amountMinor !== undefined &&
              entry.currency ? (
                <span className="text-xs tabular-nums text-slate-600">
                  {amount(entry.amountMinor, entry.currency)}
                </span>
              ) : null}
            </div>
            <p className="mt-0.5 text-xs text-slate-500">
              <time dateTime={entry.at.toISOString()}>{formatDateTime(entry.at)}</time>
              {lag ? <span className="ml-1 font-medium text-amber-700">({lag})</span> : null}
            </p>
            {entry.detail ? (
              <p className="mt-0.5 break-words text-xs text-slate-600">{entry.detail}</p>
            ) : null}
            {entry.payload !== undefined ? (
              <details className="mt-1 text-xs">
                <summary className="cursor-pointer text-brand-700">Raw payload</summary>
                <pre className="mt-1 max-h-64 overflow-auto whitespace-pre-wrap break-all rounded bg-slate-50 p-2 font-mono text-slate-700 ring-1 ring-slate-200">
                  {entry.payload}
                </pre>
              </details>
            ) : null}
          </li>
        );
      })}
    </ol>
  );
}
