import type { FlowConversion } from "@/lib/flows/queries";
import Link from "next/link";

const percent = new Intl.NumberFormat("en-GB", { style: "percent", maximumFractionDigits: 1 });

/** The designer's header line: the flow's last-30-day conversion (same rollup as the Flows list). */
export function FlowConversionStrip({
  flowId,
  days,
  conversion,
  canSeeConversations,
  canSeeAnalytics,
}: {
  flowId: string;
  days: number;
  conversion: FlowConversion;
  canSeeConversations: boolean;
  canSeeAnalytics: boolean;
}) {
  const flowParam = encodeURIComponent(flowId);
  return (
    <div className="-mt-3 mb-1 flex flex-wrap items-center justify-end gap-x-4 gap-y-1 text-sm">
      <div role="group" aria-label={`Last ${days} days`} className="text-slate-700">
        <span className="text-slate-500">Last {days} days:</span>{" "}
        <span className="tabular-nums" data-testid="flow-conversations">
          {conversion.conversations.toLocaleString("en-GB")}
        </span>{" "}
        conversations ·{" "}
        <span className="tabular-nums">{conversion.paidConversations.toLocaleString("en-GB")}</span>{" "}
        paid ·{" "}
        <span className="font-medium tabular-nums" data-testid="flow-conversion-rate">
          {conversion.conversionRate === null ? "—" : percent.format(conversion.conversionRate)}
        </span>{" "}
        conversion
      </div>
      {canSeeAnalytics ? (
        <Link href={`/analytics?flow=${flowParam}`} className="text-brand-700 hover:underline">
          Funnel and drop-off →
        </Link>
      ) : null}
      {canSeeConversations ? (
        <Link href={`/conversations?flow=${flowParam}`} className="text-brand-700 hover:underline">
          Recent conversations →
        </Link>
      ) : null}
    </div>
  );
}
