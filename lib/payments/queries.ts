// Reads for the transactions pages: the payment list and one payment with its timeline.
import {
  disputes,
  MODES,
  paymentEvents,
  payments,
  refunds,
  type Dispute,
  type Payment,
  type PaymentEvent,
  type Refund,
} from "@/db/schema";
import type { ServiceContext } from "@/lib/auth/context";
import { assertCan } from "@/lib/auth/context";
import { PAYMENT_STATUSES, PROVIDER_KINDS } from "@/lib/connections/providers/types";
import { NotFoundError } from "@/lib/errors";
import { and, asc, desc, eq, lt, type SQL } from "drizzle-orm";
import { z } from "zod";

export const listPaymentsSchema = z.object({
  /** Test or live: the list never mixes them. */
  mode: z.enum(MODES),
  status: z.enum(PAYMENT_STATUSES).optional(),
  provider: z.enum(PROVIDER_KINDS).optional(),
  connectionId: z.string().min(1).optional(),
  limit: z.number().int().min(1).max(200).default(50),
  /** Cursor: payments created strictly before this instant. */
  before: z.coerce.date().optional(),
});
export type ListPaymentsOptions = z.input<typeof listPaymentsSchema>;

export async function listPayments(
  ctx: ServiceContext,
  options: ListPaymentsOptions,
): Promise<Payment[]> {
  assertCan(ctx, "transactions.view");
  const filter = listPaymentsSchema.parse(options);
  const conditions: SQL[] = [
    eq(payments.merchantId, ctx.merchantId),
    eq(payments.mode, filter.mode),
  ];
  if (filter.status) conditions.push(eq(payments.status, filter.status));
  if (filter.provider) conditions.push(eq(payments.provider, filter.provider));
  if (filter.connectionId) conditions.push(eq(payments.connectionId, filter.connectionId));
  if (filter.before) conditions.push(lt(payments.createdAt, filter.before));
  return ctx.db
    .select()
    .from(payments)
    .where(and(...conditions))
    .orderBy(desc(payments.createdAt), desc(payments.id))
    .limit(filter.limit);
}

export interface PaymentWithTimeline {
  payment: Payment;
  /** Oldest first, newest last. */
  events: PaymentEvent[];
  refunds: Refund[];
  disputes: Dispute[];
}

/**
 * One payment, whichever mode it is in: a link to a test payment opened in live view still
 * opens, and the page says it is a test payment.
 */
export async function getPaymentWithTimeline(
  ctx: ServiceContext,
  paymentId: string,
): Promise<PaymentWithTimeline> {
  assertCan(ctx, "transactions.view");
  const [payment] = await ctx.db
    .select()
    .from(payments)
    .where(and(eq(payments.merchantId, ctx.merchantId), eq(payments.id, paymentId)));
  if (!payment) throw new NotFoundError("This payment");
  const [events, refundRows, disputeRows] = await Promise.all([
    ctx.db
      .select()
      .from(paymentEvents)
      .where(
        and(eq(paymentEvents.merchantId, ctx.merchantId), eq(paymentEvents.paymentId, paymentId)),
      )
      .orderBy(asc(paymentEvents.occurredAt), asc(paymentEvents.recordedAt), asc(paymentEvents.id)),
    ctx.db
      .select()
      .from(refunds)
      .where(and(eq(refunds.merchantId, ctx.merchantId), eq(refunds.paymentId, paymentId)))
      .orderBy(asc(refunds.createdAt)),
    ctx.db
      .select()
      .from(disputes)
      .where(and(eq(disputes.merchantId, ctx.merchantId), eq(disputes.paymentId, paymentId)))
      .orderBy(asc(disputes.openedAt)),
  ]);
  return { payment, events, refunds: refundRows, disputes: disputeRows };
}
