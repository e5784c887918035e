// Reads for the dispute desk. Server-only; every read is scoped by merchant and mode and checks
// disputes.view.
import {
  disputes,
  merchants,
  payments,
  users,
  type DisputeStage,
  type DisputeStatus,
} from "@/db/schema";
import { assertCan, type ReadContext } from "@/lib/auth/context";
import type { ProviderKind } from "@/lib/connections/providers/types";
import type { ViewMode } from "@/lib/mode";
import { and, asc, eq, inArray, isNotNull, isNull, lte, sql } from "drizzle-orm";
import { z } from "zod";
import { DISPUTE_REASONS } from "./reasons";

export const DESK_STATUS_FILTERS = ["open", "needs_response", "under_review", "closed"] as const;

export const deskFiltersSchema = z.object({
  status: z.enum(DESK_STATUS_FILTERS).optional().catch(undefined),
  provider: z.enum(["sandbox", "stripe", "paypal", "adyen"]).optional().catch(undefined),
  mine: z.literal("1").optional().catch(undefined),
  due: z.literal("48h").optional().catch(undefined),
  reason: z.enum(DISPUTE_REASONS).optional().catch(undefined),
  /** A member's user id, or "unassigned". */
  assignee: z
    .string()
    .regex(/^(unassigned|usr_[A-Za-z0-9]+)$/)
    .optional()
    .catch(undefined),
});
export type DeskFilters = z.infer<typeof deskFiltersSchema>;

export interface DeskRow {
  id: string;
  paymentId: string;
  provider: ProviderKind;
  amountMinor: number;
  currency: string;
  reason: string;
  stage: DisputeStage;
  status: DisputeStatus;
  dueBy: Date | null;
  assigneeUserId: string | null;
  assigneeName: string | null;
}

const STATUS_SETS: Record<(typeof DESK_STATUS_FILTERS)[number], DisputeStatus[]> = {
  open: ["needs_response", "under_review"],
  needs_response: ["needs_response"],
  under_review: ["under_review"],
  closed: ["won", "lost", "accepted", "expired", "canceled"],
};

/** Every dispute of the viewed mode, soonest due first (no deadline last). */
export async function listDeskDisputes(
  ctx: ReadContext & { userId: string },
  mode: ViewMode,
  filters: DeskFilters,
  now: Date = new Date(),
): Promise<{ rows: DeskRow[]; timezone: string }> {
  assertCan(ctx, "disputes.view");
  const where = [eq(disputes.merchantId, ctx.merchantId), eq(disputes.mode, mode)];
  if (filters.status) where.push(inArray(disputes.status, STATUS_SETS[filters.status]));
  if (filters.provider) where.push(eq(payments.provider, filters.provider));
  if (filters.mine) where.push(eq(disputes.assigneeUserId, ctx.userId));
  if (filters.reason) where.push(eq(disputes.reason, filters.reason));
  if (filters.assignee === "unassigned") where.push(isNull(disputes.assigneeUserId));
  else if (filters.assignee) where.push(eq(disputes.assigneeUserId, filters.assignee));
  if (filters.due) {
    where.push(
      isNotNull(disputes.dueBy),
      lte(disputes.dueBy, new Date(now.getTime() + 48 * 3600 * 1000)),
      inArray(disputes.status, STATUS_SETS.open),
    );
  }
  const [rows, [merchant]] = await Promise.all([
    ctx.db
      .select({
        id: disputes.id,
        paymentId: disputes.paymentId,
        provider: payments.provider,
        amountMinor: disputes.amountMinor,
        currency: disputes.currency,
        reason: disputes.reason,
        stage: disputes.stage,
        status: disputes.status,
        dueBy: disputes.dueBy,
        assigneeUserId: disputes.assigneeUserId,
        assigneeName: users.name,
      })
      .from(disputes)
      .innerJoin(
        payments,
        and(eq(payments.merchantId, disputes.merchantId), eq(payments.id, disputes.paymentId)),
      )
      .leftJoin(users, eq(users.id, disputes.assigneeUserId))
      .where(and(...where))
      .orderBy(sql`${disputes.dueBy} asc nulls last`, asc(disputes.openedAt))
      .limit(500),
    ctx.db
      .select({ timezone: merchants.timezone })
      .from(merchants)
      .where(eq(merchants.id, ctx.merchantId)),
  ]);
  return { rows, timezone: merchant?.timezone ?? "UTC" };
}
