import { methodName } from "@/components/connections/chips";
import { RefundForm } from "@/components/refunds/refund-form";
import { PaymentRefundRequests } from "@/components/refunds/refund-request-status";
import { ConversationPanel } from "@/components/transactions/conversation-panel";
import { CryptoPanel } from "@/components/transactions/crypto-panel";
import { LivePaymentRefresh } from "@/components/transactions/live-payment";
import { ManualRefundForm } from "@/components/transactions/manual-refund-form";
import { DisputesList, RefundsList } from "@/components/transactions/money-back-lists";
import { OpenDisputeButton } from "@/components/transactions/open-dispute-button";
import { PaymentFlags, PaymentStatusBadge } from "@/components/transactions/payment-status-badge";
import { PaymentTimeline } from "@/components/transactions/timeline";
import { Card } from "@/components/ui/card";
import { can } from "@/lib/auth/permissions";
import { requirePagePermission } from "@/lib/auth/server";
import { PROVIDERS } from "@/lib/connections/provider-catalog";
import { formatDateTime } from "@/lib/format/time";
import { loadOr404 } from "@/lib/load-or-404";
import { formatMoney } from "@/lib/money";
import { getPaymentDetail, type PaymentDetail } from "@/lib/payments/detail";
import { refundLimitFor } from "@/lib/refunds/limits";
import { loadRefundLimits } from "@/lib/refunds/limits-store";
import { findOpenDispute, openDisputeMessage } from "@/lib/refunds/open-dispute";
import { refundRequestsForPayment } from "@/lib/refunds/queries";
import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = { title: "Payment" };
export const dynamic = "force-dynamic";

const REFUNDABLE = ["succeeded", "partially_refunded"];

export default async function PaymentPage({ params }: { params: Promise<{ id: string }> }) {
  const ctx = await requirePagePermission("transactions.view");
  const { id } = await params;
  const detail = await loadOr404(getPaymentDetail(ctx, id));
  const { payment, refunds, disputes, amounts } = detail;
  const [requests, openDispute, limits] = await Promise.all([
    refundRequestsForPayment(ctx, payment.id),
    findOpenDispute(ctx.db, ctx.merchantId, payment.id),
    loadRefundLimits(ctx.db, ctx.merchantId),
  ]);
  // Refunds still pending (their outcome may be unknown) and requests awaiting approval keep
  // their amount reserved.
  const awaitingMinor = requests
    .filter((r) => r.status === "pending")
    .reduce((total, r) => total + r.amountMinor, 0);
  const reservedMinor = amounts.reservedMinor + awaitingMinor;
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
        {detail.connectionLabel ? ` · ${detail.connectionLabel}` : ""}
      </Link>,
    ],
    ["Method", payment.method ? methodName(payment.method) : "Not chosen yet"],
    ["Description", payment.description || "—"],
    ["Created", formatDateTime(payment.createdAt)],
    ["Paid", payment.succeededAt ? formatDateTime(payment.succeededAt) : "—"],
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
        detail.flowName ? (
          <Link
            key="f"
            href={`/flows/${payment.flowId}`}
            className="text-brand-700 hover:underline"
          >
            {detail.flowName}
          </Link>
        ) : (
          <span key="f" className="text-slate-500">
            Deleted flow
          </span>
        )
      ) : (
        "—"
      ),
    ],
    [detail.providerLink?.label ?? "Provider payment", <ProviderId key="pp" detail={detail} />],
    ...(payment.providerCheckoutId && payment.providerCheckoutId !== payment.providerPaymentId
      ? [
          [
            "Provider checkout",
            <span key="pc" className="break-all font-mono text-xs">
              {payment.providerCheckoutId}
            </span>,
          ] as [string, React.ReactNode],
        ]
      : []),
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

      <Amounts detail={detail} />

      {detail.crypto ? (
        <Card className="mb-4">
          <CryptoPanel
            crypto={detail.crypto}
            amountMinor={payment.amountMinor}
            currency={payment.currency}
          />
        </Card>
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
          <PaymentTimeline entries={detail.timeline} />
        </Card>
        <Card className="space-y-4">
          <h2 className="text-base font-semibold">Refunds</h2>
          <RefundsList refunds={refunds} />
          <PaymentRefundRequests requests={requests} />
          {awaitingMinor > 0 ? (
            <p className="text-xs text-amber-800" data-testid="amount-awaiting-approval">
              {formatMoney(awaitingMinor, payment.currency)} is held for refund requests awaiting
              approval.
            </p>
          ) : null}
          {canRefund && detail.manualRefunds ? (
            <ManualRefundForm
              paymentId={payment.id}
              refundableMinor={refundableMinor}
              currency={payment.currency}
              providerName={PROVIDERS[payment.provider]?.name ?? payment.provider}
            />
          ) : canRefund || (openDispute && can(ctx.role, "transactions.refund")) ? (
            <RefundForm
              paymentId={payment.id}
              remainingMinor={refundableMinor}
              currency={payment.currency}
              openDispute={
                openDispute
                  ? { id: openDispute.id, message: openDisputeMessage(openDispute) }
                  : null
              }
              limitMinor={refundLimitFor(ctx.role, payment.currency, limits)}
            />
          ) : null}
        </Card>
        <Card className="space-y-4">
          <h2 className="text-base font-semibold">Disputes</h2>
          {detail.crypto && disputes.length === 0 ? (
            <p className="text-sm text-slate-600">
              Crypto payments have no chargebacks: no dispute can be opened on this payment.
            </p>
          ) : (
            <DisputesList disputes={disputes} />
          )}
          {canDispute ? <OpenDisputeButton paymentId={payment.id} /> : null}
        </Card>
        {detail.conversation ? (
          <Card className="lg:col-span-2">
            <ConversationPanel detail={detail} />
          </Card>
        ) : null}
      </div>
    </>
  );
}

