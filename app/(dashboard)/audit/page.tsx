import { AuditFilters } from "@/components/audit/audit-filters";
import { AuditTable } from "@/components/audit/audit-table";
import { EmptyState, PageHeader } from "@/components/ui/card";
import { auditActionGroups } from "@/lib/audit/catalog";
import { safeTimeZone } from "@/lib/audit/dates";
import { listAuditActionNames, listAuditPage } from "@/lib/audit/queries";
import { parseAuditFilter, toAuditQuery, type AuditFilterValues } from "@/lib/audit/schemas";
import { requirePagePermission } from "@/lib/auth/server";
import { merchantTimezone } from "@/lib/team/queries";
import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = { title: "Audit log" };
export const dynamic = "force-dynamic";

type SearchParams = Record<string, string | string[] | undefined>;

export default async function AuditPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const ctx = await requirePagePermission("audit.view");
  const { values, fieldErrors } = parseAuditFilter(await searchParams);
  const timeZone = safeTimeZone(await merchantTimezone(ctx));
  const [page, actions] = await Promise.all([
    listAuditPage(ctx, toAuditQuery(values, timeZone)),
    listAuditActionNames(ctx),
  ]);
  const filtered = Boolean(values.action || values.actor || values.from || values.to);

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
      {page.entries.length === 0 ? (
        filtered || values.before ? (
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
            Sign-ins, team changes, refunds, connection and flow changes will appear here as people
            use the console.
          </EmptyState>
        )
      ) : (
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
      )}
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
