// Actions Parley writes to the audit log, for the filter menu and readable labels. Actions
// found in a merchant's log but missing here are still listed (by their name).
export const KNOWN_AUDIT_ACTIONS: Record<string, string> = {
  "alert.acknowledged": "Alert acknowledged",
  "alert.fired": "Alert fired",
  "alert.resolved": "Alert resolved",
  "alert.snoozed": "Alert snoozed",
  "alert_rule.created": "Alert rule added",
  "alert_rule.deleted": "Alert rule deleted",
  "alert_rule.disabled": "Alert rule turned off",
  "alert_rule.enabled": "Alert rule turned on",
  "alert_rule.updated": "Alert rule changed",
  "auth.sign_in": "Signed in",
  "auth.sign_out": "Signed out",
  "auth.sign_out_everywhere": "Signed out everywhere",
  "channel.created": "Channel connected",
  "channel.credentials_rotated": "Channel credentials rotated",
  "channel.disabled": "Channel disabled",
  "channel.enabled": "Channel enabled",
  "channel.reminder_template_saved": "Channel reminder template saved",
  "connection.created": "Connection added",
  "connection.credentials_rotated": "Connection credentials rotated",
  "connection.disabled": "Connection disabled",
  "connection.enabled": "Connection enabled",
  "connection.tested": "Connection tested",
  "conversation.closed": "Conversation closed by a person",
  "conversation.handed_back": "Conversation handed back to the bot",
  "conversation.message_sent": "Message sent to a customer",
  "conversation.payment_requested": "Payment request sent in a chat",
  "conversation.reassigned": "Conversation reassigned",
  "conversation.taken_over": "Conversation taken over",
  "dispute.accepted": "Dispute accepted",
  "dispute.evidence_saved": "Dispute evidence saved",
  "dispute.evidence_submitted": "Dispute evidence submitted",
  "dispute.file_downloaded": "Dispute evidence file downloaded",
  "dispute.file_removed": "Dispute evidence file removed",
  "dispute.file_uploaded": "Dispute evidence file uploaded",
  "dispute.pack_downloaded": "Dispute evidence pack downloaded",
  "dispute.response_refused": "Dispute response refused by the provider",
  "dispute.response_unknown": "Dispute response outcome unknown",
  "flow.created": "Flow created",
  "flow.published": "Flow published",
  "flow.rolled_back": "Flow rolled back",
  "flow.settings_updated": "Flow settings changed",
  "invite.accepted": "Invite accepted",
  "invite.created": "Invite created",
  "invite.revoked": "Invite revoked",
  "member.removed": "Member removed",
  "member.role_changed": "Role changed",
  "payment.refund_failed": "Refund failed",
  "payment.refunded": "Refunded",
  "payment.refund_recorded": "Refund recorded manually",
  "payment.requires_action": "Payment needs action",
  "payment.test_created": "Test payment created",
  "refund_limit.updated": "Refund limit changed",
  "refund_request.approved": "Refund request approved",
  "refund_request.created": "Refund requested for approval",
  "refund_request.declined": "Refund request declined",
  "sandbox.dispute_escalated": "Sandbox dispute escalated",
  "sandbox.dispute_opened": "Sandbox dispute opened",
  "sandbox.dispute_outcome": "Sandbox dispute decided",
  "webhook.reapplied": "Webhook re-applied",
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
