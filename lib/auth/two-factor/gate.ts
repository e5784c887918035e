import type { DbOrTx } from "@/db/client";
import { env } from "@/lib/env";
import type { LiveSession } from "../sessions";
import { isEnrolled } from "./factor";
import { isDemoExempt, twoFactorRequirement } from "./policy";

// Where a signed-in browser stands with the second factor, decided on the server for every
// request from the session row (never from a claim in the cookie):
//   open              — it may use the console (it passed the code, or none is needed);
//   code_needed       — the password was right; the authenticator code is still to come;
//   enrolment_needed  — a code is required of this person and they have no authenticator yet.

export type SecondFactorGate = "open" | "code_needed" | "enrolment_needed";

export interface SecondFactorState {
  gate: SecondFactorGate;
  enrolled: boolean;
  /** A demo login in demo mode: no code required, step-up passes without one. */
  exempt: boolean;
  /** Why enrolment is required (empty when it is not). */
  reasons: string[];
  steppedUpAt: Date | null;
}

/** How long a code counts as fresh for a step-up action (five minutes unless configured). */
export function stepUpMaxAgeMs(): number {
  return env().PARLEY_STEP_UP_MAX_AGE_S * 1000;
}

export async function secondFactorState(
  db: DbOrTx,
  user: { id: string; email: string },
  session: LiveSession,
): Promise<SecondFactorState> {
  const exempt = isDemoExempt(user.email);
  if (await isEnrolled(db, user.id)) {
    return {
      gate: session.secondFactorAt ? "open" : "code_needed",
      enrolled: true,
      exempt: false,
      reasons: [],
      steppedUpAt: session.steppedUpAt,
    };
  }
  const requirement = await twoFactorRequirement(db, user);
  return {
    gate: requirement.required ? "enrolment_needed" : "open",
    enrolled: false,
    exempt,
    reasons: requirement.reasons,
    steppedUpAt: null,
  };
}

/**
 * What a step-up action still needs: nothing (null), a fresh code from the authenticator, or an
 * authenticator at all — money and credentials never move on a password alone.
 */
export function stepUpNeeded(
  state: Pick<SecondFactorState, "enrolled" | "exempt" | "steppedUpAt">,
  now = new Date(),
): "code" | "enrolment" | null {
  if (state.enrolled) {
    const fresh =
      state.steppedUpAt !== null && now.getTime() - state.steppedUpAt.getTime() < stepUpMaxAgeMs();
    return fresh ? null : "code";
  }
  return state.exempt ? null : "enrolment";
}
