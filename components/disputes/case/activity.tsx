import { Badge, type Tone } from "@/components/ui/badge";
import type { CaseActivity } from "@/lib/disputes/case";

const KINDS: Record<CaseActivity["kind"], { tone: Tone; label: string }> = {
  provider: { tone: "blue", label: "Provider" },
  refused: { tone: "amber", label: "Not applied" },
  note: { tone: "slate", label: "Note" },
  assigned: { tone: "violet", label: "Assignment" },
};

/** The case's activity, oldest first, in the merchant's time zone. */
export function DisputeActivity({
  activity,
  timezone,
}: {
  activity: CaseActivity[];
  timezone: string;
}) {
  if (activity.length === 0) {
    return <p className="text-sm text-slate-500">Nothing has happened on this case yet.</p>;
  }
  const format = new Intl.DateTimeFormat("en-GB", {
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
    timeZone: timezone,
  });
  return (
    <ol aria-label="Case activity" className="space-y-3">
      {activity.map((entry) => (
        <li key={entry.id} className="flex flex-wrap items-start gap-x-3 gap-y-1 text-sm">
          <time dateTime={entry.occurredAt.toISOString()} className="w-28 shrink-0 text-slate-500">
            {format.format(entry.occurredAt)}
          </time>
          <Badge tone={KINDS[entry.kind].tone}>{KINDS[entry.kind].label}</Badge>
          <div className="min-w-0 flex-1">
            <p className="break-words whitespace-pre-line text-slate-800">
              {entry.body ||
                [entry.rawType, entry.toStatus && `→ ${entry.toStatus.replaceAll("_", " ")}`]
                  .filter(Boolean)
                  .join(" ") ||
                "—"}
            </p>
            {entry.actorName ? (
              <p className="text-xs text-slate-500">by {entry.actorName}</p>
            ) : null}
          </div>
        </li>
      ))}
    </ol>
  );
}
