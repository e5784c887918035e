// Reads for the transactions pages: the payment list and one payment with its timeline.
import { MODES, payments, type Payment } from "@/db/schema";
import type { ServiceContext } from "@/lib/auth/context";
import { assertCan } from "@/lib/auth/context";
import { PAYMENT_STATUSES, PROVIDER_KINDS } from "@/lib/connections/providers/types";
import { and, desc, eq, lt, type SQL } from "drizzle-orm";
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
