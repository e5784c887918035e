// Refunding a payment from the dashboard: check what is refundable (refunds already in flight
// count), record the refund as pending, ask the provider, then record the provider's answer as
// a fact on the timeline so it counts before the provider's own webhook lands.
import type { Tx } from "@/db/client";
import {
  connections,
  paymentEvents,
  payments,
  refunds,
  type Payment,
  type Refund,
} from "@/db/schema";
import { assertCan } from "@/lib/auth/context";
import { connectorContext, connectorFor } from "@/lib/connections/providers/registry";
import type { RefundResult } from "@/lib/connections/providers/types";
import { ProviderError } from "@/lib/connections/providers/types";
import { AppError, NotFoundError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { refundFactFromResult } from "@/lib/payments/event-mapping";
import { derivePaymentView, serializeFact } from "@/lib/payments/facts";
import { auditAs, type ServiceContext } from "@/lib/payments/service-context";
import { applyEvent, canRefund } from "@/lib/payments/state-machine";
import { writePaymentView } from "@/lib/payments/status-write";
import { zodFieldErrors } from "@/lib/validation";
import { and, eq, isNull, sql } from "drizzle-orm";
import { z } from "zod";

export const refundInputSchema = z.object({
  amountMinor: z.number().int("Whole minor units only").positive("Enter an amount above zero"),
  reason: z.string().trim().max(500).default(""),
  idempotencyKey: z.string().trim().min(1).max(200),
});
export type RefundRequest = z.input<typeof refundInputSchema>;

async function lockPayment(tx: Tx, merchantId: string, paymentId: string): Promise<Payment> {
  const [row] = await tx
    .select()
    .from(payments)
    .where(and(eq(payments.merchantId, merchantId), eq(payments.id, paymentId)))
    .for("update");
  if (!row) throw new NotFoundError("This payment");
  return row;
}

export async function refundPayment(
  ctx: ServiceContext,
  paymentId: string,
  input: RefundRequest,
): Promise<Refund> {
  assertCan(ctx, "transactions.refund");
  const parsed = refundInputSchema.safeParse(input);
  if (!parsed.success)
    throw new AppError("Please fix the highlighted fields.", 422, zodFieldErrors(parsed.error));
  const { amountMinor, reason, idempotencyKey } = parsed.data;

  const [previous] = await ctx.db
    .select()
    .from(refunds)
    .where(and(eq(refunds.merchantId, ctx.merchantId), eq(refunds.idempotencyKey, idempotencyKey)));
  if (previous) {
    if (previous.paymentId !== paymentId || previous.amountMinor !== amountMinor) {
      throw new AppError("This idempotency key was already used for a different refund.", 409);
    }
    return previous;
  }

  const { payment, refund } = await ctx.db.transaction(async (tx) => {
    const payment = await lockPayment(tx, ctx.merchantId, paymentId);
    const view = await derivePaymentView(tx, payment);
    // Refunds Parley asked for that the provider hasn't named yet aren't in the view.
    const [inFlight] = await tx
      .select({ total: sql<number>`coalesce(sum(${refunds.amountMinor}), 0)`.mapWith(Number) })
      .from(refunds)
      .where(
        and(
          eq(refunds.merchantId, ctx.merchantId),
          eq(refunds.paymentId, paymentId),
          eq(refunds.status, "pending"),
          isNull(refunds.providerRefundId),
        ),
      );
    const check = canRefund(view, amountMinor + (inFlight?.total ?? 0));
    if (!check.ok) throw new AppError(check.message, 422, { amountMinor: [check.message] });
    const [refund] = await tx
      .insert(refunds)
      .values({
        merchantId: ctx.merchantId,
        id: newId("refund"),
        paymentId,
        mode: payment.mode,
        amountMinor,
        currency: payment.currency,
        status: "pending",
        reason,
        idempotencyKey,
        createdByUserId: ctx.user.id,
      })
      .returning();
    return { payment, refund: refund! };
  });

  const [connection] = await ctx.db
    .select()
    .from(connections)
    .where(
      and(eq(connections.merchantId, ctx.merchantId), eq(connections.id, payment.connectionId)),
    );
  let result: RefundResult;
  try {
    if (!connection) throw new NotFoundError("This payment's connection");
    const providerPaymentId = payment.providerPaymentId ?? payment.providerCheckoutId;
    if (!providerPaymentId)
      throw new ProviderError("The provider never confirmed this payment", "invalid_request");
    result = await connectorFor(connection.provider).refund(connectorContext(connection, ctx.db), {
      providerPaymentId,
      amountMinor,
      currency: payment.currency,
      // The refund row's id: a retry of this refund is the same request to the provider.
      idempotencyKey: refund.id,
      reason: reason || undefined,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await ctx.db
      .update(refunds)
      .set({ status: "failed", updatedAt: new Date() })
      .where(and(eq(refunds.merchantId, ctx.merchantId), eq(refunds.id, refund.id)));
    await auditAs(ctx.db, ctx, {
      action: "payment.refund_failed",
      targetType: "payment",
      targetId: paymentId,
      summary: `Refund of ${amountMinor} ${payment.currency} (minor units) failed: ${message}`,
      after: { refundId: refund.id, amountMinor, error: message },
    });
    throw new AppError(`The provider did not refund: ${message}`, 502);
  }

  return ctx.db.transaction(async (tx) => {
    const locked = await lockPayment(tx, ctx.merchantId, paymentId);
    const now = new Date();
    // The provider's webhook may have got here first and created its own row: keep ours.
    await tx
      .delete(refunds)
      .where(
        and(
          eq(refunds.merchantId, ctx.merchantId),
          eq(refunds.paymentId, paymentId),
          eq(refunds.providerRefundId, result.providerRefundId),
          sql`${refunds.id} <> ${refund.id}`,
        ),
      );
    const [stored] = await tx
      .update(refunds)
      .set({ providerRefundId: result.providerRefundId, status: result.status, updatedAt: now })
      .where(and(eq(refunds.merchantId, ctx.merchantId), eq(refunds.id, refund.id)))
      .returning();
    const fact = refundFactFromResult(result, { amountMinor, currency: payment.currency }, now);
    const view = applyEvent(await derivePaymentView(tx, locked), fact).next;
    await tx.insert(paymentEvents).values({
      merchantId: ctx.merchantId,
      id: newId("paymentEvent"),
      paymentId,
      connectionId: locked.connectionId,
      source: "parley",
      type: "refund.requested",
      amountMinor,
      currency: payment.currency,
      statusAfter: view.status,
      detail: {
        fact: serializeFact(fact),
        refundId: refund.id,
        providerRefundId: result.providerRefundId,
        reason,
      },
      occurredAt: now,
    });
    await writePaymentView(tx, locked, view, {}, now);
    await auditAs(tx, ctx, {
      action: "payment.refunded",
      targetType: "payment",
      targetId: paymentId,
      summary: `Refunded ${amountMinor} ${payment.currency} (minor units)${reason ? `: ${reason}` : ""}`,
      before: { status: locked.status, refundedMinor: locked.refundedMinor },
      after: { status: view.status, refundedMinor: view.refundedMinor, refundId: refund.id },
    });
    return stored!;
  });
}
