"use server";

import { defineAction } from "@/lib/action";
import { revalidatePath } from "next/cache";
import * as service from "./service";

// Thin wrappers: lib/action.ts resolves the user, merchant and role and validates; the service
// re-checks the permission, scopes by merchant and audits inside its own transaction.

export const createFlow = defineAction({
  permission: "flows.edit",
  schema: service.createFlowSchema,
  handler: async (input, ctx) => {
    const created = await service.createFlowFromTemplate(ctx, input);
    revalidatePath("/flows");
    return created;
  },
});

export const saveFlowDraft = defineAction({
  permission: "flows.edit",
  schema: service.saveDraftSchema,
  handler: async (input, ctx) => {
    const saved = await service.saveDraft(ctx, input);
    return { draftRevision: saved.draftRevision, updatedAt: saved.updatedAt.toISOString() };
  },
});

export const publishFlow = defineAction({
  permission: "flows.publish",
  schema: service.publishFlowSchema,
  handler: async (input, ctx) => {
    const published = await service.publishFlow(ctx, input);
    revalidatePath("/flows");
    return { ...published, publishedAt: published.publishedAt.toISOString() };
  },
});

export const rollbackFlow = defineAction({
  permission: "flows.publish",
  schema: service.rollbackFlowSchema,
  handler: async (input, ctx) => {
    const result = await service.rollbackFlow(ctx, input.flowId, input.versionId);
    revalidatePath("/flows");
    return { ...result, publishedAt: result.publishedAt.toISOString() };
  },
});

export const updateFlowSettings = defineAction({
  permission: "flows.edit",
  schema: service.flowSettingsSchema,
  handler: async (input, ctx) => {
    const result = await service.updateFlowSettings(ctx, input);
    revalidatePath("/flows");
    return result;
  },
});
