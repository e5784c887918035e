// Where a dispute may go next. Pure: no Next, no database. Providers deliver events out of order
// and more than once, so every event is checked against the case as it stands:
//   - stages only move forward (inquiry → chargeback → pre-arbitration);
//   - within a stage, the status only moves forward (needs response → under review → an end);
//   - an ended case (won, lost, accepted, expired, canceled) stays ended for its stage. Only the
//     network escalating it (Adyen's SECOND_CHARGEBACK after CHARGEBACK_REVERSED, PayPal's
//     pre-arbitration appeal) opens a later stage.
// An event breaking a rule is refused, not applied: the caller keeps it on the case timeline.
// Folding by these rules is taking the maximum of (stage, status rank), so any arrival order of
// a provider's sequence ends where the ordered sequence does.
import {
  DISPUTE_STAGES,
  type DisputeOutcome,
  type DisputeStage,
  type DisputeStatus,
} from "@/db/schema/disputes";

export const TERMINAL_STATUSES = [
  "won",
  "lost",
  "accepted",
  "expired",
  "canceled",
] as const satisfies readonly DisputeOutcome[];

export function isTerminal(status: DisputeStatus): status is DisputeOutcome {
  return (TERMINAL_STATUSES as readonly string[]).includes(status);
}

export interface DisputeState {
  stage: DisputeStage;
  status: DisputeStatus;
}

/** What an event says; a missing status means the provider did not say (never a guess). */
export interface DisputeChange {
  stage: DisputeStage;
  status?: DisputeStatus;
}

export type TransitionRefusal = "stage_backwards" | "status_backwards" | "terminal";

export type TransitionResult =
  | { ok: true; state: DisputeState; changed: boolean }
  | { ok: false; refusal: TransitionRefusal; message: string };

export function isDisputeStage(value: unknown): value is DisputeStage {
  return (DISPUTE_STAGES as readonly unknown[]).includes(value);
}

export function stageRank(stage: DisputeStage): number {
  return DISPUTE_STAGES.indexOf(stage);
}

/** needs_response < under_review < any end. */
export function statusRank(status: DisputeStatus): number {
  if (status === "needs_response") return 0;
  if (status === "under_review") return 1;
  return 2;
}

const STAGE_WORDS: Record<DisputeStage, string> = {
  inquiry: "inquiry",
  chargeback: "chargeback",
  pre_arbitration: "pre-arbitration",
};

/** The state a brand-new case starts in. */
export function openingState(change: DisputeChange): DisputeState {
  return { stage: change.stage, status: change.status ?? "needs_response" };
}

export function applyDisputeChange(current: DisputeState, change: DisputeChange): TransitionResult {
  const from = stageRank(current.stage);
  const to = stageRank(change.stage);
  if (to < from) {
    return {
      ok: false,
      refusal: "stage_backwards",
      message: `The case is at ${STAGE_WORDS[current.stage]}; an event for the earlier ${STAGE_WORDS[change.stage]} stage cannot move it back.`,
    };
  }
  if (to > from) {
    // Escalation: a new stage starts open unless the event says otherwise.
    return { ok: true, state: openingState(change), changed: true };
  }
  const status = change.status ?? current.status;
  if (status === current.status) return { ok: true, state: current, changed: false };
  if (isTerminal(current.status)) {
    return {
      ok: false,
      refusal: "terminal",
      message: `The ${STAGE_WORDS[current.stage]} already ended (${current.status}); "${status}" is not applied.`,
    };
  }
  if (statusRank(status) < statusRank(current.status)) {
    return {
      ok: false,
      refusal: "status_backwards",
      message: `The case is ${current.status.replace("_", " ")}; "${status.replace("_", " ")}" would move it back.`,
    };
  }
  return { ok: true, state: { stage: current.stage, status }, changed: true };
}

/** Folds changes in arrival order, refusals skipped (what the webhook path does). */
export function foldDisputeChanges(changes: DisputeChange[]): DisputeState | null {
  let state: DisputeState | null = null;
  for (const change of changes) {
    if (!state) {
      state = openingState(change);
      continue;
    }
    const result = applyDisputeChange(state, change);
    if (result.ok) state = result.state;
  }
  return state;
}
