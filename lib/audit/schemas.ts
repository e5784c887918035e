import { z } from "zod";
import { isCalendarDay, nextDay, zonedDayStart } from "./dates";
import type { AuditQuery } from "./queries";

// The audit page's GET parameters. Invalid values are dropped (and explained beside their
// field) rather than failing the whole page.

const blankToUndefined = (value: unknown) => {
  const first: unknown = Array.isArray(value) ? value[0] : value;
  if (typeof first !== "string") return undefined;
  const trimmed = first.trim();
  return trimmed === "" ? undefined : trimmed;
};

const day = z.string().refine(isCalendarDay, "Use a date like 2025-03-31");

export const auditFilterFields = {
  action: z
    .string()
    .max(64)
    .regex(/^[a-z][a-z0-9_]*(\.[a-z0-9_]*)?$/, "Choose an action from the list"),
  actor: z.string().max(254, "At most 254 characters"),
  from: day,
  to: day,
  before: z.string().regex(/^aud_[A-Za-z0-9]{22}$/, "This page link is not valid"),
} as const;

type FieldName = keyof typeof auditFilterFields;
export type AuditFilterValues = Partial<Record<FieldName, string>>;

export interface ParsedAuditFilter {
  values: AuditFilterValues;
  fieldErrors: Partial<Record<FieldName, string>>;
}

export function parseAuditFilter(
  searchParams: Record<string, string | string[] | undefined>,
): ParsedAuditFilter {
  const values: AuditFilterValues = {};
  const fieldErrors: ParsedAuditFilter["fieldErrors"] = {};
  for (const name of Object.keys(auditFilterFields) as FieldName[]) {
    const raw = blankToUndefined(searchParams[name]);
    if (raw === undefined) continue;
    const parsed = auditFilterFields[name].safeParse(raw);
    if (parsed.success) values[name] = parsed.data;
    else fieldErrors[name] = parsed.error.issues[0]?.message ?? "Invalid value";
  }
  if (values.from && values.to && values.to < values.from) {
    fieldErrors.to = "The end date is before the start date";
    delete values.to;
  }
  return { values, fieldErrors };
}

/** Calendar days become instants in the merchant's time zone; "to" includes its whole day. */
export function toAuditQuery(values: AuditFilterValues, timeZone: string): AuditQuery {
  return {
    action: values.action,
    actor: values.actor,
    from: values.from ? zonedDayStart(values.from, timeZone) : undefined,
    toExclusive: values.to ? zonedDayStart(nextDay(values.to), timeZone) : undefined,
    before: values.before,
  };
}
