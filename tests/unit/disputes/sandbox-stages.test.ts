import { DISPUTE_STATUSES } from "@/db/schema/disputes";
import {
  SANDBOX_RESPONSE_DAYS,
  sandboxDisputeDueBy,
  sandboxEscalation,
} from "@/lib/disputes/sandbox-stages";
import { applyDisputeChange } from "@/lib/disputes/transitions";
import { describe, expect, it } from "vitest";

describe("Sandbox dispute stages", () => {
  it("gives an inquiry ten days and a chargeback seven", () => {
    const from = new Date("2025-03-01T12:00:00Z");
    expect(sandboxDisputeDueBy("inquiry", from).toISOString()).toBe("2025-03-11T12:00:00.000Z");
    expect(sandboxDisputeDueBy("chargeback", from).toISOString()).toBe("2025-03-08T12:00:00.000Z");
    expect(SANDBOX_RESPONSE_DAYS.pre_arbitration).toBeGreaterThan(0);
  });

  it("gives a tighter window on request, whatever the stage", () => {
    const from = new Date("2025-03-01T12:00:00Z");
    expect(sandboxDisputeDueBy("inquiry", from, "2d").toISOString()).toBe(
      "2025-03-03T12:00:00.000Z",
    );
    expect(sandboxDisputeDueBy("chargeback", from, "20h").toISOString()).toBe(
      "2025-03-02T08:00:00.000Z",
    );
    expect(sandboxDisputeDueBy("chargeback", from, "standard")).toEqual(
      sandboxDisputeDueBy("chargeback", from),
    );
  });

  it("escalates an inquiry to a chargeback and a won chargeback to pre-arbitration", () => {
    expect(sandboxEscalation({ stage: "inquiry", status: "needs_response" })).toEqual({
      ok: true,
      stage: "chargeback",
    });
    expect(sandboxEscalation({ stage: "inquiry", status: "under_review" })).toEqual({
      ok: true,
      stage: "chargeback",
    });
    expect(sandboxEscalation({ stage: "chargeback", status: "won" })).toEqual({
      ok: true,
      stage: "pre_arbitration",
    });
  });

  it.each(DISPUTE_STATUSES)("refuses to escalate a pre-arbitration that is %s", (status) => {
    const result = sandboxEscalation({ stage: "pre_arbitration", status });
    expect(result).toMatchObject({ ok: false });
    expect(!result.ok && result.message).toMatch(/no later stage/);
  });

  it.each(["lost", "accepted", "canceled"] as const)(
    "refuses to escalate a chargeback that ended %s (nothing left for the bank to claim)",
    (status) => {
      expect(sandboxEscalation({ stage: "chargeback", status })).toMatchObject({ ok: false });
    },
  );

  it("only escalates where the transition rules let the next stage in", () => {
    for (const stage of ["inquiry", "chargeback"] as const) {
      for (const status of DISPUTE_STATUSES) {
        const escalation = sandboxEscalation({ stage, status });
        if (!escalation.ok) continue;
        const applied = applyDisputeChange(
          { stage, status },
          { stage: escalation.stage, status: "needs_response" },
        );
        expect(applied).toMatchObject({
          ok: true,
          state: { stage: escalation.stage, status: "needs_response" },
        });
      }
    }
  });
});