function ProviderId({ detail }: { detail: PaymentDetail }) {
  const link = detail.providerLink;
  if (!link) return <span>—</span>;
  return (
    <span className="flex flex-wrap items-center gap-x-2">
      <span className="break-all font-mono text-xs">{link.id}</span>
      {link.href ? (
        <a
          href={link.href}
          target="_blank"
          rel="noopener noreferrer"
          className="text-xs text-brand-700 hover:underline"
          data-testid="provider-dashboard-link"
        >
          Open in {detail.providerDashboard}
          <span className="sr-only"> (opens in a new tab)</span>
        </a>
      ) : null}
    </span>
  );
}

/** Paid, refunded, net (and what pending refunds hold back), in the payment's currency. */
function Amounts({ detail }: { detail: PaymentDetail }) {
  const { amounts } = detail;
  const tiles: [string, string, string][] = [
    ["Paid", formatMoney(amounts.paidMinor, amounts.currency), "amount-paid"],
    [
      "Refunded",
      amounts.refundedMinor ? `−${formatMoney(amounts.refundedMinor, amounts.currency)}` : "—",
      "amount-refunded",
    ],
    ["Net", formatMoney(amounts.netMinor, amounts.currency), "amount-net"],
  ];
  if (amounts.reservedMinor > 0) {
    tiles.push([
      "Reserved for pending refunds",
      formatMoney(amounts.reservedMinor, amounts.currency),
      "amount-reserved",
    ]);
  }
  return (
    <dl className="mb-4 grid grid-cols-2 gap-3 sm:grid-cols-4" aria-label="Amounts">
      {tiles.map(([term, value, testId]) => (
        <div key={term} className="rounded-lg bg-white p-3 shadow-sm ring-1 ring-slate-200">
          <dt className="text-xs text-slate-500">{term}</dt>
          <dd
            className="mt-0.5 break-words text-lg font-semibold tabular-nums"
            data-testid={testId}
          >
            {value}
          </dd>
        </div>
      ))}
    </dl>
  );
}
