// The Sandbox's simulated card network: it opens a case on a paid Sandbox payment at any stage,
// escalates it, and sends the bank's decision — each a signed webhook for the same provider
// dispute id, delivered like any other Sandbox event (sandbox-emitter.ts), so the case, the
// payment and the figures move exactly as a real provider's events would move them.
import type { Db } from "@/db/client";
import { disputes, payments, type DisputeStage } from "@/db/schema";
import { buildSandboxEvent } from "@/lib/connections/providers/sandbox/webhooks";
import {
  emitSandboxEvents,
  findSandboxPayment,
  type EmitResult,
  type SandboxTransport,
} from "@/lib/connections/sandbox-emitter";
import {
  sandboxDisputeDueBy,
  sandboxEscalation,
  type SandboxDeadline,
  type SandboxOpeningStage,
} from "@/lib/disputes/sandbox-stages";
import { ConflictError, NotFoundError } from "@/lib/errors";
import { isPaid } from "@/lib/payments/state-machine";
import { and, eq } from "drizzle-orm";

/**
 * The customer's bank opens a case on a paid Sandbox payment: an inquiry (a retrieval request,
 * no funds moved) or a chargeback, each with its own response window (lib/disputes/sandbox-stages.ts).
 */
export async function openSandboxDispute(
  db: Db,
  merchantId: string,
  paymentId: string,
  input: { reason?: string; stage?: SandboxOpeningStage; deadline?: SandboxDeadline } = {},
  transport: SandboxTransport = fetch,
  now = new Date(),
): Promise<EmitResult> {
  const { reason = "fraudulent", stage = "chargeback", deadline = "standard" } = input;
  const row = await findSandboxPayment(
    db,
    and(eq(payments.merchantId, merchantId), eq(payments.id, paymentId)),
  );
  if (!row) throw new NotFoundError("This Sandbox payment");
  const { payment, connection } = row;
  if (!isPaid(payment.status) || payment.status === "disputed") {
    throw new ConflictError("Only a paid, undisputed Sandbox payment can be disputed.");
  }
  const event = buildSandboxEvent({
    type: "dispute.opened",
    providerPaymentId: payment.providerPaymentId!,
    paymentId: payment.id,
    amountMinor: payment.amountMinor,
    currency: payment.currency,
    created: now,
    dispute: {
      reason,
      amountMinor: payment.amountMinor,
      currency: payment.currency,
      stage,
      status: "needs_response",
      dueBy: sandboxDisputeDueBy(stage, now, deadline),
    },
  });
  return emitSandboxEvents(connection, payment, [event], {}, transport);
}

/** A Sandbox dispute of this merchant, with its payment and connection (or NotFoundError). */
async function findSandboxDispute(db: Db, merchantId: string, disputeId: string) {
  const [dispute] = await db
    .select()
    .from(disputes)
    .where(and(eq(disputes.merchantId, merchantId), eq(disputes.id, disputeId)));
  if (!dispute) throw new NotFoundError("This dispute");
  const row = await findSandboxPayment(
    db,
    and(eq(payments.merchantId, merchantId), eq(payments.id, dispute.paymentId)),
  );
  if (!row) throw new NotFoundError("This Sandbox dispute");
  return { dispute, ...row };
}

/**
 * The cardholder's bank takes the case to its next stage: an inquiry becomes a chargeback, a
 * chargeback (typically one the merchant won) goes to pre-arbitration. A `dispute.updated` for
 * the same provider dispute id, with the new stage, needs_response and a fresh due date — as
 * Adyen's SECOND_CHARGEBACK reopens a case (lib/disputes/transitions.ts lets a later stage in).
 */
export async function escalateSandboxDispute(
  db: Db,
  merchantId: string,
  disputeId: string,
  transport: SandboxTransport = fetch,
  now = new Date(),
): Promise<EmitResult & { stage: DisputeStage }> {
  const { dispute, payment, connection } = await findSandboxDispute(db, merchantId, disputeId);
  const escalation = sandboxEscalation(dispute);
  if (!escalation.ok) throw new ConflictError(escalation.message);
  const event = buildSandboxEvent({
    type: "dispute.updated",
    providerPaymentId: payment.providerPaymentId!,
    paymentId: payment.id,
    amountMinor: payment.amountMinor,
    currency: payment.currency,
    created: now,
    dispute: {
      providerDisputeId: dispute.providerDisputeId,
      reason: dispute.reason,
      amountMinor: dispute.amountMinor,
      currency: dispute.currency,
      stage: escalation.stage,
      status: "needs_response",
      dueBy: sandboxDisputeDueBy(escalation.stage, now),
    },
  });
  const result = await emitSandboxEvents(connection, payment, [event], {}, transport);
  return { ...result, stage: escalation.stage };
}

/**
 * The card network's decision on an open Sandbox dispute: `dispute.won` or `dispute.lost` for the
 * same provider dispute id, signed and delivered like any other Sandbox webhook, so the case, the
 * payment and the figures move exactly as a real provider's outcome would move them.
 */
export async function sendSandboxDisputeOutcome(
  db: Db,
  merchantId: string,
  disputeId: string,
  outcome: "won" | "lost",
  transport: SandboxTransport = fetch,
): Promise<EmitResult> {
  const { dispute, payment, connection } = await findSandboxDispute(db, merchantId, disputeId);
  if (!["needs_response", "under_review"].includes(dispute.status)) {
    throw new ConflictError("This dispute is already closed: the bank has decided.");
  }
  const event = buildSandboxEvent({
    type: outcome === "won" ? "dispute.won" : "dispute.lost",
    providerPaymentId: payment.providerPaymentId!,
    paymentId: payment.id,
    amountMinor: payment.amountMinor,
    currency: payment.currency,
    dispute: {
      providerDisputeId: dispute.providerDisputeId,
      reason: dispute.reason,
      amountMinor: dispute.amountMinor,
      currency: dispute.currency,
      // The decision is for the stage the case is at: a pre-arbitration won ends the appeal
      // (without it the payment would read it as a chargeback's, outranked by the appeal).
      stage: dispute.stage,
      status: outcome,
    },
  });
  return emitSandboxEvents(connection, payment, [event], {}, transport);
}
