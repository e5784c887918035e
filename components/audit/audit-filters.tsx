import { Button } from "@/components/ui/button";
import { Field, Input, Select } from "@/components/ui/field";
import { auditActionLabel } from "@/lib/audit/catalog";
import type { AuditFilterValues, ParsedAuditFilter } from "@/lib/audit/schemas";
import Link from "next/link";

// A plain GET form: filters live in the URL, so they can be bookmarked and shared, and work
// without JavaScript.
export function AuditFilters({
  values,
  fieldErrors,
  actionGroups,
  timeZone,
}: {
  values: AuditFilterValues;
  fieldErrors: ParsedAuditFilter["fieldErrors"];
  actionGroups: { domain: string; actions: string[] }[];
  timeZone: string;
}) {
  return (
    <form
      method="get"
      action="/audit"
      className="mb-6 grid gap-4 rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200 sm:grid-cols-2 lg:grid-cols-[1.2fr_1.2fr_1fr_1fr_auto] lg:items-start"
    >
      <Field label="Action" name="action" error={fieldErrors.action}>
        <Select
          name="action"
          defaultValue={values.action ?? ""}
          invalid={Boolean(fieldErrors.action)}
        >
          <option value="">All actions</option>
          {actionGroups.map((group) => (
            <optgroup key={group.domain} label={group.domain}>
              <option value={`${group.domain}.`}>All {group.domain} actions</option>
              {group.actions.map((action) => (
                <option key={action} value={action}>
                  {auditActionLabel(action)} ({action})
                </option>
              ))}
            </optgroup>
          ))}
        </Select>
      </Field>
      <Field label="Actor email contains" name="actor" error={fieldErrors.actor}>
        <Input
          name="actor"
          defaultValue={values.actor ?? ""}
          placeholder="e.g. ana@"
          invalid={Boolean(fieldErrors.actor)}
        />
      </Field>
      <Field label="From" name="from" error={fieldErrors.from}>
        <Input
          name="from"
          type="date"
          defaultValue={values.from ?? ""}
          invalid={Boolean(fieldErrors.from)}
        />
      </Field>
      <Field label="To" name="to" error={fieldErrors.to} hint={`Whole days, ${timeZone}`}>
        <Input
          name="to"
          type="date"
          defaultValue={values.to ?? ""}
          invalid={Boolean(fieldErrors.to)}
        />
      </Field>
      <div className="flex items-center gap-3 lg:mt-6">
        <Button type="submit">Apply filters</Button>
        <Link href="/audit" className="text-sm text-brand-700 hover:underline">
          Clear
        </Link>
      </div>
      {fieldErrors.before ? (
        <p role="alert" className="text-sm text-red-700 sm:col-span-2 lg:col-span-5">
          {fieldErrors.before} Showing the newest entries instead.
        </p>
      ) : null}
    </form>
  );
}
