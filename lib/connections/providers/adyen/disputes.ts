// Adyen Disputes API v30: defend (reasons → documents → defend) or accept a dispute.
import { z } from "zod";
import {
  type ConnectorContext,
  type DisputeEvidenceFile,
  type DisputeEvidenceInput,
  type DisputeEvidenceResult,
  ProviderError,
} from "../types";
import { type AdyenCredentials, adyenRequest } from "./http";

type Ctx = ConnectorContext<AdyenCredentials>;

const serviceResultSchema = z.object({
  disputeServiceResult: z.object({ success: z.boolean(), errorMessage: z.string().optional() }),
});

const reasonsSchema = serviceResultSchema.extend({
  defenseReasons: z
    .array(
      z.object({
        defenseReasonCode: z.string(),
        satisfied: z.boolean().optional(),
        defenseDocumentTypes: z
          .array(
            z.object({
              defenseDocumentTypeCode: z.string(),
              requirementLevel: z.string().optional(),
              available: z.boolean().optional(),
            }),
          )
          .optional(),
      }),
    )
    .optional(),
});

// The Disputes API reports refusals inside a 200: disputeServiceResult.success = false.
async function disputeCall<T extends z.ZodType<z.infer<typeof serviceResultSchema>>>(
  ctx: Ctx,
  path: string,
  json: Record<string, unknown>,
  schema: T,
): Promise<z.infer<T>> {
  const body = await adyenRequest(ctx, { api: "disputes", method: "POST", path, json });
  const parsed = schema.safeParse(body);
  if (!parsed.success)
    throw new ProviderError(`Adyen returned an unreadable ${path} answer`, "provider_error");
  const result = parsed.data.disputeServiceResult;
  if (!result.success)
    throw new ProviderError(result.errorMessage ?? `Adyen refused ${path}`, "invalid_request");
  return parsed.data;
}

// Which of a defense reason's document types fits each evidence slot, best first. Adyen's
// Disputes API takes documents only (PDF, JPEG, TIFF), no free text: the text fields travel in
// the evidence pack PDF, which is one of the files.
const TYPES_FOR_SLOT: Record<DisputeEvidenceFile["slot"], string[]> = {
  receipt: ["TIDorInvoice", "GoodsOrServicesProvided", "DefenseMaterial"],
  customer_communication: [
    "CardholderCommunication",
    "CommunicationWithCardholder",
    "DefenseMaterial",
  ],
  service_documentation: ["GoodsOrServicesProvided", "ProofOfDelivery", "DefenseMaterial"],
  shipping_documentation: [
    "ProofOfDelivery",
    "ShippingInformation",
    "GoodsOrServicesProvided",
    "DefenseMaterial",
  ],
  refund_policy: ["TermsAndConditions", "RefundPolicy", "DefenseMaterial"],
  cancellation_policy: ["TermsAndConditions", "CancellationPolicy", "DefenseMaterial"],
  uncategorized: ["DefenseMaterial"],
};

/** Each file with the document type code Adyen will take for it under the chosen reason. */
export function adyenDefenseDocuments(
  files: Pick<DisputeEvidenceFile, "slot" | "contentType" | "bytes">[],
  allowedTypes: string[],
): { content: string; contentType: string; defenseDocumentTypeCode: string }[] {
  if (allowedTypes.length === 0)
    throw new ProviderError("This defense reason takes no documents", "invalid_request");
  return files.map((file) => {
    if (file.contentType === "image/png")
      throw new ProviderError(
        "Adyen takes PDF, JPEG or TIFF defense documents, not PNG",
        "invalid_request",
      );
    const code = TYPES_FOR_SLOT[file.slot].find((t) => allowedTypes.includes(t)) ?? allowedTypes[0];
    return {
      content: Buffer.from(file.bytes).toString("base64"),
      contentType: file.contentType,
      defenseDocumentTypeCode: code,
    };
  });
}

export async function submitAdyenDisputeEvidence(
  ctx: Ctx,
  input: DisputeEvidenceInput,
): Promise<DisputeEvidenceResult> {
  if (!input.submit)
    throw new ProviderError(
      "Adyen keeps no draft evidence: the draft stays in Parley",
      "invalid_request",
    );
  const ids = {
    disputePspReference: input.providerDisputeId,
    merchantAccountCode: ctx.credentials.merchantAccount,
  };
  const { defenseReasons = [] } = await disputeCall(
    ctx,
    "/retrieveApplicableDefenseReasons",
    ids,
    reasonsSchema,
  );
  // The first reason Adyen lists for the dispute's reason code is the one it expects first.
  const reason = defenseReasons[0];
  if (!reason)
    throw new ProviderError(
      `Adyen lists no defense reasons for dispute ${input.providerDisputeId}`,
      "invalid_request",
    );
  const types = (reason.defenseDocumentTypes ?? []).map((t) => t.defenseDocumentTypeCode);
  const documents = adyenDefenseDocuments(input.files, types);
  if (documents.length === 0)
    throw new ProviderError("Adyen needs at least one defense document", "invalid_request");
  await disputeCall(
    ctx,
    "/supplyDefenseDocument",
    { ...ids, defenseDocuments: documents },
    serviceResultSchema,
  );
  await disputeCall(
    ctx,
    "/defendDispute",
    { ...ids, defenseReasonCode: reason.defenseReasonCode },
    serviceResultSchema,
  );
  return { providerFileIds: {} };
}

export async function acceptAdyenDispute(
  ctx: Ctx,
  providerDisputeId: string,
  _idempotencyKey: string,
): Promise<void> {
  await disputeCall(
    ctx,
    "/acceptDispute",
    {
      disputePspReference: providerDisputeId,
      merchantAccountCode: ctx.credentials.merchantAccount,
    },
    serviceResultSchema,
  );
}

/** Adyen's Disputes API has no dispute lookup: its notifications (webhooks) are the answer. */
export async function fetchAdyenDisputeStanding(): Promise<never> {
  throw new ProviderError(
    "Adyen offers no dispute lookup: awaiting Adyen's dispute notification",
    "invalid_request",
  );
}
