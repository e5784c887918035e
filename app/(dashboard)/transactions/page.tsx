import { LiveTransactionsFeed } from "@/components/transactions/live-feed";
import { PaymentFilters } from "@/components/transactions/payment-filters";
import { PaymentsTable } from "@/components/transactions/payments-table";
import { EmptyState, PageHeader } from "@/components/ui/card";
import { can } from "@/lib/auth/permissions";
import { requirePagePermission } from "@/lib/auth/server";
import { PAYMENT_STATUSES, PROVIDER_KINDS } from "@/lib/connections/providers/types";
import { viewModeFor } from "@/lib/mode";
import { listPayments } from "@/lib/payments/queries";
import type { Metadata } from "next";
import Link from "next/link";
import { z } from "zod";

export const metadata: Metadata = { title: "Transactions" };
export const dynamic = "force-dynamic";

const PAGE_SIZE = 50;

// Anything unexpected in the URL is dropped rather than failing the page.
const querySchema = z.object({
  status: z.enum(PAYMENT_STATUSES).optional().catch(undefined),
  provider: z.enum(PROVIDER_KINDS).optional().catch(undefined),
  before: z.coerce.date().optional().catch(undefined),
});

function href(params: Record<string, string | undefined>): string {
  const search = new URLSearchParams(
    Object.entries(params).filter((e): e is [string, string] => Boolean(e[1])),
  );
  const query = search.toString();
  return query ? `/transactions?${query}` : "/transactions";
}

export default async function TransactionsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const ctx = await requirePagePermission("transactions.view");
  const query = querySchema.parse(await searchParams);
  // One extra row says whether an older page exists.
  const mode = await viewModeFor();
  const rows = await listPayments(ctx, {
    mode,
    status: query.status,
    provider: query.provider,
    before: query.before,
    limit: PAGE_SIZE + 1,
  });
  const payments = rows.slice(0, PAGE_SIZE);
  const nextBefore =
    rows.length > PAGE_SIZE ? payments[payments.length - 1].createdAt.toISOString() : undefined;
  const filtered = Boolean(query.status || query.provider);

  return (
    <>
      <PageHeader
        title="Transactions"
        description="Every payment your bots create, newest first, with a timeline of each provider event."
      />
      <PaymentFilters status={query.status} provider={query.provider} />
      <LiveTransactionsFeed live={!query.before} mode={mode} />
      {payments.length === 0 ? (
        query.before ? (
          <EmptyState
            title="No older payments"
            action={
              <Link
                href={href({ status: query.status, provider: query.provider })}
                className="text-sm font-medium text-brand-700 hover:underline"
              >
                Back to the newest
              </Link>
            }
          />
        ) : filtered ? (
          <EmptyState title="No payments match these filters">
            Clear the filters, or pick another status or provider.
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
          <nav aria-label="Pagination" className="mt-4 flex justify-between text-sm">
            {query.before ? (
              <Link
                href={href({ status: query.status, provider: query.provider })}
                className="text-brand-700 hover:underline"
              >
                ← Newest
              </Link>
            ) : (
              <span />
            )}
            {nextBefore ? (
              <Link
                href={href({ status: query.status, provider: query.provider, before: nextBefore })}
                className="text-brand-700 hover:underline"
              >
                Older →
              </Link>
            ) : null}
          </nav>
        </>
      )}
    </>
  );
}
