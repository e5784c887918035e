// Asks the customer one question and stores the validated answer in a variable.
import type { Lang, NodeOf } from "../../graph";
import { localize } from "../../i18n";
import { parseAnswer } from "../answers";
import { type Run, go, waitInput } from "../run";
import type { NodeHandler } from "./handler";
import { rejectAnswer } from "./shared";

function optionsFor(run: Run, node: NodeOf<"ask">) {
  const lang: Lang = run.state.lang;
  return (node.data.choices ?? []).map((choice) => ({
    value: choice.value,
    label: localize(choice.label, lang, run.graph.defaultLanguage) || choice.value,
  }));
}

function prompt(run: Run, node: NodeOf<"ask">): void {
  const text = run.text(node.data.prompt);
  const options = optionsFor(run, node);
  if (options.length > 0) run.offer(text, options);
  else run.say(text);
}

export const askNode: NodeHandler<"ask"> = {
  enter(run, node) {
    prompt(run, node);
    return waitInput;
  },

  onMessage(run, node, text) {
    const numberedList = !run.capabilities?.buttons;
    const answer = parseAnswer(node, text, run.graph.currency, run.state.lang, numberedList);
    if (answer.ok) {
      run.state.variables[node.data.variable] = answer.value;
      run.event("input_accepted", node.data.kind);
      return go("next");
    }
    const merchantRetry = run.text(node.data.retry);
    const builtIn = run.phrase(answer.reason, answer.values);
    // The merchant's wording first; range errors need the limits only the bot phrase gives.
    const retryText = answer.reason === "out_of_range" || !merchantRetry ? builtIn : merchantRetry;
    return rejectAnswer(run, answer.reason, () => {
      // Re-show the options so a customer on a text channel can answer by number.
      const options = optionsFor(run, node);
      if (options.length > 0) run.offer(retryText, options);
      else run.say(retryText);
    });
  },
};
