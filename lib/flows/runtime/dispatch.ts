// Routes one input to the node the conversation rests at, after the checks that hold
// everywhere: card data never processed, payment replays and stale timers ignored,
// the customer's status question answered.
import type { FlowGraph, Lang } from "../graph";
import { detectLanguage, KEYWORDS } from "../i18n";
import { redactCardData } from "../redact";
import { askedForPerson } from "./agent";
import { matchesKeyword } from "./matching";
import { NODE_HANDLERS } from "./nodes";
import { isConfirmTap } from "./nodes/confirm";
import type { NodeHandler } from "./nodes/handler";
import { sendPaymentLink } from "./nodes/pay";
import { isOptOutMessage } from "./reminder-rules";
import { go, type Run, type Transition } from "./run";
import { hasStarted, isTerminal, livePayment } from "./state";
import { formatAmount, paymentStatusLabel } from "./text";
import type { ConversationInput, JsonValue, PaymentProgress } from "./types";

type Input<K extends ConversationInput["kind"]> = Extract<ConversationInput, { kind: K }>;

function handlerOf(run: Run): NodeHandler<never> | undefined {
  const node = run.currentNode;
  return node ? (NODE_HANDLERS[node.type] as unknown as NodeHandler<never>) : undefined;
}

function currentNodeAs<T>(run: Run): T {
  return run.currentNode as unknown as T;
}

/** Enters the start node. The settle loop takes it from there. */
function begin(run: Run): Transition {
  const startId = run.index.startIds[0];
  if (!startId) return run.handOff("technical_problem", "no_start_node");
  return { kind: "jump", nodeId: startId };
}

function hostVariables(
  graph: FlowGraph,
  supplied: Record<string, string | number> | undefined,
): Record<string, JsonValue> {
  const variables: Record<string, JsonValue> = {};
  for (const input of graph.inputs ?? []) {
    const value = supplied?.[input.name];
    if (value === undefined) continue;
    if (input.kind === "amount") {
      // Host amounts are minor units already; anything else is refused, not coerced.
      if (typeof value === "number" && Number.isSafeInteger(value) && value > 0) {
        variables[input.name] = { amountMinor: value, currency: graph.currency };
      }
    } else if (input.kind === "number") {
      const number = typeof value === "number" ? value : Number(value);
      if (Number.isFinite(number)) variables[input.name] = number;
    } else if (String(value).length <= 500) {
      variables[input.name] = String(value);
    }
  }
  return variables;
}

export function onStart(run: Run, input: Input<"start">): Transition | null {
  if (hasStarted(run.state)) {
    run.event("input_ignored", "already_started");
    return null;
  }
  if (input.lang) {
    run.state.lang = run.graph.languages.includes(input.lang)
      ? input.lang
      : run.graph.defaultLanguage;
    run.state.langFixed = true;
  }
  Object.assign(run.state.variables, hostVariables(run.graph, input.variables));
  return begin(run);
}

function maybeSwitchLanguage(run: Run, text: string): void {
  if (run.state.langFixed) return;
  const detected: Lang | null = detectLanguage(text);
  if (detected && detected !== run.state.lang && run.graph.languages.includes(detected)) {
    run.state.lang = detected;
    run.event("language_detected", detected);
  }
}

const PAYMENT_NODES = new Set(["pay", "wait_payment", "reminder"]);

export function onMessage(run: Run, input: Input<"message">): Transition | null {
  const redaction = redactCardData(input.text, { lastHadCard: run.state.lastHadCard });
  run.inbound = { text: redaction.text, redacted: redaction.redacted, kinds: redaction.kinds };
  run.state.lastHadCard = redaction.kinds.includes("pan");
  if (!redaction.redacted && isOptOutMessage(input.text)) return optOut(run);
  if (run.state.status === "handed_off") return null; // a person is answering now
  if (!redaction.redacted) maybeSwitchLanguage(run, input.text);
  if (redaction.redacted) {
    run.event("input_redacted", redaction.kinds.join(","));
    run.say(run.phrase("card_warning"));
    const live = livePayment(run.state, run.nowMs);
    if (live?.url)
      sendPaymentLink(
        run,
        live,
        run.phrase("payment_link", {
          amount: formatAmount(live.amountMinor, live.currency, run.state.lang),
        }),
      );
    return hasStarted(run.state) ? null : begin(run);
  }
  if (isTerminal(run.state)) {
    run.say(run.phrase("conversation_ended"));
    return null;
  }
  if (!hasStarted(run.state)) return begin(run);
  const node = run.currentNode;
  if (
    node &&
    PAYMENT_NODES.has(node.type) &&
    run.state.payment &&
    matchesKeyword(input.text, KEYWORDS.status)
  ) {
    run.say(
      run.phrase("status_reply", {
        status: paymentStatusLabel(run.state.payment.status, run.state.lang),
      }),
    );
    run.event("status_replied", run.state.payment.status);
    return null;
  }
  const person = askedForPerson(run, input.text);
  if (person) return person;
  if (node && node.type !== "confirm" && isConfirmTap(input.text)) {
    // A second tap on Confirm after the first moved the chat on: one checkout, no reply.
    run.event("input_ignored", "confirm_repeated");
    return null;
  }
  const handler = handlerOf(run);
  if (!handler?.onMessage) {
    run.event("input_ignored", "not_expecting_text");
    return null;
  }
  return handler.onMessage(run, currentNodeAs(run), input.text);
}

