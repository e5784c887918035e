import { RefundLimitsForm } from "@/components/refunds/refund-limits-form";
import { RefundRequestDecision } from "@/components/refunds/refund-request-decision";
import { RequestFacts, RequestStatusBadge } from "@/components/refunds/refund-request-status";
import { Card, EmptyState, PageHeader } from "@/components/ui/card";
import { can, ROLE_LABELS } from "@/lib/auth/permissions";
import { requirePagePermission } from "@/lib/auth/server";
import { viewModeFor } from "@/lib/mode";
import { formatMoney, SUPPORTED_CURRENCIES } from "@/lib/money";
import { loadRefundLimits } from "@/lib/refunds/limits-store";
import { listRefundRequests } from "@/lib/refunds/queries";
import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = { title: "Refund requests" };
export const dynamic = "force-dynamic";

// Refunds above their requester's limit, waiting for a second person; recent decisions; and the
// limits per role and currency (the owner sets them). Requests of the viewed mode only.
export default async function RefundRequestsPage() {
  const ctx = await requirePagePermission("refunds.approve");
  const mode = await viewModeFor();
  const [pending, decided, limits] = await Promise.all([
    listRefundRequests(ctx, mode, "pending"),
    listRefundRequests(ctx, mode, "decided"),
    loadRefundLimits(ctx.db, ctx.merchantId),
  ]);
  const setsLimits = can(ctx.role, "refunds.limits");

  return (
    <>
      <PageHeader
        title="Refund requests"
        description="Refunds above their requester's limit wait here for a second person whose own limit covers them. Owners are never limited; analysts cannot refund."
      />
      <section aria-labelledby="pending-heading" className="mb-6 space-y-3">
        <h2 id="pending-heading" className="text-base font-semibold">
          Waiting for approval
        </h2>
        {pending.length === 0 ? (
          <EmptyState title="No refund requests waiting">
            A refund above its requester&apos;s limit appears here for someone else to approve or
            decline. Refund from a payment&apos;s page in Transactions.
          </EmptyState>
        ) : (
          <ul className="space-y-3" aria-label="Pending refund requests">
            {pending.map((r) => (
              <li key={r.id} data-testid="pending-refund-request">
                <Card className="flex flex-wrap items-center justify-between gap-2">
                  <Link
                    href={`/transactions/${r.paymentId}`}
                    className="font-medium tabular-nums text-brand-700 hover:underline"
                  >
                    {formatMoney(r.amountMinor, r.currency)} of{" "}
                    {formatMoney(r.paymentAmountMinor, r.currency)}
                    {r.paymentDescription ? ` · ${r.paymentDescription}` : ""}
                  </Link>
                  <RequestStatusBadge status={r.status} />
                  <RequestFacts request={r} />
                  <RefundRequestDecision
                    requestId={r.id}
                    own={r.requestedByUserId === ctx.user.id}
                  />
                </Card>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="decided-heading" className="mb-6 space-y-3">
        <h2 id="decided-heading" className="text-base font-semibold">
          Recently decided
        </h2>
        {decided.length === 0 ? (
          <p className="text-sm text-slate-600">No decisions yet.</p>
        ) : (
          <ul
            className="divide-y divide-slate-100 rounded-lg bg-white px-4 text-sm ring-1 ring-slate-200"
            aria-label="Decided refund requests"
          >
            {decided.map((r) => (
              <li key={r.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                <Link
                  href={`/transactions/${r.paymentId}`}
                  className="font-medium tabular-nums text-brand-700 hover:underline"
                >
                  {formatMoney(r.amountMinor, r.currency)}
                </Link>
                <RequestStatusBadge status={r.status} />
                <RequestFacts request={r} />
              </li>
            ))}
          </ul>
        )}
      </section>

      <Card className="space-y-4" aria-labelledby="limits-heading">
        <h2 id="limits-heading" className="text-base font-semibold">
          Refund limits
        </h2>
        <p className="text-sm text-slate-600">
          The most a role may refund alone, per currency: a limit in one currency says nothing about
          another, and amounts are never added up across currencies. A role without a limit in a
          currency is not limited in it; a limit of 0 sends every refund for approval.
        </p>
        {limits.length === 0 ? (
          <p className="text-sm text-slate-600" data-testid="no-refund-limits">
            No limits set: admins and support refund any amount without approval.
          </p>
        ) : (
          <ul className="text-sm" aria-label="Refund limits" data-testid="refund-limits">
            {limits.map((l) => (
              <li key={`${l.role}:${l.currency}`} className="tabular-nums">
                {ROLE_LABELS[l.role]} · {l.currency}: up to {formatMoney(l.limitMinor, l.currency)}
              </li>
            ))}
          </ul>
        )}
        {setsLimits ? (
          <RefundLimitsForm currencies={SUPPORTED_CURRENCIES} />
        ) : (
          <p className="text-xs text-slate-500">Only an owner changes the limits.</p>
        )}
      </Card>
    </>
  );
}
