// Reads for refund requests: the approvers' list and one payment's requests. Scoped by merchant
// and mode (a test request is never listed among live ones).
import { payments, refundRequests, type RefundRequestRow } from "@/db/schema";
import type { ReadContext } from "@/lib/auth/context";
import type { ViewMode } from "@/lib/mode";
import { and, asc, desc, eq, ne } from "drizzle-orm";

export interface RefundRequestListItem extends RefundRequestRow {
  paymentAmountMinor: number;
  paymentDescription: string;
}

export async function listRefundRequests(
  ctx: ReadContext,
  mode: ViewMode,
  which: "pending" | "decided",
): Promise<RefundRequestListItem[]> {
  const rows = await ctx.db
    .select({
      request: refundRequests,
      paymentAmountMinor: payments.amountMinor,
      paymentDescription: payments.description,
    })
    .from(refundRequests)
    .innerJoin(
      payments,
      and(
        eq(payments.merchantId, refundRequests.merchantId),
        eq(payments.id, refundRequests.paymentId),
      ),
    )
    .where(
      and(
        eq(refundRequests.merchantId, ctx.merchantId),
        eq(refundRequests.mode, mode),
        which === "pending"
          ? eq(refundRequests.status, "pending")
          : ne(refundRequests.status, "pending"),
      ),
    )
    .orderBy(which === "pending" ? asc(refundRequests.createdAt) : desc(refundRequests.updatedAt))
    .limit(100);
  return rows.map((r) => ({
    ...r.request,
    paymentAmountMinor: r.paymentAmountMinor,
    paymentDescription: r.paymentDescription,
  }));
}

export async function refundRequestsForPayment(
  ctx: ReadContext,
  paymentId: string,
): Promise<RefundRequestRow[]> {
  return ctx.db
    .select()
    .from(refundRequests)
    .where(
      and(eq(refundRequests.merchantId, ctx.merchantId), eq(refundRequests.paymentId, paymentId)),
    )
    .orderBy(desc(refundRequests.createdAt));
}
