// The conversation engine's durable jobs: flow timers (reminders, payment timeouts), payment
// outcomes from the pipeline, and the safety net for a checkout whose creation was cut short.
import type { Db } from "@/db/client";
import type { Job } from "@/db/schema";
import { PaymentEventJobPayloadSchema } from "@/lib/conversations/checkout/payment-events";
import {
  completeCheckout,
  handlePaymentUpdate,
  stepConversation,
} from "@/lib/conversations/engine";
import { loadStepEnvironment } from "@/lib/conversations/engine/environment";
import { getConversation } from "@/lib/conversations/engine/snapshot";
import { readState } from "@/lib/conversations/engine/step-runner";
import {
  CHECKOUT_JOB,
  CheckoutJobPayloadSchema,
  FLOW_TIMER_JOB,
  FlowTimerPayloadSchema,
  PAYMENT_EVENT_JOB,
} from "@/lib/conversations/engine/timers";
import { tellAgentPaymentOutcome } from "@/lib/conversations/inbox/payment-outcome";
import { reminderFactsFor } from "@/lib/conversations/reminders";
import type { ConversationInput, ReminderFacts } from "@/lib/flows/runtime/types";
import { registerJobHandler } from "@/lib/jobs/runner";

interface JobContext {
  db: Db;
  now: Date;
}

export async function runFlowTimerJob(job: Job, ctx: JobContext): Promise<void> {
  const payload = FlowTimerPayloadSchema.parse(job.payload);
  const input: ConversationInput = {
    kind: "timer",
    timerId: payload.timerId,
    fired: payload.fired,
  };
  // A reminder must follow its channel's rules: the runtime decides from these facts.
  let reminders: ReminderFacts | undefined;
  if (payload.fired === "reminder") {
    const conversation = await getConversation(ctx.db, job.merchantId, payload.conversationId);
    if (!conversation) return;
    reminders = await reminderFactsFor(ctx.db, conversation);
  }
  await stepConversation(ctx.db, job.merchantId, payload.conversationId, input, {
    now: ctx.now,
    reminders,
  });
}

export async function runPaymentEventJob(job: Job, ctx: JobContext): Promise<void> {
  const payload = PaymentEventJobPayloadSchema.parse(job.payload);
  // An agent's payment request is no step of the bot's: its outcome is told from the Inbox side.
  const told = await tellAgentPaymentOutcome(
    ctx.db,
    job.merchantId,
    payload.paymentId,
    payload.status,
    ctx.now,
  );
  if (told) return;
  await handlePaymentUpdate(ctx.db, job.merchantId, payload.paymentId, payload.status, {
    now: ctx.now,
  });
}

/**
 * The process stopped between the step that asked for a checkout and its creation, so the
 * conversation still waits on it: create it now. The idempotency key makes a checkout the
 * provider did create before the stop come back instead of a second one.
 */
export async function runCheckoutRecoveryJob(job: Job, ctx: JobContext): Promise<void> {
  const { conversationId, request } = CheckoutJobPayloadSchema.parse(job.payload);
  const conversation = await getConversation(ctx.db, job.merchantId, conversationId);
  if (!conversation) return;
  const payment = readState(conversation).payment;
  if (payment?.idempotencyKey !== request.idempotencyKey || payment.status !== "creating") return;
  const env = await loadStepEnvironment(ctx.db, conversation);
  await completeCheckout(ctx.db, conversation, env, request, ctx.now);
}

/** Registers the engine's job handlers with the runner (idempotent: the registry is a map). */
export function registerConversationJobs(): void {
  registerJobHandler(FLOW_TIMER_JOB, runFlowTimerJob);
  registerJobHandler(PAYMENT_EVENT_JOB, runPaymentEventJob);
  registerJobHandler(CHECKOUT_JOB, runCheckoutRecoveryJob);
}
