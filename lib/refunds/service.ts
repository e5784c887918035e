// A refund asked for from the console, through the approval limits: within the requester's
// limit it is sent at once (lib/payments/refunds.ts); above it, it becomes a refund request that
// a second person with enough authority approves (then sent, under a key derived from the
// request, so approving twice can never refund twice) or declines. What remains refundable counts
// refunds in flight and requests awaiting approval, read under the payment's row lock.
import type { DbOrTx, Tx } from "@/db/client";
import { refundRequests, type Refund, type RefundRequestRow } from "@/db/schema";
import { auditAs } from "@/lib/audit/record";
import type { ServiceContext } from "@/lib/auth/context";
import { assertCan } from "@/lib/auth/context";
import { AppError, NotFoundError } from "@/lib/errors";
import { publishEvent } from "@/lib/events/bus";
import { newId } from "@/lib/ids";
import { formatMoney } from "@/lib/money";
import { derivePaymentView } from "@/lib/payments/facts";
import { lockPayment } from "@/lib/payments/refund-settle";
import { refundPayment, reservedMinor } from "@/lib/payments/refunds";
import { refundableMinor } from "@/lib/payments/state-machine";
import { paymentEvent } from "@/lib/payments/status-write";
import { and, eq } from "drizzle-orm";
import { canApproveAmount, decideRefund } from "./limits";
import { loadRefundLimits } from "./limits-store";
import { findOpenDispute, openDisputeMessage } from "./open-dispute";
import { REFUND_REASON_LABELS, type RefundReasonCode } from "./reason-codes";

export interface StartRefundInput {
  amountMinor: number;
  reasonCode: RefundReasonCode;
  note: string;
  idempotencyKey: string;
}

export type StartRefundResult =
  { kind: "refunded"; refund: Refund } | { kind: "requested"; request: RefundRequestRow };

function requestScope(merchantId: string, id: string) {
  return and(eq(refundRequests.merchantId, merchantId), eq(refundRequests.id, id));
}

async function requestByKey(db: DbOrTx, merchantId: string, idempotencyKey: string) {
  const [row] = await db
    .select()
    .from(refundRequests)
    .where(
      and(
        eq(refundRequests.merchantId, merchantId),
        eq(refundRequests.idempotencyKey, idempotencyKey),
      ),
    );
  return row;
}

/**
 * What is left to refund on a payment, locked: its remainder less everything reserved (but
 * `ownMinor`, the amount of the request being approved, which is among the reserved).
 */
async function remainingOf(tx: Tx, merchantId: string, paymentId: string, ownMinor = 0) {
  const payment = await lockPayment(tx, merchantId, paymentId);
  const view = await derivePaymentView(tx, payment);
  const reserved = (await reservedMinor(tx, merchantId, paymentId)) - ownMinor;
  const left = Math.max(0, refundableMinor(view) - reserved);
  return { payment, view, remainingMinor: left };
}

function overRemaining(remainingMinor: number, currency: string): AppError {
  const message =
    remainingMinor === 0
      ? "Nothing is left to refund on this payment (refunds in flight and awaiting approval count)."
      : `At most ${formatMoney(remainingMinor, currency)} is left to refund (refunds in flight and awaiting approval count).`;
  return new AppError(message, 422, { amount: [message] });
}

/**
 * Refunds now when `input.amountMinor` is within the requester's limit for the payment's
 * currency, otherwise records a refund request. One idempotency key is one intent: a repeat
 * returns the refund or the request the first made.
 */
