// Nodes that speak or decide and move on without waiting.
import { type Run, go } from "../run";
import type { NodeHandler } from "./handler";

export const startNode: NodeHandler<"start"> = {
  enter: () => go("next"),
};

export const messageNode: NodeHandler<"message"> = {
  enter(run, node) {
    run.say(run.text(node.data.text));
    return go("next");
  },
};

export const handoffNode: NodeHandler<"handoff"> = {
  enter(run: Run, node) {
    const text = run.text(node.data.text);
    run.say(text || run.phrase("handoff"));
    return run.handOff(null, node.id);
  },
};

export const endNode: NodeHandler<"end"> = {
  enter(run, node) {
    run.say(run.text(node.data.text));
    run.cancelTimer();
    run.action({ type: "complete" });
    run.event("conversation_completed");
    return { kind: "stop", status: "completed" };
  },
};

export const receiptNode: NodeHandler<"receipt"> = {
  enter(run, node) {
    const said = run.text(node.data.text) || run.phrase("receipt");
    // Whatever the merchant wrote, a test-mode receipt says that no money moved.
    const text = run.testMode ? `${said} ${run.phrase("receipt_test_mode")}` : said;
    const payment = run.state.payment;
    if (payment && payment.status === "succeeded") {
      run.outbound.push({
        kind: "receipt",
        text,
        amountMinor: payment.amountMinor,
        currency: payment.currency,
        reference: payment.paymentId ?? "",
      });
    } else {
      // Reached without a settled payment (a miswired flow): never claim money was received.
      run.event("input_ignored", "receipt_without_payment");
    }
    return go("next");
  },
};
