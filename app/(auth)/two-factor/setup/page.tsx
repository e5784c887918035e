import { TwoFactorEnrolment } from "@/components/auth/two-factor-enrolment";
import { safeNext } from "@/lib/auth/next-path";
import { getSignedInSession } from "@/lib/auth/server";
import { signOutAction } from "@/lib/auth/sign-in-action";
import type { Metadata } from "next";
import { redirect } from "next/navigation";

export const metadata: Metadata = { title: "Set up two-factor authentication" };
export const dynamic = "force-dynamic";

// Enrolment a policy requires: until it is done, the console stays closed to this person.
export default async function TwoFactorSetupPage({
  searchParams,
}: {
  searchParams: Promise<{ next?: string }>;
}) {
  const next = safeNext((await searchParams).next);
  const signedIn = await getSignedInSession();
  if (!signedIn) redirect("/sign-in");
  if (signedIn.secondFactor.gate === "code_needed") {
    redirect(`/sign-in/code?next=${encodeURIComponent(next)}`);
  }
  if (signedIn.secondFactor.gate === "open") redirect(next);
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-8">
      <div className="w-full max-w-md">
        <h1 className="text-2xl font-semibold">Set up two-factor authentication</h1>
        <div className="mt-2 space-y-1 text-sm text-slate-600">
          {signedIn.secondFactor.reasons.map((reason) => (
            <p key={reason}>{reason}</p>
          ))}
          <p>Until it is set up, {signedIn.user.email} can do nothing else in Parley.</p>
        </div>
        <div className="mt-6 rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">
          <TwoFactorEnrolment email={signedIn.user.email} doneHref={next} />
        </div>
        <form action={signOutAction} className="mt-4 text-center">
          <button type="submit" className="text-sm text-brand-700 hover:underline">
            Sign out
          </button>
        </form>
      </div>
    </main>
  );
}
