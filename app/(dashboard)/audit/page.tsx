import { AuditFilters } from "@/components/audit/audit-filters";
import { AuditTable } from "@/components/audit/audit-table";
import { EmptyState, PageHeader } from "@/components/ui/card";
import { ListLoading } from "@/components/ui/list-loading";
import { auditActionGroups } from "@/lib/audit/catalog";
import { safeTimeZone } from "@/lib/audit/dates";
import { listAuditActionNames, listAuditPage } from "@/lib/audit/queries";
import { parseAuditFilter, toAuditQuery, type AuditFilterValues } from "@/lib/audit/schemas";
import type { ReadContext } from "@/lib/auth/context";
import { requirePagePermission } from "@/lib/auth/server";
import { merchantTimezone } from "@/lib/team/queries";
import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";

export const metadata: Metadata = { title: "Audit log" };
export const dynamic = "force-dynamic";

type SearchParams = Record<string, string | string[] | undefined>;

/** The entries and their paging: streamed after the header and filters. */
async function AuditResults({
  ctx,
  values,
  timeZone,
}: {
  ctx: ReadContext;
  values: AuditFilterValues;
  timeZone: string;
}) {
  const page = await listAuditPage(ctx, toAuditQuery(values, timeZone));
  const filtered = Boolean(values.action || values.actor || values.from || values.to);
  if (page.entries.length === 0) {
    return filtered || values.before ? (
      <EmptyState
        title="No entries match these filters"
        action={
          <Link href="/audit" className="text-sm font-medium text-brand-700 hover:underline">
            Clear filters
          </Link>
        }
      >
        Widen the dates or choose &ldquo;All actions&rdquo;.
      </EmptyState>
    ) : (
      <EmptyState title="Nothing recorded yet">
        Sign-ins, team changes, refunds, connection and flow changes will appear here as people use
        the console.
      </EmptyState>
    );
  }
  return (
    <>
      <AuditTable entries={page.entries} timeZone={timeZone} />
      <nav aria-label="Audit log pages" className="mt-4 flex justify-between text-sm">
        {values.before ? (
          <Link
            href={pageHref(values, undefined)}
            className="font-medium text-brand-700 hover:underline"
          >
            ← Newest entries
          </Link>
        ) : (
          <span />
        )}
        {page.nextCursor ? (
          <Link
            href={pageHref(values, page.nextCursor)}
            className="font-medium text-brand-700 hover:underline"
          >
            Older entries →
          </Link>
        ) : null}
      </nav>
    </>
  );
}

export default async function AuditPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const ctx = await requirePagePermission("audit.view");
  const { values, fieldErrors } = parseAuditFilter(await searchParams);
  const [timeZone, actions] = await Promise.all([
    merchantTimezone(ctx).then(safeTimeZone),
    listAuditActionNames(ctx),
  ]);

  return (
    <>
      <PageHeader
        title="Audit log"
        description={`Who did what in ${ctx.merchantName}, newest first. Times are in ${timeZone}.`}
      />
      <AuditFilters
        values={values}
        fieldErrors={fieldErrors}
        actionGroups={auditActionGroups(actions)}
        timeZone={timeZone}
      />
      {/* Keyed by the filters and page, so a new one shows the fallback, not the old rows. */}
      <Suspense
        key={pageHref(values, values.before)}
        fallback={<ListLoading label="Loading audit entries…" />}
      >
        <AuditResults ctx={ctx} values={values} timeZone={timeZone} />
      </Suspense>
    </>
  );
}

function pageHref(values: AuditFilterValues, before: string | undefined): string {
  const params = new URLSearchParams();
  for (const key of ["action", "actor", "from", "to"] as const) {
    const value = values[key];
    if (value) params.set(key, value);
  }
  if (before) params.set("before", before);
  const query = params.toString();
  return query ? `/audit?${query}` : "/audit";
}
