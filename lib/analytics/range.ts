// Date ranges for analytics, as days in the merchant's time zone: presets (7/30/90/365 days
// ending today) or a custom from..to, each with the period just before it for comparison.
// Pure: no Next, no database. The URL contract is `range=7d|30d|90d|365d|custom&from&to`
// (the Transactions filters use the same names).
import { z } from "zod";

export const RANGE_PRESETS = ["7d", "30d", "90d", "365d"] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number] | "custom";
export const DEFAULT_PRESET = "30d";
/** The longest range one view covers. */
export const MAX_RANGE_DAYS = 3 * 366;

export interface DayRange {
  preset: RangePreset;
  /** Inclusive 'YYYY-MM-DD' days in the merchant's zone. */
  from: string;
  to: string;
  days: number;
  previous: { from: string; to: string };
  timeZone: string;
}

export type RangeResult =
  { ok: true; range: DayRange } | { ok: false; message: string; range: DayRange };

const DAY_MS = 86_400_000;
const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Today's date in `timeZone`. */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  return new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(now);
}

function dayMs(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

export function addDays(day: string, n: number): string {
  return new Date(dayMs(day) + n * DAY_MS).toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((dayMs(to) - dayMs(from)) / DAY_MS) + 1;
}

function isRealDay(day: string): boolean {
  return DAY_RE.test(day) && !Number.isNaN(dayMs(day)) && addDays(day, 0) === day;
}

function build(preset: RangePreset, from: string, to: string, timeZone: string): DayRange {
  const days = daysBetween(from, to);
  return {
    preset,
    from,
    to,
    days,
    previous: { from: addDays(from, -days), to: addDays(from, -1) },
    timeZone,
  };
}

const ParamsSchema = z.object({
  range: z.string().optional(),
  from: z.string().optional(),
  to: z.string().optional(),
  tz: z.string().optional(),
});

/** The range a URL asks for, or the default one with a message saying what was wrong. */
export function parseRange(
  params: Record<string, string | string[] | undefined>,
  merchantTimeZone: string,
  now: Date = new Date(),
): RangeResult {
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const raw = ParamsSchema.parse({
    range: first(params.range),
    from: first(params.from),
    to: first(params.to),
    tz: first(params.tz),
  });
  const zone = isTimeZone(merchantTimeZone) ? merchantTimeZone : "UTC";
  const today = todayIn(zone, now);
  const fallback = build(DEFAULT_PRESET, addDays(today, -29), today, zone);
  const fail = (message: string): RangeResult => ({ ok: false, message, range: fallback });

  if (raw.tz !== undefined && raw.tz !== zone) {
    if (!isTimeZone(raw.tz))
      return fail(`"${raw.tz}" is not a time zone we know (try one like Europe/Paris).`);
    return fail(
      `Analytics days are cut in your merchant's time zone, ${zone}; they cannot be shown in ${raw.tz}.`,
    );
  }
  const preset = raw.range ?? DEFAULT_PRESET;
  if ((RANGE_PRESETS as readonly string[]).includes(preset)) {
    const n = Number.parseInt(preset, 10);
    return { ok: true, range: build(preset as RangePreset, addDays(today, -(n - 1)), today, zone) };
  }
  if (preset !== "custom")
    return fail(`"${preset}" is not a range; pick 7, 30, 90 or 365 days, or custom dates.`);
  if (!raw.from || !raw.to) return fail("A custom range needs both a start and an end date.");
  if (!isRealDay(raw.from) || !isRealDay(raw.to))
    return fail("Dates must be real days written YYYY-MM-DD, like 2026-03-01.");
  if (raw.from > raw.to) return fail(`The range is reversed: ${raw.from} is after ${raw.to}.`);
  if (daysBetween(raw.from, raw.to) > MAX_RANGE_DAYS)
    return fail("A range can cover at most 3 years; pick a shorter one.");
  return { ok: true, range: build("custom", raw.from, raw.to, zone) };
}

const firstOfMonth = (day: string): string => `${day.slice(0, 7)}-01`;

/**
 * Splits [from, to] into the whole calendar months inside it (as their first days, inclusive)
 * and the days at its edges before and after them: long ranges read months from the monthly
 * rollup and only the partial months day by day. No whole month: the range is all days.
 */
export function splitByMonth(
  from: string,
  to: string,
): { months: { from: string; to: string } | null; days: { from: string; to: string }[] } {
  const firstWhole = from.endsWith("-01") ? from : firstOfMonth(addDays(firstOfMonth(from), 32));
  const afterTo = addDays(to, 1);
  const afterWhole = afterTo.endsWith("-01") ? afterTo : firstOfMonth(to);
  if (firstWhole >= afterWhole) return { months: null, days: [{ from, to }] };
  const days: { from: string; to: string }[] = [];
  if (from < firstWhole) days.push({ from, to: addDays(firstWhole, -1) });
  if (afterWhole <= to) days.push({ from: afterWhole, to });
  return { months: { from: firstWhole, to: firstOfMonth(addDays(afterWhole, -1)) }, days };
}
