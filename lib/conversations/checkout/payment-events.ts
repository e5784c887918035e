// The payment pipeline tells conversations about payment outcomes through a durable job, written
// in the same transaction as the payment's new status: the conversation hears about every
// change once, even if the process stops right after the webhook was applied.
import type { DbOrTx } from "@/db/client";
import type { PaymentStatus } from "@/lib/connections/providers/types";
import { PAYMENT_EVENT_JOB } from "@/lib/conversations/engine/timers";
import { enqueueJob } from "@/lib/jobs/queue";
import { z } from "zod";

export const CONVERSATION_PAYMENT_STATUSES = ["opened", "succeeded", "failed", "expired"] as const;
export type ConversationPaymentStatus = (typeof CONVERSATION_PAYMENT_STATUSES)[number];

export function isConversationPaymentStatus(value: string): value is ConversationPaymentStatus {
  return (CONVERSATION_PAYMENT_STATUSES as readonly string[]).includes(value);
}

/** What a payment status means to the customer waiting in the chat; null when nothing. */
export function conversationPaymentStatus(status: PaymentStatus): ConversationPaymentStatus | null {
  switch (status) {
    case "pending":
    case "requires_action":
      return "opened";
    case "succeeded":
      return "succeeded";
    case "failed":
    case "canceled":
      return "failed";
    case "expired":
      return "expired";
    default:
      // created, refunds and disputes happen after the conversation's payment step.
      return null;
  }
}

export const PaymentEventJobPayloadSchema = z.object({
  paymentId: z.string().min(1),
  status: z.enum(CONVERSATION_PAYMENT_STATUSES),
});

/**
 * Call from the payment pipeline's apply path, inside its transaction, whenever a payment's
 * status changes. Payments without a conversation, and statuses the chat doesn't care about,
 * enqueue nothing. Returns whether a job was written.
 */
export async function enqueueConversationPaymentEvent(
  tx: DbOrTx,
  payment: { merchantId: string; id: string; conversationId: string | null },
  newStatus: PaymentStatus,
): Promise<boolean> {
  if (!payment.conversationId) return false;
  const status = conversationPaymentStatus(newStatus);
  if (!status) return false;
  await enqueueJob(tx, payment.merchantId, {
    kind: PAYMENT_EVENT_JOB,
    payload: { paymentId: payment.id, status },
    dedupeKey: `${payment.id}:${status}`,
  });
  return true;
}
