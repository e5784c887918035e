import { Badge } from "@/components/ui/badge";
import { Table, Td, Th } from "@/components/ui/table";
import { formatZonedDateTime } from "@/lib/audit/dates";
import { canAssignRole, type Role } from "@/lib/auth/permissions";
import type { PendingInvite } from "@/lib/team/queries";
import { RevokeInviteButton } from "./revoke-invite-button";
import { RoleBadge } from "./role-badge";

export function InvitesTable({
  invites,
  viewerRole,
  timeZone,
  now = new Date(),
}: {
  invites: PendingInvite[];
  viewerRole: Role;
  timeZone: string;
  now?: Date;
}) {
  return (
    <Table label="Pending invitations">
      <thead className="bg-slate-50">
        <tr>
          <Th>Email</Th>
          <Th>Role</Th>
          <Th>Invited by</Th>
          <Th>Status</Th>
          <Th>
            <span className="sr-only">Actions</span>
          </Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {invites.map((invite) => (
          <tr key={invite.inviteId}>
            <Td className="font-medium text-slate-900">{invite.email}</Td>
            <Td>
              <RoleBadge role={invite.role} />
            </Td>
            <Td>{invite.invitedBy ?? <span className="text-slate-500">Former member</span>}</Td>
            <Td>
              {invite.expired ? (
                <Badge tone="red">Expired</Badge>
              ) : (
                <span title={formatZonedDateTime(invite.expiresAt, timeZone)}>
                  <Badge tone="amber">Pending</Badge>
                  <span className="ml-2 text-xs text-slate-500">
                    expires {daysLeft(invite.expiresAt, now)}
                  </span>
                </span>
              )}
            </Td>
            <Td>
              {canAssignRole(viewerRole, invite.role) ? (
                <RevokeInviteButton inviteId={invite.inviteId} email={invite.email} />
              ) : null}
            </Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

function daysLeft(expiresAt: Date, now: Date): string {
  const hours = (expiresAt.getTime() - now.getTime()) / 3_600_000;
  const format = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
  return hours < 24
    ? format.format(Math.max(1, Math.round(hours)), "hour")
    : format.format(Math.round(hours / 24), "day");
}
