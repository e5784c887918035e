"use server";

import { defineAction } from "@/lib/action";
import { viewModeFor } from "@/lib/mode";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { markNotificationsRead } from "./inbox";

// Marking one's own notifications read: one of them, or all of the viewed mode's.
export const markNotificationsReadAction = defineAction({
  permission: "notifications.view",
  schema: z.object({
    notificationId: z
      .string()
      .max(64)
      .optional()
      .transform((v) => v || undefined),
  }),
  handler: async (input, ctx) => {
    const marked = await markNotificationsRead(ctx, await viewModeFor(), input.notificationId);
    revalidatePath("/notifications");
    return { marked };
  },
});
