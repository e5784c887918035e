import { getDb } from "@/db/client";
import { ROLE_DESCRIPTIONS, ROLE_LABELS } from "@/lib/auth/permissions";
import { getSignedInUser } from "@/lib/auth/server";
import { describeInvitation, UNUSABLE_MESSAGES } from "@/lib/team/accept-invite";
import type { Metadata } from "next";
import Link from "next/link";
import { AcceptInviteForm, ExistingAccountJoin } from "./accept-form";

// Outside the dashboard: the token in the URL is the only credential. no-referrer keeps it out
// of Referer headers sent to anything this page links to.
export const metadata: Metadata = {
  title: "Join a team",
  referrer: "no-referrer",
  robots: { index: false },
};
export const dynamic = "force-dynamic";

const UNUSABLE_TITLES = {
  expired: "This invitation has expired",
  revoked: "This invitation was withdrawn",
  accepted: "This invitation has already been used",
  unknown: "This invitation link is not valid",
} as const;

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const view = await describeInvitation(getDb(), token);
  const signedIn = view.status === "valid" && view.accountExists ? await getSignedInUser() : null;
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-10">
      <div className="w-full max-w-md">
        <div className="mb-8 text-center">
          <div className="mx-auto flex h-12 w-12 items-center justify-center rounded-xl bg-brand-600 text-xl font-bold text-white">
            P
          </div>
          {view.status === "valid" ? (
            <>
              <h1 className="mt-4 text-2xl font-semibold">Join {view.merchantName} on Parley</h1>
              <p className="mt-2 text-sm text-slate-600">
                You were invited as <strong>{ROLE_LABELS[view.role]}</strong> (
                {ROLE_DESCRIPTIONS[view.role]})
              </p>
            </>
          ) : (
            <h1 className="mt-4 text-2xl font-semibold">{UNUSABLE_TITLES[view.status]}</h1>
          )}
        </div>
        {view.status === "valid" && view.accountExists ? (
          <ExistingAccountJoin
            token={token}
            email={view.email}
            signedInAs={signedIn?.email ?? null}
          />
        ) : view.status === "valid" ? (
          <AcceptInviteForm token={token} email={view.email} />
        ) : (
          <div className="rounded-lg bg-white p-6 text-center shadow-sm ring-1 ring-slate-200">
            <p role="status" className="text-sm text-slate-700">
              {UNUSABLE_MESSAGES[view.status]}
            </p>
            <Link
              href="/sign-in"
              className="mt-4 inline-block text-sm font-medium text-brand-700 hover:underline"
            >
              Go to sign in
            </Link>
          </div>
        )}
      </div>
    </main>
  );
}
