import { FIELD_NAMES } from "@/components/transactions/filter-labels";
import { LiveTransactionsFeed } from "@/components/transactions/live-feed";
import { PaymentsTable } from "@/components/transactions/payments-table";
import { TransactionFilters } from "@/components/transactions/transaction-filters";
import { EmptyState, PageHeader } from "@/components/ui/card";
import { safeTimeZone } from "@/lib/audit/dates";
import { can } from "@/lib/auth/permissions";
import { requirePagePermission } from "@/lib/auth/server";
import { viewModeFor } from "@/lib/mode";
import { decodePaymentCursor } from "@/lib/payments/list-cursor";
import { listPayments, transactionFilterOptions } from "@/lib/payments/queries";
import {
  hasActiveFilters,
  parseTransactionSearch,
  toListPaymentsFilter,
  transactionsHref,
} from "@/lib/payments/schemas";
import { merchantTimezone } from "@/lib/team/queries";
import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = { title: "Transactions" };
export const dynamic = "force-dynamic";

const INVALID_PAGE = "This page link is not valid; showing the newest payments";

export default async function TransactionsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const ctx = await requirePagePermission("transactions.view");
  const { values, errors, cursor, limit } = parseTransactionSearch(await searchParams);
  const [mode, timeZone] = await Promise.all([
    viewModeFor(),
    merchantTimezone(ctx).then(safeTimeZone),
  ]);
  const decoded = cursor ? decodePaymentCursor(cursor.token) : undefined;
  if (cursor && !decoded) errors.cursor = INVALID_PAGE;
  const direction = decoded ? cursor!.direction : undefined;

  // One extra row says whether another page exists in the direction we paged.
  const [rows, options] = await Promise.all([
    listPayments(ctx, {
      mode,
      ...toListPaymentsFilter(values, timeZone),
      limit: limit + 1,
      ...(direction === "before" && { before: decoded }),
      ...(direction === "after" && { after: decoded }),
    }),
    transactionFilterOptions(ctx, mode),
  ]);
  const more = rows.length > limit;
  // Rows come newest first either way; the extra row is the one furthest from the cursor.
  const payments = direction === "after" && more ? rows.slice(1) : rows.slice(0, limit);
  const hasNewer = direction === "after" ? more : direction === "before";
  const hasOlder = direction === "after" ? true : more;
  const newerHref =
    hasNewer && payments[0]
      ? transactionsHref(values, { direction: "after", token: payments[0].cursor }, limit)
      : undefined;
  const olderHref =
    hasOlder && payments.length > 0
      ? transactionsHref(
          values,
          { direction: "before", token: payments[payments.length - 1].cursor },
          limit,
        )
      : undefined;
  const newestHref = transactionsHref(values, undefined, limit);
  const filtered = hasActiveFilters(values);
  const messages = Object.entries(errors);

  return (
    <>
      <PageHeader
        title="Transactions"
        description="Every payment your bots create, newest first, with a timeline of each provider event."
      />
      <TransactionFilters
        // A new URL (back/forward, a chip) starts the bar again from what it says.
        key={transactionsHref(values, undefined, limit)}
        values={values}
        options={options}
        limit={limit}
        timeZone={timeZone}
      />
      {messages.length > 0 ? (
        <div className="mb-4 rounded-md bg-amber-50 p-3 text-sm text-amber-900 ring-1 ring-amber-200">
          <p className="font-medium">Some of this page&apos;s address was ignored:</p>
          <ul className="mt-1 list-disc pl-5">
            {messages.map(([field, message]) => (
              <li key={field}>
                {FIELD_NAMES[field as keyof typeof FIELD_NAMES]}: {message}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <LiveTransactionsFeed live={!direction} mode={mode} />
      {payments.length === 0 ? (
        direction ? (
          <EmptyState
            title={direction === "before" ? "No older payments" : "No newer payments"}
            action={
              <Link
                href={newestHref}
                className="text-sm font-medium text-brand-700 hover:underline"
              >
                Back to the newest
              </Link>
            }
          />
        ) : filtered ? (
          <EmptyState
            title="No payments match these filters"
            action={
              <Link
                href={transactionsHref({ status: [] })}
                className="text-sm font-medium text-brand-700 hover:underline"
              >
                Clear all filters
              </Link>
            }
          >
            Remove a filter above, widen the dates, or search for a whole payment or provider id.
          </EmptyState>
        ) : (
          <EmptyState
            title={mode === "test" ? "No test payments yet" : "No live payments yet"}
            action={
              can(ctx.role, "connections.manage") ? (
                <Link
                  href="/connections"
                  className="text-sm font-medium text-brand-700 hover:underline"
                >
                  Create a test payment on a connection
                </Link>
              ) : null
            }
          >
            Payments appear here as soon as a flow (or a test payment on the Connections page)
            creates a checkout.
          </EmptyState>
        )
      ) : (
        <>
          <PaymentsTable payments={payments} />
          <nav
            aria-label="Pagination"
            className="mt-4 flex flex-wrap justify-between gap-2 text-sm"
          >
            <span className="flex gap-4">
              {direction ? (
                <Link href={newestHref} className="text-brand-700 hover:underline">
                  « Newest
                </Link>
              ) : null}
              {newerHref ? (
                <Link href={newerHref} className="text-brand-700 hover:underline">
                  ← Newer
                </Link>
              ) : null}
            </span>
            {olderHref ? (
              <Link href={olderHref} className="text-brand-700 hover:underline">
                Older →
              </Link>
            ) : null}
          </nav>
        </>
      )}
    </>
  );
}
