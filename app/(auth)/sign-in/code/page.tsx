import { safeNext } from "@/lib/auth/next-path";
import { getSignedInSession } from "@/lib/auth/server";
import { signOutAction } from "@/lib/auth/sign-in-action";
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignInCodeForm } from "./code-form";

export const metadata: Metadata = { title: "Enter your code" };
export const dynamic = "force-dynamic";

// The second step of signing in. Every password sign-in passes here: a browser that needs no
// code (or has given it) goes straight on, one that must enrol goes to the set-up page.
export default async function SignInCodePage({
  searchParams,
}: {
  searchParams: Promise<{ next?: string }>;
}) {
  const next = safeNext((await searchParams).next);
  const signedIn = await getSignedInSession();
  if (!signedIn) redirect("/sign-in");
  if (signedIn.secondFactor.gate === "open") redirect(next);
  if (signedIn.secondFactor.gate === "enrolment_needed") {
    redirect(`/two-factor/setup?next=${encodeURIComponent(next)}`);
  }
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm">
        <div className="mb-8 text-center">
          <div className="mx-auto flex h-12 w-12 items-center justify-center rounded-xl bg-brand-600 text-xl font-bold text-white">
            P
          </div>
          <h1 className="mt-4 text-2xl font-semibold">Two-factor authentication</h1>
          <p className="mt-1 text-sm text-slate-600">
            Your password was right. Now the code for {signedIn.user.email}.
          </p>
        </div>
        <SignInCodeForm next={next} />
        <form action={signOutAction} className="mt-4 text-center">
          <button type="submit" className="text-sm text-brand-700 hover:underline">
            Sign in as someone else
          </button>
        </form>
      </div>
    </main>
  );
}
