// Stripe's PaymentIntent / Checkout Session state in Parley's payment statuses.
import type Stripe from "stripe";
import type { PaymentStatus, ProviderPaymentState } from "../types";
import { methodFromStripe } from "./webhooks";

/** Expects `latest_charge` expanded, to see refunds and disputes on the charge. */
export function intentState(intent: Stripe.PaymentIntent): ProviderPaymentState {
  const charge = typeof intent.latest_charge === "object" ? intent.latest_charge : null;
  const error = intent.last_payment_error;
  let status: PaymentStatus;
  switch (intent.status) {
    case "succeeded":
      status = "succeeded";
      if (charge?.disputed) status = "disputed";
      else if (charge && charge.amount_refunded >= charge.amount) status = "refunded";
      else if (charge && charge.amount_refunded > 0) status = "partially_refunded";
      break;
    case "requires_action":
      status = "requires_action";
      break;
    case "canceled":
      status = "canceled";
      break;
    case "requires_payment_method":
      // Stripe rewinds a declined attempt to requires_payment_method with last_payment_error.
      status = error ? "failed" : "pending";
      break;
    default: // requires_confirmation, requires_capture, processing
      status = "pending";
  }
  const details = charge?.payment_method_details;
  const types = intent.payment_method_types ?? [];
  return {
    providerPaymentId: intent.id,
    status,
    amountMinor: intent.amount,
    currency: intent.currency.toUpperCase(),
    method: details
      ? methodFromStripe(details.type, details.card?.wallet?.type)
      : types.length === 1
        ? methodFromStripe(types[0])
        : undefined,
    failure:
      status === "failed" && error
        ? {
            code: error.decline_code ?? error.code ?? "payment_failed",
            message: error.message ?? "The payment failed",
          }
        : undefined,
  };
}

/** Expects `payment_intent.latest_charge` expanded. */
export function sessionState(session: Stripe.Checkout.Session): ProviderPaymentState {
  const intent = typeof session.payment_intent === "object" ? session.payment_intent : null;
  if (intent && !(session.status === "expired" && intent.status !== "succeeded"))
    return intentState(intent);
  const status: PaymentStatus =
    session.status === "expired"
      ? "expired"
      : session.status === "complete"
        ? session.payment_status === "unpaid"
          ? "pending"
          : "succeeded"
        : "created";
  return {
    providerPaymentId: intent?.id ?? session.id,
    status,
    amountMinor: session.amount_total ?? undefined,
    currency: session.currency?.toUpperCase(),
  };
}
