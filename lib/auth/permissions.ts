import type { Role } from "@/db/schema/auth";

export { ROLES, type Role } from "@/db/schema/auth";

// The role × permission matrix. Read it as a table: a ✓ in a column means the role may do it.
// Every page, server action, route handler and data function names one of these.
const ____ = false;
const OK__ = true;

//                                   owner  admin  support analyst
const MATRIX = {
  "overview.view": [OK__, OK__, OK__, OK__],
  // A member's own notifications (deadline reminders): each sees only theirs.
  "notifications.view": [OK__, OK__, OK__, OK__],
  "transactions.view": [OK__, OK__, OK__, OK__],
  "transactions.refund": [OK__, OK__, OK__, ____],
  // Approving someone else's refund request; the approver's own refund limit must cover it.
  "refunds.approve": [OK__, OK__, OK__, ____],
  // Setting how much each role may refund without a second person.
  "refunds.limits": [OK__, ____, ____, ____],
  // Who the customer is (email): support answers them; an analyst reads figures, not people.
  "transactions.view_customer": [OK__, OK__, OK__, ____],
  "conversations.view": [OK__, OK__, OK__, ____],
  // The Inbox's queue (who waits, how long, on which channel, their payments): no customer text.
  "inbox.view": [OK__, OK__, OK__, OK__],
  // Taking a chat from the bot, replying, payment requests, handing back, closing.
  "conversations.takeover": [OK__, OK__, OK__, ____],
  // Moving a chat a teammate holds to another member (or to oneself): the team's leads only.
  "conversations.reassign": [OK__, OK__, ____, ____],
  "flows.view": [OK__, OK__, OK__, OK__],
  "flows.edit": [OK__, OK__, ____, ____],
  "flows.publish": [OK__, OK__, ____, ____],
  "connections.view": [OK__, OK__, OK__, OK__],
  "connections.manage": [OK__, OK__, ____, ____],
  "webhooks.reapply": [OK__, OK__, ____, ____],
  // Raw webhook bodies carry customers' names, emails and addresses.
  "webhooks.view_payloads": [OK__, OK__, ____, ____],
  "analytics.view": [OK__, OK__, ____, OK__],
  "analytics.export": [OK__, OK__, ____, OK__],
  "disputes.view": [OK__, OK__, OK__, OK__],
  "disputes.respond": [OK__, OK__, OK__, ____],
  "disputes.assign": [OK__, OK__, OK__, ____],
  "alerts.view": [OK__, OK__, OK__, OK__],
  "alerts.acknowledge": [OK__, OK__, OK__, ____],
  "alerts.manage": [OK__, OK__, ____, ____],
  "team.view": [OK__, OK__, ____, ____],
  "team.invite": [OK__, OK__, ____, ____],
  "team.manage": [OK__, OK__, ____, ____],
  // Requiring two-factor for every member, and resetting a member's lost authenticator.
  "team.security": [OK__, ____, ____, ____],
  "audit.view": [OK__, OK__, ____, ____],
} as const satisfies Record<string, readonly [boolean, boolean, boolean, boolean]>;

export type Permission = keyof typeof MATRIX;
export const PERMISSIONS = Object.keys(MATRIX) as Permission[];

const COLUMN: Record<Role, 0 | 1 | 2 | 3> = { owner: 0, admin: 1, support: 2, analyst: 3 };

export function can(role: Role, permission: Permission): boolean {
  const row = MATRIX[permission];
  return row !== undefined && row[COLUMN[role]] === true;
}

/** Who may grant which role: only owners make owners; admins manage admins and below. */
export function canAssignRole(actor: Role, target: Role): boolean {
  if (actor === "owner") return true;
  if (actor === "admin") return target !== "owner";
  return false;
}

export const ROLE_LABELS: Record<Role, string> = {
  owner: "Owner",
  admin: "Admin",
  support: "Support",
  analyst: "Analyst",
};

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  owner: "Everything, including making other owners.",
  admin: "Everything except managing owners.",
  support: "Transactions, refunds, disputes and conversations; no keys, no team.",
  analyst: "Read-only: transactions, analytics and exports.",
};
