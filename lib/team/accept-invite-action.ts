"use server";

import { getDb } from "@/db/client";
import { toActionError } from "@/lib/action";
import { clientIp } from "@/lib/http/client-ip";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { acceptInvite } from "./accept-invite";

export interface AcceptInviteState {
  error?: string;
  fieldErrors?: Record<string, string[]>;
  name?: string;
}

/** The invitation page's form: no session, the token is the credential. */
export async function acceptInviteAction(
  _prev: AcceptInviteState,
  form: FormData,
): Promise<AcceptInviteState> {
  const name = typeof form.get("name") === "string" ? String(form.get("name")) : undefined;
  try {
    const h = await headers();
    await acceptInvite(
      getDb(),
      {
        token: String(form.get("token") ?? ""),
        name,
        password: String(form.get("password") ?? ""),
      },
      {
        ip: clientIp(h),
        userAgent: h.get("user-agent"),
      },
    );
  } catch (error) {
    const result = toActionError(error);
    return { error: result.error, fieldErrors: result.fieldErrors, name };
  }
  redirect("/sign-in?invited=1");
}
