"use server";

import { getDb } from "@/db/client";
import { toActionError, type ActionResult } from "@/lib/action";
import { AppError, NotSignedInError, StepUpRequiredError } from "@/lib/errors";
import { clientIp } from "@/lib/http/client-ip";
import { assertSameOrigin } from "@/lib/http/same-origin";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import QRCode from "qrcode";
import { safeNext } from "../next-path";
import { getSignedInSession } from "../server";
import {
  beginEnrolment,
  confirmEnrolment,
  removeSecondFactor,
  replaceRecoveryCodes,
  verifySecondFactor,
  type FactorClient,
} from "./factor";
import { stepUpNeeded } from "./gate";
import { twoFactorRequirement } from "./policy";
import { codeSchema } from "./schemas";

// A person's own second factor. Not in the merchant permission matrix: each acts on the caller's
// own account, and most must work before the console opens (the code step, forced enrolment).

type Signed = NonNullable<Awaited<ReturnType<typeof getSignedInSession>>>;

async function caller(
  allowed: Signed["secondFactor"]["gate"][],
): Promise<{ signedIn: Signed; client: FactorClient }> {
  const h = await headers();
  assertSameOrigin(h);
  const signedIn = await getSignedInSession();
  if (!signedIn) throw new NotSignedInError();
  if (!allowed.includes(signedIn.secondFactor.gate)) {
    throw new AppError(
      signedIn.secondFactor.gate === "code_needed"
        ? "Enter the code from your authenticator app first."
        : "Finish setting up two-factor authentication first.",
      403,
    );
  }
  return { signedIn, client: { ip: clientIp(h), userAgent: h.get("user-agent") } };
}

function refusal(message: string, field = "code"): ActionResult<never> {
  return { ok: false, status: 422, error: message, fieldErrors: { [field]: [message] } };
}

export interface SignInCodeState {
  error?: string;
}

/** The second step of signing in: a code from the app, or a recovery code. */
export async function verifySignInCodeAction(
  _prev: SignInCodeState,
  form: FormData,
): Promise<SignInCodeState> {
  const next = safeNext(form.get("next"));
  try {
    const { signedIn, client } = await caller(["code_needed"]);
    const parsed = codeSchema.safeParse({ code: form.get("code") });
    if (!parsed.success) return { error: parsed.error.issues[0]?.message };
    const check = await verifySecondFactor(getDb(), signedIn.user, parsed.data.code, {
      sessionId: signedIn.sessionId,
      client,
      purpose: "sign_in",
    });
    if (!check.ok) return { error: check.message };
  } catch (error) {
    return { error: toActionError(error).error };
  }
  redirect(next);
}

export interface EnrolmentStart {
  secret: string;
  uri: string;
  qrDataUrl: string;
}

/**
 * Starts enrolment: a new secret, its otpauth:// URI and a QR code of it. Moving an existing
 * factor to a new app is a step-up: a fresh code from the current one first.
 */
export async function beginEnrolmentAction(): Promise<ActionResult<EnrolmentStart>> {
  try {
    const { signedIn } = await caller(["open", "enrolment_needed"]);
    if (signedIn.secondFactor.enrolled) {
      const needs = stepUpNeeded(signedIn.secondFactor);
      if (needs) throw new StepUpRequiredError(needs);
    }
    const { secret, uri } = await beginEnrolment(getDb(), signedIn.user);
    const qrDataUrl = await QRCode.toDataURL(uri, { margin: 1, width: 220 });
    return { ok: true, data: { secret, uri, qrDataUrl } };
  } catch (error) {
    return toActionError(error);
  }
}

/** Confirms the new app with its first code; answers the ten recovery codes, once. */
export async function confirmEnrolmentAction(
  input: unknown,
): Promise<ActionResult<{ recoveryCodes: string[] }>> {
  try {
    const { signedIn, client } = await caller(["open", "enrolment_needed"]);
    const parsed = codeSchema.safeParse(input);
    if (!parsed.success) return refusal(parsed.error.issues[0]?.message ?? "Enter the code.");
    const result = await confirmEnrolment(getDb(), signedIn.user, parsed.data.code, {
      sessionId: signedIn.sessionId,
      client,
    });
    if (!result.ok) return refusal(result.message);
    return { ok: true, data: { recoveryCodes: result.recoveryCodes } };
  } catch (error) {
    return toActionError(error);
  }
}

/** A refusal to answer as it is: the code was missing, wrong or used. */
class CodeRefused extends Error {}

/**
 * The signed-in caller's current code, checked and spent as a step-up; `before` runs between the
 * parse and the check (a refusal there spends no code). Throws CodeRefused with the message.
 */
async function spendFreshCode(
  input: unknown,
  before?: (signedIn: Signed) => Promise<string | null>,
): Promise<{ signedIn: Signed; client: FactorClient; method: string }> {
  const { signedIn, client } = await caller(["open"]);
  const parsed = codeSchema.safeParse(input);
  if (!parsed.success) throw new CodeRefused(parsed.error.issues[0]?.message ?? "Enter the code.");
  const refusedBefore = await before?.(signedIn);
  if (refusedBefore) throw new CodeRefused(refusedBefore);
  const check = await verifySecondFactor(getDb(), signedIn.user, parsed.data.code, {
    sessionId: signedIn.sessionId,
    client,
    purpose: "step_up",
  });
  if (!check.ok) throw new CodeRefused(check.message);
  return { signedIn, client, method: check.method };
}

function codeActionError(error: unknown): ActionResult<never> {
  return error instanceof CodeRefused ? refusal(error.message) : toActionError(error);
}

/** A fresh code for the step-up prompt: the action that asked for it can then be retried. */
export async function stepUpAction(input: unknown): Promise<ActionResult<{ method: string }>> {
  try {
    const { method } = await spendFreshCode(input);
    return { ok: true, data: { method } };
  } catch (error) {
    return codeActionError(error);
  }
}

/** Turns the second factor off, with a current code — unless a merchant requires it. */
export async function disableTwoFactorAction(input: unknown): Promise<ActionResult<null>> {
  try {
    const { signedIn, client } = await spendFreshCode(input, async (who) => {
      const requirement = await twoFactorRequirement(getDb(), who.user);
      return requirement.required
        ? `It cannot be turned off: ${requirement.reasons.join(" ")}`
        : null;
    });
    await removeSecondFactor(getDb(), signedIn.user, client);
    return { ok: true, data: null };
  } catch (error) {
    return codeActionError(error);
  }
}

/** Ten new recovery codes (the old ones stop working), with a current code. */
export async function replaceRecoveryCodesAction(
  input: unknown,
): Promise<ActionResult<{ recoveryCodes: string[] }>> {
  try {
    const { signedIn, client } = await spendFreshCode(input);
    const recoveryCodes = await replaceRecoveryCodes(getDb(), signedIn.user, client);
    return { ok: true, data: { recoveryCodes } };
  } catch (error) {
    return codeActionError(error);
  }
}
