import type { Role } from "@/db/schema/auth";
import {
  canApproveAmount,
  decideRefund,
  refundLimitFor,
  type RoleLimit,
} from "@/lib/refunds/limits";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const ROLES: Role[] = ["owner", "admin", "support", "analyst"];
const CURRENCIES = ["EUR", "JPY", "KWD", "USD"];

const limitArb = fc.record({
  role: fc.constantFrom("admin" as const, "support" as const),
  currency: fc.constantFrom(...CURRENCIES),
  limitMinor: fc.integer({ min: 0, max: 1_000_000 }),
});
// One row per (role, currency), as the table's primary key allows.
const limitsArb = fc.uniqueArray(limitArb, { selector: (l) => `${l.role}:${l.currency}` });

describe("refund limits", () => {
  it("executes directly iff the amount is within the requester's limit for that currency and what remains; never above what remains", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ROLES),
        fc.constantFrom(...CURRENCIES),
        fc.integer({ min: 1, max: 2_000_000 }),
        fc.integer({ min: 0, max: 2_000_000 }),
        limitsArb,
        (role, currency, amountMinor, remainingMinor, limits) => {
          const decision = decideRefund({ role, currency, amountMinor, remainingMinor, limits });
          const own = limits.find((l) => l.role === role && l.currency === currency);
          const limit =
            role === "owner" ? Infinity : role === "analyst" ? -1 : (own?.limitMinor ?? Infinity);
          const withinLimit = amountMinor <= limit;
          const withinRemaining = amountMinor <= remainingMinor;
          expect(decision.kind === "execute").toBe(
            role !== "analyst" && withinLimit && withinRemaining,
          );
          // Nothing, executed or requested, may go above what remains.
          if (!withinRemaining) expect(decision.kind).toBe("refuse");
          if (decision.kind === "request") {
            expect(role === "admin" || role === "support").toBe(true);
            expect(amountMinor).toBeGreaterThan(decision.limitMinor);
          }
        },
      ),
    );
  });

  it("never reads a limit in another currency (no summing or converting across currencies)", () => {
    fc.assert(
      fc.property(limitsArb, fc.integer({ min: 1, max: 1_000_000 }), (limits, amountMinor) => {
        const onlyEur = limits.filter((l) => l.currency === "EUR");
        for (const role of ["admin", "support"] as const) {
          expect(refundLimitFor(role, "EUR", limits)).toBe(refundLimitFor(role, "EUR", onlyEur));
          expect(canApproveAmount(role, "EUR", amountMinor, limits)).toBe(
            canApproveAmount(role, "EUR", amountMinor, onlyEur),
          );
        }
      }),
    );
  });

  it("owners are unlimited, analysts refund nothing, a role without a row is not limited", () => {
    const limits: RoleLimit[] = [{ role: "support", currency: "JPY", limitMinor: 5000 }];
    expect(refundLimitFor("owner", "JPY", limits)).toBeNull();
    expect(refundLimitFor("analyst", "JPY", limits)).toBe(0);
    expect(refundLimitFor("support", "JPY", limits)).toBe(5000);
    expect(refundLimitFor("support", "EUR", limits)).toBeNull();
    expect(refundLimitFor("admin", "JPY", limits)).toBeNull();
    expect(
      decideRefund({
        role: "support",
        currency: "JPY",
        amountMinor: 5001,
        remainingMinor: 9000,
        limits,
      }),
    ).toEqual({
      kind: "request",
      limitMinor: 5000,
    });
    expect(
      decideRefund({
        role: "analyst",
        currency: "JPY",
        amountMinor: 1,
        remainingMinor: 9000,
        limits,
      }),
    ).toEqual({
      kind: "refuse",
      reason: "not_allowed",
    });
    expect(canApproveAmount("support", "JPY", 5001, limits)).toBe(false);
    expect(canApproveAmount("admin", "JPY", 5001, limits)).toBe(true);
  });
});
