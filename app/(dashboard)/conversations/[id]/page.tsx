import { languageName } from "@/components/conversations/conversations-table";
import { RemindersCard } from "@/components/conversations/reminders-card";
import { ConversationStatusBadge } from "@/components/conversations/status-badge";
import { StepsList } from "@/components/conversations/steps-list";
import { Transcript } from "@/components/conversations/transcript";
import { CHANNEL_LABELS } from "@/components/flows/node-meta";
import { AgentPanel } from "@/components/inbox/agent-panel";
import { LiveRefresh } from "@/components/inbox/live-refresh";
import { PaymentStatusBadge } from "@/components/transactions/payment-status-badge";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { requirePagePermission } from "@/lib/auth/server";
import { getInboxPanel } from "@/lib/conversations/inbox/queries";
import { getConversationDetail } from "@/lib/conversations/queries";
import { getRecoveredRevenue } from "@/lib/conversations/reminders";
import { formatDateTime } from "@/lib/format/time";
import { loadOr404 } from "@/lib/load-or-404";
import { formatMoney } from "@/lib/money";
import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = { title: "Conversation" };
export const dynamic = "force-dynamic";

export default async function ConversationPage({ params }: { params: Promise<{ id: string }> }) {
  const ctx = await requirePagePermission("conversations.view");
  const { id } = await params;
  const conversation = await loadOr404(getConversationDetail(ctx, id));
  const paymentIds = new Set(conversation.payments.map((p) => p.id));
  const panel = conversation.isSimulation
    ? null
    : await getInboxPanel({ ...ctx, userId: ctx.user.id }, conversation.id);
  const recovered = await getRecoveredRevenue(ctx, conversation.mode, {
    conversationId: conversation.id,
  });

  const summary: [string, React.ReactNode][] = [
    [
      "Conversation id",
      <span key="id" className="font-mono text-xs">
        {conversation.id}
      </span>,
    ],
    [
      "Flow",
      <span key="flow" data-testid="conversation-flow">
        {conversation.flowName ? (
          <Link href={`/flows/${conversation.flowId}`} className="text-brand-700 hover:underline">
            {conversation.flowName}
          </Link>
        ) : (
          <span className="text-slate-500">Deleted flow</span>
        )}
        {" · "}
        {conversation.flowVersion !== null
          ? `version ${conversation.flowVersion}`
          : conversation.isSimulation
            ? "draft"
            : "version unknown"}
      </span>,
    ],
    ["Channel", CHANNEL_LABELS[conversation.channel] ?? conversation.channel],
    ["Language", languageName(conversation.lang)],
    ["Started", formatDateTime(conversation.startedAt)],
    ["Last activity", formatDateTime(conversation.lastActivityAt)],
    ["Ended", conversation.completedAt ? formatDateTime(conversation.completedAt) : "—"],
  ];

  return (
    <>
      <p className="mb-2 text-sm">
        <Link
          href={`/conversations?flow=${encodeURIComponent(conversation.flowId)}`}
          className="text-brand-700 hover:underline"
        >
          ← Conversations{conversation.flowName ? ` · ${conversation.flowName}` : ""}
        </Link>
      </p>
      <div className="mb-6 flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold tracking-tight">Conversation</h1>
        <ConversationStatusBadge status={conversation.status} />
        {conversation.isSimulation ? (
          <Badge tone="slate">Simulator test</Badge>
        ) : conversation.mode === "test" ? (
          <Badge tone="slate">Test conversation</Badge>
        ) : null}
        <LiveRefresh
          mode={conversation.mode}
          conversationId={conversation.id}
          paymentIds={[...paymentIds]}
        />
      </div>

      <div className="grid gap-4 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        {panel ? (
          <Card className="lg:col-start-2" data-testid="agent-panel">
            <h2 className="mb-3 text-base font-semibold">A person in the chat</h2>
            <AgentPanel
              conversationId={conversation.id}
              handoffStatus={panel.handoffStatus}
              heldByMe={panel.heldByMe}
              holderName={panel.assignedName}
              mayAct={panel.mayAct}
              ended={["completed", "expired", "abandoned"].includes(panel.conversationStatus)}
              channelLabel={CHANNEL_LABELS[panel.channel] ?? panel.channel}
              maxTextLength={panel.maxTextLength}
              windowClosesAt={panel.windowClosesAt?.toISOString() ?? null}
              hasWindow={panel.windowMs !== null}
              steps={panel.steps}
              reassignTo={
                panel.mayReassign
                  ? panel.reassignTo.map((m) => ({
                      userId: m.userId,
                      name:
                        m.userId === ctx.user.id
                          ? `Me (${m.name || m.email})`
                          : `${m.name || m.email} (${m.email})`,
                    }))
                  : null
              }
              payment={
                panel.paymentOptions
                  ? {
                      connectionLabel: panel.paymentOptions.connectionLabel,
                      currency: panel.paymentOptions.currency,
                      methods: panel.paymentOptions.methods,
                    }
                  : null
              }
            />
          </Card>
        ) : null}
        <Card className="lg:col-start-1 lg:row-span-4 lg:row-start-1">
          <h2 className="mb-3 text-base font-semibold">Transcript</h2>
          <Transcript messages={conversation.messages} paymentIds={paymentIds} />
        </Card>
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
          <h2 className="mb-3 text-base font-semibold">Payments</h2>
          {conversation.payments.length === 0 ? (
            <p className="text-sm text-slate-500">This conversation has not created a payment.</p>
          ) : (
            <ul className="space-y-2 text-sm" aria-label="Payments">
              {conversation.payments.map((p) => (
                <li key={p.id} className="flex flex-wrap items-center gap-2">
                  <Link
                    href={`/transactions/${p.id}`}
                    className="font-medium tabular-nums text-brand-700 hover:underline"
                  >
                    {formatMoney(p.amountMinor, p.currency)}
                  </Link>
                  <PaymentStatusBadge status={p.status} />
                  <span className="font-mono text-xs text-slate-500">{p.id}</span>
                </li>
              ))}
            </ul>
          )}
        </Card>
        <RemindersCard steps={conversation.steps} recovered={recovered} />
        <Card>
          <h2 className="mb-3 text-base font-semibold">Steps</h2>
          <StepsList steps={conversation.steps} />
        </Card>
      </div>
    </>
  );
}
