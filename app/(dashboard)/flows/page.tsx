import { FlowList } from "@/components/flows/flow-list";
import { NewFlowButton } from "@/components/flows/new-flow-dialog";
import { EmptyState, PageHeader } from "@/components/ui/card";
import { can } from "@/lib/auth/permissions";
import { requirePagePermission } from "@/lib/auth/server";
import { getRecoveredRevenue } from "@/lib/conversations/reminders";
import { defaultFlowCurrency, listFlows } from "@/lib/flows/queries";
import { viewModeFor } from "@/lib/mode";
import { formatMoney } from "@/lib/money";
import type { Metadata } from "next";

export const metadata: Metadata = { title: "Flows" };
export const dynamic = "force-dynamic";

export default async function FlowsPage() {
  const ctx = await requirePagePermission("flows.view");
  const mode = await viewModeFor();
  const flows = await listFlows(ctx, mode);
  const recovered = can(ctx.role, "conversations.view") ? await getRecoveredRevenue(ctx, mode) : [];
  const canEdit = can(ctx.role, "flows.edit");
  const newFlow = canEdit ? (
    <NewFlowButton defaultCurrency={await defaultFlowCurrency(ctx.db, ctx.merchantId)} />
  ) : null;
  return (
    <>
      <PageHeader
        title="Flows"
        description="How your chatbot takes a payment: design it, test it in the simulator, publish it to your channels."
        actions={newFlow}
      />
      {flows.length === 0 ? (
        <EmptyState title="Create your first payment flow from a template" action={newFlow}>
          {canEdit
            ? "Pick a starting point — an invoice, a small catalogue, donations or a reminder link — then adapt its wording and steps."
            : "Ask an owner or admin to create one; you will see how it performs here."}
        </EmptyState>
      ) : (
        <FlowList flows={flows} />
      )}
      {flows.length > 0 ? (
        <p className="mt-4 text-sm text-slate-600" data-testid="recovered-revenue-total">
          Paid after a reminder ({mode === "live" ? "live" : "test"} mode):{" "}
          {recovered.length === 0
            ? "nothing yet — a Reminder step after the payment link brings customers back"
            : recovered
                .map((r) => `${formatMoney(r.amountMinor, r.currency)} (${r.payments})`)
                .join(" · ")}
        </p>
      ) : null}
    </>
  );
}
