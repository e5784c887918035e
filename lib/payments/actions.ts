"use server";

import { defineAction } from "@/lib/action";
import {
  escalateSandboxDispute,
  openSandboxDispute,
  sendSandboxDisputeOutcome,
} from "@/lib/connections/sandbox-disputes";
import { SANDBOX_DISPUTE_REASONS } from "@/lib/disputes/reasons";
import {
  SANDBOX_DEADLINES,
  SANDBOX_OPENING_STAGES,
  sandboxStageWords,
} from "@/lib/disputes/sandbox-stages";
import { AppError } from "@/lib/errors";
import { currencyExponent, parseMajorToMinor } from "@/lib/money";
import { REFUND_REASON_CODES } from "@/lib/refunds/reason-codes";
import { startRefund } from "@/lib/refunds/service";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { createTestPayment } from "./checkout";
import { getPaymentWithTimeline } from "./detail";
import { recordManualRefund } from "./manual-refunds";

// Dashboard mutations on payments. Amounts arrive as the decimal a person typed and become
// minor units here, with the payment's own currency exponent (lib/money.ts), never floats.

const id = z.string().trim().min(1).max(80);
const amountText = z.string().trim().min(1, { error: "Enter an amount" }).max(24);

function amountHelp(currency: string): string {
  const example = currencyExponent(currency) === 0 ? "1200" : "12.50";
  return `Enter a positive amount in ${currency}, e.g. ${example}`;
}

function toMinor(amount: string, currency: string): number {
  try {
    const minor = parseMajorToMinor(amount, currency);
    if (minor > 0) return minor;
  } catch {
    // reported below
  }
  throw new AppError("Please fix the highlighted fields.", 422, { amount: [amountHelp(currency)] });
}

// The form sends the decimal a person typed; it becomes minor units here, and the service checks
// the rest against the shared testPaymentSchema (its errors come back keyed by field).
const testPaymentFormSchema = z
  .object({
    connectionId: id,
    amount: amountText,
    currency: z.string().trim().toUpperCase(),
    description: z.string().optional(),
  })
  .transform((input, zctx) => {
    try {
      return { ...input, amountMinor: parseMajorToMinor(input.amount, input.currency) };
    } catch {
      zctx.addIssue({
        code: "custom",
        path: ["amount"],
        message: amountHelp(input.currency),
        input: input.amount,
      });
      return z.NEVER;
    }
  });

export const createTestPaymentAction = defineAction({
  permission: "connections.manage",
  schema: testPaymentFormSchema,
  handler: async ({ connectionId, amountMinor, currency, description }, ctx) => {
    const payment = await createTestPayment(ctx, connectionId, {
      amountMinor,
      currency,
      description,
    });
    revalidatePath("/transactions");
    return { paymentId: payment.id, checkoutUrl: payment.checkoutUrl ?? null };
  },
});

export const refundPaymentAction = defineAction({
  permission: "transactions.refund",
  stepUp: true,
  schema: z.object({
    paymentId: id,
    amount: amountText,
    reasonCode: z.enum(REFUND_REASON_CODES, { error: "Choose why the money goes back" }),
    note: z.string().trim().max(500).default(""),
    idempotencyKey: z.string().trim().min(8).max(100),
  }),
  handler: async ({ paymentId, amount, reasonCode, note, idempotencyKey }, ctx) => {
    // The payment's currency decides the exponent, not anything the browser sends.
    const { payment } = await getPaymentWithTimeline(ctx, paymentId);
    // Within the requester's limit it is refunded now; above it, it waits for an approver.
    const result = await startRefund(ctx, payment.id, {
      amountMinor: toMinor(amount, payment.currency),
      reasonCode,
      note,
      idempotencyKey,
    });
    revalidatePath(`/transactions/${payment.id}`);
    if (result.kind === "requested") {
      revalidatePath("/refunds");
      return {
        kind: "requested" as const,
        requestId: result.request.id,
        status: result.request.status,
      };
    }
    return { kind: "refunded" as const, refundId: result.refund.id, status: result.refund.status };
  },
});

