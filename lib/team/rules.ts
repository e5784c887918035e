import { canAssignRole, type Role } from "@/lib/auth/permissions";

// Pure rules for changing who is on a team; lib/team/service.ts applies them under row locks.

export interface Refusal {
  kind: "forbidden" | "conflict";
  message: string;
}

/** A merchant must always keep at least one owner. */
export function leavesNoOwner(
  ownerCount: number,
  currentRole: Role,
  nextRole: Role | null,
): boolean {
  return currentRole === "owner" && nextRole !== "owner" && ownerCount <= 1;
}

export function roleChangeRefusal(args: {
  actorRole: Role;
  currentRole: Role;
  nextRole: Role;
  ownerCount: number;
}): Refusal | null {
  const { actorRole, currentRole, nextRole, ownerCount } = args;
  if (!canAssignRole(actorRole, currentRole)) {
    return { kind: "forbidden", message: `Only owners can change an owner's role.` };
  }
  if (!canAssignRole(actorRole, nextRole)) {
    return { kind: "forbidden", message: `Only owners can make someone an owner.` };
  }
  if (leavesNoOwner(ownerCount, currentRole, nextRole)) {
    return {
      kind: "conflict",
      message: "The last owner cannot be demoted. Make someone else an owner first.",
    };
  }
  return null;
}

export function removalRefusal(args: {
  actorRole: Role;
  targetRole: Role;
  ownerCount: number;
}): Refusal | null {
  const { actorRole, targetRole, ownerCount } = args;
  if (!canAssignRole(actorRole, targetRole)) {
    return { kind: "forbidden", message: "Only owners can remove an owner." };
  }
  if (leavesNoOwner(ownerCount, targetRole, null)) {
    return {
      kind: "conflict",
      message: "The last owner cannot be removed. Make someone else an owner first.",
    };
  }
  return null;
}
