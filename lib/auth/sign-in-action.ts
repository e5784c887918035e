"use server";

import { getDb } from "@/db/client";
import { formText } from "@/lib/form-data";
import { clientIp } from "@/lib/http/client-ip";
import { zodFieldErrors } from "@/lib/validation";
import { AuthError } from "next-auth";
import { headers } from "next/headers";
import { auth, signIn, signOut } from "./config";
import { signInSchema } from "./credentials";
import { safeNext } from "./next-path";
import { isSessionLive, revokeAllSessions, revokeSession, type SessionClient } from "./sessions";

export interface SignInState {
  error?: string;
  fieldErrors?: Record<string, string[]>;
  email?: string;
}

export async function signInAction(_prev: SignInState, form: FormData): Promise<SignInState> {
  const parsed = signInSchema.safeParse({
    email: form.get("email"),
    password: form.get("password"),
  });
  const email = formText(form, "email");
  if (!parsed.success) return { fieldErrors: zodFieldErrors(parsed.error), email };
  const next = formText(form, "next");
  try {
    await signIn("credentials", {
      email: parsed.data.email,
      password: parsed.data.password,
      // Through the code step, which sends a browser that needs no code straight on to `next`.
      redirectTo: `/sign-in/code?next=${encodeURIComponent(safeNext(next))}`,
    });
    return {};
  } catch (error) {
    if (error instanceof AuthError) {
      const code = (error as AuthError & { code?: string }).code;
      if (code === "rate_limited") {
        return { error: "Too many failed attempts. Wait a few minutes and try again.", email };
      }
      return { error: "That email and password do not match an account.", email };
    }
    throw error; // the redirect after a successful sign-in
  }
}

async function requestClient(): Promise<SessionClient> {
  const h = await headers();
  return { ip: clientIp(h), userAgent: h.get("user-agent") };
}

/** Ends this browser's session on the server too, so a copy of the cookie stops working. */
export async function signOutAction(): Promise<void> {
  const session = await auth();
  if (session) await revokeSession(getDb(), session, await requestClient());
  await signOut({ redirectTo: "/sign-in" });
}

/** Ends every session of the signed-in user, on every device. */
export async function signOutEverywhereAction(): Promise<void> {
  const session = await auth();
  if (session?.userId && (await isSessionLive(getDb(), session))) {
    await revokeAllSessions(getDb(), session.userId, await requestClient());
  }
  await signOut({ redirectTo: "/sign-in?signedOut=everywhere" });
}
