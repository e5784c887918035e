"use server";

import { zodFieldErrors } from "@/lib/validation";
import { AuthError } from "next-auth";
import { signIn, signOut } from "./config";
import { signInSchema } from "./credentials";

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
  const email = String(form.get("email") ?? "");
  if (!parsed.success) return { fieldErrors: zodFieldErrors(parsed.error), email };
  const next = String(form.get("next") ?? "");
  try {
    await signIn("credentials", {
      email: parsed.data.email,
      password: parsed.data.password,
      redirectTo: next.startsWith("/") && !next.startsWith("//") ? next : "/overview",
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

export async function signOutAction(): Promise<void> {
  await signOut({ redirectTo: "/sign-in" });
}
