import { getRequestContext, secondFactorPath } from "@/lib/auth/server";
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<{ next?: string; invited?: string; signedOut?: string }>;
}) {
  if (await getRequestContext()) redirect("/overview");
  const pending = await secondFactorPath();
  if (pending) redirect(pending);
  const params = await searchParams;
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm">
        <div className="mb-8 text-center">
          <div className="mx-auto flex h-12 w-12 items-center justify-center rounded-xl bg-brand-600 text-xl font-bold text-white">
            P
          </div>
          <h1 className="mt-4 text-2xl font-semibold">Sign in to Parley</h1>
          <p className="mt-1 text-sm text-slate-600">
            Payments inside your customers&apos; conversations.
          </p>
        </div>
        {params.invited ? (
          <p className="mb-4 rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800 ring-1 ring-emerald-200">
            Invitation accepted. Sign in to open your new team.
          </p>
        ) : null}
        {params.signedOut === "everywhere" ? (
          <p
            role="status"
            className="mb-4 rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800 ring-1 ring-emerald-200"
          >
            You are signed out on every device.
          </p>
        ) : null}
        <SignInForm next={params.next ?? ""} />
      </div>
    </main>
  );
}