export async function startRefund(
  ctx: ServiceContext,
  paymentId: string,
  input: StartRefundInput,
): Promise<StartRefundResult> {
  assertCan(ctx, "transactions.refund");
  const earlier = await requestByKey(ctx.db, ctx.merchantId, input.idempotencyKey);
  if (earlier) {
    if (earlier.paymentId !== paymentId || earlier.amountMinor !== input.amountMinor)
      throw new AppError("This idempotency key was already used for a different refund.", 409);
    return { kind: "requested", request: earlier };
  }
  const limits = await loadRefundLimits(ctx.db, ctx.merchantId);

  const outcome = await ctx.db.transaction(async (tx) => {
    const { payment, view, remainingMinor } = await remainingOf(tx, ctx.merchantId, paymentId);
    const raced = await requestByKey(tx, ctx.merchantId, input.idempotencyKey);
    if (raced) return { kind: "existing" as const, request: raced };
    const dispute = await findOpenDispute(tx, ctx.merchantId, paymentId);
    if (dispute) throw new AppError(openDisputeMessage(dispute), 409);
    if (!["succeeded", "partially_refunded"].includes(view.status))
      throw new AppError("Only a successful payment can be refunded.", 422);
    const decision = decideRefund({
      role: ctx.role,
      currency: payment.currency,
      amountMinor: input.amountMinor,
      remainingMinor,
      limits,
    });
    if (decision.kind === "refuse") {
      if (decision.reason === "over_remaining")
        throw overRemaining(remainingMinor, payment.currency);
      if (decision.reason === "not_allowed")
        throw new AppError("Your role cannot refund payments.", 403);
      throw new AppError("Enter an amount above zero.", 422, {
        amount: ["Enter an amount above zero."],
      });
    }
    if (decision.kind === "execute") return { kind: "execute" as const };
    const [request] = await tx
      .insert(refundRequests)
      .values({
        merchantId: ctx.merchantId,
        id: newId("refundRequest"),
        paymentId,
        mode: payment.mode,
        amountMinor: input.amountMinor,
        currency: payment.currency,
        reasonCode: input.reasonCode,
        note: input.note,
        idempotencyKey: input.idempotencyKey,
        requestedByUserId: ctx.user.id,
        requestedByEmail: ctx.user.email,
      })
      .returning();
    await auditAs(tx, ctx, {
      action: "refund_request.created",
      targetType: "payment",
      targetId: paymentId,
      summary: `Asked for approval to refund ${formatMoney(input.amountMinor, payment.currency)} (above the ${ctx.role} limit of ${formatMoney(decision.limitMinor, payment.currency)})`,
      after: {
        requestId: request.id,
        amountMinor: input.amountMinor,
        reasonCode: input.reasonCode,
      },
    });
    await publishEvent(tx, paymentEvent(payment));
    return { kind: "created" as const, request };
  });

  if (outcome.kind === "existing" || outcome.kind === "created")
    return { kind: "requested", request: outcome.request };
  const refund = await refundPayment(ctx, paymentId, {
    amountMinor: input.amountMinor,
    reason: input.note || REFUND_REASON_LABELS[input.reasonCode],
    reasonCode: input.reasonCode,
    idempotencyKey: input.idempotencyKey,
  });
  return { kind: "refunded", refund };
}

async function lockRequest(tx: Tx, ctx: ServiceContext, requestId: string) {
  const [request] = await tx
    .select()
    .from(refundRequests)
    .where(requestScope(ctx.merchantId, requestId))
    .for("update");
  if (!request) throw new NotFoundError("This refund request");
  if (request.status !== "pending") {
    throw new AppError(
      `This refund request was already ${request.status}${request.decidedByEmail ? ` by ${request.decidedByEmail}` : ""}.`,
      409,
    );
  }
  if (request.requestedByUserId === ctx.user.id)
    throw new AppError("You cannot decide your own refund request: a second person must.", 403);
  return request;
}

/**
 * Approves a pending request and sends its refund. Re-checks, at approval time and under the
 * payment's lock, the approver's authority, the open-dispute rule and what remains.
 */
