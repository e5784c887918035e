import { Badge } from "@/components/ui/badge";
import { Table, Td, Th } from "@/components/ui/table";
import { formatDate, formatZonedDateTime } from "@/lib/audit/dates";
import { canAssignRole, ROLES, type Role } from "@/lib/auth/permissions";
import type { TeamMember } from "@/lib/team/queries";
import { MemberRoleForm } from "./member-role-form";
import { RemoveMemberButton } from "./remove-member-button";
import { ResetTwoFactorButton } from "./reset-two-factor-button";
import { RoleBadge } from "./role-badge";

export function MembersTable({
  members,
  viewer,
  canManage,
  canResetTwoFactor,
  merchantName,
  timeZone,
}: {
  members: TeamMember[];
  viewer: { userId: string; role: Role };
  canManage: boolean;
  /** Owners: reset a member's lost authenticator. */
  canResetTwoFactor: boolean;
  merchantName: string;
  timeZone: string;
}) {
  const assignable = ROLES.filter((r) => canAssignRole(viewer.role, r));
  return (
    <Table label="Members">
      <thead className="bg-slate-50">
        <tr>
          <Th>Member</Th>
          <Th>Role</Th>
          <Th>Two-factor</Th>
          <Th>Joined</Th>
          <Th>Last sign-in</Th>
          <Th>
            <span className="sr-only">Actions</span>
          </Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {members.map((m) => {
          const isSelf = m.userId === viewer.userId;
          const manageable = canManage && canAssignRole(viewer.role, m.role);
          return (
            <tr key={m.userId}>
              <Td>
                <div className="font-medium text-slate-900">
                  {m.name}
                  {isSelf ? (
                    <span className="ml-1 text-xs font-normal text-slate-500">(you)</span>
                  ) : null}
                </div>
                <div className="text-xs text-slate-500">{m.email}</div>
              </Td>
              <Td>
                <RoleBadge role={m.role} />
              </Td>
              <Td>
                <Badge tone={m.twoFactor ? "green" : "slate"}>{m.twoFactor ? "On" : "Off"}</Badge>
              </Td>
              <Td>{formatDate(m.joinedAt, timeZone)}</Td>
              <Td>
                {m.lastSignInAt ? (
                  formatZonedDateTime(m.lastSignInAt, timeZone)
                ) : (
                  <span className="text-slate-500">Never</span>
                )}
              </Td>
              <Td>
                {manageable ? (
                  <div className="flex items-start justify-end gap-2">
                    <MemberRoleForm
                      key={m.role}
                      userId={m.userId}
                      email={m.email}
                      role={m.role}
                      assignableRoles={assignable}
                    />
                    {canResetTwoFactor && m.twoFactor && !isSelf ? (
                      <ResetTwoFactorButton userId={m.userId} email={m.email} />
                    ) : null}
                    <RemoveMemberButton
                      userId={m.userId}
                      name={m.name}
                      email={m.email}
                      merchantName={merchantName}
                      isSelf={isSelf}
                    />
                  </div>
                ) : canManage ? (
                  <p className="text-right text-xs text-slate-500">Only owners can change owners</p>
                ) : null}
              </Td>
            </tr>
          );
        })}
      </tbody>
    </Table>
  );
}
