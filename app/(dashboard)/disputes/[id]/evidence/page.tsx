import { EvidenceWorkspace } from "@/components/disputes/evidence/evidence-workspace";
import { Badge, type Tone } from "@/components/ui/badge";
import { Card, PageHeader } from "@/components/ui/card";
import { can } from "@/lib/auth/permissions";
import { requirePagePermission } from "@/lib/auth/server";
import { getEvidenceCase } from "@/lib/disputes/evidence/queries";
import { EVIDENCE_SLOT_LABELS } from "@/lib/disputes/evidence/schemas";
import { formatDateTime } from "@/lib/format/time";
import { loadOr404 } from "@/lib/load-or-404";
import { formatMoney } from "@/lib/money";
import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = { title: "Dispute evidence" };
export const dynamic = "force-dynamic";

const STATUS: Record<string, { tone: Tone; label: string }> = {
  needs_response: { tone: "red", label: "Needs response" },
  under_review: { tone: "amber", label: "Under review" },
  won: { tone: "green", label: "Won" },
  lost: { tone: "red", label: "Lost" },
  accepted: { tone: "slate", label: "Accepted" },
};

const PROVIDER_NAMES = {
  stripe: "Stripe",
  paypal: "PayPal",
  adyen: "Adyen",
  sandbox: "Sandbox",
  coinbase: "Coinbase Commerce",
};

export default async function EvidencePage({ params }: { params: Promise<{ id: string }> }) {
  const ctx = await requirePagePermission("disputes.view");
  const { id } = await params;
  const evidence = await loadOr404(getEvidenceCase(ctx, id));
  const { dispute, detail, response } = evidence;
  const status = STATUS[dispute.status] ?? { tone: "slate" as const, label: dispute.status };
  const canEdit = can(ctx.role, "disputes.respond");
  return (
    <div className="space-y-6">
      <PageHeader
        title={`Evidence for dispute ${dispute.providerDisputeId}`}
        description={`${dispute.reason.replaceAll("_", " ")} · ${formatMoney(dispute.amountMinor, dispute.currency)} · ${PROVIDER_NAMES[evidence.provider]}`}
      />
      <Card className="flex flex-wrap items-center gap-x-6 gap-y-2 p-4 text-sm">
        <span className="flex items-center gap-2">
          Status <Badge tone={status.tone}>{status.label}</Badge>
        </span>
        <span>
          Respond by{" "}
          <strong>{dispute.dueBy ? formatDateTime(dispute.dueBy) : "no deadline given"}</strong>
        </span>
        <Link
          href={`/transactions/${detail.payment.id}`}
          className="font-medium text-brand-700 hover:underline"
        >
          Payment {detail.payment.id}
        </Link>
      </Card>
      <EvidenceWorkspace
        disputeId={dispute.id}
        disputeUpdatedAt={dispute.updatedAt.toISOString()}
        providerName={PROVIDER_NAMES[evidence.provider]}
        fields={evidence.fields}
        prefilled={evidence.prefilled}
        version={evidence.version}
        state={response?.state ?? "draft"}
        lastError={response?.lastError ?? null}
        stagedAt={response?.stagedAt?.toISOString() ?? null}
        respond={evidence.respond}
        support={evidence.support}
        rulesText={evidence.rules.source}
        canEdit={canEdit}
        canDownload={evidence.canDownload}
        files={evidence.files.map((f) => ({
          id: f.id,
          name: f.fileName,
          slot: f.slot,
          slotLabel: EVIDENCE_SLOT_LABELS[f.slot],
          contentType: f.contentType,
          sizeBytes: f.sizeBytes,
        }))}
      />
    </div>
  );
}
