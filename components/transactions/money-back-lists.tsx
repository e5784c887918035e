import { DisputeStatusBadge, STAGE_LABELS } from "@/components/disputes/status-badge";
import { Badge, type Tone } from "@/components/ui/badge";
import type { Dispute } from "@/db/schema/disputes";
import type { Refund } from "@/db/schema/payments";
import { disputeMoney, type MoneyDirection } from "@/lib/disputes/money";
import { reasonLabel } from "@/lib/disputes/reasons";
import { formatDateTime } from "@/lib/format/time";
import { formatMoney } from "@/lib/money";
import { isRefundReasonCode, REFUND_REASON_LABELS } from "@/lib/refunds/reason-codes";
import Link from "next/link";

const REFUND_TONES: Record<string, { tone: Tone; label: string }> = {
  pending: { tone: "amber", label: "Pending" },
  succeeded: { tone: "green", label: "Refunded" },
  failed: { tone: "red", label: "Failed" },
};

const MONEY_TONES: Record<MoneyDirection, string> = {
  none: "text-slate-600",
  held: "text-amber-800",
  returned: "text-green-800",
  lost: "text-red-700",
};

type RefundRow = Pick<
  Refund,
  | "id"
  | "amountMinor"
  | "currency"
  | "status"
  | "reason"
  | "reasonCode"
  | "createdAt"
  | "outcomeReason"
>;
type DisputeRow = Pick<
  Dispute,
  "id" | "reason" | "amountMinor" | "currency" | "status" | "stage" | "dueBy" | "openedAt"
>;

export function RefundsList({ refunds }: { refunds: RefundRow[] }) {
  if (refunds.length === 0) return <p className="text-sm text-slate-600">No refunds.</p>;
  return (
    <ul className="divide-y divide-slate-100 text-sm" aria-label="Refunds">
      {refunds.map((r) => {
        const status = REFUND_TONES[r.status] ?? { tone: "slate" as const, label: r.status };
        return (
          <li key={r.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
            <span className="font-medium tabular-nums">
              {formatMoney(r.amountMinor, r.currency)}
            </span>
            <Badge tone={status.tone}>{status.label}</Badge>
            <span className="w-full text-xs text-slate-500">
              {formatDateTime(r.createdAt)}
              {r.reasonCode && isRefundReasonCode(r.reasonCode) && r.reasonCode !== "other"
                ? ` · ${REFUND_REASON_LABELS[r.reasonCode]}`
                : ""}
              {r.reason ? ` · ${r.reason}` : ""}
            </span>
            {r.status !== "succeeded" && r.outcomeReason ? (
              <span
                className={`w-full text-xs ${r.status === "pending" ? "text-amber-800" : "text-red-700"}`}
              >
                {r.outcomeReason}
                {r.status === "pending"
                  ? ` · ${formatMoney(r.amountMinor, r.currency)} stays reserved until the provider answers`
                  : ""}
              </span>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}

export function DisputesList({ disputes }: { disputes: DisputeRow[] }) {
  if (disputes.length === 0) return <p className="text-sm text-slate-600">No disputes.</p>;
  return (
    <ul className="divide-y divide-slate-100 text-sm" aria-label="Disputes">
      {disputes.map((d) => {
        const money = disputeMoney(d);
        return (
          <li key={d.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
            <span className="font-medium tabular-nums">
              {formatMoney(d.amountMinor, d.currency)}
            </span>
            <span className="flex flex-wrap items-center gap-1">
              <Badge tone="slate">{STAGE_LABELS[d.stage]}</Badge>
              <DisputeStatusBadge status={d.status} />
            </span>
            <span className={`w-full text-xs font-medium ${MONEY_TONES[money.direction]}`}>
              {money.text}
            </span>
            <span className="w-full text-xs text-slate-500">
              {reasonLabel(d.reason)} · opened {formatDateTime(d.openedAt)}
              {d.dueBy ? ` · respond by ${formatDateTime(d.dueBy)}` : ""}
            </span>
            <span className="flex gap-3">
              <Link
                href={`/disputes/${d.id}`}
                className="text-xs font-medium text-brand-700 hover:underline"
              >
                Open the case
              </Link>
              <Link
                href={`/disputes/${d.id}/evidence`}
                className="text-xs font-medium text-brand-700 hover:underline"
              >
                Evidence and response
              </Link>
            </span>
          </li>
        );
      })}
    </ul>
  );
}
