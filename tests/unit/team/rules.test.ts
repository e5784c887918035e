import { canAssignRole, ROLES, type Role } from "@/lib/auth/permissions";
import { leavesNoOwner, removalRefusal, roleChangeRefusal } from "@/lib/team/rules";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

describe("canAssignRole", () => {
  it("lets owners grant anything, admins anything but owner, and nobody else anything", () => {
    const granted = Object.fromEntries(
      ROLES.map((actor) => [actor, ROLES.filter((target) => canAssignRole(actor, target))]),
    );
    expect(granted).toEqual({
      owner: ["owner", "admin", "support", "analyst"],
      admin: ["admin", "support", "analyst"],
      support: [],
      analyst: [],
    });
  });
});

describe("last owner rule", () => {
  it("only bites when the last owner would stop being one", () => {
    expect(leavesNoOwner(1, "owner", "admin")).toBe(true);
    expect(leavesNoOwner(1, "owner", null)).toBe(true);
    expect(leavesNoOwner(1, "owner", "owner")).toBe(false);
    expect(leavesNoOwner(2, "owner", "analyst")).toBe(false);
    expect(leavesNoOwner(1, "admin", null)).toBe(false);
  });

  it("refuses admins touching owners as forbidden, and the last owner as a conflict", () => {
    expect(
      roleChangeRefusal({
        actorRole: "admin",
        currentRole: "owner",
        nextRole: "admin",
        ownerCount: 3,
      })?.kind,
    ).toBe("forbidden");
    expect(
      roleChangeRefusal({
        actorRole: "admin",
        currentRole: "support",
        nextRole: "owner",
        ownerCount: 3,
      })?.kind,
    ).toBe("forbidden");
    expect(
      roleChangeRefusal({
        actorRole: "admin",
        currentRole: "support",
        nextRole: "admin",
        ownerCount: 1,
      }),
    ).toBeNull();
    expect(
      roleChangeRefusal({
        actorRole: "owner",
        currentRole: "owner",
        nextRole: "support",
        ownerCount: 1,
      }),
    ).toMatchObject({
      kind: "conflict",
      message: expect.stringMatching(/last owner/),
    });
    expect(removalRefusal({ actorRole: "admin", targetRole: "owner", ownerCount: 2 })?.kind).toBe(
      "forbidden",
    );
    expect(removalRefusal({ actorRole: "owner", targetRole: "owner", ownerCount: 1 })?.kind).toBe(
      "conflict",
    );
    expect(removalRefusal({ actorRole: "owner", targetRole: "owner", ownerCount: 2 })).toBeNull();
    expect(
      removalRefusal({ actorRole: "support", targetRole: "analyst", ownerCount: 1 })?.kind,
    ).toBe("forbidden");
  });

  it("keeps at least one owner whatever sequence of changes is attempted", () => {
    const role = fc.constantFrom<Role>(...ROLES);
    const step = fc.record({
      actor: fc.nat(5),
      target: fc.nat(5),
      next: fc.option(role, { nil: null }), // null = remove
    });
    fc.assert(
      fc.property(
        fc.array(role, { minLength: 1, maxLength: 6 }),
        fc.array(step, { maxLength: 40 }),
        (initial, steps) => {
          const team = new Map<number, Role>(initial.map((r, i) => [i, r]));
          team.set(0, "owner");
          for (const { actor, target, next } of steps) {
            const actorRole = team.get(actor);
            const targetRole = team.get(target);
            if (!actorRole || !targetRole) continue;
            const ownerCount = [...team.values()].filter((r) => r === "owner").length;
            if (next === null) {
              if (!removalRefusal({ actorRole, targetRole, ownerCount })) team.delete(target);
            } else if (
              !roleChangeRefusal({ actorRole, currentRole: targetRole, nextRole: next, ownerCount })
            ) {
              team.set(target, next);
            }
            expect([...team.values()]).toContain("owner");
            // Only owners make, change or remove owners.
            if (actorRole !== "owner")
              expect(team.get(target) === "owner").toBe(targetRole === "owner");
          }
        },
      ),
    );
  });
});
