// How the Sandbox's simulated card network moves a dispute: the stages it can open a case at,
// which stage an escalation reaches, and how long each stage gives the merchant to answer.
// Pure: the emitter (lib/connections/sandbox-emitter.ts) sends what this decides.
import { DISPUTE_STAGES, type DisputeStage, type DisputeStatus } from "@/db/schema/disputes";

/** An inquiry (retrieval request: no funds moved yet) or a chargeback (the money is held). */
export const SANDBOX_OPENING_STAGES = ["inquiry", "chargeback"] as const;
export type SandboxOpeningStage = (typeof SANDBOX_OPENING_STAGES)[number];

/**
 * Days to respond, counted from the event. Real windows vary by network and provider; these
 * keep the Sandbox's inquiry longer than its chargeback, as Stripe's warnings are.
 */
export const SANDBOX_RESPONSE_DAYS: Record<DisputeStage, number> = {
  inquiry: 10,
  chargeback: 7,
  pre_arbitration: 10,
};

const DAY_MS = 86_400_000;

/**
 * When the simulated bank wants the answer: the stage's usual window, or a tighter one to
 * rehearse the last days of a case (the 5-day and 1-day reminders, the red countdown).
 */
export const SANDBOX_DEADLINES = ["standard", "2d", "20h"] as const;
export type SandboxDeadline = (typeof SANDBOX_DEADLINES)[number];
const TIGHT_DEADLINE_MS: Record<Exclude<SandboxDeadline, "standard">, number> = {
  "2d": 2 * DAY_MS,
  "20h": 20 * 3_600_000,
};

export function sandboxDisputeDueBy(
  stage: DisputeStage,
  from: Date,
  deadline: SandboxDeadline = "standard",
): Date {
  const window =
    deadline === "standard" ? SANDBOX_RESPONSE_DAYS[stage] * DAY_MS : TIGHT_DEADLINE_MS[deadline];
  return new Date(from.getTime() + window);
}

const STAGE_WORDS: Record<DisputeStage, string> = {
  inquiry: "an inquiry",
  chargeback: "a chargeback",
  pre_arbitration: "pre-arbitration",
};

// The cardholder already has the money back, or withdrew: their bank has nothing to escalate.
const SETTLED_FOR_CARDHOLDER: readonly DisputeStatus[] = ["lost", "accepted", "canceled"];

export type SandboxEscalation = { ok: true; stage: DisputeStage } | { ok: false; message: string };

/** Where the simulated bank takes this case next, or why it cannot. */
export function sandboxEscalation(current: {
  stage: DisputeStage;
  status: DisputeStatus;
}): SandboxEscalation {
  const next = DISPUTE_STAGES[DISPUTE_STAGES.indexOf(current.stage) + 1];
  if (!next) {
    return {
      ok: false,
      message: "This case is already at pre-arbitration: there is no later stage to escalate to.",
    };
  }
  if (SETTLED_FOR_CARDHOLDER.includes(current.status)) {
    return {
      ok: false,
      message: `This ${current.stage === "inquiry" ? "inquiry" : "chargeback"} ended ${current.status}: the cardholder's bank has nothing to escalate.`,
    };
  }
  return { ok: true, stage: next };
}

export function sandboxStageWords(stage: DisputeStage): string {
  return STAGE_WORDS[stage];
}
