import { CHANNEL_LABELS, LANG_TABS } from "@/components/flows/node-meta";
import { PaymentStatusBadge } from "@/components/transactions/payment-status-badge";
import { Badge } from "@/components/ui/badge";
import { Table, Th } from "@/components/ui/table";
import type { ConversationListItem } from "@/lib/conversations/queries";
import type { Lang } from "@/lib/flows/graph";
import { formatShortDateTime, timeAgo } from "@/lib/format/time";
import { formatMoney } from "@/lib/money";
import Link from "next/link";
import { ConversationStatusBadge } from "./status-badge";

export function languageName(lang: string): string {
  return LANG_TABS[lang as Lang]?.name ?? lang;
}

export function ConversationsTable({ items }: { items: ConversationListItem[] }) {
  return (
    <Table label="Conversations">
      <thead className="bg-slate-50">
        <tr>
          <Th>Started</Th>
          <Th>Flow</Th>
          <Th>Channel</Th>
          <Th>Language</Th>
          <Th>Status</Th>
          <Th>Last activity</Th>
          <Th className="text-right">Payment</Th>
        </tr>
      </thead>
      {/* The cells' look is set once here instead of on each of 7 × 25 cells (as <td> would). */}
      <tbody className="divide-y divide-slate-100 [&>tr>td]:px-4 [&>tr>td]:py-2.5 [&>tr>td]:whitespace-nowrap [&>tr>td]:text-slate-700">
        {items.map((c) => (
          <tr key={c.id} className="hover:bg-slate-50" data-testid="conversation-row">
            <td>
              <Link href={`/conversations/${c.id}`} className="text-brand-700 hover:underline">
                <span className="sr-only">Conversation {c.id}, started </span>
                {formatShortDateTime(c.startedAt)}
              </Link>
            </td>
            <td className="max-w-64 truncate">
              {c.flowName ?? <span className="text-slate-500">Deleted flow</span>}
              {c.isSimulation ? (
                <Badge tone="slate" className="ml-2">
                  Simulator
                </Badge>
              ) : null}
            </td>
            <td>{CHANNEL_LABELS[c.channel] ?? c.channel}</td>
            <td>{languageName(c.lang)}</td>
            <td>
              <ConversationStatusBadge status={c.status} />
            </td>
            <td>
              <span title={formatShortDateTime(c.lastActivityAt)}>{timeAgo(c.lastActivityAt)}</span>
            </td>
            <td className="text-right">
              {c.latestPayment ? (
                <span className="inline-flex items-center gap-2">
                  <span className="font-medium tabular-nums text-slate-900">
                    {formatMoney(c.latestPayment.amountMinor, c.latestPayment.currency)}
                  </span>
                  <PaymentStatusBadge status={c.latestPayment.status} />
                  {c.paymentCount > 1 ? (
                    <span className="text-xs text-slate-500">+{c.paymentCount - 1} more</span>
                  ) : null}
                </span>
              ) : (
                <span className="text-slate-500">No payment</span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
