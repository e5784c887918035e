import { Badge, type Tone } from "@/components/ui/badge";
import { formatInZone } from "@/lib/format/time";

const DAY = 24 * 3600 * 1000;

/** How long is left, in words and colour: amber under 5 days, red under 3, "Overdue" once past. */
export function countdownOf(dueBy: Date, now: Date): { tone: Tone; text: string } {
  const left = dueBy.getTime() - now.getTime();
  if (left <= 0) return { tone: "red", text: "Overdue" };
  const days = Math.floor(left / DAY);
  const hours = Math.floor((left % DAY) / 3600_000);
  const text = days > 0 ? `${days}d ${hours}h left` : `${Math.max(hours, 0)}h left`;
  const tone: Tone = left < 3 * DAY ? "red" : left < 5 * DAY ? "amber" : "slate";
  return { tone, text };
}

export function DueBy({
  dueBy,
  timezone,
  now,
}: {
  dueBy: Date | null;
  timezone: string;
  now: Date;
}) {
  if (!dueBy) return <span className="text-slate-500">No deadline</span>;
  const { tone, text } = countdownOf(dueBy, now);
  const absolute = formatInZone(dueBy, timezone);
  return (
    <span className="flex flex-col gap-1">
      <time dateTime={dueBy.toISOString()}>{absolute}</time>
      <Badge tone={tone}>{text}</Badge>
    </span>
  );
}
