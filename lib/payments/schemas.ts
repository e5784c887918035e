// The transactions list's URL contract, shared by the page (reading the URL, building links and
// chips) and the query (lib/payments/queries.ts): status (repeatable or comma-separated),
// connection, provider, method, currency, min, max, flow, channel, range, from, to, q, and the
// opaque cursors after / before. Anything invalid is dropped and explained, never a failed page.
// Pure: no server or database imports, so client components can build the same links.
import { isCalendarDay, nextDay, zonedDayStart } from "@/lib/audit/dates";
import { CHANNEL_KINDS, type ChannelKind } from "@/lib/channels/platforms/types";
import {
  PAYMENT_METHODS,
  PAYMENT_STATUSES,
  PROVIDER_KINDS,
  type PaymentMethod,
  type PaymentStatus,
  type ProviderKind,
} from "@/lib/connections/providers/types";
import {
  currencyExponent,
  parseMajorToMinor,
  SUPPORTED_CURRENCIES,
  type Currency,
} from "@/lib/money";
import { z } from "zod";

export const DATE_RANGES = ["today", "7d", "30d", "custom"] as const;
export type DateRange = (typeof DATE_RANGES)[number];
export const DATE_RANGE_LABELS: Record<DateRange, string> = {
  today: "Today",
  "7d": "Last 7 days",
  "30d": "Last 30 days",
  custom: "Custom dates",
};

export const TRANSACTIONS_PAGE_SIZE = 50;
/** The most rows one page shows, whatever the URL asks for. */
export const TRANSACTIONS_PAGE_SIZE_MAX = 100;
export const SEARCH_MAX_LENGTH = 200;

/** The filters as the URL carries them (already validated and normalized). */
export interface TransactionFilterValues {
  status: PaymentStatus[];
  connection?: string;
  provider?: ProviderKind;
  method?: PaymentMethod;
  currency?: Currency;
  /** Major units, as typed ("12.50"); compared in minor units of `currency`. */
  min?: string;
  max?: string;
  flow?: string;
  channel?: ChannelKind;
  range?: DateRange;
  from?: string;
  to?: string;
  q?: string;
}

export type TransactionFilterField = Exclude<keyof TransactionFilterValues, never>;
export type TransactionSearchErrors = Partial<
  Record<TransactionFilterField | "cursor" | "limit", string>
>;

export interface TransactionCursorParam {
  direction: "after" | "before";
  token: string;
}

export interface ParsedTransactionSearch {
  values: TransactionFilterValues;
  /** One message per parameter that was ignored, in words a merchant reads. */
  errors: TransactionSearchErrors;
  cursor?: TransactionCursorParam;
  limit: number;
}

type SearchParams = Record<string, string | string[] | undefined>;

function firstValue(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  if (typeof first !== "string") return undefined;
  const trimmed = first.trim();
  return trimmed === "" ? undefined : trimmed;
}

const connectionId = z
  .string()
  .regex(/^con_[A-Za-z0-9]{1,64}$/, "Choose a connection from the list");
const flowId = z.string().regex(/^flow_[A-Za-z0-9]{1,64}$/, "Choose a flow from the list");
const provider = z.enum(PROVIDER_KINDS, "Choose a provider from the list");
const method = z.enum(PAYMENT_METHODS, "Choose a payment method from the list");
const channel = z.enum(CHANNEL_KINDS, "Choose a channel from the list");
const currency = z
  .string()
  .transform((c) => c.toUpperCase())
  .pipe(z.enum(SUPPORTED_CURRENCIES, "Choose a currency from the list"));
const range = z.enum(DATE_RANGES, "Choose today, 7 days, 30 days or custom dates");
const day = z
  .string()
  .refine(isCalendarDay, "Use a date like 2026-03-31")
  .refine((d) => d >= "2000-01-01" && d <= "2100-12-31", "Choose a date between 2000 and 2100");
/** Opaque to people; its content is checked where it is decoded (lib/payments/list-cursor.ts). */
const cursorToken = z.string().regex(/^[A-Za-z0-9_-]{1,300}$/);

function setIfValid<T>(
  schema: z.ZodType<T>,
  raw: string | undefined,
  field: TransactionFilterField,
  errors: TransactionSearchErrors,
): T | undefined {
  if (raw === undefined) return undefined;
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  errors[field] = parsed.error.issues[0]?.message ?? "Invalid value";
  return undefined;
}

