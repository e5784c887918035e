// The rules a reminder must follow before it goes out: each channel's messaging window, the
// merchant's quiet hours, and the customer's "stop". Pure functions of their inputs (the clock
// and the time zone are arguments), so the table tests and the runtime read the same rules.
import type { QuietHours } from "../graph";
import { normalizeReply } from "./matching";
import type { ReminderFacts } from "./types";

const HOUR_MS = 3_600_000;

/**
 * What each channel lets a business send on its own initiative. WhatsApp (Cloud API "customer
 * service window") and Messenger (standard messaging) allow free-form messages for 24 hours
 * after the customer's last message; after that WhatsApp takes only an approved template and
 * Messenger no promotional message at all. Web, Telegram and Slack have no window.
 */
export const CHANNEL_WINDOWS: Record<
  ReminderFacts["channel"],
  { windowHours: number | null; outside: "template" | "none" }
> = {
  web: { windowHours: null, outside: "none" },
  telegram: { windowHours: null, outside: "none" },
  slack: { windowHours: null, outside: "none" },
  whatsapp: { windowHours: 24, outside: "template" },
  messenger: { windowHours: 24, outside: "none" },
};

export type ReminderDelivery =
  { send: "free_form" } | { send: "template" } | { send: "none"; reason: string };

/** How a reminder may go out now on this channel, or why it may not. */
export function reminderDelivery(facts: ReminderFacts, nowMs: number): ReminderDelivery {
  if (facts.optedOut) return { send: "none", reason: "opted_out" };
  const rule = CHANNEL_WINDOWS[facts.channel] ?? { windowHours: null, outside: "none" };
  if (rule.windowHours === null) return { send: "free_form" };
  const last = facts.lastCustomerMessageAt ? Date.parse(facts.lastCustomerMessageAt) : NaN;
  if (Number.isFinite(last) && nowMs - last < rule.windowHours * HOUR_MS)
    return { send: "free_form" };
  if (rule.outside === "template") {
    return facts.templateAvailable
      ? { send: "template" }
      : { send: "none", reason: `${facts.channel}_24h_window_no_template` };
  }
  return { send: "none", reason: `${facts.channel}_24h_window` };
}

/** The wall-clock parts of an instant in a time zone. */
function zoned(ms: number, timeZone: string) {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(ms));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return {
    year: get("year"),
    month: get("month"),
    day: get("day"),
    minutes: get("hour") * 60 + get("minute"),
    seconds: get("second"),
  };
}

/** The instant a local wall-clock time happens in `timeZone` (the later one across a DST gap). */
function instantOf(
  timeZone: string,
  day: { year: number; month: number; day: number },
  minutes: number,
): number {
  const wall = Date.UTC(day.year, day.month - 1, day.day, 0, minutes);
  // Two corrections settle on the zone's offset at that wall time (one more at a DST edge).
  let guess = wall;
  for (let i = 0; i < 3; i++) {
    const seen = zoned(guess, timeZone);
    const seenWall = Date.UTC(seen.year, seen.month - 1, seen.day, 0, seen.minutes, seen.seconds);
    const diff = wall - seenWall;
    if (diff === 0) break;
    guess += diff;
  }
  return guess;
}

function clockMinutes(time: string): number {
  const [h, m] = time.split(":").map(Number);
  return h * 60 + m;
}

/**
 * When quiet hours that contain `nowMs` end (an instant), or null when `nowMs` is outside them.
 * A window like 21:00–08:00 wraps midnight; an empty one (start = end) is never quiet.
 */
export function quietHoursEnd(
  nowMs: number,
  quiet: QuietHours | undefined,
  timeZone: string,
): number | null {
  if (!quiet) return null;
  const start = clockMinutes(quiet.start);
  const end = clockMinutes(quiet.end);
  if (start === end) return null;
  let local: ReturnType<typeof zoned>;
  try {
    local = zoned(nowMs, timeZone);
  } catch {
    local = zoned(nowMs, "UTC");
    timeZone = "UTC";
  }
  const now = local.minutes;
  const wraps = start > end;
  const inside = wraps ? now >= start || now < end : now >= start && now < end;
  if (!inside) return null;
  // The end is today unless the window wraps and we are before midnight.
  const endsTomorrow = wraps && now >= start;
  const base = Date.UTC(local.year, local.month - 1, local.day + (endsTomorrow ? 1 : 0));
  const day = new Date(base);
  const ends = instantOf(
    timeZone,
    { year: day.getUTCFullYear(), month: day.getUTCMonth() + 1, day: day.getUTCDate() },
    end,
  );
  return ends > nowMs ? ends : nowMs + 60_000;
}

/** Whole replies that mean "no more reminders", accents and case folded. */
const OPT_OUT_WORDS = new Set([
  "stop",
  "stop reminders",
  "stop reminding me",
  "stop messages",
  "unsubscribe",
  "opt out",
  "optout",
  "arrete",
  "arreter",
  "arretez",
  "stop rappels",
  "arrete les rappels",
  "arretez les rappels",
  "desabonner",
  "se desabonner",
  "desinscrire",
  "停止",
  "停止提醒",
  "退订",
  "取消订阅",
  "不要再提醒",
  "berhenti",
  "berhenti langganan",
  "stop pengingat",
  "berhenti pengingat",
]);
const POLITENESS =
  /\b(please|pls|plz|svp|s'il vous plait|s'il te plait|merci|thanks|thank you|tolong|mohon)\b|请|谢谢/g;

/** True when the whole message asks to stop reminders ("STOP", "Arrête !", "停止", "berhenti"). */
export function isOptOutMessage(text: string): boolean {
  const folded = normalizeReply(text)
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(POLITENESS, " ")
    .replace(/[.,!?。！？、]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  return folded.length > 0 && OPT_OUT_WORDS.has(folded);
}
