import { CHANNEL_LABELS, LANG_TABS } from "@/components/flows/node-meta";
import { PaymentStatusBadge } from "@/components/transactions/payment-status-badge";
import { Badge } from "@/components/ui/badge";
import { Table, Td, Th } from "@/components/ui/table";
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
      <tbody className="divide-y divide-slate-100">
        {items.map((c) => (
          <tr key={c.id} className="hover:bg-slate-50" data-testid="conversation-row">
            <Td>
              <Link href={`/conversations/${c.id}`} className="text-brand-700 hover:underline">
                <span className="sr-only">Conversation {c.id}, started </span>
                {formatShortDateTime(c.startedAt)}
              </Link>
            </Td>
            <Td className="max-w-64 truncate">
              {c.flowName ?? <span className="text-slate-500">Deleted flow</span>}
              {c.isSimulation ? (
                <Badge tone="slate" className="ml-2">
                  Simulator
                </Badge>
              ) : null}
            </Td>
            <Td>{CHANNEL_LABELS[c.channel] ?? c.channel}</Td>
            <Td>{languageName(c.lang)}</Td>
            <Td>
              <ConversationStatusBadge status={c.status} />
            </Td>
            <Td>
              <span title={formatShortDateTime(c.lastActivityAt)}>{timeAgo(c.lastActivityAt)}</span>
            </Td>
            <Td className="text-right">
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
            </Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
