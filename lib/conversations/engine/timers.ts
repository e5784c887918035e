// A conversation's timers (reminders, payment timeouts) and pending checkouts are durable
// jobs, written in the same transaction as the step that asked for them, so they survive a
// restart. The runtime's timer id is the job's dedupe key.
import type { DbOrTx } from "@/db/client";
import type { CheckoutRequest } from "@/lib/conversations/checkout/guard";
import { PaymentMethodSchema } from "@/lib/flows/graph";
import type { RuntimeAction } from "@/lib/flows/runtime/types";
import { cancelJob, enqueueJob, type EnqueueJobInput } from "@/lib/jobs/queue";
import { z } from "zod";

export const FLOW_TIMER_JOB = "flow.timer";
export const CHECKOUT_JOB = "conversation.checkout";
export const PAYMENT_EVENT_JOB = "conversation.payment_event";

/** A checkout the engine creates right after the step; this job only catches a crash in between. */
export const CHECKOUT_RECOVERY_DELAY_MS = 2 * 60_000;

export const FlowTimerPayloadSchema = z.object({
  conversationId: z.string().min(1),
  timerId: z.string().min(1),
  fired: z.enum(["reminder", "payment_timeout"]),
});
export type FlowTimerPayload = z.infer<typeof FlowTimerPayloadSchema>;

/** The durable job behind a runtime timer; the runtime's timer id is its dedupe key. */
export function flowTimerJob(
  conversationId: string,
  action: Extract<RuntimeAction, { type: "schedule_timer" }>,
): EnqueueJobInput & { dedupeKey: string } {
  const payload: FlowTimerPayload = { conversationId, timerId: action.timerId, fired: action.kind };
  return {
    kind: FLOW_TIMER_JOB,
    runAt: new Date(action.runAt),
    payload,
    dedupeKey: action.timerId,
  };
}

export async function scheduleFlowTimer(
  db: DbOrTx,
  merchantId: string,
  conversationId: string,
  action: Extract<RuntimeAction, { type: "schedule_timer" }>,
): Promise<void> {
  await enqueueJob(db, merchantId, flowTimerJob(conversationId, action));
}

export async function cancelFlowTimer(
  db: DbOrTx,
  merchantId: string,
  timerId: string,
): Promise<void> {
  await cancelJob(db, merchantId, timerId);
}

export const CheckoutJobPayloadSchema = z.object({
  conversationId: z.string().min(1),
  request: z.object({
    type: z.literal("create_checkout"),
    idempotencyKey: z.string().min(1),
    amountMinor: z.number().int(),
    currency: z.string(),
    method: PaymentMethodSchema.optional(),
    methods: z.array(PaymentMethodSchema),
    connectionId: z.string().optional(),
    description: z.string(),
    expiresAt: z.string(),
    confirmationHash: z.string().optional(),
  }),
});

export function checkoutJobKey(idempotencyKey: string): string {
  return `checkout:${idempotencyKey}`;
}

/** The safety net for a checkout the engine is about to create. */
export function checkoutRecoveryJob(
  conversationId: string,
  request: CheckoutRequest,
  now: Date,
): EnqueueJobInput & { dedupeKey: string } {
  return {
    kind: CHECKOUT_JOB,
    runAt: new Date(now.getTime() + CHECKOUT_RECOVERY_DELAY_MS),
    payload: { conversationId, request },
    dedupeKey: checkoutJobKey(request.idempotencyKey),
  };
}

export async function scheduleCheckoutRecovery(
  db: DbOrTx,
  merchantId: string,
  conversationId: string,
  request: CheckoutRequest,
  now: Date,
): Promise<void> {
  await enqueueJob(db, merchantId, checkoutRecoveryJob(conversationId, request, now));
}

export async function cancelCheckoutRecovery(
  db: DbOrTx,
  merchantId: string,
  idempotencyKey: string,
): Promise<void> {
  await cancelJob(db, merchantId, checkoutJobKey(idempotencyKey));
}
