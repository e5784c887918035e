import type { Permission } from "@/lib/auth/permissions";
import { can, type Role } from "@/lib/auth/permissions";

export interface NavItem {
  href: string;
  label: string;
  permission: Permission;
  icon: string;
}

// The sidebar. What a role may not use is not shown (the server still checks every request).
export const NAV_ITEMS: NavItem[] = [
  { href: "/overview", label: "Overview", permission: "overview.view", icon: "◎" },
  { href: "/transactions", label: "Transactions", permission: "transactions.view", icon: "⇄" },
  { href: "/inbox", label: "Inbox", permission: "inbox.view", icon: "✆" },
  {
    href: "/conversations",
    label: "Conversations",
    permission: "conversations.view",
    icon: "✉",
  },
  { href: "/flows", label: "Flows", permission: "flows.view", icon: "⌘" },
  { href: "/connections", label: "Connections", permission: "connections.view", icon: "⚭" },
  { href: "/analytics", label: "Analytics", permission: "analytics.view", icon: "▤" },
  { href: "/disputes", label: "Disputes", permission: "disputes.view", icon: "⚑" },
  { href: "/refunds", label: "Refund requests", permission: "refunds.approve", icon: "↺" },
  { href: "/alerts", label: "Alerts", permission: "alerts.view", icon: "⚠" },
  {
    href: "/notifications",
    label: "Notifications",
    permission: "notifications.view",
    icon: "✉",
  },
  { href: "/team", label: "Team", permission: "team.view", icon: "☺" },
  { href: "/audit", label: "Audit log", permission: "audit.view", icon: "☰" },
];

export function navFor(role: Role): NavItem[] {
  return NAV_ITEMS.filter((item) => can(role, item.permission));
}
