import { DisputeActivity } from "@/components/disputes/case/activity";
import { DisputeAssignForm } from "@/components/disputes/case/assign-form";
import { CustomerHistoryPanel } from "@/components/disputes/case/customer-history";
import { DisputeNoteForm } from "@/components/disputes/case/note-form";
import { ProviderDetails } from "@/components/disputes/case/provider-details";
import { SandboxOutcome } from "@/components/disputes/case/sandbox-outcome";
import { DueBy } from "@/components/disputes/due-countdown";
import { DisputeStatusBadge, STAGE_LABELS } from "@/components/disputes/status-badge";
import { ConversationPanel } from "@/components/transactions/conversation-panel";
import { Card, PageHeader } from "@/components/ui/card";
import { can } from "@/lib/auth/permissions";
import { requirePagePermission } from "@/lib/auth/server";
import { PROVIDERS } from "@/lib/connections/provider-catalog";
import { getDisputeCase } from "@/lib/disputes/case";
import { reasonLabel } from "@/lib/disputes/reasons";
import { sandboxEscalation } from "@/lib/disputes/sandbox-stages";
import { loadOr404 } from "@/lib/load-or-404";
import { formatMoney } from "@/lib/money";
import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = { title: "Dispute" };
export const dynamic = "force-dynamic";

const OPEN = new Set(["needs_response", "under_review"]);

// The case: what is disputed and by when, who works it, what happened, the conversation the
// evidence is built from, the customer's other payments and disputes, and the case in the
// provider's own words. The evidence itself is written on /disputes/[id]/evidence.
export default async function DisputeCasePage({ params }: { params: Promise<{ id: string }> }) {
  const ctx = await requirePagePermission("disputes.view");
  const { id } = await params;
  const found = await loadOr404(getDisputeCase(ctx, id));
  const { dispute, detail, activity, assignee, assignable, timezone, customer, providerPayload } =
    found;
  const now = new Date();
  const providerName = PROVIDERS[detail.payment.provider].name;
  const open = OPEN.has(dispute.status);
  const escalation = sandboxEscalation(dispute);
  const simulatedBank =
    detail.payment.provider === "sandbox" &&
    can(ctx.role, "disputes.respond") &&
    (open || escalation.ok);
  return (
    <div className="space-y-6">
      <PageHeader
        title={`Dispute: ${reasonLabel(dispute.reason)}, ${formatMoney(dispute.amountMinor, dispute.currency)}`}
        description={`${providerName} case ${dispute.providerDisputeId} · ${dispute.mode === "test" ? "test data" : "live"}`}
        actions={
          <Link
            href={`/disputes/${dispute.id}/evidence`}
            className="rounded-md bg-brand-600 px-3 py-2 text-sm font-medium text-white hover:bg-brand-700"
          >
            {open ? "Write the response" : "View the evidence"}
          </Link>
        }
      />
      <Card className="grid gap-4 text-sm sm:grid-cols-2 lg:grid-cols-4">
        <div>
          <div className="text-xs text-slate-500">Status</div>
          <div className="mt-1">
            <DisputeStatusBadge status={dispute.status} />
          </div>
        </div>
        <div>
          <div className="text-xs text-slate-500">Stage</div>
          <div className="mt-1 font-medium" data-testid="dispute-stage">
            {STAGE_LABELS[dispute.stage]}
          </div>
        </div>
        <div>
          <div className="text-xs text-slate-500">Respond by ({timezone})</div>
          <div className="mt-1">
            {open ? (
              <DueBy dueBy={dispute.dueBy} timezone={timezone} now={now} />
            ) : (
              <span className="text-slate-600">Closed</span>
            )}
          </div>
        </div>
        <div>
          <div className="text-xs text-slate-500">Payment</div>
          <Link
            href={`/transactions/${detail.payment.id}`}
            className="mt-1 block font-medium break-all text-brand-700 hover:underline"
          >
            {formatMoney(detail.payment.amountMinor, detail.payment.currency)} · {detail.payment.id}
          </Link>
        </div>
      </Card>

      <div className="grid gap-6 lg:grid-cols-3">
        <div className="min-w-0 space-y-6 lg:col-span-2">
          <Card className="space-y-4">
            <h2 className="text-base font-semibold">Activity</h2>
            <DisputeActivity activity={activity} timezone={timezone} />
            {can(ctx.role, "disputes.respond") ? <DisputeNoteForm disputeId={dispute.id} /> : null}
          </Card>
          <Card>
            <CustomerHistoryPanel history={customer} timezone={timezone} />
          </Card>
          {detail.conversation ? (
            <Card>
              <ConversationPanel detail={detail} />
            </Card>
          ) : (
            <Card>
              <h2 className="text-base font-semibold">Conversation</h2>
              <p className="mt-2 text-sm text-slate-600">
                {can(ctx.role, "conversations.view")
                  ? "This payment did not come from a chat: build the evidence from the receipt and your own records."
                  : "Your role does not show conversations."}
              </p>
            </Card>
          )}
        </div>
        <div className="min-w-0 space-y-6">
          <Card className="space-y-3">
            <h2 className="text-base font-semibold">Who works it</h2>
            {can(ctx.role, "disputes.assign") ? (
              <DisputeAssignForm
                disputeId={dispute.id}
                assigneeUserId={dispute.assigneeUserId}
                members={assignable}
                viewerUserId={ctx.user.id}
              />
            ) : (
              <p className="text-sm text-slate-700">{assignee ? assignee.name : "Unassigned"}</p>
            )}
          </Card>
          {simulatedBank ? (
            <Card className="space-y-3">
              <h2 className="text-base font-semibold">Simulated bank</h2>
              <SandboxOutcome
                disputeId={dispute.id}
                open={open}
                escalateTo={escalation.ok ? escalation.stage : null}
              />
            </Card>
          ) : null}
          <Card>
            <ProviderDetails
              dispute={dispute}
              providerName={providerName}
              timezone={timezone}
              payload={providerPayload}
              canViewPayloads={can(ctx.role, "webhooks.view_payloads")}
            />
          </Card>
        </div>
      </div>
    </div>
  );
}
