// Non-message inputs (payment events, timers, checkout results) and what follows every step
// once it is written: replies go out, then any checkout is created and fed back in. Steps read
// without a lock and write only if nobody wrote in between; after a few lost races the last try
// takes the row lock, so a conversation always moves on.
import type { Db, Tx } from "@/db/client";
import { type Conversation, type ConversationMessage, payments } from "@/db/schema";
import { sendOutbound } from "@/lib/channels/outbound";
import type { PaymentStatus } from "@/lib/connections/providers/types";
import { createConversationCheckout } from "@/lib/conversations/checkout";
import type { CheckoutRequest } from "@/lib/conversations/checkout/guard";
import {
  type ConversationPaymentStatus,
  conversationPaymentStatus,
  isConversationPaymentStatus,
} from "@/lib/conversations/checkout/payment-events";
import { recordReminderOptOut } from "@/lib/conversations/reminders";
import type { ConversationInput, ReminderFacts } from "@/lib/flows/runtime/types";
import { and, eq } from "drizzle-orm";
import { environmentFor } from "./environment";
import { readStepContext, type StepContext } from "./step-context";
import {
  planStep,
  RevisionConflictError,
  type StepEnvironment,
  type StepJob,
  type StepPlan,
} from "./step-runner";
import { writeStep } from "./step-writer";
import type { EngineEvent } from "./store";
import { cancelCheckoutRecovery } from "./timers";

/** Unlocked tries before the one that takes the conversation's row lock. */
export const OPTIMISTIC_ATTEMPTS = 3;

/** Returned by an unlocked try that lost the race (or cannot go on without the lock). */
export const RETRY = Symbol("retry");
export const NEEDS_LOCK = Symbol("needs lock");

export async function withOptimisticRetry<T>(
  db: Db,
  unlocked: (attempt: number) => Promise<T | typeof RETRY | typeof NEEDS_LOCK>,
  locked: (tx: Tx) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; attempt <= OPTIMISTIC_ATTEMPTS; attempt++) {
    const outcome = await unlocked(attempt);
    if (outcome === NEEDS_LOCK) break;
    if (outcome !== RETRY) return outcome;
  }
  return db.transaction(locked);
}

export interface StepOptions {
  now?: Date;
  draftGraph?: unknown;
  /** Engine-side events to record with this step (a checkout the provider refused). */
  extraEvents?: EngineEvent[];
  /** For reminder timers: what the conversation's channel allows a reminder right now. */
  reminders?: ReminderFacts;
}

interface Written {
  plan: StepPlan;
  env: StepEnvironment;
  /** Nothing else was written to the conversation between what we knew and our write. */
  continuous: boolean;
}

/** The conversation as a step just left it: the next step can start from it without a read. */
export interface KnownConversation {
  conversation: Conversation;
  lastMessageAt: Date | null;
  env: StepEnvironment;
}

async function stepWithRetry(
  db: Db,
  merchantId: string,
  conversationId: string,
  input: ConversationInput,
  options: StepOptions & { now: Date; extraJobs?: StepJob[]; known?: KnownConversation },
): Promise<Written | null> {
  const plan = (
    context: Pick<StepContext, "conversation" | "lastMessageAt">,
    env: StepEnvironment,
  ) =>
    planStep(context.conversation, env, input, {
      now: options.now,
      lastMessageAt: context.lastMessageAt,
      extraEvents: options.extraEvents,
      extraJobs: options.extraJobs,
      reminders: options.reminders,
    });
  const fresh = async (db: Db | Tx, lock: boolean) => {
    const context = await readStepContext(db, merchantId, conversationId, { lock });
    if (!context) return null;
    const env = await environmentFor(
      db,
      context.conversation,
      context.connections,
      options.draftGraph,
    );
    return { context, env };
  };

  return withOptimisticRetry<Written | null>(
    db,
    async (attempt) => {
      const start =
        attempt === 1 && options.known
          ? { context: options.known, env: options.known.env }
          : await fresh(db, false);
      if (!start) return null;
      const planned = plan(start.context, start.env);
      if (!(await writeStep(db, planned))) return RETRY;
      return { plan: planned, env: start.env, continuous: start.context === options.known };
    },
    async (tx) => {
      const start = await fresh(tx, true);
      if (!start) return null;
      const planned = plan(start.context, start.env);
      if (!(await writeStep(tx, planned))) throw new RevisionConflictError(conversationId);
      return { plan: planned, env: start.env, continuous: false };
    },
  );
}

