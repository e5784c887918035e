import type { Permission } from "@/lib/auth/permissions";

// Every server action, with the permission it needs — a literal table, so a new action that is
// not listed here fails the completeness check (action-matrix.test.ts scans the "use server"
// files) and a changed permission fails the source check.
export const ACTION_PERMISSIONS = {
  "lib/team/actions.ts#changeMemberRole": "team.manage",
  "lib/team/actions.ts#removeMember": "team.manage",
  "lib/team/actions.ts#createInvite": "team.invite",
  "lib/team/actions.ts#revokeInvite": "team.invite",
  "lib/team/actions.ts#setRequireTwoFactorAction": "team.security",
  "lib/team/actions.ts#resetMemberTwoFactorAction": "team.security",
  "lib/channels/actions.ts#listChannelsAction": "flows.view",
  "lib/channels/actions.ts#connectChannelAction": "flows.edit",
  "lib/channels/actions.ts#setChannelEnabledAction": "flows.edit",
  "lib/channels/actions.ts#rotateChannelConfigAction": "flows.edit",
  "lib/channels/actions.ts#saveReminderTemplateAction": "flows.edit",
  "lib/flows/actions.ts#createFlow": "flows.edit",
  "lib/flows/actions.ts#saveFlowDraft": "flows.edit",
  "lib/flows/actions.ts#publishFlow": "flows.publish",
  "lib/flows/actions.ts#rollbackFlow": "flows.publish",
  "lib/flows/actions.ts#updateFlowSettings": "flows.edit",
  "lib/flows/simulator-actions.ts#simulatorInfoAction": "flows.edit",
  "lib/flows/simulator-actions.ts#startSimulationAction": "flows.edit",
  "lib/flows/simulator-actions.ts#sendSimulationAction": "flows.edit",
  "lib/flows/simulator-actions.ts#pollSimulationAction": "flows.edit",
  "lib/connections/actions.ts#createConnectionAction": "connections.manage",
  "lib/connections/actions.ts#rotateCredentialsAction": "connections.manage",
  "lib/connections/actions.ts#testConnectionAction": "connections.manage",
  "lib/connections/actions.ts#setConnectionStatusAction": "connections.manage",
  "lib/connections/actions.ts#reapplyDeliveryAction": "webhooks.reapply",
  "lib/payments/actions.ts#createTestPaymentAction": "connections.manage",
  "lib/payments/actions.ts#refundPaymentAction": "transactions.refund",
  "lib/payments/actions.ts#recordManualRefundAction": "transactions.refund",
  "lib/payments/actions.ts#openSandboxDisputeAction": "disputes.respond",
  "lib/payments/actions.ts#sendSandboxDisputeOutcomeAction": "disputes.respond",
  "lib/payments/actions.ts#escalateSandboxDisputeAction": "disputes.respond",
  "lib/refunds/actions.ts#approveRefundRequestAction": "refunds.approve",
  "lib/refunds/actions.ts#declineRefundRequestAction": "refunds.approve",
  "lib/refunds/actions.ts#setRefundLimitAction": "refunds.limits",
  "lib/disputes/evidence/actions.ts#saveEvidenceDraftAction": "disputes.respond",
  "lib/disputes/evidence/actions.ts#submitEvidenceAction": "disputes.respond",
  "lib/disputes/evidence/actions.ts#acceptDisputeAction": "disputes.respond",
  "lib/disputes/evidence/actions.ts#removeEvidenceFileAction": "disputes.respond",
  "lib/disputes/evidence/actions.ts#recheckDisputeResponseAction": "disputes.respond",
  "lib/disputes/case-actions.ts#addDisputeNoteAction": "disputes.respond",
  "lib/disputes/case-actions.ts#assignDisputeAction": "disputes.assign",
  "lib/notifications/actions.ts#markNotificationsReadAction": "notifications.view",
  "lib/alerts/actions.ts#acknowledgeAlertAction": "alerts.acknowledge",
  "lib/alerts/actions.ts#snoozeAlertAction": "alerts.acknowledge",
  "lib/alerts/actions.ts#createAlertRuleAction": "alerts.manage",
  "lib/alerts/actions.ts#updateAlertRuleAction": "alerts.manage",
  "lib/alerts/actions.ts#setAlertRuleEnabledAction": "alerts.manage",
  "lib/alerts/actions.ts#deleteAlertRuleAction": "alerts.manage",
  "lib/conversations/inbox/actions.ts#takeOverAction": "conversations.takeover",
  "lib/conversations/inbox/actions.ts#replyAction": "conversations.takeover",
  "lib/conversations/inbox/actions.ts#requestPaymentAction": "conversations.takeover",
  "lib/conversations/inbox/actions.ts#handBackAction": "conversations.takeover",
  "lib/conversations/inbox/actions.ts#closeConversationAction": "conversations.takeover",
  "lib/conversations/inbox/actions.ts#reassignAction": "conversations.reassign",
} as const satisfies Record<string, Permission>;

