"use server";

import { getDb } from "@/db/client";
import { toActionError, type ActionResult } from "@/lib/action";
import { NotFoundError, NotSignedInError } from "@/lib/errors";
import { cookies } from "next/headers";
import { z } from "zod";
import { isMember } from "./context";
import { ACTIVE_MERCHANT_COOKIE, getRequestContext } from "./server";

const switchSchema = z.object({ merchantId: z.string().min(1).max(64) });

/** Chooses which of your merchants the console shows; only merchants you belong to. */
export async function switchMerchant(
  input: unknown,
): Promise<ActionResult<{ merchantId: string }>> {
  try {
    const ctx = await getRequestContext();
    if (!ctx) throw new NotSignedInError();
    const { merchantId } = switchSchema.parse(input);
    if (!(await isMember(getDb(), ctx.user.id, merchantId))) throw new NotFoundError("Merchant");
    (await cookies()).set(ACTIVE_MERCHANT_COOKIE, merchantId, {
      httpOnly: true,
      sameSite: "lax",
      path: "/",
      maxAge: 365 * 24 * 3600,
    });
    return { ok: true, data: { merchantId } };
  } catch (error) {
    return toActionError(error);
  }
}
