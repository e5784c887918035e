// Refunding a payment from the dashboard: check what is refundable (refunds already in flight
// count), record the refund as pending, ask the provider once, then record the provider's answer
// as a fact on the timeline so it counts before the provider's own webhook lands
// (refund-settle.ts). An answer that never came leaves the refund pending for
// refund-reconcile.ts, which asks the provider where it stands instead of sending it again.
import type { DbOrTx } from "@/db/client";
import {
  connections,
  payments,
  refundRequests,
  refunds,
  type Payment,
  type Refund,
} from "@/db/schema";
import type { ServiceContext } from "@/lib/auth/context";
import { assertCan } from "@/lib/auth/context";
import { connectorContext, connectorFor } from "@/lib/connections/providers/registry";
import { isOutcomeUnknown, type RefundResult } from "@/lib/connections/providers/types";
import { AppError, NotFoundError } from "@/lib/errors";
import { publishEvent } from "@/lib/events/bus";
import { newId } from "@/lib/ids";
import { derivePaymentView } from "@/lib/payments/facts";
import { checkPendingRefund } from "@/lib/payments/refund-reconcile";
import {
  failRefund,
  keepRefundPending,
  lockPayment,
  OUTCOME_UNKNOWN_REASON,
  settleRefund,
} from "@/lib/payments/refund-settle";
import { canRefund } from "@/lib/payments/state-machine";
import { paymentEvent } from "@/lib/payments/status-write";
import { findOpenDispute, openDisputeMessage } from "@/lib/refunds/open-dispute";
import { REFUND_REASON_CODES } from "@/lib/refunds/reason-codes";
import { zodFieldErrors } from "@/lib/validation";
import { and, eq, isNull, sql } from "drizzle-orm";
import { z } from "zod";

export const refundInputSchema = z.object({
  amountMinor: z.number().int("Whole minor units only").positive("Enter an amount above zero"),
  reason: z.string().trim().max(500).default(""),
  reasonCode: z.enum(REFUND_REASON_CODES).optional(),
  idempotencyKey: z.string().trim().min(1).max(200),
});
export type RefundRequest = z.input<typeof refundInputSchema>;

