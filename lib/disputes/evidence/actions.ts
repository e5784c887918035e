"use server";
// Evidence mutations from the dashboard: save a draft, submit, accept, remove a file, and settle
// an unknown outcome. Uploads and downloads are route handlers (they stream bytes).
import { defineAction } from "@/lib/action";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import {
  acceptDispute,
  recheckResponse,
  removeEvidenceFile,
  saveEvidenceDraft,
  submitEvidence,
} from "./respond";
import {
  disputeRefSchema,
  evidenceFieldsSchema,
  removeEvidenceFileSchema,
  saveEvidenceSchema,
} from "./schemas";

const seen = { seenUpdatedAt: z.string().trim().max(40).optional() };

function fieldsOf(input: z.infer<typeof saveEvidenceSchema>) {
  return evidenceFieldsSchema.parse(input);
}

export const saveEvidenceDraftAction = defineAction({
  permission: "disputes.respond",
  schema: saveEvidenceSchema,
  handler: async (input, ctx) => {
    const result = await saveEvidenceDraft(ctx, input, fieldsOf(input));
    revalidatePath(`/disputes/${input.disputeId}/evidence`);
    return result;
  },
});

export const submitEvidenceAction = defineAction({
  permission: "disputes.respond",
  schema: saveEvidenceSchema.extend(seen),
  handler: async (input, ctx) => {
    const dispute = await submitEvidence(ctx, input, fieldsOf(input), input.seenUpdatedAt ?? null);
    revalidatePath(`/disputes/${input.disputeId}/evidence`);
    return { status: dispute.status };
  },
});

export const acceptDisputeAction = defineAction({
  permission: "disputes.respond",
  stepUp: true,
  schema: disputeRefSchema.extend(seen),
  handler: async (input, ctx) => {
    const dispute = await acceptDispute(ctx, input, input.seenUpdatedAt ?? null);
    revalidatePath(`/disputes/${input.disputeId}/evidence`);
    return { status: dispute.status };
  },
});

export const removeEvidenceFileAction = defineAction({
  permission: "disputes.respond",
  schema: removeEvidenceFileSchema,
  handler: async ({ disputeId, fileId }, ctx) => {
    await removeEvidenceFile(ctx, disputeId, fileId);
    revalidatePath(`/disputes/${disputeId}/evidence`);
    return { removed: fileId };
  },
});

export const recheckDisputeResponseAction = defineAction({
  permission: "disputes.respond",
  schema: z.object({ disputeId: z.string().trim().min(1).max(100) }),
  handler: async ({ disputeId }, ctx) => {
    const dispute = await recheckResponse(ctx, disputeId);
    revalidatePath(`/disputes/${disputeId}/evidence`);
    return { status: dispute.status };
  },
});
