// Audit times are shown, and date filters read, in the merchant's own time zone: "from 3 March"
// means midnight in Paris for a Paris merchant, not midnight UTC.
import { dateTimeFormat } from "@/lib/format/intl-cache";

/** The instant a calendar day (YYYY-MM-DD) starts in a time zone. */
export function zonedDayStart(day: string, timeZone: string): Date {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const wallClock = Date.UTC(y, m - 1, d);
  const first = wallClock - zoneOffsetMs(wallClock, timeZone);
  // Around a DST change the offset at the answer can differ from the offset at the guess.
  return new Date(wallClock - zoneOffsetMs(first, timeZone));
}

/** The calendar day after a YYYY-MM-DD day. */
export function nextDay(day: string): string {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

export function isCalendarDay(day: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return false;
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

export function safeTimeZone(timeZone: string | null | undefined): string {
  try {
    dateTimeFormat("en", { timeZone: timeZone ?? "UTC" });
    return timeZone ?? "UTC";
  } catch {
    return "UTC";
  }
}

/** In the merchant's own time zone (audit log, team); console-wide UTC times are lib/format/time.ts. */
export function formatZonedDateTime(date: Date, timeZone: string): string {
  return dateTimeFormat("en-GB", {
    timeZone,
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  }).format(date);
}

export function formatDate(date: Date, timeZone: string): string {
  return dateTimeFormat("en-GB", {
    timeZone,
    year: "numeric",
    month: "short",
    day: "numeric",
  }).format(date);
}

function zoneOffsetMs(epochMs: number, timeZone: string): number {
  const parts = dateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(epochMs));
  const get = (type: Intl.DateTimeFormatPartTypes) =>
    Number(parts.find((p) => p.type === type)?.value);
  const asIfUtc = Date.UTC(
    get("year"),
    get("month") - 1,
    get("day"),
    get("hour"),
    get("minute"),
    get("second"),
  );
  return asIfUtc - (epochMs - (((epochMs % 1000) + 1000) % 1000));
}
