// Nudges the customer about an unpaid link every `afterMinutes`, up to `maxTimes`, then
// leaves by "unpaid" one interval after the last nudge; leaves by "paid" as soon as paid.
// Each nudge follows the channel's rules (reminder-rules.ts): none after the customer said
// "stop", none in the merchant's quiet hours (it waits until they end), and outside WhatsApp's
// or Messenger's 24-hour window only an approved template, or nothing, with the reason recorded.
import { quietHoursEnd, reminderDelivery, type ReminderDelivery } from "../reminder-rules";
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

function delivery(run: Run): ReminderDelivery {
  if (run.state.remindersOptedOut) return { send: "none", reason: "opted_out" };
  return run.reminders ? reminderDelivery(run.reminders, run.nowMs) : { send: "free_form" };
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
    // reminderCount counts the nudges due so far, sent or skipped by a channel window.
    if (run.state.reminderCount >= node.data.maxTimes) return go("unpaid");
    const how = delivery(run);
    if (how.send === "none" && how.reason === "opted_out") {
      run.state.remindersOptedOut = true;
      run.event("reminder_skipped", "opted_out");
      return go("unpaid");
    }
    const quietUntil = quietHoursEnd(run.nowMs, node.data.quietHours, run.timeZone);
    if (quietUntil !== null) {
      const at = new Date(quietUntil).toISOString();
      run.event("reminder_deferred", `quiet_hours_until:${at}`);
      run.scheduleTimerAt("reminder", at);
      return waitPayment;
    }
    const payment = run.state.payment!;
    run.state.reminderCount += 1;
    if (how.send === "template" && !payment.url) {
      run.event("reminder_skipped", "no_link_for_template");
    } else if (how.send === "none") {
      run.event("reminder_skipped", how.reason);
    } else {
      const text =
        run.text(node.data.text) ||
        run.phrase("waiting_payment", {
          amount: formatAmount(payment.amountMinor, payment.currency, run.state.lang),
        });
      if (payment.url) sendPaymentLink(run, payment, text, how.send === "template");
      else run.say(text);
      const count = String(run.state.reminderCount);
      run.event("reminder_sent", how.send === "template" ? `${count}:template` : count);
    }
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
