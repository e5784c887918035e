import { DueBy } from "@/components/disputes/due-countdown";
import { LiveDesk } from "@/components/disputes/live-desk";
import { DisputeStatusBadge, STAGE_LABELS } from "@/components/disputes/status-badge";
import { Button } from "@/components/ui/button";
import { EmptyState, PageHeader } from "@/components/ui/card";
import { Select } from "@/components/ui/field";
import { Table, Td, Th } from "@/components/ui/table";
import { requirePagePermission } from "@/lib/auth/server";
import { PROVIDERS } from "@/lib/connections/provider-catalog";
import { listResponders } from "@/lib/disputes/case";
import { deskFiltersSchema, listDeskDisputes, type DeskFilters } from "@/lib/disputes/queries";
import { DISPUTE_REASONS, REASON_LABELS, reasonLabel } from "@/lib/disputes/reasons";
import { viewModeFor } from "@/lib/mode";
import { formatMoney } from "@/lib/money";
import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = { title: "Disputes" };
export const dynamic = "force-dynamic";

function hrefWith(filters: DeskFilters, change: Partial<DeskFilters>): string {
  const next = { ...filters, ...change };
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(next)) if (value) params.set(key, value);
  const query = params.toString();
  return query ? `/disputes?${query}` : "/disputes";
}

function Chip({ href, active, children }: { href: string; active: boolean; children: string }) {
  return (
    <Link
      href={href}
      aria-current={active ? "page" : undefined}
      className={
        active
          ? "rounded-full bg-brand-700 px-3 py-1 text-sm font-medium text-white"
          : "rounded-full bg-white px-3 py-1 text-sm font-medium text-slate-700 ring-1 ring-slate-300 hover:bg-slate-50"
      }
    >
      {children}
    </Link>
  );
}

export default async function Page({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const ctx = await requirePagePermission("disputes.view");
  const mode = await viewModeFor();
  const filters = deskFiltersSchema.parse(await searchParams);
  const now = new Date();
  const [{ rows, timezone }, responders] = await Promise.all([
    listDeskDisputes({ ...ctx, userId: ctx.user.id }, mode, filters, now),
    listResponders(ctx),
  ]);
  const filtered = Object.values(filters).some(Boolean);

  return (
    <>
      <PageHeader
        title="Disputes"
        description={`Every ${mode} dispute, soonest deadline first. Times are in ${timezone}.`}
        actions={<LiveDesk mode={mode} paymentIds={rows.map((r) => r.paymentId)} />}
      />
      <nav aria-label="Dispute filters" className="mb-4 flex flex-wrap gap-2">
        <Chip href={hrefWith(filters, { status: undefined })} active={!filters.status}>
          All statuses
        </Chip>
        <Chip href={hrefWith(filters, { status: "open" })} active={filters.status === "open"}>
          Open
        </Chip>
        <Chip
          href={hrefWith(filters, { status: "needs_response" })}
          active={filters.status === "needs_response"}
        >
          Needs response
        </Chip>
        <Chip
          href={hrefWith(filters, { status: "under_review" })}
          active={filters.status === "under_review"}
        >
          Under review
        </Chip>
        <Chip href={hrefWith(filters, { status: "closed" })} active={filters.status === "closed"}>
          Closed
        </Chip>
        <Chip
          href={hrefWith(filters, { mine: filters.mine ? undefined : "1" })}
          active={Boolean(filters.mine)}
        >
          Assigned to me
        </Chip>
        <Chip
          href={hrefWith(filters, { due: filters.due ? undefined : "48h" })}
          active={Boolean(filters.due)}
        >
          Due within 48 h
        </Chip>
        {(["stripe", "paypal", "adyen", "sandbox"] as const).map((provider) => (
          <Chip
            key={provider}
            href={hrefWith(filters, {
              provider: filters.provider === provider ? undefined : provider,
            })}
            active={filters.provider === provider}
          >
            {PROVIDERS[provider].name}
          </Chip>
        ))}
      </nav>
      {/* A plain GET form: the filters stay in the URL (shareable, and Back restores them). */}
      <form method="get" action="/disputes" className="mb-4 flex flex-wrap items-end gap-3">
        {(["status", "provider", "mine", "due"] as const).map((key) =>
          filters[key] ? <input key={key} type="hidden" name={key} value={filters[key]} /> : null,
        )}
        <div>
          <label htmlFor="desk-reason" className="block text-xs font-medium text-slate-600">
            Reason
          </label>
          <Select
            id="desk-reason"
            name="reason"
            defaultValue={filters.reason ?? ""}
            className="py-1.5"
          >
            <option value="">Any reason</option>
            {DISPUTE_REASONS.map((reason) => (
              <option key={reason} value={reason}>
                {REASON_LABELS[reason]}
              </option>
            ))}
          </Select>
        </div>
        <div>
          <label htmlFor="desk-assignee" className="block text-xs font-medium text-slate-600">
            Assignee
          </label>
          <Select
            id="desk-assignee"
            name="assignee"
            defaultValue={filters.assignee ?? ""}
            className="py-1.5"
          >
            <option value="">Anyone</option>
            <option value="unassigned">Unassigned</option>
            {responders.map((m) => (
              <option key={m.userId} value={m.userId}>
                {m.name}
              </option>
            ))}
          </Select>
        </div>
        <Button type="submit" variant="secondary" className="py-1.5">
          Apply
        </Button>
      </form>
      {rows.length === 0 ? (
        <EmptyState
          title={filtered ? "No disputes match these filters" : `No ${mode} disputes`}
          action={
            filtered ? (
              <Link href="/disputes" className="font-medium text-brand-700 hover:underline">
                Clear the filters
              </Link>
            ) : undefined
          }
        >
          {filtered
            ? "Try another status or provider, or clear the filters to see every dispute."
            : "When a customer disputes a payment, your provider tells Parley and the case appears here with its response deadline."}
        </EmptyState>
      ) : (
        <Table label="Disputes">
          <thead className="bg-slate-50">
            <tr>
              <Th>Amount</Th>
              <Th>Reason</Th>
              <Th>Stage</Th>
              <Th>Status</Th>
              <Th>Provider</Th>
              <Th>Due by</Th>
              <Th>Assignee</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rows.map((row) => (
              <tr key={row.id}>
                <Td>
                  <Link
                    href={`/disputes/${row.id}`}
                    className="font-medium text-brand-700 hover:underline"
                  >
                    {formatMoney(row.amountMinor, row.currency)}
                  </Link>
                </Td>
                <Td>{reasonLabel(row.reason)}</Td>
                <Td>{STAGE_LABELS[row.stage]}</Td>
                <Td>
                  <DisputeStatusBadge status={row.status} />
                </Td>
                <Td>{PROVIDERS[row.provider].name}</Td>
                <Td>
                  {row.status === "needs_response" || row.status === "under_review" ? (
                    <DueBy dueBy={row.dueBy} timezone={timezone} now={now} />
                  ) : (
                    <span className="text-slate-500">Closed</span>
                  )}
                </Td>
                <Td>{row.assigneeName ?? <span className="text-slate-500">Unassigned</span>}</Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </>
  );
}
