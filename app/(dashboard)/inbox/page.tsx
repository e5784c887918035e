import { languageName } from "@/components/conversations/conversations-table";
import { CHANNEL_LABELS } from "@/components/flows/node-meta";
import { LiveRefresh } from "@/components/inbox/live-refresh";
import { WaitedFor } from "@/components/inbox/waited-for";
import { PaymentStatusBadge } from "@/components/transactions/payment-status-badge";
import { Badge } from "@/components/ui/badge";
import { EmptyState, PageHeader } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import { can } from "@/lib/auth/permissions";
import { requirePagePermission } from "@/lib/auth/server";
import { listInbox, type InboxItem } from "@/lib/conversations/inbox/queries";
import { viewModeFor } from "@/lib/mode";
import { formatMoney } from "@/lib/money";
import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = { title: "Inbox" };
export const dynamic = "force-dynamic";

const REASONS: Record<string, string> = {
  agent_takeover: "Taken over from the bot",
  too_many_invalid: "The bot did not understand",
  technical_problem: "The bot ran into a problem",
  broken_graph: "The flow stopped at a broken step",
  loop_guard: "The flow looped",
};

function reasonText(reason: string): string {
  return REASONS[reason] ?? "Asked for a person";
}

function Holder({ item, userId }: { item: InboxItem; userId: string }) {
  if (item.status === "waiting") return <Badge tone="amber">Waiting for a person</Badge>;
  return (
    <Badge tone="blue">
      {item.assignedUserId === userId
        ? "You hold it"
        : `Held by ${item.assignedName ?? "a teammate"}`}
    </Badge>
  );
}

// Conversations waiting for a person or held by one, in the viewed mode, the longest wait first.
// Live: a hand-off, a takeover or a customer's message anywhere re-reads the page.
export default async function InboxPage() {
  const ctx = await requirePagePermission("inbox.view");
  const mode = await viewModeFor();
  const { items, more } = await listInbox(ctx, mode);
  const now = new Date().toISOString();
  const mayOpen = can(ctx.role, "conversations.view");

  return (
    <>
      <PageHeader
        title="Inbox"
        description="Chats waiting for a person: the bot handed them off, or a teammate took them over. Oldest wait first. Open one to take it, reply, send a payment request and hand it back to the bot."
      />
      <div className="mb-3 flex justify-end">
        <LiveRefresh mode={mode} />
      </div>
      {items.length === 0 ? (
        <EmptyState
          title="Nobody is waiting"
          action={
            mayOpen ? (
              <Link
                href="/conversations"
                className="text-sm font-medium text-brand-700 hover:underline"
              >
                Browse conversations
              </Link>
            ) : undefined
          }
        >
          When a flow reaches a Hand off step (or a customer asks for a person), the chat appears
          here. To step into any other chat, open it from Conversations and choose Take over.
        </EmptyState>
      ) : (
        <>
          <Table label="Inbox">
            <thead className="bg-slate-50">
              <tr>
                <Th>Customer</Th>
                <Th>Status</Th>
                <Th>Waiting</Th>
                <Th>Channel</Th>
                <Th>Language</Th>
                <Th>Payments</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {items.map((item) => (
                <tr
                  key={item.conversationId}
                  data-testid="inbox-row"
                  data-conversation-id={item.conversationId}
                >
                  <Td>
                    {mayOpen ? (
                      <Link
                        href={`/conversations/${item.conversationId}`}
                        prefetch={false}
                        className="font-medium text-brand-700 hover:underline"
                      >
                        {item.flowName ?? "Deleted flow"}
                      </Link>
                    ) : (
                      <span className="font-medium">{item.flowName ?? "Deleted flow"}</span>
                    )}
                    <span className="block text-xs text-slate-500">{reasonText(item.reason)}</span>
                  </Td>
                  <Td>
                    <Holder item={item} userId={ctx.user.id} />
                  </Td>
                  <Td>
                    <WaitedFor since={item.requestedAt.toISOString()} now={now} />
                  </Td>
                  <Td>{CHANNEL_LABELS[item.channel] ?? item.channel}</Td>
                  <Td>{languageName(item.lang)}</Td>
                  <Td>
                    {item.payments.length === 0 ? (
                      <span className="text-slate-500">None</span>
                    ) : (
                      <ul className="space-y-1">
                        {item.payments.slice(0, 3).map((p) => (
                          <li key={p.id} className="flex flex-wrap items-center gap-2">
                            <span className="tabular-nums">
                              {formatMoney(p.amountMinor, p.currency)}
                            </span>
                            <PaymentStatusBadge status={p.status} />
                            {p.origin === "agent" ? (
                              <span className="text-xs text-slate-500">by the team</span>
                            ) : null}
                          </li>
                        ))}
                      </ul>
                    )}
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
          {more ? (
            <p className="mt-3 text-sm text-slate-600">
              Showing the 200 longest waits; answer some to see the rest.
            </p>
          ) : null}
        </>
      )}
    </>
  );
}
