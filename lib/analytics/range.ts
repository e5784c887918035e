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

/** What a read of [from, to] takes from the monthly rollup level and from the daily one. */
export interface RollupReadPlan {
  /** Month rows to add, as ranges of months' first days (inclusive). */
  months: { from: string; to: string }[];
  /** Day rows to add (sign 1), or to take back out of a month read whole (sign −1). */
  days: { from: string; to: string; sign: 1 | -1 }[];
}

/**
 * Plans a range read over the rollup levels: a month wholly inside the range is one month row
 * per combination; a partial month is read day by day, or — when most of it is inside — as the
 * whole month less the days outside the range, whichever is fewer days. Every metric is a sum,
 * so the result is exact, and a 365-day read touches at most ~13 months and ~30 days.
 */
export function rollupReadPlan(from: string, to: string): RollupReadPlan {
  const plan: RollupReadPlan = { months: [], days: [] };
  const addMonth = (month: string) => {
    const last = plan.months[plan.months.length - 1];
    if (last && firstOfMonth(addDays(last.to, 32)) === month) last.to = month;
    else plan.months.push({ from: month, to: month });
  };
  for (let month = firstOfMonth(from); month <= to;) {
    const next = firstOfMonth(addDays(month, 32));
    const end = addDays(next, -1);
    const first = from > month ? from : month;
    const last = to < end ? to : end;
    const inside = daysBetween(first, last);
    const outside = daysBetween(month, end) - inside;
    if (outside === 0) addMonth(month);
    else if (outside < inside) {
      addMonth(month);
      if (first > month) plan.days.push({ from: month, to: addDays(first, -1), sign: -1 });
      if (last < end) plan.days.push({ from: addDays(last, 1), to: end, sign: -1 });
    } else plan.days.push({ from: first, to: last, sign: 1 });
    month = next;
  }
  return plan;
}
