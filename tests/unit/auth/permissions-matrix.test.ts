import { can, PERMISSIONS, ROLES, type Permission, type Role } from "@/lib/auth/permissions";
import { describe, expect, it } from "vitest";

// The role matrix, pinned cell by cell. Changing what a role may do means changing this table
// on purpose, in the same commit, where a reviewer sees it.
//                                  owner  admin  support analyst
const Y = true;
const _ = false;
const EXPECTED: Record<
  Permission,
  [owner: boolean, admin: boolean, support: boolean, analyst: boolean]
> = {
  "overview.view": [Y, Y, Y, Y],
  "notifications.view": [Y, Y, Y, Y],
  "transactions.view": [Y, Y, Y, Y],
  "transactions.refund": [Y, Y, Y, _],
  "refunds.approve": [Y, Y, Y, _],
  "refunds.limits": [Y, _, _, _],
  "transactions.view_customer": [Y, Y, Y, _],
  "conversations.view": [Y, Y, Y, _],
  "inbox.view": [Y, Y, Y, Y],
  "conversations.takeover": [Y, Y, Y, _],
  "conversations.reassign": [Y, Y, _, _],
  "flows.view": [Y, Y, Y, Y],
  "flows.edit": [Y, Y, _, _],
  "flows.publish": [Y, Y, _, _],
  "connections.view": [Y, Y, Y, Y],
  "connections.manage": [Y, Y, _, _],
  "webhooks.view_payloads": [Y, Y, _, _],
  "webhooks.reapply": [Y, Y, _, _],
  "analytics.view": [Y, Y, _, Y],
  "analytics.export": [Y, Y, _, Y],
  "disputes.view": [Y, Y, Y, Y],
  "disputes.respond": [Y, Y, Y, _],
  "disputes.assign": [Y, Y, Y, _],
  "alerts.view": [Y, Y, Y, Y],
  "alerts.acknowledge": [Y, Y, Y, _],
  "alerts.manage": [Y, Y, _, _],
  "team.view": [Y, Y, _, _],
  "team.invite": [Y, Y, _, _],
  "team.manage": [Y, Y, _, _],
  "team.security": [Y, _, _, _],
  "audit.view": [Y, Y, _, _],
};
const COLUMNS: Role[] = ["owner", "admin", "support", "analyst"];

describe("role × permission matrix", () => {
  it("has exactly the permissions and roles this table names", () => {
    expect([...PERMISSIONS].sort()).toEqual(Object.keys(EXPECTED).sort());
    expect([...ROLES].sort()).toEqual([...COLUMNS].sort());
  });

  const cells = (Object.keys(EXPECTED) as Permission[]).flatMap((permission) =>
    COLUMNS.map((role, i) => ({ permission, role, allowed: EXPECTED[permission][i] })),
  );
  it.each(cells)("$role × $permission = $allowed", ({ permission, role, allowed }) => {
    expect(can(role, permission)).toBe(allowed);
  });
});
