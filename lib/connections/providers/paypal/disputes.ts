// PayPal Customer Disputes v1: provide-evidence is a multipart POST (an `input` JSON part naming
// each document, then the files), accepted only while the dispute waits for the seller; accepting
// is accept-claim; GET /v1/customer/disputes/:id re-reads where it stands.
import { z } from "zod";
import {
  type ConnectorContext,
  type DisputeEvidenceFile,
  type DisputeEvidenceInput,
  type DisputeEvidenceResult,
  type ProviderDisputeStanding,
  ProviderError,
} from "../types";
import { type PayPalCredentials, paypalRequest } from "./http";

type Ctx = ConnectorContext<PayPalCredentials>;

interface PayPalEvidence {
  evidence_type: string;
  notes?: string;
  evidence_info?: {
    tracking_info: { carrier_name: string; carrier_name_other: string; tracking_number: string }[];
  };
  documents?: { name: string }[];
}

const NOTES_MAX = 2000;

function lines(entries: [string, string | undefined][]): string {
  return entries
    .filter(([, v]) => v?.trim())
    .map(([label, v]) => `${label}: ${v!.trim()}`)
    .join("\n")
    .slice(0, NOTES_MAX);
}

/** Parley's evidence as PayPal's `evidences` array, documents named as their multipart parts. */
export function paypalEvidenceInput(
  fields: DisputeEvidenceInput["fields"],
  files: Pick<DisputeEvidenceFile, "slot" | "name">[],
): { evidences: PayPalEvidence[] } {
  const docs = (slots: DisputeEvidenceFile["slot"][]) =>
    files.filter((f) => slots.includes(f.slot)).map((f) => ({ name: f.name }));
  const evidences: PayPalEvidence[] = [];
  if (fields.shippingCarrier?.trim() && fields.shippingTrackingNumber?.trim()) {
    evidences.push({
      evidence_type: "PROOF_OF_FULFILLMENT",
      evidence_info: {
        tracking_info: [
          {
            carrier_name: "OTHER",
            carrier_name_other: fields.shippingCarrier.trim(),
            tracking_number: fields.shippingTrackingNumber.trim(),
          },
        ],
      },
      documents: docs(["shipping_documentation"]),
    });
  }
  const receipts = docs(["receipt"]);
  if (receipts.length || fields.receiptText?.trim())
    evidences.push({
      evidence_type: "PROOF_OF_RECEIPT_COPY",
      notes: lines([["Receipt", fields.receiptText]]) || undefined,
      documents: receipts,
    });
  const policies = docs(["refund_policy", "cancellation_policy"]);
  const policyNotes = lines([
    ["Refund policy", fields.refundPolicy],
    ["Refund policy disclosure", fields.refundPolicyDisclosure],
    ["Cancellation policy", fields.cancellationPolicy],
    ["Cancellation policy disclosure", fields.cancellationPolicyDisclosure],
  ]);
  if (policies.length || policyNotes)
    evidences.push({
      evidence_type: "RETURN_POLICY",
      notes: policyNotes || undefined,
      documents: policies,
    });
  if (fields.productDescription?.trim())
    evidences.push({
      evidence_type: "ITEM_DESCRIPTION",
      notes: fields.productDescription.trim().slice(0, NOTES_MAX),
    });
  const otherNotes = lines([
    ["Customer", fields.customerName],
    ["Customer email", fields.customerEmail],
    ["Purchase IP", fields.customerPurchaseIp],
    ["Service date", fields.serviceDate],
    ["Service", fields.serviceDocumentation],
    ["Shipping date", fields.shippingDate],
    ["Duplicate charge", fields.duplicateChargeExplanation],
    ["Customer communication", fields.customerCommunication],
    ["Other", fields.uncategorizedText],
  ]);
  const otherDocs = docs(["customer_communication", "service_documentation", "uncategorized"]);
  if (otherNotes || otherDocs.length)
    evidences.push({
      evidence_type: "OTHER",
      notes: otherNotes || undefined,
      documents: otherDocs,
    });
  return { evidences };
}

export async function submitPayPalDisputeEvidence(
  ctx: Ctx,
  input: DisputeEvidenceInput,
): Promise<DisputeEvidenceResult> {
  if (!input.submit)
    throw new ProviderError(
      "PayPal keeps no draft evidence: the draft stays in Parley",
      "invalid_request",
    );
  const form = new FormData();
  const body = paypalEvidenceInput(input.fields, input.files);
  form.append("input", new Blob([JSON.stringify(body)], { type: "application/json" }));
  input.files.forEach((file, index) => {
    form.append(
      `file${index + 1}`,
      new Blob([Buffer.from(file.bytes)], { type: file.contentType }),
      file.name,
    );
  });
  await paypalRequest(ctx, {
    method: "POST",
    path: `/v1/customer/disputes/${encodeURIComponent(input.providerDisputeId)}/provide-evidence`,
    form,
    requestId: input.idempotencyKey,
  });
  return { providerFileIds: {} };
}

export async function acceptPayPalClaim(
  ctx: Ctx,
  providerDisputeId: string,
  idempotencyKey: string,
): Promise<void> {
  await paypalRequest(ctx, {
    method: "POST",
    path: `/v1/customer/disputes/${encodeURIComponent(providerDisputeId)}/accept-claim`,
    json: { note: "The merchant accepted this claim in Parley." },
    requestId: idempotencyKey,
  });
}

const disputeSchema = z.object({ status: z.string() });

export async function fetchPayPalDisputeStanding(
  ctx: Ctx,
  providerDisputeId: string,
): Promise<ProviderDisputeStanding> {
  const parsed = disputeSchema.safeParse(
    await paypalRequest(ctx, {
      method: "GET",
      path: `/v1/customer/disputes/${encodeURIComponent(providerDisputeId)}`,
    }),
  );
  if (!parsed.success)
    throw new ProviderError("PayPal returned an unreadable dispute", "provider_error");
  if (parsed.data.status === "WAITING_FOR_SELLER_RESPONSE") return "needs_response";
  if (parsed.data.status === "RESOLVED") return "closed";
  return "under_review";
}
