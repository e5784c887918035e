// Refunds for providers without a refund API (Coinbase Commerce: crypto goes back from the
// merchant's own wallet). Parley sends nothing: a member records what they sent — amount, note —
// and the refund counts like any other (a succeeded fact on the timeline, the refunds row, the
// audit entry, analytics), once per idempotency key.
import { connections, refunds, type Refund } from "@/db/schema";
import { assertCan, type ServiceContext } from "@/lib/auth/context";
import { connectorFor } from "@/lib/connections/providers/registry";
import { AppError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { derivePaymentView } from "@/lib/payments/facts";
import { lockPayment, settleRefund } from "@/lib/payments/refund-settle";
import { canRefund } from "@/lib/payments/state-machine";
import { zodFieldErrors } from "@/lib/validation";
import { and, eq } from "drizzle-orm";
import { z } from "zod";

export const manualRefundInputSchema = z.object({
  amountMinor: z.number().int("Whole minor units only").positive("Enter an amount above zero"),
  note: z
    .string()
    .trim()
    .min(1, { error: "Say what you sent (e.g. the transaction hash) and why" })
    .max(500),
  idempotencyKey: z.string().trim().min(8).max(200),
});
export type ManualRefundRequest = z.input<typeof manualRefundInputSchema>;

/** True when refunds of this provider are recorded, not sent. */
export function refundsAreManual(provider: Parameters<typeof connectorFor>[0]): boolean {
  return connectorFor(provider).refunds === "manual";
}

export async function recordManualRefund(
  ctx: ServiceContext,
  paymentId: string,
  input: ManualRefundRequest,
): Promise<Refund> {
  assertCan(ctx, "transactions.refund");
  const parsed = manualRefundInputSchema.safeParse(input);
  if (!parsed.success)
    throw new AppError("Please fix the highlighted fields.", 422, zodFieldErrors(parsed.error));
  const { amountMinor, note, idempotencyKey } = parsed.data;
  const now = new Date();

  const outcome = await ctx.db.transaction(
    async (tx): Promise<{ existing: Refund } | { refund: Refund }> => {
      const payment = await lockPayment(tx, ctx.merchantId, paymentId);
      const [previous] = await tx
        .select()
        .from(refunds)
        .where(
          and(eq(refunds.merchantId, ctx.merchantId), eq(refunds.idempotencyKey, idempotencyKey)),
        );
      if (previous) {
        if (previous.paymentId !== paymentId || previous.amountMinor !== amountMinor)
          throw new AppError("This idempotency key was already used for a different refund.", 409);
        return { existing: previous };
      }
      const [connection] = await tx
        .select({ provider: connections.provider })
        .from(connections)
        .where(
          and(eq(connections.merchantId, ctx.merchantId), eq(connections.id, payment.connectionId)),
        );
      if (!connection || !refundsAreManual(connection.provider)) {
        throw new AppError(
          "This payment's provider refunds through its API: use Refund, which sends it there.",
          422,
        );
      }
      const check = canRefund(await derivePaymentView(tx, payment), amountMinor);
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
          reason: note,
          idempotencyKey,
          createdByUserId: ctx.user.id,
        })
        .returning();
      return { refund };
    },
  );
  if ("existing" in outcome) return outcome.existing;

  // The refund's own id names it on the timeline: no provider will ever report it.
  return settleRefund(
    ctx.db,
    outcome.refund,
    { providerRefundId: `manual_${outcome.refund.id}`, status: "succeeded" },
    { userId: ctx.user.id, email: ctx.user.email, ip: ctx.ip },
    { now, timelineType: "refund.recorded_manually" },
  );
}