function isUniqueViolation(error: unknown): boolean {
  let e: unknown = error;
  for (let depth = 0; depth < 5 && e && typeof e === "object"; depth++) {
    if ((e as { code?: unknown }).code === "23505") return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

async function findByKey(db: DbOrTx, merchantId: string, idempotencyKey: string) {
  const [row] = await db
    .select()
    .from(refunds)
    .where(and(eq(refunds.merchantId, merchantId), eq(refunds.idempotencyKey, idempotencyKey)));
  return row;
}

/** The refund an earlier request with this key made: the same one, or a misuse of the key. */
function sameIntent(previous: Refund, paymentId: string, amountMinor: number): Refund {
  if (previous.paymentId !== paymentId || previous.amountMinor !== amountMinor) {
    throw new AppError("This idempotency key was already used for a different refund.", 409);
  }
  return previous;
}

async function connectionOf(ctx: ServiceContext, payment: Payment) {
  const [connection] = await ctx.db
    .select()
    .from(connections)
    .where(
      and(eq(connections.merchantId, ctx.merchantId), eq(connections.id, payment.connectionId)),
    );
  return connection;
}

/**
 * What is held back from a payment's refundable amount besides what the provider already
 * refunded: refunds Parley asked for that the provider hasn't named yet (those whose outcome is
 * unknown stay reserved until the provider settles them) and refund requests awaiting approval.
 * Read under the payment's row lock (lockPayment) so concurrent refunds see each other.
 */
export async function reservedMinor(
  tx: DbOrTx,
  merchantId: string,
  paymentId: string,
): Promise<number> {
  const [inFlight] = await tx
    .select({ total: sql<number>`coalesce(sum(${refunds.amountMinor}), 0)`.mapWith(Number) })
    .from(refunds)
    .where(
      and(
        eq(refunds.merchantId, merchantId),
        eq(refunds.paymentId, paymentId),
        eq(refunds.status, "pending"),
        isNull(refunds.providerRefundId),
      ),
    );
  const [awaiting] = await tx
    .select({
      total: sql<number>`coalesce(sum(${refundRequests.amountMinor}), 0)`.mapWith(Number),
    })
    .from(refundRequests)
    .where(
      and(
        eq(refundRequests.merchantId, merchantId),
        eq(refundRequests.paymentId, paymentId),
        eq(refundRequests.status, "pending"),
      ),
    );
  return (inFlight?.total ?? 0) + (awaiting?.total ?? 0);
}

/** The provider of a payment's connection (the payment row's own copy), scoped to the merchant. */
async function providerOf(ctx: ServiceContext, paymentId: string) {
  const [row] = await ctx.db
    .select({ provider: payments.provider })
    .from(payments)
    .where(and(eq(payments.merchantId, ctx.merchantId), eq(payments.id, paymentId)));
  if (!row) throw new NotFoundError("This payment");
  return row.provider;
}

/**
 * Refunds `input.amountMinor` of a payment once per idempotency key. A repeat of the key returns
 * the same refund (a pending one is first checked with the provider, never sent again). A
 * provider refusal fails the refund; an unknown outcome leaves it pending for reconciliation.
 */
export async function refundPayment(
  ctx: ServiceContext,
  paymentId: string,
  input: RefundRequest,
): Promise<Refund> {
  assertCan(ctx, "transactions.refund");
  const parsed = refundInputSchema.safeParse(input);
  if (!parsed.success)
    throw new AppError("Please fix the highlighted fields.", 422, zodFieldErrors(parsed.error));
  const { amountMinor, reason, reasonCode, idempotencyKey } = parsed.data;
  const actor = { userId: ctx.user.id, email: ctx.user.email, ip: ctx.ip };

  const previous = await findByKey(ctx.db, ctx.merchantId, idempotencyKey);
  if (!previous && connectorFor(await providerOf(ctx, paymentId)).refunds === "manual") {
    throw new AppError(
      "This provider has no refund API: send the money back from your account with the provider, then record the refund in Parley.",
      422,
    );
  }
  if (previous) {
    const refund = sameIntent(previous, paymentId, amountMinor);
    return refund.status === "pending" ? checkPendingRefund(ctx.db, refund, new Date()) : refund;
  }

  let created: { payment: Payment; refund: Refund } | { existing: Refund };
  try {
    created = await ctx.db.transaction(async (tx) => {
      const payment = await lockPayment(tx, ctx.merchantId, paymentId);
      // A concurrent request with this key held the lock first: its refund is ours.
      const raced = await findByKey(tx, ctx.merchantId, idempotencyKey);
      if (raced) return { existing: sameIntent(raced, paymentId, amountMinor) };
      const dispute = await findOpenDispute(tx, ctx.merchantId, paymentId);
      if (dispute) throw new AppError(openDisputeMessage(dispute), 409);
      const view = await derivePaymentView(tx, payment);
      const inFlight = await reservedMinor(tx, ctx.merchantId, paymentId);
      const check = canRefund(view, amountMinor, inFlight);
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
          reasonCode: reasonCode ?? null,
          idempotencyKey,
          createdByUserId: ctx.user.id,
        })
        .returning();
      await publishEvent(tx, paymentEvent(payment));
      return { payment, refund: refund };
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const raced = await findByKey(ctx.db, ctx.merchantId, idempotencyKey);
    if (!raced) throw error;
    return sameIntent(raced, paymentId, amountMinor);
  }
  if ("existing" in created) return created.existing;
  const { payment, refund } = created;

  // Nothing was sent yet: a missing connection or provider id is a plain refusal.
  const connection = await connectionOf(ctx, payment);
  const providerPaymentId = payment.providerPaymentId ?? payment.providerCheckoutId;
  if (!connection || !providerPaymentId) {
    const message = !connection
      ? "This payment's connection no longer exists"
      : "The provider never confirmed this payment";
    await failRefund(ctx.db, refund, message, actor, new Date());
    throw new AppError(`The provider did not refund: ${message}`, 502);
  }

  let result: RefundResult;
  try {
    result = await connectorFor(connection.provider).refund(connectorContext(connection, ctx.db), {
      providerPaymentId,
      amountMinor,
      currency: payment.currency,
      // The refund row's id: every send of this refund is the same request to the provider.
      idempotencyKey: refund.id,
      reason: reason || undefined,
      reasonCode,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (isOutcomeUnknown(error)) {
      return keepRefundPending(
        ctx.db,
        refund,
        `${OUTCOME_UNKNOWN_REASON} (${message})`,
        new Date(),
        false,
      );
    }
    await failRefund(ctx.db, refund, message, actor, new Date());
    throw new AppError(`The provider did not refund: ${message}`, 502);
  }

  return settleRefund(ctx.db, refund, result, actor, {
    now: new Date(),
    timelineType: "refund.requested",
  });
}
