// What a support agent in the Inbox does to a conversation, as runtime inputs: take it from the
// bot (the bot stays quiet while a person holds it), hand it back at a node of the flow, or close
// it. Also the customer's own "I want a person", which leads to the flow's hand-off node.
import { KEYWORDS } from "../i18n";
import { matchesKeyword } from "./matching";
import { jump, type Run, type Transition } from "./run";
import type { ConversationInput } from "./types";

type AgentInput = Extract<ConversationInput, { kind: "agent" }>;

/** Only a running or handed-off conversation can be joined; an ended one stays ended. */
const ENDED = new Set(["completed", "expired", "abandoned"]);

export function onAgent(run: Run, input: AgentInput): Transition | null {
  const state = run.state;
  if (ENDED.has(state.status)) {
    run.event("input_ignored", `agent_${input.action}:ended`);
    return null;
  }
  switch (input.action) {
    case "take_over": {
      run.say(run.phrase("agent_joined"));
      run.event("agent_took_over");
      if (state.status === "handed_off") return null;
      // From here the bot waits: no timer of the node it was at may fire while a person talks.
      return run.handOff(null, "agent_takeover");
    }
    case "hand_back": {
      const target = input.nodeId ? run.index.nodes.get(input.nodeId) : undefined;
      if (state.status !== "handed_off" || !target) {
        run.event("input_ignored", target ? "agent_hand_back:not_held" : "agent_hand_back:node");
        return null;
      }
      run.event("agent_handed_back", target.id);
      return jump(target.id);
    }
    case "close": {
      run.event("agent_closed");
      run.event("conversation_completed", "agent_closed");
      return { kind: "stop", status: "completed" };
    }
  }
}

/**
 * The customer asks for a person: the flow's first hand-off node, when it has one and the
 * conversation is not there already. Null when the message is not such a request.
 */
export function askedForPerson(run: Run, text: string): Transition | null {
  const node = run.currentNode;
  if (!node || node.type === "handoff" || !matchesKeyword(text, KEYWORDS.person)) return null;
  const handoff = run.graph.nodes.find((candidate) => candidate.type === "handoff");
  if (!handoff) return null;
  run.event("input_accepted", "asked_for_person");
  return jump(handoff.id);
}
