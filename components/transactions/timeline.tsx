import { Badge } from "@/components/ui/badge";
import type { PaymentEvent } from "@/db/schema/payments";
import { formatDateTime } from "@/lib/format/time";
import { formatMoney } from "@/lib/money";
import { PaymentStatusBadge } from "./payment-status-badge";

type TimelineEvent = Pick<
  PaymentEvent,
  | "id"
  | "source"
  | "type"
  | "rawType"
  | "amountMinor"
  | "currency"
  | "statusAfter"
  | "detail"
  | "occurredAt"
  | "recordedAt"
  | "providerEventId"
>;

function detailText(value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean")
    return String(value);
  return JSON.stringify(value);
}

/** Late deliveries are the point of showing both times: the provider's and ours. */
function lagNote(occurredAt: Date | string, recordedAt: Date | string): string | null {
  const lag = new Date(recordedAt).getTime() - new Date(occurredAt).getTime();
  if (!Number.isFinite(lag) || lag < 2_000) return null;
  return lag < 120_000
    ? `recorded ${Math.round(lag / 1000)} s later`
    : `recorded ${Math.round(lag / 60_000)} min later`;
}

export function PaymentTimeline({ events }: { events: TimelineEvent[] }) {
  if (events.length === 0) {
    return (
      <p className="text-sm text-slate-600">
        No events yet. They appear as the provider reports the customer&apos;s progress.
      </p>
    );
  }
  return (
    <ol className="relative space-y-4 border-l border-slate-200 pl-5" aria-label="Timeline">
      {events.map((event) => {
        const lag = lagNote(event.occurredAt, event.recordedAt);
        const details = Object.entries(event.detail ?? {});
        return (
          <li key={event.id} className="relative">
            <span
              aria-hidden
              className="absolute -left-[1.65rem] top-1.5 h-2.5 w-2.5 rounded-full bg-slate-400 ring-4 ring-white"
            />
            <div className="flex flex-wrap items-center gap-2">
              <span className="font-mono text-sm font-semibold text-slate-900">{event.type}</span>
              {event.rawType && event.rawType !== event.type ? (
                <span className="font-mono text-xs text-slate-500">({event.rawType})</span>
              ) : null}
              {event.source === "parley" ? <Badge tone="violet">Parley</Badge> : null}
              {event.statusAfter ? (
                <span className="inline-flex items-center gap-1 text-xs text-slate-500">
                  → <PaymentStatusBadge status={event.statusAfter} />
                </span>
              ) : null}
              {event.amountMinor !== null && event.currency ? (
                <span className="text-xs tabular-nums text-slate-600">
                  {formatMoney(event.amountMinor, event.currency)}
                </span>
              ) : null}
            </div>
            <p className="mt-0.5 text-xs text-slate-500">
              Occurred {formatDateTime(event.occurredAt)} · recorded{" "}
              {formatDateTime(event.recordedAt)}
              {lag ? <span className="ml-1 font-medium text-amber-700">({lag})</span> : null}
            </p>
            {details.length ? (
              <dl className="mt-1 grid grid-cols-[auto_1fr] gap-x-3 text-xs">
                {details.map(([key, value]) => (
                  <div key={key} className="contents">
                    <dt className="text-slate-500">{key}</dt>
                    <dd className="break-all font-mono text-slate-700">{detailText(value)}</dd>
                  </div>
                ))}
              </dl>
            ) : null}
          </li>
        );
      })}
    </ol>
  );
}
