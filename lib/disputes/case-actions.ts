"use server";

import { defineAction } from "@/lib/action";
import { revalidatePath } from "next/cache";
import { addDisputeNote, assignDispute, assignSchema, noteSchema } from "./case";

export const addDisputeNoteAction = defineAction({
  permission: "disputes.respond",
  schema: noteSchema,
  handler: async (input, ctx) => {
    const result = await addDisputeNote(ctx, input);
    revalidatePath(`/disputes/${input.disputeId}`);
    return result;
  },
});

export const assignDisputeAction = defineAction({
  permission: "disputes.assign",
  schema: assignSchema,
  handler: async (input, ctx) => {
    const result = await assignDispute(ctx, input);
    revalidatePath(`/disputes/${input.disputeId}`);
    revalidatePath("/disputes");
    return result;
  },
});
