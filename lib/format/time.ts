// Times as people read them. Rendered on the server per request, so "3 min ago" is fresh.
import { dateTimeFormat } from "./intl-cache";

export type TimeInput = Date | string | number | null | undefined;

function toDate(value: TimeInput): Date | null {
  if (value === null || value === undefined) return null;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

export function timeAgo(value: TimeInput, now: Date = new Date()): string {
  const date = toDate(value);
  if (!date) return "never";
  const seconds = Math.round((now.getTime() - date.getTime()) / 1000);
  if (seconds < 0) return "just now";
  if (seconds < 45) return "just now";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 36) return `${hours} h ago`;
  const days = Math.round(hours / 24);
  if (days < 60) return `${days} days ago`;
  return formatDateTime(date);
}

export function formatDateTime(value: TimeInput): string {
  const date = toDate(value);
  if (!date) return "—";
  return (
    dateTimeFormat("en", {
      dateStyle: "medium",
      timeStyle: "medium",
      timeZone: "UTC",
    }).format(date) + " UTC"
  );
}

export function isoOf(value: TimeInput): string | undefined {
  return toDate(value)?.toISOString();
}

/** Shorter, for table cells: "Nov 27, 10:25 UTC". */
export function formatShortDateTime(value: TimeInput): string {
  const date = toDate(value);
  if (!date) return "—";
  return (
    dateTimeFormat("en", {
      month: "short",
      day: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
      timeZone: "UTC",
    }).format(date) + " UTC"
  );
}

/**
 * "14 Mar 2030, 13:00 CET": a moment in a given time zone (the merchant's), with the zone named.
 * dateStyle/timeStyle cannot be combined with timeZoneName, so the parts are spelled out.
 */
export function formatInZone(at: Date, timeZone: string): string {
  return dateTimeFormat("en-GB", {
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZone,
    timeZoneName: "short",
  }).format(at);
}
