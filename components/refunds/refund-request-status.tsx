import { Badge, type Tone } from "@/components/ui/badge";
import type { RefundRequestRow } from "@/db/schema";
import { formatDateTime } from "@/lib/format/time";
import { formatMoney } from "@/lib/money";
import { isRefundReasonCode, REFUND_REASON_LABELS } from "@/lib/refunds/reason-codes";

export const REQUEST_TONES: Record<string, { tone: Tone; label: string }> = {
  pending: { tone: "amber", label: "Pending approval" },
  approved: { tone: "green", label: "Approved" },
  declined: { tone: "slate", label: "Declined" },
  failed: { tone: "red", label: "Approved, refund failed" },
};

export function RequestStatusBadge({ status }: { status: string }) {
  const s = REQUEST_TONES[status] ?? { tone: "slate" as const, label: status };
  return <Badge tone={s.tone}>{s.label}</Badge>;
}

export function reasonLabel(code: string): string {
  return isRefundReasonCode(code) ? REFUND_REASON_LABELS[code] : code;
}

/** Who asked, who decided and when, in words. */
export function RequestFacts({ request }: { request: RefundRequestRow }) {
  return (
    <span className="w-full text-xs text-slate-600">
      {formatMoney(request.amountMinor, request.currency)} · {reasonLabel(request.reasonCode)}
      {request.note ? ` · “${request.note}”` : ""} · asked by {request.requestedByEmail},{" "}
      {formatDateTime(request.createdAt)}
      {request.decidedAt
        ? ` · ${request.status === "declined" ? "declined" : "approved"} by ${request.decidedByEmail ?? "a former member"}, ${formatDateTime(request.decidedAt)}`
        : ""}
      {request.decisionNote ? ` · ${request.decisionNote}` : ""}
    </span>
  );
}

/** One payment's refund requests, for its detail page. */
export function PaymentRefundRequests({ requests }: { requests: RefundRequestRow[] }) {
  if (requests.length === 0) return null;
  return (
    <ul className="divide-y divide-slate-100 text-sm" aria-label="Refund requests">
      {requests.map((r) => (
        <li
          key={r.id}
          className="flex flex-wrap items-center justify-between gap-2 py-2"
          data-testid="refund-request"
        >
          <span className="font-medium tabular-nums">{formatMoney(r.amountMinor, r.currency)}</span>
          <RequestStatusBadge status={r.status} />
          <RequestFacts request={r} />
        </li>
      ))}
    </ul>
  );
}
