"use server";

import { defineAction } from "@/lib/action";
import { revalidatePath } from "next/cache";
import { addDisputeNote, assignDispute, assignSchema, noteSchema } from "./case";
import { sendDisputeReminders } from "./reminders";

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
    // A case already close to its deadline: the new assignee is reminded now, not at the next
    // sweep (the same dedupe keys, so the sweep adds nothing after it).
    if (result.assigneeUserId) {
      await sendDisputeReminders(ctx.db, new Date(), {
        merchantId: ctx.merchantId,
        disputeId: input.disputeId,
      });
    }
    revalidatePath(`/disputes/${input.disputeId}`);
    revalidatePath("/disputes");
    return result;
  },
});