// The actions that move money or change credentials, roles or security: refused without a fresh
// second factor (`stepUp: true` in lib/action.ts). The source check keeps this list and the code
// in step; tests/integration/authz/action-matrix.test.ts calls each one without a fresh code.
export const STEP_UP_ACTIONS = [
  "lib/team/actions.ts#changeMemberRole",
  "lib/team/actions.ts#setRequireTwoFactorAction",
  "lib/team/actions.ts#resetMemberTwoFactorAction",
  "lib/channels/actions.ts#connectChannelAction",
  "lib/channels/actions.ts#rotateChannelConfigAction",
  "lib/connections/actions.ts#createConnectionAction",
  "lib/connections/actions.ts#rotateCredentialsAction",
  "lib/payments/actions.ts#refundPaymentAction",
  "lib/payments/actions.ts#recordManualRefundAction",
  "lib/refunds/actions.ts#approveRefundRequestAction",
  "lib/refunds/actions.ts#setRefundLimitAction",
  "lib/disputes/evidence/actions.ts#acceptDisputeAction",
] as const satisfies readonly (keyof typeof ACTION_PERMISSIONS)[];

// Server actions that need no permission from the matrix, and why.
export const ACTIONS_WITHOUT_PERMISSION = {
  "lib/auth/sign-in-action.ts#signInAction": "signs in: no member yet",
  "lib/auth/sign-in-action.ts#signOutAction": "ends the caller's own session",
  "lib/auth/sign-in-action.ts#signOutEverywhereAction": "ends the caller's own sessions",
  "lib/team/accept-invite-action.ts#acceptInviteAction": "the invite token is the authority",
  "lib/auth/merchant-actions.ts#switchMerchant": "membership of the merchant (tested below)",
  "lib/auth/two-factor/actions.ts#verifySignInCodeAction":
    "the caller's own sign-in code step (its gate is tested in action-matrix.test.ts)",
  "lib/auth/two-factor/actions.ts#beginEnrolmentAction": "the caller's own authenticator",
  "lib/auth/two-factor/actions.ts#confirmEnrolmentAction": "the caller's own authenticator",
  "lib/auth/two-factor/actions.ts#stepUpAction": "the caller's own fresh code",
  "lib/auth/two-factor/actions.ts#disableTwoFactorAction": "the caller's own authenticator",
  "lib/auth/two-factor/actions.ts#replaceRecoveryCodesAction": "the caller's own recovery codes",
  "lib/mode-actions.ts#setViewMode":
    "the caller's own viewing preference (a cookie); signed-in members only, writes no data",
  "app/pay/sandbox/[checkoutId]/actions.ts#completeSandboxChoice":
    "public Sandbox checkout: the checkout id is the authority",
} as const;

// Route handlers that act for a signed-in member (call requirePermission or read the session).
// A new one must be listed and tested. The console's event stream is one: the session on
// connect, its scope tested in tests/integration/events/console-stream.test.ts and signed-out
// refusal in tests/e2e/live-transactions.spec.ts. The analytics CSV export streams a file, which
// a server action cannot; tests/e2e/analytics.spec.ts checks support is refused it (403).
export const MEMBER_ROUTE_HANDLERS: Record<string, Permission> = {
  "app/api/disputes/[id]/evidence/files/route.ts": "disputes.respond",
  "app/api/disputes/[id]/evidence/files/[fileId]/route.ts": "transactions.view_customer",
  "app/api/disputes/[id]/evidence/pack/route.ts": "transactions.view_customer",
  "app/api/analytics/export/route.ts": "analytics.export",
  "app/api/events/route.ts": "transactions.view",
};
