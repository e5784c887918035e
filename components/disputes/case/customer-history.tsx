import { DisputeStatusBadge, STAGE_LABELS } from "@/components/disputes/status-badge";
import { PaymentStatusBadge } from "@/components/transactions/payment-status-badge";
import { Badge } from "@/components/ui/badge";
import { Table, Td, Th } from "@/components/ui/table";
import type { CustomerHistory } from "@/lib/disputes/case-history";
import { formatMoney } from "@/lib/money";
import Link from "next/link";

/** The same customer's other payments and disputes (this merchant, this mode), newest first. */
export function CustomerHistoryPanel({
  history,
  timezone,
}: {
  history: CustomerHistory;
  timezone: string;
}) {
  const date = new Intl.DateTimeFormat("en-GB", {
    day: "numeric",
    month: "short",
    year: "numeric",
    timeZone: timezone,
  });
  return (
    <section aria-labelledby="customer-history-heading" className="space-y-4">
      <div>
        <h2 id="customer-history-heading" className="text-base font-semibold">
          This customer&apos;s other payments and disputes
        </h2>
        <p className="mt-1 text-sm break-all text-slate-600">
          {history.matchedOn === null
            ? "The payment names no customer email, so there is nothing to match on."
            : history.customerEmail
              ? `Matched on ${history.customerEmail}, in this mode only.`
              : "Matched on the customer's email, in this mode only."}
        </p>
      </div>

      <div className="space-y-2">
        <h3 className="text-sm font-semibold text-slate-800">Other payments</h3>
        {history.payments.length === 0 ? (
          <p className="text-sm text-slate-600" data-testid="customer-payments-empty">
            No other payments from this customer
            {history.matchedOn === null ? "." : ": this is their only one here."}
          </p>
        ) : (
          <Table label="This customer's other payments">
            <thead className="bg-slate-50">
              <tr>
                <Th>Payment</Th>
                <Th>Date</Th>
                <Th>Status</Th>
                <Th>Disputed</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {history.payments.map((p) => (
                <tr key={p.id}>
                  <Td>
                    <Link
                      href={`/transactions/${p.id}`}
                      className="font-medium text-brand-700 hover:underline"
                    >
                      {formatMoney(p.amountMinor, p.currency)}
                      <span className="sr-only"> payment {p.id}</span>
                    </Link>
                  </Td>
                  <Td>
                    <time dateTime={p.createdAt.toISOString()}>{date.format(p.createdAt)}</time>
                  </Td>
                  <Td>
                    <PaymentStatusBadge status={p.status} />
                  </Td>
                  <Td>
                    {p.disputed ? (
                      <Badge tone="amber">Disputed</Badge>
                    ) : (
                      <span className="text-slate-500">No</span>
                    )}
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </div>

      <div className="space-y-2">
        <h3 className="text-sm font-semibold text-slate-800">Other disputes</h3>
        {history.disputes.length === 0 ? (
          <p className="text-sm text-slate-600">
            No other disputes from this customer
            {history.matchedOn === null ? "." : ": this is the first case they opened here."}
          </p>
        ) : (
          <ul aria-label="This customer's other disputes" className="divide-y divide-slate-100">
            {history.disputes.map((d) => (
              <li key={d.id} className="flex flex-wrap items-center gap-x-3 gap-y-1 py-2 text-sm">
                <Link
                  href={`/disputes/${d.id}`}
                  className="font-medium text-brand-700 hover:underline"
                >
                  {STAGE_LABELS[d.stage]} for {formatMoney(d.amountMinor, d.currency)}
                </Link>
                <DisputeStatusBadge status={d.status} />
                <span className="text-slate-500">
                  opened <time dateTime={d.openedAt.toISOString()}>{date.format(d.openedAt)}</time>
                </span>
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}
