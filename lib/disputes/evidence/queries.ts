// Reads for the evidence page and its downloads: the case (dispute, payment, conversation, the
// saved answer or a pre-filled one, the files' metadata) and the bytes of a pack or a file.
import {
  connections,
  disputeFiles,
  disputeResponses,
  disputes,
  type Dispute,
  type DisputeFile,
  type DisputeResponse,
} from "@/db/schema";
import type { ReadContext, ServiceContext } from "@/lib/auth/context";
import { assertCan } from "@/lib/auth/context";
import { can } from "@/lib/auth/permissions";
import { connectorFor } from "@/lib/connections/providers/registry";
import type { DisputeResponseSupport, ProviderKind } from "@/lib/connections/providers/types";
import { NotFoundError } from "@/lib/errors";
import { getPaymentDetail, type PaymentDetail } from "@/lib/payments/detail";
import { and, asc, eq } from "drizzle-orm";
import { canRespond, type RespondCheck } from "./dispute-state";
import { PROVIDER_FILE_RULES, type ProviderFileRules } from "./file-rules";
import { renderEvidencePack } from "./pack-pdf";
import { evidencePackContent, prefillEvidence } from "./prefill";
import { evidenceFieldsSchema, type EvidenceFields } from "./schemas";

export type EvidenceFileSummary = Omit<DisputeFile, "bytes">;

export interface EvidenceCase {
  dispute: Dispute;
  detail: PaymentDetail;
  provider: ProviderKind;
  support: DisputeResponseSupport;
  rules: ProviderFileRules;
  response: DisputeResponse | null;
  fields: EvidenceFields;
  /** True when nothing was saved yet: the fields come from the payment and the chat. */
  prefilled: boolean;
  /** The version the form must echo back (0 before the first save). */
  version: number;
  files: EvidenceFileSummary[];
  respond: RespondCheck;
  /** The viewer may download files and the pack (they show customer data). */
  canDownload: boolean;
}

export async function loadDispute(ctx: ReadContext, disputeId: string): Promise<Dispute> {
  const [row] = await ctx.db
    .select()
    .from(disputes)
    .where(and(eq(disputes.merchantId, ctx.merchantId), eq(disputes.id, disputeId)));
  if (!row) throw new NotFoundError("This dispute");
  return row;
}

export async function loadResponse(ctx: ReadContext, disputeId: string) {
  const [row] = await ctx.db
    .select()
    .from(disputeResponses)
    .where(
      and(
        eq(disputeResponses.merchantId, ctx.merchantId),
        eq(disputeResponses.disputeId, disputeId),
      ),
    );
  return row ?? null;
}

export async function listEvidenceFiles(
  ctx: ReadContext,
  disputeId: string,
): Promise<EvidenceFileSummary[]> {
  return ctx.db
    .select({
      merchantId: disputeFiles.merchantId,
      id: disputeFiles.id,
      disputeId: disputeFiles.disputeId,
      slot: disputeFiles.slot,
      fileName: disputeFiles.fileName,
      contentType: disputeFiles.contentType,
      sizeBytes: disputeFiles.sizeBytes,
      sha256: disputeFiles.sha256,
      providerFileId: disputeFiles.providerFileId,
      uploadedByUserId: disputeFiles.uploadedByUserId,
      createdAt: disputeFiles.createdAt,
    })
    .from(disputeFiles)
    .where(and(eq(disputeFiles.merchantId, ctx.merchantId), eq(disputeFiles.disputeId, disputeId)))
    .orderBy(asc(disputeFiles.createdAt));
}

export async function connectionProvider(ctx: ReadContext, dispute: Dispute) {
  const [connection] = await ctx.db
    .select()
    .from(connections)
    .where(
      and(eq(connections.merchantId, ctx.merchantId), eq(connections.id, dispute.connectionId)),
    );
  return connection ?? null;
}

export function savedFields(response: DisputeResponse): EvidenceFields {
  const parsed = evidenceFieldsSchema.partial().safeParse(response.fields);
  const base = evidenceFieldsSchema.parse(
    Object.fromEntries(Object.keys(evidenceFieldsSchema.shape).map((k) => [k, ""])),
  );
  return { ...base, ...(parsed.success ? parsed.data : {}) };
}

export async function getEvidenceCase(
  ctx: ServiceContext,
  disputeId: string,
): Promise<EvidenceCase> {
  assertCan(ctx, "disputes.view");
  const dispute = await loadDispute(ctx, disputeId);
  const [detail, response, files] = await Promise.all([
    getPaymentDetail(ctx, dispute.paymentId),
    loadResponse(ctx, disputeId),
    listEvidenceFiles(ctx, disputeId),
  ]);
  const provider = detail.payment.provider;
  const prefilled = !response;
  return {
    dispute,
    detail,
    provider,
    support: connectorFor(provider).disputeSupport,
    rules: PROVIDER_FILE_RULES[provider],
    response,
    fields: response ? savedFields(response) : prefillEvidence(detail.payment, detail.conversation),
    prefilled,
    version: response?.version ?? 0,
    files,
    respond: canRespond(dispute, new Date()),
    canDownload: can(ctx.role, "transactions.view_customer"),
  };
}

/** The evidence pack PDF for the case as it stands (saved fields, or the pre-filled ones). */
export async function buildEvidencePack(
  ctx: ServiceContext,
  evidence: EvidenceCase,
): Promise<Uint8Array> {
  return renderEvidencePack(
    evidencePackContent(
      evidence.dispute,
      evidence.detail.payment,
      evidence.detail.conversation,
      evidence.fields,
      "merchantName" in ctx && typeof ctx.merchantName === "string" ? ctx.merchantName : "Merchant",
    ),
  );
}

export async function readEvidenceFile(ctx: ReadContext, disputeId: string, fileId: string) {
  const [row] = await ctx.db
    .select()
    .from(disputeFiles)
    .where(
      and(
        eq(disputeFiles.merchantId, ctx.merchantId),
        eq(disputeFiles.disputeId, disputeId),
        eq(disputeFiles.id, fileId),
      ),
    );
  if (!row) throw new NotFoundError("This file");
  return row;
}