export const recordManualRefundAction = defineAction({
  permission: "transactions.refund",
  stepUp: true,
  schema: z.object({
    paymentId: id,
    amount: amountText,
    note: z
      .string()
      .trim()
      .min(1, { error: "Say what you sent (e.g. the transaction hash) and why" })
      .max(500),
    idempotencyKey: z.string().trim().min(8).max(100),
  }),
  handler: async ({ paymentId, amount, note, idempotencyKey }, ctx) => {
    const { payment } = await getPaymentWithTimeline(ctx, paymentId);
    // The service writes the audit entry (payment.refund_recorded) with the refund itself.
    const refund = await recordManualRefund(ctx, payment.id, {
      amountMinor: toMinor(amount, payment.currency),
      note,
      idempotencyKey,
    });
    revalidatePath(`/transactions/${payment.id}`);
    return { refundId: refund.id, status: refund.status };
  },
});

export const sendSandboxDisputeOutcomeAction = defineAction({
  permission: "disputes.respond",
  schema: z.object({ disputeId: id, outcome: z.enum(["won", "lost"]) }),
  handler: async ({ disputeId, outcome }, ctx) => {
    // Sandbox disputes only (the emitter finds the payment through a Sandbox connection).
    const result = await sendSandboxDisputeOutcome(ctx.db, ctx.merchantId, disputeId, outcome);
    await ctx.audit(ctx.db, {
      action: "sandbox.dispute_outcome",
      targetType: "dispute",
      targetId: disputeId,
      summary: `Simulated the bank's decision on a Sandbox dispute: ${outcome}`,
      after: { outcome },
    });
    revalidatePath(`/disputes/${disputeId}`);
    return { paymentId: result.paymentId };
  },
});

export const escalateSandboxDisputeAction = defineAction({
  permission: "disputes.respond",
  schema: z.object({ disputeId: id }),
  handler: async ({ disputeId }, ctx) => {
    // Sandbox disputes only; refused (ConflictError) when the case has no later stage.
    const result = await escalateSandboxDispute(ctx.db, ctx.merchantId, disputeId);
    await ctx.audit(ctx.db, {
      action: "sandbox.dispute_escalated",
      targetType: "dispute",
      targetId: disputeId,
      summary: `Simulated the cardholder's bank escalating a Sandbox dispute to ${sandboxStageWords(result.stage)}`,
      after: { stage: result.stage },
    });
    revalidatePath(`/disputes/${disputeId}`);
    return { paymentId: result.paymentId, stage: result.stage };
  },
});

export const openSandboxDisputeAction = defineAction({
  permission: "disputes.respond",
  schema: z.object({
    paymentId: id,
    reason: z.enum(SANDBOX_DISPUTE_REASONS),
    // Older forms sent no stage: they opened a chargeback.
    stage: z.enum(SANDBOX_OPENING_STAGES).default("chargeback"),
    deadline: z.enum(SANDBOX_DEADLINES).default("standard"),
  }),
  handler: async ({ paymentId, reason, stage, deadline }, ctx) => {
    // The emitter scopes by merchant, accepts only Sandbox payments, and refuses unpaid ones.
    const result = await openSandboxDispute(ctx.db, ctx.merchantId, paymentId, {
      reason,
      stage,
      deadline,
    });
    await ctx.audit(ctx.db, {
      action: "sandbox.dispute_opened",
      targetType: "payment",
      targetId: result.paymentId,
      summary: `Opened a simulated ${reason} dispute (${sandboxStageWords(stage)}) on a Sandbox payment`,
      after: { reason, stage, deadline },
    });
    revalidatePath(`/transactions/${result.paymentId}`);
    return { paymentId: result.paymentId };
  },
});
