// Reading and setting the refund limits of a merchant (owner only to set; lib/refunds/limits.ts
// decides with them).
import type { DbOrTx } from "@/db/client";
import { refundLimits } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record";
import type { ServiceContext } from "@/lib/auth/context";
import { assertCan } from "@/lib/auth/context";
import { AppError } from "@/lib/errors";
import { formatMoney, isCurrency } from "@/lib/money";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { LIMITED_ROLES, type RoleLimit } from "./limits";

export async function loadRefundLimits(db: DbOrTx, merchantId: string): Promise<RoleLimit[]> {
  const rows = await db
    .select({
      role: refundLimits.role,
      currency: refundLimits.currency,
      limitMinor: refundLimits.limitMinor,
    })
    .from(refundLimits)
    .where(eq(refundLimits.merchantId, merchantId));
  return rows.sort((a, b) => a.role.localeCompare(b.role) || a.currency.localeCompare(b.currency));
}

export const setRefundLimitSchema = z.object({
  role: z.enum(LIMITED_ROLES as ["admin", "support"]),
  currency: z
    .string()
    .trim()
    .toUpperCase()
    .refine(isCurrency, { error: "Choose a supported currency" }),
  // null removes the limit (the role is then not limited in this currency).
  limitMinor: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullable(),
});

/** Sets (or, with null, removes) one role's limit in one currency, audited. */
export async function setRefundLimit(
  ctx: ServiceContext,
  input: z.input<typeof setRefundLimitSchema>,
): Promise<void> {
  assertCan(ctx, "refunds.limits");
  const parsed = setRefundLimitSchema.safeParse(input);
  if (!parsed.success) throw new AppError("Please fix the highlighted fields.", 422);
  const { role, currency, limitMinor } = parsed.data;
  await ctx.db.transaction(async (tx) => {
    const key = and(
      eq(refundLimits.merchantId, ctx.merchantId),
      eq(refundLimits.role, role),
      eq(refundLimits.currency, currency),
    );
    const [before] = await tx.select().from(refundLimits).where(key).for("update");
    if (limitMinor === null) {
      await tx.delete(refundLimits).where(key);
    } else {
      await tx
        .insert(refundLimits)
        .values({
          merchantId: ctx.merchantId,
          role,
          currency,
          limitMinor,
          updatedByUserId: ctx.user.id,
        })
        .onConflictDoUpdate({
          target: [refundLimits.merchantId, refundLimits.role, refundLimits.currency],
          set: { limitMinor, updatedByUserId: ctx.user.id, updatedAt: new Date() },
        });
    }
    await recordAudit(tx, {
      merchantId: ctx.merchantId,
      actor: { userId: ctx.user.id, email: ctx.user.email },
      ip: ctx.ip,
      userAgent: ctx.userAgent,
      action: "refund_limit.updated",
      targetType: "refund_limit",
      targetId: `${role}:${currency}`,
      summary:
        limitMinor === null
          ? `Removed the ${role} refund limit in ${currency}`
          : `Set the ${role} refund limit to ${formatMoney(limitMinor, currency)}`,
      before: before ? { limitMinor: before.limitMinor } : null,
      after: limitMinor === null ? null : { limitMinor },
    });
  });
}
