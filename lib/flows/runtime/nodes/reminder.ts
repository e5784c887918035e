// Nudges the customer about an unpaid link every `afterMinutes`, up to `maxTimes`, then
// leaves by "unpaid" one interval after the last nudge; leaves by "paid" as soon as paid.
import { go, type Run, type Transition, waitPayment } from "../run";
import { formatAmount } from "../text";
import type { NodeHandler } from "./handler";
import { sendPaymentLink } from "./pay";

function settled(run: Run): Transition | null {
  const status = run.state.payment?.status;
  if (!run.state.payment) return go("unpaid");
  if (status === "succeeded") return go("paid");
  if (status === "failed" || status === "expired") return go("unpaid");
  return null;
}

export const reminderNode: NodeHandler<"reminder"> = {
  enter(run, node) {
    run.state.reminderCount = 0;
    const now = settled(run);
    if (now) return now;
    run.state.waitingSince = run.nowIso;
    run.scheduleTimer("reminder", node.data.afterMinutes);
    return waitPayment;
  },

  onTimer(run, node, fired) {
    if (fired !== "reminder") return waitPayment;
    const now = settled(run);
    if (now) return now;
    if (run.state.reminderCount >= node.data.maxTimes) return go("unpaid");
    const payment = run.state.payment!;
    const text =
      run.text(node.data.text) ||
      run.phrase("waiting_payment", {
        amount: formatAmount(payment.amountMinor, payment.currency, run.state.lang),
      });
    if (payment.url) sendPaymentLink(run, payment, text);
    else run.say(text);
    run.state.reminderCount += 1;
    run.event("reminder_sent", String(run.state.reminderCount));
    run.scheduleTimer("reminder", node.data.afterMinutes);
    return waitPayment;
  },

  onPayment(run, _node, status) {
    if (status === "opened") return waitPayment;
    run.cancelTimer();
    return settled(run) ?? waitPayment;
  },

  onMessage(run) {
    const payment = run.state.payment;
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
};
