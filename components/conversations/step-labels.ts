// How a conversation's recorded steps (conversation_events.kind) read on its page.
import type { StepEventKind } from "@/lib/flows/runtime/types";

const STEP_KIND_LABELS: Record<StepEventKind | "checkout_failed" | "delivery_failed", string> = {
  entered: "Entered",
  completed: "Left the step",
  input_accepted: "Answer accepted",
  input_invalid: "Answer not understood",
  input_redacted: "Card details removed from the answer",
  language_detected: "Language detected",
  cart_updated: "Cart updated",
  method_chosen: "Payment method chosen",
  checkout_requested: "Checkout requested",
  checkout_reused: "Existing checkout reused",
  checkout_mismatch: "Checkout did not match",
  payment_link_sent: "Payment link sent",
  payment_opened: "Payment page opened",
  payment_succeeded: "Payment succeeded",
  payment_failed: "Payment failed",
  payment_expired: "Payment expired",
  confirmation_shown: "Order summary shown for confirmation",
  amount_confirmed: "Customer confirmed the amount",
  confirmation_changed: "Customer chose to change the order",
  confirmation_stale: "Confirmation refused: the order changed since it was shown",
  checkout_unconfirmed: "Checkout refused: amount not confirmed",
  reminder_sent: "Reminder sent",
  reminder_skipped: "Reminder skipped",
  reminder_deferred: "Reminder deferred",
  reminders_opted_out: "Customer opted out of reminders",
  status_replied: "Told the customer the payment status",
  handed_off: "Handed off to a person",
  conversation_completed: "Conversation completed",
  conversation_expired: "Conversation expired",
  loop_guard: "Stopped a loop",
  runtime_error: "Runtime error",
  input_ignored: "Message ignored",
  agent_took_over: "A person took over",
  agent_handed_back: "Handed back to the bot",
  agent_closed: "Closed by a person",
  checkout_failed: "Checkout failed at the provider",
  delivery_failed: "Message not delivered",
};

const PROBLEM_KINDS = new Set([
  "input_invalid",
  "checkout_mismatch",
  "checkout_unconfirmed",
  "confirmation_stale",
  "payment_failed",
  "payment_expired",
  "conversation_expired",
  "loop_guard",
  "runtime_error",
  "checkout_failed",
  "delivery_failed",
]);

export function stepKindLabel(kind: string): string {
  return (STEP_KIND_LABELS as Record<string, string>)[kind] ?? kind.replaceAll("_", " ");
}

export function isProblemStep(kind: string): boolean {
  return PROBLEM_KINDS.has(kind);
}