/** Every status the URL names: `status=a&status=b`, `status=a,b`, or both. */
function parseStatuses(raw: string | string[] | undefined, errors: TransactionSearchErrors) {
  const words = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw])
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter(Boolean);
  const known = new Set<string>(PAYMENT_STATUSES);
  const unknown = words.filter((w) => !known.has(w));
  if (unknown.length > 0) {
    errors.status = `Unknown status ${unknown
      .slice(0, 3)
      .map((u) => `"${u.slice(0, 30)}"`)
      .join(", ")} ignored`;
  }
  // In the list's own order, each once.
  return PAYMENT_STATUSES.filter((s) => words.includes(s));
}

function parseAmount(
  raw: string | undefined,
  currencyCode: string | undefined,
  field: "min" | "max",
  errors: TransactionSearchErrors,
): { text: string; minor: number } | undefined {
  if (raw === undefined) return undefined;
  if (!currencyCode) {
    errors[field] = "Choose a currency to filter by amount";
    return undefined;
  }
  if (raw.length > 24 || /^-/.test(raw)) {
    errors[field] = raw.startsWith("-")
      ? "Amounts cannot be negative"
      : "Enter an amount like 12.50";
    return undefined;
  }
  try {
    const minor = parseMajorToMinor(raw, currencyCode);
    return { text: raw.replace(",", "."), minor };
  } catch (error) {
    const exponent = currencyExponent(currencyCode);
    errors[field] =
      error instanceof RangeError && /decimal/.test(error.message)
        ? `${currencyCode} amounts have ${exponent === 0 ? "no decimals" : `at most ${exponent} decimals`}`
        : error instanceof RangeError && /too large/.test(error.message)
          ? "This amount is too large"
          : "Enter an amount like 12.50";
    return undefined;
  }
}

export function parseTransactionSearch(searchParams: SearchParams): ParsedTransactionSearch {
  const errors: TransactionSearchErrors = {};
  const values: TransactionFilterValues = { status: parseStatuses(searchParams.status, errors) };
  const one = (name: string) => firstValue(searchParams[name]);

  values.connection = setIfValid(connectionId, one("connection"), "connection", errors);
  values.provider = setIfValid(provider, one("provider"), "provider", errors);
  values.method = setIfValid(method, one("method"), "method", errors);
  values.currency = setIfValid(currency, one("currency"), "currency", errors);
  values.flow = setIfValid(flowId, one("flow"), "flow", errors);
  values.channel = setIfValid(channel, one("channel"), "channel", errors);

  const min = parseAmount(one("min"), values.currency, "min", errors);
  const max = parseAmount(one("max"), values.currency, "max", errors);
  if (min && max && max.minor < min.minor) {
    errors.max = "The maximum is below the minimum";
  } else {
    values.min = min?.text;
    values.max = max?.text;
  }
  if (!values.min) delete values.min;
  if (!values.max) delete values.max;

  let rangeValue = setIfValid(range, one("range"), "range", errors);
  const from = setIfValid(day, one("from"), "from", errors);
  const to = setIfValid(day, one("to"), "to", errors);
  // Dates without a preset mean custom dates; a preset ignores them.
  if (!rangeValue && (from || to)) rangeValue = "custom";
  if (rangeValue === "custom") {
    if (from && to && to < from) {
      errors.to = "The end date is before the start date";
      values.from = from;
    } else if (!from && !to) {
      if (!errors.from && !errors.to) errors.range = "Choose a start or end date";
      rangeValue = undefined;
    } else {
      values.from = from;
      values.to = to;
    }
  }
  values.range = rangeValue;

  const q = one("q");
  if (q !== undefined) {
    // Control characters never reach the query; the rest is bound as a parameter.
    const cleaned = q.replace(/\p{Cc}/gu, " ").trim();
    if (cleaned.length > SEARCH_MAX_LENGTH) {
      errors.q = `Search for at most ${SEARCH_MAX_LENGTH} characters`;
    } else if (cleaned) {
      values.q = cleaned;
    }
  }

  let cursor: TransactionCursorParam | undefined;
  const after = one("after");
  const before = one("before");
  if (after && before) {
    errors.cursor = "This page link is not valid; showing the newest payments";
  } else if (after || before) {
    const token = (after ?? before)!;
    if (cursorToken.safeParse(token).success) {
      cursor = { direction: after ? "after" : "before", token };
    } else {
      errors.cursor = "This page link is not valid; showing the newest payments";
    }
  }

  let limit = TRANSACTIONS_PAGE_SIZE;
  const rawLimit = one("limit");
  if (rawLimit !== undefined) {
    const n = Number(rawLimit);
    if (!Number.isInteger(n) || n < 1) {
      errors.limit = "The page size must be a whole number; showing 50 a page";
    } else if (n > TRANSACTIONS_PAGE_SIZE_MAX) {
      errors.limit = `At most ${TRANSACTIONS_PAGE_SIZE_MAX} payments a page`;
      limit = TRANSACTIONS_PAGE_SIZE_MAX;
    } else {
      limit = n;
    }
  }

  for (const key of Object.keys(values) as (keyof TransactionFilterValues)[]) {
    if (values[key] === undefined) delete values[key];
  }
  return { values, errors, cursor, limit };
}

