// Stripe disputes: evidence is staged with `submit=false` and submitted with `submit=true` on
// POST /v1/disputes/:id; files go first to the Files API (purpose dispute_evidence) and are
// named by id in the evidence's file fields. Accepting is POST /v1/disputes/:id/close.
import type Stripe from "stripe";
import type {
  ConnectorContext,
  DisputeEvidenceFile,
  DisputeEvidenceInput,
  DisputeEvidenceResult,
  DisputeEvidenceSlot,
  DisputeEvidenceTextField,
  ProviderDisputeStanding,
} from "../types";
import { call, stripeClient, type StripeConnectorOptions } from "./client";

type Ctx = ConnectorContext<{ secretKey: string }>;

// Stripe's text evidence fields; the text-only Parley fields with no Stripe twin travel in the
// evidence pack PDF (customer communication) instead.
const TEXT_FIELDS: Partial<
  Record<DisputeEvidenceTextField, keyof Stripe.DisputeUpdateParams.Evidence>
> = {
  productDescription: "product_description",
  customerName: "customer_name",
  customerEmail: "customer_email_address",
  customerPurchaseIp: "customer_purchase_ip",
  serviceDate: "service_date",
  shippingCarrier: "shipping_carrier",
  shippingTrackingNumber: "shipping_tracking_number",
  shippingDate: "shipping_date",
  refundPolicyDisclosure: "refund_policy_disclosure",
  cancellationPolicyDisclosure: "cancellation_policy_disclosure",
  duplicateChargeExplanation: "duplicate_charge_explanation",
  uncategorizedText: "uncategorized_text",
};

const FILE_FIELDS: Record<DisputeEvidenceSlot, keyof Stripe.DisputeUpdateParams.Evidence> = {
  receipt: "receipt",
  customer_communication: "customer_communication",
  service_documentation: "service_documentation",
  shipping_documentation: "shipping_documentation",
  refund_policy: "refund_policy",
  cancellation_policy: "cancellation_policy",
  uncategorized: "uncategorized_file",
};

/** Parley's evidence as Stripe's `evidence[…]` params (empty fields are left out). */
export function stripeEvidenceParams(
  fields: DisputeEvidenceInput["fields"],
  fileIdsBySlot: Partial<Record<DisputeEvidenceSlot, string>>,
): Record<string, string> {
  const evidence: Record<string, string> = {};
  for (const [field, stripeName] of Object.entries(TEXT_FIELDS)) {
    const value = fields[field as DisputeEvidenceTextField]?.trim();
    if (value && stripeName) evidence[stripeName] = value;
  }
  for (const [slot, fileId] of Object.entries(fileIdsBySlot)) {
    if (fileId) evidence[FILE_FIELDS[slot as DisputeEvidenceSlot]] = fileId;
  }
  return evidence;
}

async function uploadFile(
  client: Stripe,
  file: DisputeEvidenceFile,
  idempotencyKey: string,
): Promise<string> {
  if (file.providerFileId) return file.providerFileId;
  const uploaded = await call(() =>
    client.files.create(
      {
        purpose: "dispute_evidence",
        file: { data: Buffer.from(file.bytes), name: file.name, type: file.contentType },
      },
      { idempotencyKey: `${idempotencyKey}:${file.id}` },
    ),
  );
  return uploaded.id;
}

export async function submitStripeDisputeEvidence(
  ctx: Ctx,
  options: StripeConnectorOptions,
  input: DisputeEvidenceInput,
): Promise<DisputeEvidenceResult> {
  const client = stripeClient(ctx, options);
  const providerFileIds: Record<string, string> = {};
  const bySlot: Partial<Record<DisputeEvidenceSlot, string>> = {};
  for (const file of input.files) {
    // Stripe has one file per evidence field: Parley keeps one file per slot for it.
    const id = await uploadFile(client, file, input.idempotencyKey);
    providerFileIds[file.id] = id;
    bySlot[file.slot] = id;
  }
  await call(() =>
    client.disputes.update(
      input.providerDisputeId,
      {
        evidence: stripeEvidenceParams(input.fields, bySlot),
        submit: input.submit,
      },
      { idempotencyKey: input.idempotencyKey },
    ),
  );
  return { providerFileIds };
}

export async function closeStripeDispute(
  ctx: Ctx,
  options: StripeConnectorOptions,
  providerDisputeId: string,
  idempotencyKey: string,
): Promise<void> {
  await call(() =>
    stripeClient(ctx, options).disputes.close(providerDisputeId, {}, { idempotencyKey }),
  );
}

export async function fetchStripeDisputeStanding(
  ctx: Ctx,
  options: StripeConnectorOptions,
  providerDisputeId: string,
): Promise<ProviderDisputeStanding> {
  const dispute = await call(() => stripeClient(ctx, options).disputes.retrieve(providerDisputeId));
  if (dispute.status === "needs_response" || dispute.status === "warning_needs_response")
    return "needs_response";
  if (dispute.status === "under_review" || dispute.status === "warning_under_review")
    return "under_review";
  return "closed";
}
