import { DISPUTE_STAGES, type DisputeStage, type DisputeStatus } from "@/db/schema/disputes";
import {
  applyDisputeChange,
  foldDisputeChanges,
  isTerminal,
  stageRank,
  statusRank,
  TERMINAL_STATUSES,
  type DisputeChange,
  type DisputeState,
} from "@/lib/disputes/transitions";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const at = (stage: DisputeStage, status: DisputeStatus): DisputeState => ({ stage, status });

describe("dispute transitions", () => {
  it.each([
    [
      at("chargeback", "needs_response"),
      { stage: "chargeback", status: "under_review" },
      "under_review",
    ],
    [at("chargeback", "under_review"), { stage: "chargeback", status: "won" }, "won"],
    [at("chargeback", "needs_response"), { stage: "chargeback", status: "accepted" }, "accepted"],
    [
      at("inquiry", "needs_response"),
      { stage: "chargeback", status: "needs_response" },
      "needs_response",
    ],
    // Escalation past a closed stage opens the next one.
    [at("chargeback", "won"), { stage: "pre_arbitration" }, "needs_response"],
    // No status stated: nothing changes.
    [at("chargeback", "under_review"), { stage: "chargeback" }, "under_review"],
  ] as [DisputeState, DisputeChange, DisputeStatus][])("%o + %o → %s", (state, change, status) => {
    const result = applyDisputeChange(state, change);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.state).toEqual({ stage: change.stage, status });
  });

  it.each([
    [
      at("chargeback", "needs_response"),
      { stage: "inquiry", status: "under_review" },
      "stage_backwards",
    ],
    [
      at("pre_arbitration", "needs_response"),
      { stage: "chargeback", status: "won" },
      "stage_backwards",
    ],
    [
      at("chargeback", "under_review"),
      { stage: "chargeback", status: "needs_response" },
      "status_backwards",
    ],
    [at("chargeback", "won"), { stage: "chargeback", status: "lost" }, "terminal"],
    [at("chargeback", "lost"), { stage: "chargeback", status: "under_review" }, "terminal"],
    [at("inquiry", "canceled"), { stage: "inquiry", status: "needs_response" }, "terminal"],
  ] as [DisputeState, DisputeChange, string][])(
    "%o + %o is refused (%s)",
    (state, change, refusal) => {
      const result = applyDisputeChange(state, change);
      expect(result).toMatchObject({ ok: false, refusal });
      if (!result.ok) expect(result.message.length).toBeGreaterThan(10);
    },
  );

  it("repeating the current status is a no-op, also when ended", () => {
    expect(
      applyDisputeChange(at("chargeback", "won"), { stage: "chargeback", status: "won" }),
    ).toEqual({ ok: true, state: at("chargeback", "won"), changed: false });
  });
});

// A provider's sequence as it happened: stages in order, each stage's statuses moving forward,
// at most one end per stage and (if any) only at its stage's close.
const orderedSequence: fc.Arbitrary<DisputeChange[]> = fc
  .tuple(
    fc.integer({ min: 0, max: 2 }),
    fc.integer({ min: 0, max: 2 }),
    fc.array(
      fc.record({
        steps: fc.subarray(["needs_response", "under_review"] as DisputeStatus[]),
        end: fc.option(fc.constantFrom(...TERMINAL_STATUSES), { nil: undefined }),
        withBlank: fc.boolean(),
      }),
      { minLength: 3, maxLength: 3 },
    ),
  )
  .map(([a, b, perStage]) => {
    const first = Math.min(a, b);
    const last = Math.max(a, b);
    const changes: DisputeChange[] = [];
    for (let rank = first; rank <= last; rank++) {
      const stage = DISPUTE_STAGES[rank];
      const { steps, end, withBlank } = perStage[rank];
      for (const status of steps) changes.push({ stage, status });
      if (withBlank) changes.push({ stage });
      if (end) changes.push({ stage, status: end });
    }
    return changes;
  })
  .filter((changes) => changes.length > 0);

describe("dispute transitions (properties)", () => {
  it("any arrival order ends where the ordered sequence does", () => {
    fc.assert(
      fc.property(
        orderedSequence.chain((ordered) =>
          fc.tuple(
            fc.constant(ordered),
            fc.shuffledSubarray(ordered, { minLength: ordered.length }),
          ),
        ),
        ([ordered, shuffled]) => {
          expect(foldDisputeChanges(shuffled)).toEqual(foldDisputeChanges(ordered));
        },
      ),
    );
  });

  it("an ended case stays ended: nothing of its stage or earlier changes it", () => {
    const anyStage = fc.constantFrom(...DISPUTE_STAGES);
    const anyStatus = fc.option(
      fc.constantFrom<DisputeStatus>("needs_response", "under_review", ...TERMINAL_STATUSES),
      { nil: undefined },
    );
    fc.assert(
      fc.property(
        anyStage,
        fc.constantFrom(...TERMINAL_STATUSES),
        fc.array(fc.record({ stage: anyStage, status: anyStatus })),
        (stage, end, later) => {
          let state: DisputeState = { stage, status: end };
          for (const change of later.filter((c) => stageRank(c.stage) <= stageRank(stage))) {
            const result = applyDisputeChange(state, change);
            if (result.ok) state = result.state;
          }
          expect(state).toEqual({ stage, status: end });
          expect(isTerminal(state.status)).toBe(true);
        },
      ),
    );
  });

  it("never moves a case backwards", () => {
    const anyChange = fc.record({
      stage: fc.constantFrom(...DISPUTE_STAGES),
      status: fc.option(
        fc.constantFrom<DisputeStatus>("needs_response", "under_review", ...TERMINAL_STATUSES),
        { nil: undefined },
      ),
    });
    fc.assert(
      fc.property(fc.array(anyChange, { minLength: 1 }), (changes) => {
        let state: DisputeState | null = null;
        for (const change of changes) {
          const next: DisputeState = foldDisputeChanges(state ? [state, change] : [change])!;
          if (state) {
            const before = [stageRank(state.stage), statusRank(state.status)];
            const after = [stageRank(next.stage), statusRank(next.status)];
            expect(after[0] > before[0] || (after[0] === before[0] && after[1] >= before[1])).toBe(
              true,
            );
          }
          state = next;
        }
      }),
    );
  });
});
