// Adyen Disputes API v30: defend (reasons → documents → defend) or accept a dispute.
import { z } from "zod";
import { type ConnectorContext, type DisputeEvidenceInput, ProviderError } from "../types";
import { statementToPdf } from "./evidence-pdf";
import { type AdyenCredentials, adyenRequest } from "./http";

type Ctx = ConnectorContext<AdyenCredentials>;

/** Adyen-only choices; without them the first applicable reason and its document types are used. */
export interface AdyenDisputeEvidenceInput extends DisputeEvidenceInput {
  defenseReasonCode?: string;
  /** Document type codes for [statement, ...files], in that order. */
  documentTypeCodes?: string[];
}

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

export async function submitAdyenDisputeEvidence(
  ctx: Ctx,
  input: AdyenDisputeEvidenceInput,
): Promise<void> {
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
  const reason = input.defenseReasonCode
    ? defenseReasons.find((r) => r.defenseReasonCode === input.defenseReasonCode)
    : defenseReasons[0];
  if (!reason) {
    const wanted = input.defenseReasonCode
      ? `"${input.defenseReasonCode}" is not an applicable defense reason`
      : "Adyen lists no defense reasons";
    throw new ProviderError(`${wanted} for dispute ${input.providerDisputeId}`, "invalid_request");
  }

  const types =
    input.documentTypeCodes ??
    (reason.defenseDocumentTypes ?? []).map((t) => t.defenseDocumentTypeCode);
  if (types.length === 0)
    throw new ProviderError(
      `Defense reason ${reason.defenseReasonCode} takes no documents`,
      "invalid_request",
    );
  const typeAt = (index: number) => types[Math.min(index, types.length - 1)];
  const statement = statementToPdf(
    `Merchant statement — dispute ${input.providerDisputeId}`,
    input.text,
  );
  const documents = [
    {
      content: statement.toString("base64"),
      contentType: "application/pdf",
      defenseDocumentTypeCode: typeAt(0),
    },
    ...(input.files ?? []).map((file, i) => ({
      content: file.base64,
      contentType: file.contentType,
      defenseDocumentTypeCode: typeAt(i + 1),
    })),
  ];

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
}

export async function acceptAdyenDispute(ctx: Ctx, providerDisputeId: string): Promise<void> {
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
