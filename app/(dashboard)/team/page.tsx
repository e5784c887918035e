import { InviteForm } from "@/components/team/invite-form";
import { InvitesTable } from "@/components/team/invites-table";
import { MembersTable } from "@/components/team/members-table";
import { TwoFactorPolicyForm } from "@/components/team/two-factor-policy-form";
import { Card, EmptyState, PageHeader } from "@/components/ui/card";
import { safeTimeZone } from "@/lib/audit/dates";
import { can, canAssignRole, ROLES } from "@/lib/auth/permissions";
import { requirePagePermission } from "@/lib/auth/server";
import {
  listPendingInvites,
  listTeamMembers,
  merchantTimezone,
  merchantTwoFactorPolicy,
} from "@/lib/team/queries";
import type { Metadata } from "next";

export const metadata: Metadata = { title: "Team" };
export const dynamic = "force-dynamic";

export default async function TeamPage() {
  const ctx = await requirePagePermission("team.view");
  const [members, invites, timeZone, policy] = await Promise.all([
    listTeamMembers(ctx),
    listPendingInvites(ctx),
    merchantTimezone(ctx).then(safeTimeZone),
    merchantTwoFactorPolicy(ctx),
  ]);
  const canSecure = can(ctx.role, "team.security");
  const canInvite = can(ctx.role, "team.invite");
  return (
    <>
      <PageHeader
        title="Team"
        description={`Who can use ${ctx.merchantName}'s console, and what each person may do. Role changes and removals sign the person out straight away.`}
      />

      {canInvite ? (
        <Card className="mb-8">
          <h2 className="mb-3 text-base font-semibold text-slate-900">Invite a teammate</h2>
          <InviteForm assignableRoles={ROLES.filter((r) => canAssignRole(ctx.role, r))} />
        </Card>
      ) : null}

      <section aria-labelledby="members-heading" className="mb-8">
        <h2 id="members-heading" className="mb-3 text-base font-semibold text-slate-900">
          Members <span className="font-normal text-slate-500">({members.length})</span>
        </h2>
        {members.length === 0 ? (
          <EmptyState title="No members yet">Invite a teammate with the form above.</EmptyState>
        ) : (
          <MembersTable
            members={members}
            viewer={{ userId: ctx.user.id, role: ctx.role }}
            canManage={can(ctx.role, "team.manage")}
            canResetTwoFactor={canSecure}
            merchantName={ctx.merchantName}
            timeZone={timeZone}
          />
        )}
      </section>

      {canSecure ? (
        <Card className="mb-8">
          <h2 className="mb-3 text-base font-semibold text-slate-900">Two-factor authentication</h2>
          <TwoFactorPolicyForm
            required={policy.requiredForEveryone}
            hasLiveConnection={policy.hasLiveConnection}
          />
        </Card>
      ) : null}

      <section aria-labelledby="invites-heading">
        <h2 id="invites-heading" className="mb-3 text-base font-semibold text-slate-900">
          Pending invites
        </h2>
        {invites.length === 0 ? (
          <EmptyState title="No pending invites">
            Invite a teammate above: you get a link to send them, and they choose their own
            password.
          </EmptyState>
        ) : (
          <InvitesTable invites={invites} viewerRole={ctx.role} timeZone={timeZone} />
        )}
      </section>
    </>
  );
}
