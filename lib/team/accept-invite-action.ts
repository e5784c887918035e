"use server";

import { getDb } from "@/db/client";
import { toActionError } from "@/lib/action";
import { ACTIVE_MERCHANT_COOKIE, getSignedInUser } from "@/lib/auth/server";
import { formText } from "@/lib/form-data";
import { clientIp } from "@/lib/http/client-ip";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { acceptInvite } from "./accept-invite";

export interface AcceptInviteState {
  error?: string;
  fieldErrors?: Record<string, string[]>;
  name?: string;
}

/** The invitation page's form: the token is the credential; an existing account must be signed in. */
export async function acceptInviteAction(
  _prev: AcceptInviteState,
  form: FormData,
): Promise<AcceptInviteState> {
  let accepted: { createdAccount: boolean; merchantId: string };
  const nameField = form.get("name");
  const name = typeof nameField === "string" ? nameField : undefined;
  try {
    const [h, signedIn] = await Promise.all([headers(), getSignedInUser()]);
    accepted = await acceptInvite(
      getDb(),
      {
        token: formText(form, "token"),
        name,
        password: formText(form, "password"),
      },
      {
        ip: clientIp(h),
        userAgent: h.get("user-agent"),
        signedInUserId: signedIn?.id ?? null,
      },
    );
  } catch (error) {
    const result = toActionError(error);
    return { error: result.error, fieldErrors: result.fieldErrors, name };
  }
  if (accepted.createdAccount) redirect("/sign-in?invited=1");
  // A signed-in account that just joined goes straight to its new team's console.
  (await cookies()).set(ACTIVE_MERCHANT_COOKIE, accepted.merchantId, {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    maxAge: 365 * 24 * 3600,
  });
  redirect("/overview");
}