/**
 * Feeds one non-message input (payment event, timer, checkout result) to a conversation and
 * does what follows. Null when the conversation does not exist for this merchant.
 */
export async function stepConversation(
  db: Db,
  merchantId: string,
  conversationId: string,
  input: ConversationInput,
  options: StepOptions = {},
): Promise<Conversation | null> {
  const now = options.now ?? new Date();
  const done = await stepWithRetry(db, merchantId, conversationId, input, { ...options, now });
  if (!done) return null;
  return (await finishStep(db, done.plan, done.env, now)).conversation;
}

export interface Finished {
  conversation: Conversation;
  /** The messages this step and the steps after it wrote, in order. */
  messages: ConversationMessage[];
  /** No other writer got in between: `messages` is all that is new since the step's read. */
  complete: boolean;
}

/** After the write: replies go out in order, then any checkout is created and fed back in. */
export async function finishStep(
  db: Db,
  plan: StepPlan,
  env: StepEnvironment,
  now: Date,
): Promise<Finished> {
  await sendOutbound(db, plan.conversation, plan.outbound);
  if (plan.events.some((event) => event.kind === "reminders_opted_out"))
    await recordReminderOptOut(db, plan.conversation);
  const finished: Finished = {
    conversation: plan.conversation,
    messages: [...(plan.inbound ? [plan.inbound] : []), ...plan.outbound],
    complete: true,
  };
  let known: KnownConversation = {
    conversation: plan.conversation,
    lastMessageAt: plan.lastMessageAt,
    env,
  };
  for (const request of plan.checkouts) {
    const next = await checkoutStep(db, known.conversation, env, request, now, known);
    if (!next) continue;
    finished.conversation = next.conversation;
    finished.messages.push(...next.messages);
    finished.complete &&= next.complete;
    known = { conversation: next.conversation, lastMessageAt: next.lastMessageAt, env };
  }
  return finished;
}

/**
 * Creates the checkout the runtime asked for and steps the conversation with the result (the
 * link, or a failure it explains to the customer), from where the last step left it when known.
 */
async function checkoutStep(
  db: Db,
  conversation: Conversation,
  env: StepEnvironment,
  request: CheckoutRequest,
  now: Date,
  known?: KnownConversation,
): Promise<(Finished & { lastMessageAt: Date | null }) | null> {
  const result = await createConversationCheckout(db, conversation, env, request, now);
  const done = await stepWithRetry(db, conversation.merchantId, conversation.id, result.input, {
    now,
    draftGraph: conversation.isSimulation ? env.graph : undefined,
    extraEvents: result.failure ? [result.failure] : undefined,
    // The recovery job is settled by the step that records the checkout.
    extraJobs: [{ type: "cancel_checkout_recovery", idempotencyKey: request.idempotencyKey }],
    known,
  });
  if (!done) {
    await cancelCheckoutRecovery(db, conversation.merchantId, request.idempotencyKey);
    return null;
  }
  const after = await finishStep(db, done.plan, done.env, now);
  return {
    ...after,
    complete: after.complete && done.continuous,
    lastMessageAt: after.messages.at(-1)?.createdAt ?? done.plan.lastMessageAt,
  };
}

/** The checkout of a step that stopped before creating it: what the recovery job runs. */
export async function completeCheckout(
  db: Db,
  conversation: Conversation,
  env: StepEnvironment,
  request: CheckoutRequest,
  now: Date,
): Promise<Conversation | null> {
  return (await checkoutStep(db, conversation, env, request, now))?.conversation ?? null;
}

/**
 * The payment pipeline changed a payment's status: the conversation that asked for it hears
 * about it. Replays and statuses the chat doesn't care about change nothing.
 */
export async function handlePaymentUpdate(
  db: Db,
  merchantId: string,
  paymentId: string,
  status: PaymentStatus | ConversationPaymentStatus,
  options: { now?: Date } = {},
): Promise<Conversation | null> {
  const mapped = isConversationPaymentStatus(status) ? status : conversationPaymentStatus(status);
  if (!mapped) return null;
  const [payment] = await db
    .select({ conversationId: payments.conversationId })
    .from(payments)
    .where(and(eq(payments.merchantId, merchantId), eq(payments.id, paymentId)));
  if (!payment?.conversationId) return null;
  return stepConversation(
    db,
    merchantId,
    payment.conversationId,
    { kind: "payment_event", status: mapped, paymentId },
    options,
  );
}
