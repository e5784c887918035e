import { methodName } from "@/components/connections/chips";
import { Table, Th } from "@/components/ui/table";
import type { Payment } from "@/db/schema/payments";
import { PROVIDERS } from "@/lib/connections/provider-catalog";
import { formatShortDateTime } from "@/lib/format/time";
import { formatMoney } from "@/lib/money";
import type { PaymentListRow } from "@/lib/payments/queries";
import Link from "next/link";
import { CHANNEL_NAMES } from "./filter-labels";
import { LiveStatusBadge } from "./live-status-badge";
import { PaymentFlags, PaymentStatusBadge } from "./payment-status-badge";

export type PaymentRow = Pick<
  Payment,
  | "id"
  | "createdAt"
  | "amountMinor"
  | "currency"
  | "status"
  | "provider"
  | "method"
  | "conversationId"
  | "flowId"
  | "flags"
  | "mode"
> &
  Partial<Pick<Payment, "updatedAt">> &
  // Names instead of ids (listPayments looks them up in one batched query each).
  Partial<Pick<PaymentListRow, "channel" | "flowName" | "channelLabel" | "connectionLabel">>;

export function PaymentsTable({ payments }: { payments: PaymentRow[] }) {
  return (
    <Table label="Payments">
      <thead className="bg-slate-50">
        <tr>
          <Th>Created</Th>
          <Th className="text-right">Amount</Th>
          <Th>Status</Th>
          <Th>Connection</Th>
          <Th>Method</Th>
          <Th>Flow</Th>
          <Th>Channel</Th>
          <Th>Flags</Th>
        </tr>
      </thead>
      {/* The cells' look is set once here instead of on each of 8 × 50 cells (as <Td> would):
          every class string is sent twice, in the HTML and in the RSC payload. Colour and
          white-space are inherited, so a cell's own text-slate-900 still wins. */}
      <tbody className="divide-y divide-slate-100 whitespace-nowrap text-slate-700 [&>tr>td]:px-4 [&>tr>td]:py-2.5 [&_.cell-note]:block [&_.cell-note]:text-xs [&_.cell-note]:text-slate-500">
        {payments.map((p) => (
          <tr key={p.id} className="hover:bg-slate-50" data-payment-id={p.id}>
            <td>
              {/* No prefetch: the live list re-renders as payments change, and prefetching every
                  visible payment's page on each refresh cost the server more than the list
                  (bench/live-latency.ts). */}
              <Link
                href={`/transactions/${p.id}`}
                prefetch={false}
                className="text-brand-700 hover:underline"
              >
                {/* The name starts with what the link opens and still contains the visible text. */}
                <span className="sr-only">
                  Payment {p.id}, {formatMoney(p.amountMinor, p.currency)}, created{" "}
                </span>
                {formatShortDateTime(p.createdAt)}
              </Link>
            </td>
            <td className="text-right font-medium tabular-nums text-slate-900">
              {formatMoney(p.amountMinor, p.currency)}
            </td>
            <td>
              {p.updatedAt ? (
                <LiveStatusBadge
                  paymentId={p.id}
                  status={p.status}
                  updatedAt={p.updatedAt.getTime()}
                />
              ) : (
                <PaymentStatusBadge status={p.status} />
              )}
            </td>
            <td>
              {p.connectionLabel ?? PROVIDERS[p.provider]?.name ?? p.provider}
              {p.connectionLabel ? (
                <span className="cell-note">{PROVIDERS[p.provider]?.name ?? p.provider}</span>
              ) : null}
            </td>
            <td>{p.method ? methodName(p.method) : "—"}</td>
            <td>{p.flowName ?? (p.flowId ? <ShortId id={p.flowId} /> : "—")}</td>
            <td>
              {p.channel ? (CHANNEL_NAMES[p.channel] ?? p.channel) : "—"}
              {p.channelLabel ? <span className="cell-note">{p.channelLabel}</span> : null}
            </td>
            <td>
              <span className="inline-flex flex-wrap gap-1">
                {p.mode === "test" ? <span className="text-xs text-slate-500">test</span> : null}
                <PaymentFlags flags={p.flags} />
              </span>
            </td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

/** Prefix and tail of an id (cnv_…Jd8F); the whole id is in the tooltip and on the payment page. */
function ShortId({ id }: { id: string | null }) {
  if (!id) return <>—</>;
  const cut = id.indexOf("_") + 1;
  const short = id.length > cut + 8 ? `${id.slice(0, cut)}…${id.slice(-6)}` : id;
  return <span title={id}>{short}</span>;
}
