import { methodName } from "@/components/connections/chips";
import { LivePaymentRefresh } from "@/components/transactions/live-payment";
import { DisputesList, RefundsList } from "@/components/transactions/money-back-lists";
import { OpenDisputeButton } from "@/components/transactions/open-dispute-button";
import { PaymentFlags, PaymentStatusBadge } from "@/components/transactions/payment-status-badge";
import { RefundForm } from "@/components/transactions/refund-form";
import { PaymentTimeline } from "@/components/transactions/timeline";
import { Card } from "@/components/ui/card";
import { can } from "@/lib/auth/permissions";
import { requirePagePermission } from "@/lib/auth/server";
import { PROVIDERS } from "@/lib/connections/provider-catalog";
import { formatDateTime } from "@/lib/format/time";
import { loadOr404 } from "@/lib/load-or-404";
import { formatMoney } from "@/lib/money";
import { getPaymentWithTimeline } from "@/lib/payments/queries";
import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = { title: "Payment" };
export const dynamic = "force-dynamic";

const REFUNDABLE = ["succeeded", "partially_refunded"];

export default async function PaymentPage({ params }: { params: Promise<{ id: string }> }) {
  const ctx = await requirePagePermission("transactions.view");
  const { id } = await params;
  const { payment, events, refunds, disputes } = await loadOr404(getPaymentWithTimeline(ctx, id));
  // Refunds still pending (their outcome may be unknown) keep their amount reserved.
  const reservedMinor = refunds
    .filter((r) => r.status === "pending")
    .reduce((total, r) => total + r.amountMinor, 0);
  const refundableMinor = Math.max(0, payment.amountMinor - payment.refundedMinor - reservedMinor);
  const canRefund =
    can(ctx.role, "transactions.refund") &&
    REFUNDABLE.includes(payment.status) &&
    refundableMinor > 0;
  const canDispute =
    can(ctx.role, "disputes.respond") &&
    payment.provider === "sandbox" &&
    REFUNDABLE.includes(payment.status);

  const summary: [string, React.ReactNode][] = [
    [
      "Payment id",
      <span key="id" className="font-mono text-xs">
        {payment.id}
      </span>,
    ],
    [
      "Provider",
      <Link
        key="p"
        href={`/connections/${payment.connectionId}`}
        className="text-brand-700 hover:underline"
      >
        {PROVIDERS[payment.provider]?.name ?? payment.provider}
      </Link>,
    ],
    ["Method", payment.method ? methodName(payment.method) : "Not chosen yet"],
    ["Description", payment.description || "—"],
    ["Created", formatDateTime(payment.createdAt)],
    ["Paid", payment.succeededAt ? formatDateTime(payment.succeededAt) : "—"],
    ["Refunded", formatMoney(payment.refundedMinor, payment.currency)],
    ...(reservedMinor > 0
      ? [
          ["Reserved for pending refunds", formatMoney(reservedMinor, payment.currency)] as [
            string,
            string,
          ],
        ]
      : []),
    [
      "Customer",
      [payment.customerEmail, payment.customerCountry].filter(Boolean).join(" · ") || "—",
    ],
    [
      "Conversation",
      payment.conversationId ? (
        can(ctx.role, "conversations.view") ? (
          <Link
            key="c"
            href={`/conversations/${payment.conversationId}`}
            className="text-brand-700 hover:underline"
            data-testid="payment-conversation-link"
          >
            From conversation <span className="font-mono text-xs">{payment.conversationId}</span>
          </Link>
        ) : (
          <span key="c" className="font-mono text-xs">
            {payment.conversationId}
          </span>
        )
      ) : (
        "—"
      ),
    ],
    [
      "Flow",
      payment.flowId ? (
        <span key="f" className="font-mono text-xs">
          {payment.flowId}
        </span>
      ) : (
        "—"
      ),
    ],
    [
      "Provider payment",
      <span key="pp" className="font-mono text-xs">
        {payment.providerPaymentId ?? "—"}
      </span>,
    ],
    [
      "Checkout",
      payment.checkoutUrl ? (
        <a
          key="u"
          href={payment.checkoutUrl}
          target="_blank"
          rel="noopener noreferrer"
          className="break-all text-brand-700 hover:underline"
        >
          {payment.checkoutUrl}
        </a>
      ) : (
        "—"
      ),
    ],
  ];

  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/transactions" className="text-brand-700 hover:underline">
          ← Transactions
        </Link>
      </p>
      <div className="mb-6 flex flex-wrap items-start justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tabular-nums tracking-tight">
            {formatMoney(payment.amountMinor, payment.currency)}
          </h1>
          <div className="mt-1 flex flex-wrap items-center gap-2" data-testid="payment-status">
            <PaymentStatusBadge status={payment.status} />
            <PaymentFlags flags={payment.flags} />
            {payment.mode === "test" ? (
              <span
                className="rounded bg-amber-100 px-1.5 py-0.5 text-xs font-medium text-amber-900"
                data-testid="payment-mode"
              >
                Test payment — no real money moved
              </span>
            ) : null}
          </div>
        </div>
        <LivePaymentRefresh paymentId={payment.id} mode={payment.mode} />
      </div>

      {payment.failureCode || payment.failureMessage ? (
        <div
          role="note"
          className="mb-4 rounded-md bg-red-50 px-4 py-3 text-sm text-red-900 ring-1 ring-red-200"
        >
          <span className="font-medium">Declined</span>
          {payment.failureCode ? (
            <>
              {" "}
              · code{" "}
              <span className="font-mono" data-testid="failure-code">
                {payment.failureCode}
              </span>
            </>
          ) : null}
          {payment.failureMessage ? <> — {payment.failureMessage}</> : null}
        </div>
      ) : null}

      <div className="grid gap-4 lg:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
        <Card>
          <h2 className="mb-3 text-base font-semibold">Summary</h2>
          <dl className="grid grid-cols-[auto_1fr] gap-x-6 gap-y-2 text-sm">
            {summary.map(([term, value]) => (
              <div key={term} className="contents">
                <dt className="text-slate-500">{term}</dt>
                <dd className="min-w-0 text-slate-800">{value}</dd>
              </div>
            ))}
          </dl>
        </Card>
        <Card>
          <h2 className="mb-3 text-base font-semibold">Timeline</h2>
          <PaymentTimeline events={events} />
        </Card>
        <Card className="space-y-4">
          <h2 className="text-base font-semibold">Refunds</h2>
          <RefundsList refunds={refunds} />
          {canRefund ? (
            <RefundForm
              paymentId={payment.id}
              refundableMinor={refundableMinor}
              currency={payment.currency}
            />
          ) : null}
        </Card>
        <Card className="space-y-4">
          <h2 className="text-base font-semibold">Disputes</h2>
          <DisputesList disputes={disputes} />
          {canDispute ? <OpenDisputeButton paymentId={payment.id} /> : null}
        </Card>
      </div>
    </>
  );
}
