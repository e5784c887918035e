import type { Role } from "@/db/schema/auth";

// Who may refund how much without a second person. Limits are per role and per currency: a
// limit in one currency says nothing about another (they are never summed or converted).
// Owners are never limited; analysts never refund; an admin or support member with no limit set
// for a currency is not limited in it (the owner sets limits on the Refund requests page).

export type LimitedRole = "admin" | "support";
export const LIMITED_ROLES: readonly LimitedRole[] = ["admin", "support"];

export interface RoleLimit {
  role: LimitedRole;
  currency: string;
  limitMinor: number;
}

/** The most `role` may refund in `currency` alone: null = no limit, 0 = nothing. */
export function refundLimitFor(
  role: Role,
  currency: string,
  limits: readonly RoleLimit[],
): number | null {
  if (role === "owner") return null;
  if (role === "analyst") return 0;
  const row = limits.find((l) => l.role === role && l.currency === currency);
  return row ? row.limitMinor : null;
}

export type RefundDecision =
  | { kind: "execute" }
  | { kind: "request"; limitMinor: number }
  | { kind: "refuse"; reason: "over_remaining" | "not_allowed" | "invalid_amount" };

/**
 * What asking for `amountMinor` leads to: refused when above what remains (or the role never
 * refunds), executed directly when within the requester's limit for the payment's currency,
 * otherwise a request for a second person to approve.
 */
export function decideRefund(input: {
  role: Role;
  currency: string;
  amountMinor: number;
  remainingMinor: number;
  limits: readonly RoleLimit[];
}): RefundDecision {
  const { role, currency, amountMinor, remainingMinor, limits } = input;
  if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0)
    return { kind: "refuse", reason: "invalid_amount" };
  if (role === "analyst") return { kind: "refuse", reason: "not_allowed" };
  if (amountMinor > remainingMinor) return { kind: "refuse", reason: "over_remaining" };
  const limit = refundLimitFor(role, currency, limits);
  if (limit === null || amountMinor <= limit) return { kind: "execute" };
  return { kind: "request", limitMinor: limit };
}

/** Whether `role` may approve a request of `amountMinor` in `currency` (its own limit covers it). */
export function canApproveAmount(
  role: Role,
  currency: string,
  amountMinor: number,
  limits: readonly RoleLimit[],
): boolean {
  if (role === "analyst") return false;
  const limit = refundLimitFor(role, currency, limits);
  return limit === null || amountMinor <= limit;
}
