import { benchFlow, run } from "@/bench/flow-runtime";
import { validateFlow } from "@/lib/flows/validate";
import { describe, expect, it } from "vitest";
import { SANDBOX } from "./helpers";

describe("flow runtime bench", () => {
  it("drives a valid 20-node flow through complete conversations", () => {
    const graph = benchFlow();
    expect(graph.nodes).toHaveLength(20);
    expect(validateFlow(graph, SANDBOX)).toEqual([]);
    const result = run({ durationMs: 50, warmupMs: 0 });
    expect(result.conversations).toBeGreaterThan(0);
    expect(result.completed).toBe(result.conversations);
    expect(result.stepsPerConversation).toBeCloseTo(result.steps / result.conversations, 1);
    expect(result.stepsPerSecond).toBeGreaterThan(0);
  });
});
