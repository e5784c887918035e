// One mapping of errors to answers, for server actions (lib/action.ts → ActionResult) and route
// handlers (lib/conversations/web-chat → JSON Response): an AppError keeps its status and
// message, a ZodError is a 422 with field errors, anything else is logged and a 500.
import { AppError, StepUpRequiredError } from "@/lib/errors";
import { zodFieldErrors } from "@/lib/validation";
import { z } from "zod";

export interface ErrorAnswer {
  status: number;
  error: string;
  fieldErrors?: Record<string, string[]>;
  /** Set when a fresh second factor would let the same request through (the step-up prompt). */
  stepUp?: "code" | "enrolment";
}

export const FIX_FIELDS_MESSAGE = "Please fix the highlighted fields.";

/** `scope` prefixes the log line of an unexpected error; `unexpected` is what the caller sees. */
export function errorAnswer(error: unknown, scope: string, unexpected: string): ErrorAnswer {
  if (error instanceof StepUpRequiredError) {
    return { status: error.status, error: error.message, stepUp: error.needs };
  }
  if (error instanceof AppError) {
    return { status: error.status, error: error.message, fieldErrors: error.fieldErrors };
  }
  if (error instanceof z.ZodError) {
    return { status: 422, error: FIX_FIELDS_MESSAGE, fieldErrors: zodFieldErrors(error) };
  }
  console.error(`[${scope}] unexpected error`, error);
  return { status: 500, error: unexpected };
}
