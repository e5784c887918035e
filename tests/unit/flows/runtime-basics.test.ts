import { createInitialState, MAX_STEPS_PER_INPUT, step } from "@/lib/flows/runtime";
import { describe, expect, it } from "vitest";
import { Conversation, ctx, flow, nodes } from "./helpers";

const hello = () =>
  flow(
    [
      nodes.start(),
      ["m", "message", { text: { en: "Hello {{name}}", fr: "Bonjour {{name}}" } }],
      nodes.end("end", "Bye"),
    ],
    [
      ["start", "next", "m"],
      ["m", "next", "end"],
    ],
    { languages: ["en", "fr"], inputs: [{ name: "name", kind: "text" }] },
  );

describe("start, message, end", () => {
  it("walks start → message → end in one step and completes", () => {
    const convo = new Conversation(hello());
    const result = convo.start("en", { name: "Ada" });
    expect(convo.texts()).toEqual(["Hello Ada", "Bye"]);
    expect(result.state.status).toBe("completed");
    expect(result.state.path).toEqual(["start", "m", "end"]);
    expect(result.actions).toEqual([{ type: "complete" }]);
    expect(result.events.filter((e) => e.kind === "entered").map((e) => e.nodeId)).toEqual([
      "start",
      "m",
      "end",
    ]);
    expect(result.events.every((e) => e.at === "2025-03-01T09:00:00.000Z")).toBe(true);
  });

  it("speaks the language the channel gives, falling back to the default for missing texts", () => {
    const convo = new Conversation(hello());
    convo.start("fr", { name: "Zoé" });
    expect(convo.texts()).toEqual(["Bonjour Zoé", "Bye"]);
  });

  it("uses the default language when the channel's language isn't one of the flow's", () => {
    const convo = new Conversation(hello());
    convo.start("zh");
    expect(convo.state.lang).toBe("en");
  });

  it("ignores a second start", () => {
    const convo = new Conversation(hello());
    convo.start();
    const again = convo.start();
    expect(again.outbound).toEqual([]);
    expect(again.actions).toEqual([]);
    expect(again.state.path).toEqual(["start", "m", "end"]);
  });

  it("answers politely, once per message, after the conversation ended", () => {
    const convo = new Conversation(hello());
    convo.start();
    convo.say("hello?");
    expect(convo.texts()).toEqual(["This conversation has ended. Thank you!"]);
    expect(convo.state.status).toBe("completed");
  });

  it("starts the flow on a first message when the host sent no start, guessing the language", () => {
    const convo = new Conversation(hello());
    convo.say("Bonjour, je voudrais payer");
    expect(convo.state.lang).toBe("fr");
    expect(convo.texts()[0]).toBe("Bonjour ");
  });
});

describe("handoff", () => {
  it("hands the conversation to a person and then stays silent", () => {
    const convo = new Conversation(
      flow([nodes.start(), nodes.handoff()], [["start", "next", "human"]]),
    );
    const result = convo.start();
    expect(convo.texts()).toEqual(["A human will help"]);
    expect(result.state.status).toBe("handed_off");
    expect(result.actions).toEqual([{ type: "handoff" }]);
    expect(convo.say("hello?").outbound).toEqual([]);
  });

  it("uses the built-in phrase when the handoff node has no text", () => {
    const convo = new Conversation(
      flow([nodes.start(), ["h", "handoff", {}]], [["start", "next", "h"]]),
    );
    convo.start();
    expect(convo.texts()).toEqual(["A member of our team will reply to you here shortly."]);
  });
});

