import { phrase } from "@/lib/flows/i18n";
import { createInitialState, step, type ConversationState } from "@/lib/flows/runtime";
import { describe, expect, it } from "vitest";
import { ctx, en, flow } from "./helpers";

// A support agent's inputs (runtime/agent.ts): take over pauses the bot, hand back resumes it at a
// node, close ends it; a customer asking for a person reaches the flow's hand-off node.
const graph = flow(
  [
    ["start", "start"],
    ["name", "ask", { variable: "name", kind: "text", prompt: en("Your name?"), retry: {} }],
    ["city", "ask", { variable: "city", kind: "text", prompt: en("Your city?"), retry: {} }],
    ["bye", "end", { text: en("Bye") }],
    ["person", "handoff", { text: {} }],
  ],
  [
    ["start", "next", "name"],
    ["name", "next", "city"],
    ["city", "next", "bye"],
  ],
);

function started(): ConversationState {
  const first = step(graph, createInitialState(graph, "cnv_1"), { kind: "start" }, ctx());
  expect(first.state.currentNodeId).toBe("name");
  return first.state;
}

describe("agent inputs in the runtime", () => {
  it("take over pauses the bot and tells the customer; messages then get no answer", () => {
    const taken = step(graph, started(), { kind: "agent", action: "take_over" }, ctx());
    expect(taken.state.status).toBe("handed_off");
    expect(taken.outbound).toEqual([{ kind: "text", text: phrase("agent_joined", "en") }]);
    expect(taken.events.map((e) => e.kind)).toContain("agent_took_over");
    const quiet = step(
      graph,
      taken.state,
      { kind: "message", text: "Ana", messageId: "m1" },
      ctx(),
    );
    expect(quiet.outbound).toEqual([]);
    expect(quiet.state.currentNodeId).toBe("name");
  });

  it("hand back resumes at the chosen node and the bot answers again", () => {
    const taken = step(graph, started(), { kind: "agent", action: "take_over" }, ctx());
    const back = step(
      graph,
      taken.state,
      { kind: "agent", action: "hand_back", nodeId: "city" },
      ctx(),
    );
    expect(back.state).toMatchObject({ status: "waiting_input", currentNodeId: "city" });
    expect(back.outbound).toEqual([{ kind: "text", text: "Your city?" }]);
    const answered = step(
      graph,
      back.state,
      { kind: "message", text: "Lyon", messageId: "m2" },
      ctx(),
    );
    expect(answered.state.status).toBe("completed");
  });

  it("hand back to an unknown node, or of a conversation nobody took, changes nothing", () => {
    const state = started();
    const notHeld = step(
      graph,
      state,
      { kind: "agent", action: "hand_back", nodeId: "city" },
      ctx(),
    );
    expect(notHeld.state.currentNodeId).toBe("name");
    const taken = step(graph, state, { kind: "agent", action: "take_over" }, ctx()).state;
    const unknown = step(
      graph,
      taken,
      { kind: "agent", action: "hand_back", nodeId: "nope" },
      ctx(),
    );
    expect(unknown.state.status).toBe("handed_off");
  });

  it("close completes the conversation; a closed one cannot be taken again", () => {
    const closed = step(graph, started(), { kind: "agent", action: "close" }, ctx());
    expect(closed.state.status).toBe("completed");
    const again = step(graph, closed.state, { kind: "agent", action: "take_over" }, ctx());
    expect(again.state.status).toBe("completed");
    expect(again.outbound).toEqual([]);
  });

  it.each([
    "I want a human",
    "je veux parler à un conseiller",
    "转人工",
    "mau bicara dengan petugas",
  ])("the customer's %j goes to the hand-off node", (text) => {
    const asked = step(graph, started(), { kind: "message", text, messageId: "m" }, ctx());
    expect(asked.state).toMatchObject({ status: "handed_off", currentNodeId: "person" });
    expect(asked.actions).toContainEqual({ type: "handoff" });
  });

  it("an answer that merely mentions nothing of the sort is an answer", () => {
    const answered = step(
      graph,
      started(),
      { kind: "message", text: "Ana", messageId: "m" },
      ctx(),
    );
    expect(answered.state.currentNodeId).toBe("city");
  });
});