/** Whether any filter (not the cursor) is set. */
export function hasActiveFilters(values: TransactionFilterValues): boolean {
  const { status, ...rest } = values;
  return status.length > 0 || Object.values(rest).some((v) => v !== undefined);
}

/** The URL of a filtered view, with the contract's names; statuses comma-separated. */
export function transactionsHref(
  values: TransactionFilterValues,
  cursor?: TransactionCursorParam,
  limit?: number,
): string {
  const search = new URLSearchParams();
  if (values.status.length > 0) search.set("status", values.status.join(","));
  const order = [
    "connection",
    "provider",
    "method",
    "currency",
    "min",
    "max",
    "flow",
    "channel",
    "range",
    "from",
    "to",
    "q",
  ] as const;
  for (const key of order) {
    const value = values[key];
    if (value === undefined || value === "") continue;
    if ((key === "from" || key === "to") && values.range !== "custom") continue;
    search.set(key, value);
  }
  if (limit !== undefined && limit !== TRANSACTIONS_PAGE_SIZE) search.set("limit", String(limit));
  if (cursor) search.set(cursor.direction, cursor.token);
  const query = search.toString();
  return query ? `/transactions?${query}` : "/transactions";
}

/** The calendar day (YYYY-MM-DD) an instant falls on in a time zone. */
export function zonedToday(now: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(now);
}

function daysBefore(dayText: string, days: number): string {
  const [y, m, d] = dayText.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d - days)).toISOString().slice(0, 10);
}

/** The instants a range covers: [createdFrom, createdBefore), in the merchant's time zone. */
export function rangeInstants(
  values: Pick<TransactionFilterValues, "range" | "from" | "to">,
  timeZone: string,
  now: Date = new Date(),
): { createdFrom?: Date; createdBefore?: Date } {
  const today = zonedToday(now, timeZone);
  switch (values.range) {
    case "today":
      return { createdFrom: zonedDayStart(today, timeZone) };
    case "7d":
      return { createdFrom: zonedDayStart(daysBefore(today, 6), timeZone) };
    case "30d":
      return { createdFrom: zonedDayStart(daysBefore(today, 29), timeZone) };
    case "custom":
      return {
        createdFrom: values.from ? zonedDayStart(values.from, timeZone) : undefined,
        createdBefore: values.to ? zonedDayStart(nextDay(values.to), timeZone) : undefined,
      };
    default:
      return {};
  }
}

/** The URL's filters as listPayments options (without mode, limit and cursor). */
export function toListPaymentsFilter(
  values: TransactionFilterValues,
  timeZone: string,
  now: Date = new Date(),
) {
  const currencyCode = values.currency;
  return {
    status: values.status.length > 0 ? values.status : undefined,
    connectionId: values.connection,
    provider: values.provider,
    method: values.method,
    currency: currencyCode,
    minAmountMinor:
      currencyCode && values.min ? parseMajorToMinor(values.min, currencyCode) : undefined,
    maxAmountMinor:
      currencyCode && values.max ? parseMajorToMinor(values.max, currencyCode) : undefined,
    flowId: values.flow,
    channel: values.channel,
    ...rangeInstants(values, timeZone, now),
    q: values.q,
  };
}
