// Turns the runtime's create_checkout request into a real checkout, after the step's commit:
// the amount is checked against the conversation's own state first, the connection is chosen
// here, and the outcome goes back into the runtime (a link to send, or a failure to explain).
// Path: guard.ts (amount check) → methods.ts (pick a connection) → lib/payments/checkout;
// later, payment-events.ts queues the payment's status changes back to the conversation.
import type { Db } from "@/db/client";
import type { Conversation } from "@/db/schema";
import type { PaymentMethod } from "@/lib/connections/providers/types";
import { type StepEnvironment, readState } from "@/lib/conversations/engine/step-runner";
import type { EngineEvent } from "@/lib/conversations/engine/store";
import { isDemoMode } from "@/lib/env";
import type { ConversationInput } from "@/lib/flows/runtime/types";
import { createCheckout } from "@/lib/payments/checkout";
import { type CheckoutRequest, checkCheckoutAmount, checkCheckoutConfirmation } from "./guard";
import { pickConnection } from "./methods";

export interface CheckoutOutcome {
  input: ConversationInput;
  /** Recorded beside the runtime's events when the checkout could not be created. */
  failure?: EngineEvent;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 300) : "unknown error";
}

export async function createConversationCheckout(
  db: Db,
  conversation: Conversation,
  env: StepEnvironment,
  request: CheckoutRequest,
  now: Date,
): Promise<CheckoutOutcome> {
  const state = readState(conversation);
  const failed = (reason: string): CheckoutOutcome => ({
    // The runtime takes a failure for a checkout still being created as "creation failed".
    input: {
      kind: "payment_event",
      status: "failed",
      paymentId: `checkout_failed:${request.idempotencyKey}`,
    },
    failure: {
      nodeId: state.payment?.payNodeId ?? "",
      nodeType: "pay",
      kind: "checkout_failed",
      at: now.toISOString(),
      detail: reason,
    },
  });

  const check = checkCheckoutAmount(env.graph, state, request);
  if (!check.ok) return failed(check.reason);
  const confirmed = checkCheckoutConfirmation(env.graph, state, request, conversation.mode);
  if (!confirmed.ok) return failed(confirmed.reason);

  const connection = pickConnection(env.connections, {
    mode: conversation.mode,
    currency: request.currency,
    method: request.method,
    methods: request.methods,
    connectionId: request.connectionId,
    // Only ever within test connections: pickConnection ignores it for live conversations.
    preferSandbox: conversation.isSimulation || isDemoMode(),
  });
  if (!connection) return failed("no_connection");
  const methods: PaymentMethod[] = request.methods.filter((method) =>
    connection.methods.includes(method),
  );

  try {
    const payment = await createCheckout(db, conversation.merchantId, {
      connectionId: connection.id,
      amountMinor: request.amountMinor,
      currency: request.currency,
      methods: methods.length > 0 ? methods : [...connection.methods],
      description: request.description.slice(0, 500),
      idempotencyKey: request.idempotencyKey,
      conversationId: conversation.id,
      flowId: conversation.flowId,
      channel: conversation.channel,
      mode: conversation.mode,
      locale: state.lang,
      expiresAt: new Date(request.expiresAt),
      ...(request.confirmationHash && state.confirmation
        ? {
            confirmed: {
              amountMinor: state.confirmation.amountMinor,
              currency: state.confirmation.currency,
              hash: request.confirmationHash,
            },
          }
        : {}),
    });
    if (!payment.checkoutUrl) return failed("no_checkout_url");
    return {
      input: {
        kind: "checkout_created",
        paymentId: payment.id,
        url: payment.checkoutUrl,
        amountMinor: payment.amountMinor,
        currency: payment.currency,
      },
    };
  } catch (error) {
    return failed(describe(error));
  }
}