describe("condition", () => {
  const branching = (operator: string, value?: string | number) =>
    flow(
      [
        nodes.start(),
        nodes.ask("a", "x", "text"),
        ["c", "condition", { variable: "x", operator, value }],
        nodes.end("yes", "YES"),
        nodes.end("no", "NO"),
      ],
      [
        ["start", "next", "a"],
        ["a", "next", "c"],
        ["c", "true", "yes"],
        ["c", "false", "no"],
      ],
    );
  const outcome = (operator: string, value: string | number | undefined, answer: string) => {
    const convo = new Conversation(branching(operator, value));
    convo.start();
    convo.say(answer);
    return convo.texts()[0];
  };

  it.each([
    ["eq", "gold", "Gold", "YES"],
    ["eq", "gold", "silver", "NO"],
    ["neq", "gold", "silver", "YES"],
    ["gt", 10, "12", "YES"],
    ["gt", 10, "9", "NO"],
    ["gt", 10, "ten", "NO"],
    ["lt", 10, "9.5", "YES"],
    ["contains", "ship", "please ship it", "YES"],
    ["contains", "ship", "collect", "NO"],
    ["set", undefined, "anything", "YES"],
    ["eq", 12, "12.0", "YES"],
  ])("%s %j with answer %j → %s", (operator, value, answer, expected) => {
    expect(outcome(operator, value, answer)).toBe(expected);
  });

  it("compares amounts in minor units", () => {
    const graph = flow(
      [
        nodes.start(),
        nodes.ask("a", "amount", "amount"),
        ["c", "condition", { variable: "amount", operator: "gt", value: 10000 }],
        nodes.end("big", "BIG"),
        nodes.end("small", "SMALL"),
      ],
      [
        ["start", "next", "a"],
        ["a", "next", "c"],
        ["c", "true", "big"],
        ["c", "false", "small"],
      ],
    );
    const convo = new Conversation(graph);
    convo.start();
    convo.say("100.01");
    expect(convo.texts()).toEqual(["BIG"]);
  });

  it("treats an unset variable as not set and not equal", () => {
    const graph = flow(
      [
        nodes.start(),
        ["c", "condition", { variable: "vip", operator: "set" }],
        nodes.end("yes", "YES"),
        nodes.end("no", "NO"),
      ],
      [
        ["start", "next", "c"],
        ["c", "true", "yes"],
        ["c", "false", "no"],
      ],
    );
    const convo = new Conversation(graph);
    convo.start();
    expect(convo.texts()).toEqual(["NO"]);
  });
});

describe("robustness", () => {
  it("never changes the state object it was given", () => {
    const graph = hello();
    const state = createInitialState(graph, "k");
    const frozen = JSON.stringify(state);
    step(graph, state, { kind: "start" }, ctx());
    expect(JSON.stringify(state)).toBe(frozen);
  });

  it("answers a malformed input politely without throwing", () => {
    const convo = new Conversation(
      flow(
        [nodes.start(), nodes.ask("a", "x", "text"), nodes.end()],
        [
          ["start", "next", "a"],
          ["a", "next", "end"],
        ],
      ),
    );
    convo.start();
    for (const bad of [
      null,
      42,
      { kind: "message" },
      { kind: "teleport" },
      { kind: "checkout_created", amountMinor: 1.5 },
    ]) {
      const result = convo.send(bad);
      expect(result.outbound).toEqual([
        { kind: "text", text: "Sorry, I didn't get that. Could you type your answer again?" },
      ]);
      expect(result.state.status).toBe("waiting_input");
    }
  });

  it("hands off instead of throwing when the stored state or the clock is garbage", () => {
    const graph = hello();
    const broken = step(
      graph,
      { nonsense: true } as never,
      { kind: "message", text: "hi", messageId: "1" },
      ctx(),
    );
    expect(broken.actions).toContainEqual({ type: "handoff" });
    expect(broken.state.status).toBe("handed_off");
    const badClock = step(
      graph,
      createInitialState(graph, "k"),
      { kind: "start" },
      ctx({ now: "yesterday" }),
    );
    expect(badClock.state.status).toBe("handed_off");
    expect(badClock.outbound[0]).toEqual({
      kind: "text",
      text: expect.stringContaining("something went wrong"),
    });
  });

  it("hands off when a flow loops without waiting", () => {
    const graph = flow(
      [nodes.start(), nodes.message("a", "ping"), nodes.message("b", "pong")],
      [
        ["start", "next", "a"],
        ["a", "next", "b"],
        ["b", "next", "a"],
      ],
    );
    const result = new Conversation(graph).start();
    expect(result.state.status).toBe("handed_off");
    // start plus 99 ping/pong nodes entered, then the handoff message.
    expect(result.state.path).toHaveLength(MAX_STEPS_PER_INPUT);
    expect(result.outbound).toHaveLength(MAX_STEPS_PER_INPUT);
    expect(result.outbound.at(-1)?.text).toContain("something went wrong");
    expect(result.events.some((e) => e.kind === "loop_guard")).toBe(true);
  });

  it("hands off when an output leads nowhere (a flow published without validation)", () => {
    const graph = flow([nodes.start(), nodes.message("m", "hi")], [["start", "next", "m"]]);
    const result = new Conversation(graph).start();
    expect(result.state.status).toBe("handed_off");
    expect(result.events).toContainEqual(
      expect.objectContaining({ kind: "runtime_error", detail: "unconnected_output:next" }),
    );
  });

  it("is deterministic: the same inputs give the same outputs", () => {
    const run = () => {
      const convo = new Conversation(hello());
      convo.start(undefined, { name: "Ada" });
      convo.say("hi");
      return convo.history;
    };
    expect(run()).toEqual(run());
  });

  it("keeps the stored state JSON-clean", () => {
    const convo = new Conversation(hello());
    convo.start();
    expect(JSON.parse(JSON.stringify(convo.state))).toEqual(convo.state);
  });
});
