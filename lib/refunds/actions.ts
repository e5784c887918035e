"use server";

import { defineAction } from "@/lib/action";
import { AppError } from "@/lib/errors";
import { parseMajorToMinor } from "@/lib/money";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { LIMITED_ROLES } from "./limits";
import { setRefundLimit } from "./limits-store";
import { approveRefundRequest, declineRefundRequest } from "./service";

// Approving and declining refund requests, and the owner's refund limits. Refunding itself is
// refundPaymentAction in lib/payments/actions.ts (it decides between a refund and a request).

const id = z.string().trim().min(1).max(80);

export const approveRefundRequestAction = defineAction({
  permission: "refunds.approve",
  stepUp: true,
  schema: z.object({ requestId: id }),
  handler: async ({ requestId }, ctx) => {
    const { request, refund } = await approveRefundRequest(ctx, requestId);
    revalidatePath("/refunds");
    revalidatePath(`/transactions/${request.paymentId}`);
    return {
      requestId: request.id,
      refundId: refund?.id ?? null,
      refundStatus: refund?.status ?? null,
    };
  },
});

export const declineRefundRequestAction = defineAction({
  permission: "refunds.approve",
  schema: z.object({ requestId: id, note: z.string().trim().max(500).default("") }),
  handler: async ({ requestId, note }, ctx) => {
    const request = await declineRefundRequest(ctx, requestId, note);
    revalidatePath("/refunds");
    revalidatePath(`/transactions/${request.paymentId}`);
    return { requestId: request.id };
  },
});

export const setRefundLimitAction = defineAction({
  permission: "refunds.limits",
  stepUp: true,
  schema: z.object({
    role: z.enum(LIMITED_ROLES as ["admin", "support"]),
    currency: z.string().trim().toUpperCase().length(3, { error: "Choose a currency" }),
    // Empty removes the limit.
    limit: z.string().trim().max(24).default(""),
  }),
  handler: async ({ role, currency, limit }, ctx) => {
    let limitMinor: number | null = null;
    if (limit !== "") {
      try {
        limitMinor = parseMajorToMinor(limit, currency);
      } catch {
        throw new AppError("Please fix the highlighted fields.", 422, {
          limit: [`Enter an amount in ${currency}, or leave it empty for no limit`],
        });
      }
      if (limitMinor < 0)
        throw new AppError("Please fix the highlighted fields.", 422, {
          limit: ["A limit cannot be negative"],
        });
    }
    await setRefundLimit(ctx, { role, currency, limitMinor });
    revalidatePath("/refunds");
    return { role, currency, limitMinor };
  },
});
