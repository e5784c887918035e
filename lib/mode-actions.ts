"use server";

import { toActionError, type ActionResult } from "@/lib/action";
import { getRequestContext } from "@/lib/auth/server";
import { NotSignedInError } from "@/lib/errors";
import { assertSameOrigin } from "@/lib/http/same-origin";
import { cookies, headers } from "next/headers";
import { z } from "zod";
import { VIEW_MODE_COOKIE, VIEW_MODES, type ViewMode } from "./mode";

const setViewModeSchema = z.object({ mode: z.enum(VIEW_MODES) });

/**
 * The console's test-data switch. A viewing preference, not a change to the merchant's data,
 * so any signed-in member may flip it and it is not audited.
 */
export async function setViewMode(input: unknown): Promise<ActionResult<{ mode: ViewMode }>> {
  try {
    assertSameOrigin(await headers());
    if (!(await getRequestContext())) throw new NotSignedInError();
    const { mode } = setViewModeSchema.parse(input);
    (await cookies()).set(VIEW_MODE_COOKIE, mode, {
      httpOnly: true,
      sameSite: "lax",
      path: "/",
      maxAge: 365 * 24 * 3600,
    });
    return { ok: true, data: { mode } };
  } catch (error) {
    return toActionError(error);
  }
}
