// Waits for the checkout's outcome. Failures offer a retry or another method (the
// merchant's "retry"/"other_method" outputs if drawn, else back to the pay/choose nodes).
import type { NodeOf } from "../../graph";
import { KEYWORDS } from "../../i18n";
import { matchesKeyword, matchOption } from "../matching";
import { type Run, type Transition, go, jump, waitInput, waitPayment } from "../run";
import { formatAmount } from "../text";
import type { NodeHandler } from "./handler";
import { sendPaymentLink } from "./pay";
import { rejectAnswer } from "./shared";

type WaitNode = NodeOf<"wait_payment">;

/** Failed checkouts after which the bot stops offering to try again. */
export const MAX_PAYMENT_ATTEMPTS = 3;

const RETRY = "retry";
const OTHER_METHOD = "other_method";

function lastChooseMethodNode(run: Run): string | undefined {
  for (let i = run.state.path.length - 1; i >= 0; i--) {
    if (run.index.nodes.get(run.state.path[i])?.type === "choose_method") return run.state.path[i];
  }
  return undefined;
}

function failureOptions(run: Run, node: WaitNode) {
  const options = [{ value: RETRY, label: run.phrase("option_retry") }];
  const moreThanOneMethod = (run.state.offeredMethods?.length ?? run.availableMethods.length) > 1;
  if (run.hasOutput(node.id, OTHER_METHOD) || (moreThanOneMethod && lastChooseMethodNode(run))) {
    options.push({ value: OTHER_METHOD, label: run.phrase("option_other_method") });
  }
  return options;
}

function onFailed(run: Run, node: WaitNode): Transition {
  if (run.hasOutput(node.id, "failed")) return go("failed");
  if ((run.state.payment?.attempts ?? 0) >= MAX_PAYMENT_ATTEMPTS)
    return run.handOff("payment_failed_final", "max_attempts");
  run.state.retries = 0;
  run.offer(run.phrase("payment_failed"), failureOptions(run, node));
  return waitInput;
}

function onExpired(run: Run, node: WaitNode): Transition {
  if (run.hasOutput(node.id, "expired")) return go("expired");
  run.say(run.phrase("payment_expired"));
  run.event("conversation_expired");
  return { kind: "stop", status: "expired" };
}

function settle(run: Run, node: WaitNode): Transition | null {
  switch (run.state.payment?.status) {
    case "succeeded":
      return go("succeeded");
    case "failed":
      return onFailed(run, node);
    case "expired":
      return onExpired(run, node);
    default:
      return null;
  }
}

function retryPayment(
  run: Run,
  node: WaitNode,
  choice: typeof RETRY | typeof OTHER_METHOD,
): Transition {
  run.event("input_accepted", choice);
  if (run.hasOutput(node.id, choice)) return go(choice);
  const target =
    choice === OTHER_METHOD
      ? (lastChooseMethodNode(run) ?? run.state.payment?.payNodeId)
      : run.state.payment?.payNodeId;
  if (!target || !run.index.nodes.has(target))
    return run.handOff("technical_problem", "retry_target_missing");
  return jump(target);
}

export const waitPaymentNode: NodeHandler<"wait_payment"> = {
  enter(run, node) {
    if (!run.state.payment) return run.handOff("technical_problem", "wait_without_payment");
    const settled = settle(run, node);
    if (settled) return settled;
    run.state.waitingSince = run.nowIso;
    run.scheduleTimer("payment_timeout", node.data.timeoutMinutes);
    return waitPayment;
  },

  onPayment(run, node, status) {
    if (status === "opened") return run.state.status === "waiting_input" ? waitInput : waitPayment;
    run.cancelTimer();
    return settle(run, node) ?? waitPayment;
  },

  onTimer(run, node, fired) {
    if (fired !== "payment_timeout") return waitPayment;
    const payment = run.state.payment;
    // The wait is over; the checkout itself only counts as expired once its own expiry passed,
    // so a retry before then reuses it rather than opening a second live checkout.
    if (payment && payment.status !== "succeeded" && Date.parse(payment.expiresAt) <= run.nowMs)
      payment.status = "expired";
    run.event("payment_expired", "timeout");
    return settle(run, node) ?? onExpired(run, node);
  },

  onMessage(run, node, text) {
    const payment = run.state.payment;
    if (run.state.status === "waiting_input" && payment?.status === "failed") {
      const options = failureOptions(run, node);
      const index = matchOption(
        text,
        options.map((option) => ({ value: option.value, labels: [option.label] })),
      );
      if (index >= 0) return retryPayment(run, node, options[index].value as typeof RETRY);
      if (matchesKeyword(text, KEYWORDS.retry)) return retryPayment(run, node, RETRY);
      if (options.length > 1 && matchesKeyword(text, KEYWORDS.other_method))
        return retryPayment(run, node, OTHER_METHOD);
      return rejectAnswer(run, "invalid_choice", () =>
        run.offer(run.phrase("invalid_choice"), options),
      );
    }
    if (payment) {
      sendPaymentLink(
        run,
        payment,
        run.phrase("waiting_payment", {
          amount: formatAmount(payment.amountMinor, payment.currency, run.state.lang),
        }),
      );
    }
    return waitPayment;
  },

  onChooseMethod(run, node) {
    // A method button pressed after a failure means "let me pay another way".
    if (run.state.status === "waiting_input" && run.state.payment?.status === "failed")
      return retryPayment(run, node, OTHER_METHOD);
    return run.state.status === "waiting_input" ? waitInput : waitPayment;
  },
};
