import { TwoFactorEnrolment } from "@/components/auth/two-factor-enrolment";
import { TwoFactorSettings } from "@/components/auth/two-factor-settings";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { getRequestContext, secondFactorPath } from "@/lib/auth/server";
import { countLiveSessions } from "@/lib/auth/sessions";
import { signOutEverywhereAction } from "@/lib/auth/sign-in-action";
import { getTwoFactorStatus } from "@/lib/auth/two-factor/factor";
import { twoFactorRequirement } from "@/lib/auth/two-factor/policy";
import { formatDateTime } from "@/lib/format/time";
import type { Metadata } from "next";
import { redirect } from "next/navigation";

export const metadata: Metadata = { title: "Account and security" };
export const dynamic = "force-dynamic";

// Any member's own account: no permission beyond being signed in.
export default async function AccountPage() {
  const ctx = await getRequestContext();
  if (!ctx) redirect((await secondFactorPath()) ?? "/sign-in");
  const [live, status, requirement] = await Promise.all([
    countLiveSessions(ctx.db, ctx.user.id),
    getTwoFactorStatus(ctx.db, ctx.user.id),
    twoFactorRequirement(ctx.db, ctx.user),
  ]);
  return (
    <div className="max-w-2xl space-y-6">
      <h1 className="text-2xl font-semibold">Account and security</h1>

      <Card className="space-y-4" role="region" aria-labelledby="two-factor-heading">
        <div className="flex flex-wrap items-center gap-3">
          <h2 id="two-factor-heading" className="text-base font-semibold text-slate-900">
            Two-factor authentication
          </h2>
          <Badge tone={status.enrolled ? "green" : "amber"}>{status.enrolled ? "On" : "Off"}</Badge>
        </div>
        {status.enrolled ? (
          <>
            <p className="text-sm text-slate-700">
              On since {status.confirmedAt ? formatDateTime(status.confirmedAt) : "—"}. Signing in,
              refunds, dispute acceptance, key and role changes ask for a code from your app.{" "}
              <strong data-testid="recovery-codes-left">{status.recoveryCodesLeft}</strong> of 10
              recovery codes left.
            </p>
            <TwoFactorSettings email={ctx.user.email} requiredBecause={requirement.reasons} />
          </>
        ) : (
          <>
            <p className="text-sm text-slate-700">
              A code from an authenticator app on your phone, asked at sign-in and again before
              money moves or keys change. Without it, refunds, dispute acceptance and key or role
              changes are refused for your account.
            </p>
            {ctx.secondFactor?.exempt ? (
              <p className="text-sm text-slate-600">
                This is a demo login: in demo mode it may act without a code. Set one up to try it.
              </p>
            ) : null}
            <TwoFactorEnrolment email={ctx.user.email} doneHref="/account" />
          </>
        )}
      </Card>

      <Card className="space-y-3" role="region" aria-labelledby="sessions-heading">
        <h2 id="sessions-heading" className="text-base font-semibold text-slate-900">
          Your sessions
        </h2>
        <p className="text-sm text-slate-700">
          {ctx.user.email} is signed in on <strong>{live}</strong>{" "}
          {live === 1 ? "browser or device" : "browsers or devices"}, this one included.
        </p>
        <form action={signOutEverywhereAction}>
          <Button type="submit" variant="danger">
            Sign out everywhere
          </Button>
        </form>
        <p className="text-xs text-slate-500">
          Ends every session at once, this one too. Use it if you signed in on a shared computer or
          think someone else has your session.
        </p>
      </Card>
    </div>
  );
}