export async function approveRefundRequest(
  ctx: ServiceContext,
  requestId: string,
): Promise<{ request: RefundRequestRow; refund: Refund | null }> {
  assertCan(ctx, "refunds.approve");
  assertCan(ctx, "transactions.refund");
  const limits = await loadRefundLimits(ctx.db, ctx.merchantId);
  const approved = await ctx.db.transaction(async (tx) => {
    const request = await lockRequest(tx, ctx, requestId);
    if (!canApproveAmount(ctx.role, request.currency, request.amountMinor, limits)) {
      throw new AppError(
        `Your refund limit in ${request.currency} does not cover ${formatMoney(request.amountMinor, request.currency)}: someone with a higher limit must approve.`,
        403,
      );
    }
    const dispute = await findOpenDispute(tx, ctx.merchantId, request.paymentId);
    if (dispute) throw new AppError(openDisputeMessage(dispute), 409);
    // This request's own amount is among the reserved; it is the one being used up now.
    const { payment, remainingMinor } = await remainingOf(
      tx,
      ctx.merchantId,
      request.paymentId,
      request.amountMinor,
    );
    if (request.amountMinor > remainingMinor) throw overRemaining(remainingMinor, request.currency);
    const [row] = await tx
      .update(refundRequests)
      .set({
        status: "approved",
        decidedByUserId: ctx.user.id,
        decidedByEmail: ctx.user.email,
        decidedAt: new Date(),
        updatedAt: new Date(),
      })
      .where(requestScope(ctx.merchantId, requestId))
      .returning();
    await auditAs(tx, ctx, {
      action: "refund_request.approved",
      targetType: "payment",
      targetId: request.paymentId,
      summary: `Approved ${request.requestedByEmail}'s refund of ${formatMoney(request.amountMinor, request.currency)}`,
      before: { status: "pending" },
      after: { requestId, status: "approved" },
    });
    await publishEvent(tx, paymentEvent(payment));
    return row;
  });

  try {
    const refund = await refundPayment(ctx, approved.paymentId, {
      amountMinor: approved.amountMinor,
      reason: approved.note || REFUND_REASON_LABELS[approved.reasonCode as RefundReasonCode],
      reasonCode: approved.reasonCode as RefundReasonCode,
      idempotencyKey: `refund-request:${approved.id}`,
    });
    const [row] = await ctx.db
      .update(refundRequests)
      .set({ refundId: refund.id, updatedAt: new Date() })
      .where(requestScope(ctx.merchantId, requestId))
      .returning();
    return { request: row, refund };
  } catch (error) {
    // Approved, but the refund could not be made (refused by the provider, or the payment
    // changed between the approval and the send): the request says so, nothing is retried.
    const message = error instanceof Error ? error.message : String(error);
    await ctx.db
      .update(refundRequests)
      .set({ status: "failed", decisionNote: message.slice(0, 500), updatedAt: new Date() })
      .where(requestScope(ctx.merchantId, requestId));
    throw error;
  }
}

/** Declines a pending request; it stays declined. */
export async function declineRefundRequest(
  ctx: ServiceContext,
  requestId: string,
  note: string,
): Promise<RefundRequestRow> {
  assertCan(ctx, "refunds.approve");
  return ctx.db.transaction(async (tx) => {
    const request = await lockRequest(tx, ctx, requestId);
    const [row] = await tx
      .update(refundRequests)
      .set({
        status: "declined",
        decidedByUserId: ctx.user.id,
        decidedByEmail: ctx.user.email,
        decidedAt: new Date(),
        decisionNote: note.trim().slice(0, 500) || null,
        updatedAt: new Date(),
      })
      .where(requestScope(ctx.merchantId, requestId))
      .returning();
    await auditAs(tx, ctx, {
      action: "refund_request.declined",
      targetType: "payment",
      targetId: request.paymentId,
      summary: `Declined ${request.requestedByEmail}'s refund of ${formatMoney(request.amountMinor, request.currency)}`,
      before: { status: "pending" },
      after: { requestId, status: "declined", note: row.decisionNote },
    });
    await publishEvent(tx, {
      kind: "payment",
      merchantId: ctx.merchantId,
      mode: request.mode,
      id: request.paymentId,
    });
    return row;
  });
}
