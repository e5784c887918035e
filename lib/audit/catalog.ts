// Actions Parley writes to the audit log, for the filter menu and readable labels. Actions
// found in a merchant's log but missing here are still listed (by their name).
export const KNOWN_AUDIT_ACTIONS: Record<string, string> = {
  "auth.sign_in": "Signed in",
  "member.role_changed": "Role changed",
  "member.removed": "Member removed",
  "invite.created": "Invite created",
  "invite.revoked": "Invite revoked",
  "invite.accepted": "Invite accepted",
};

export function auditActionLabel(action: string): string {
  return KNOWN_AUDIT_ACTIONS[action] ?? action;
}

/** Filter options: each domain ("member.") and every action in it, domains sorted. */
export function auditActionGroups(found: string[]): { domain: string; actions: string[] }[] {
  const all = new Set([...Object.keys(KNOWN_AUDIT_ACTIONS), ...found]);
  const byDomain = new Map<string, string[]>();
  for (const action of [...all].sort()) {
    const domain = action.split(".")[0];
    byDomain.set(domain, [...(byDomain.get(domain) ?? []), action]);
  }
  return [...byDomain].map(([domain, actions]) => ({ domain, actions }));
}