/**
 * "stop" / "arrête" / "停止" / "berhenti": no more reminders, in this conversation and (through
 * the record the engine keeps per customer and channel) in every later one.
 */
function optOut(run: Run): Transition | null {
  run.state.remindersOptedOut = true;
  run.event("reminders_opted_out");
  if (run.state.status === "handed_off" || !hasStarted(run.state)) return null;
  run.say(run.phrase("reminders_stopped"));
  if (isTerminal(run.state)) return null;
  if (run.currentNode?.type === "reminder") {
    run.cancelTimer();
    run.event("reminder_skipped", "opted_out");
    return go("unpaid");
  }
  return null;
}

const EVENT_TO_PROGRESS: Record<Input<"payment_event">["status"], PaymentProgress> = {
  succeeded: "succeeded",
  failed: "failed",
  expired: "expired",
  opened: "opened",
};

export function onPaymentEvent(run: Run, input: Input<"payment_event">): Transition | null {
  const payment = run.state.payment;
  const next = EVENT_TO_PROGRESS[input.status];
  // Before checkout_created names the payment, the host can only be reporting that creating it
  // failed; a "succeeded" for a link the customer never received is not ours to believe.
  const creationFailed =
    payment?.paymentId === undefined &&
    payment?.status === "creating" &&
    (next === "failed" || next === "expired");
  const matches = payment && (payment.paymentId === input.paymentId || creationFailed);
  // Replays, other conversations' payments, and anything after success change nothing.
  if (!payment || !matches || payment.status === next || payment.status === "succeeded") {
    run.event("input_ignored", "payment_event");
    return null;
  }
  if (next === "opened" && payment.status !== "link_sent") {
    run.event("input_ignored", "payment_event");
    return null;
  }
  payment.status = next;
  if (payment.paymentId === undefined) payment.paymentId = input.paymentId;
  run.event(`payment_${input.status}`, input.paymentId);
  if (isTerminal(run.state)) {
    if (next === "succeeded" && run.state.status !== "handed_off") {
      run.say(
        run.phrase("late_payment_received", {
          amount: formatAmount(payment.amountMinor, payment.currency, run.state.lang),
        }),
      );
    }
    return null;
  }
  return handlerOf(run)?.onPayment?.(run, currentNodeAs(run), input.status) ?? null;
}

export function onTimer(run: Run, input: Input<"timer">): Transition | null {
  const timer = run.state.timer;
  if (
    !timer ||
    timer.timerId !== input.timerId ||
    timer.kind !== input.fired ||
    isTerminal(run.state)
  ) {
    run.event("input_ignored", "stale_timer");
    return null;
  }
  run.state.timer = undefined;
  return handlerOf(run)?.onTimer?.(run, currentNodeAs(run), input.fired) ?? null;
}

export function onCheckoutCreated(run: Run, input: Input<"checkout_created">): Transition | null {
  const node = run.currentNode;
  const payment = run.state.payment;
  if (
    !node ||
    node.type !== "pay" ||
    !payment ||
    payment.status !== "creating" ||
    isTerminal(run.state)
  ) {
    run.event("input_ignored", "checkout_created");
    return null;
  }
  return NODE_HANDLERS.pay.onCheckoutCreated!(run, node, input);
}

export function onChooseMethod(run: Run, input: Input<"choose_method">): Transition | null {
  if (isTerminal(run.state) || !hasStarted(run.state)) {
    run.event("input_ignored", "choose_method");
    return null;
  }
  const handler = handlerOf(run);
  if (handler?.onChooseMethod) return handler.onChooseMethod(run, currentNodeAs(run), input.method);
  // A stale button: read it as text so the node answers as it would to any reply.
  if (run.state.status === "waiting_input" && handler?.onMessage)
    return handler.onMessage(run, currentNodeAs(run), input.method);
  run.event("input_ignored", "choose_method");
  return null;
}
