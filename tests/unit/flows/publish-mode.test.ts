import { livePublishProblems, type ModeConnection } from "@/lib/flows/publish-mode";
import { buildFlowTemplate } from "@/lib/flows/templates";
import { describe, expect, it } from "vitest";

const graph = buildFlowTemplate("order_and_pay", { currency: "EUR" });
const withMethods = {
  ...graph,
  nodes: graph.nodes.map((n) =>
    n.type === "choose_method"
      ? { ...n, data: { ...n.data, methods: ["card" as const, "bank_transfer" as const] } }
      : n,
  ),
};
const sandbox: ModeConnection = {
  id: "con_sbx",
  label: "Sandbox",
  provider: "sandbox",
  mode: "test",
  enabled: true,
  methods: ["card", "bank_transfer", "paypal"],
  currencies: ["EUR"],
};
const stripeLive: ModeConnection = {
  ...sandbox,
  id: "con_str",
  label: "Stripe",
  provider: "stripe",
  mode: "live",
  methods: ["card"],
};

describe("livePublishProblems", () => {
  it("names the methods no live connection takes and what to connect", () => {
    expect(livePublishProblems(withMethods, [sandbox])).toEqual([
      "Card and bank transfer in EUR need an active live connection (Stripe, PayPal, Adyen) — connect one or publish in test mode",
    ]);
    expect(livePublishProblems(withMethods, [sandbox, stripeLive])).toEqual([
      "Bank transfer in EUR needs an active live connection (Stripe, Adyen) — connect one or publish in test mode",
    ]);
  });

  it("accepts a flow whose methods a live connection covers; ignores disabled and other currencies", () => {
    expect(
      livePublishProblems(withMethods, [{ ...stripeLive, methods: ["card", "bank_transfer"] }]),
    ).toEqual([]);
    expect(
      livePublishProblems(graph, [
        { ...stripeLive, enabled: false },
        { ...stripeLive, currencies: ["USD"] },
      ]),
    ).toHaveLength(1);
    expect(livePublishProblems(graph, [stripeLive])).toEqual([]);
  });

  it("refuses a pay node pinned to a test connection", () => {
    const pinned = {
      ...graph,
      nodes: graph.nodes.map((n) =>
        n.type === "pay" ? { ...n, data: { ...n.data, connectionId: "con_sbx" } } : n,
      ),
    };
    expect(livePublishProblems(pinned, [sandbox, stripeLive])[0]).toMatch(/a test connection/);
  });
});
