// Behaviour shared by the nodes that wait for the customer.
import { type Run, type Transition, go, waitInput } from "../run";

/** Invalid answers tolerated at one node before the bot stops asking. */
export const MAX_INVALID_ANSWERS = 3;

/**
 * Counts an invalid answer and asks again (`askAgain` speaks); on the last one follows the
 * node's "invalid" output if the merchant drew one, else hands the conversation to a person.
 */
export function rejectAnswer(run: Run, reason: string, askAgain: () => void): Transition {
  const node = run.currentNode!;
  run.state.retries += 1;
  run.event("input_invalid", reason);
  if (run.state.retries >= MAX_INVALID_ANSWERS) {
    if (run.hasOutput(node.id, "invalid")) return go("invalid");
    return run.handOff("too_many_invalid", "too_many_invalid");
  }
  askAgain();
  return waitInput;
}
