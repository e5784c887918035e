import type { DbOrTx } from "@/db/client";
import { auditAs, type AuditEntry } from "@/lib/audit/record";
import type { MerchantContext } from "@/lib/auth/context";
import type { Permission } from "@/lib/auth/permissions";
import { requirePermission } from "@/lib/auth/server";
import { stepUpNeeded } from "@/lib/auth/two-factor/gate";
import { AppError, StepUpRequiredError } from "@/lib/errors";
import { errorAnswer, FIX_FIELDS_MESSAGE } from "@/lib/http/error-answer";
import { assertSameOrigin } from "@/lib/http/same-origin";
import { zodFieldErrors } from "@/lib/validation";
import { headers } from "next/headers";
import "server-only";
import { z } from "zod";

export type ActionResult<T> =
  | { ok: true; data: T }
  | {
      ok: false;
      status: number;
      error: string;
      fieldErrors?: Record<string, string[]>;
      /** A fresh second factor would let it through: the client asks for a code and retries. */
      stepUp?: "code" | "enrolment";
    };

export interface ActionContext extends MerchantContext {
  /** Audit entry for this merchant and actor; pass the transaction the change is written in. */
  audit(executor: DbOrTx, entry: AuditEntry): Promise<void>;
}

interface ActionDefinition<S extends z.ZodType, T> {
  permission: Permission;
  /**
   * Moves money or changes credentials or roles: refused without a code from the authenticator
   * in the last few minutes (stepUpMaxAgeMs), whatever the UI did or did not ask.
   */
  stepUp?: true;
  schema: S;
  handler: (input: z.output<S>, ctx: ActionContext) => Promise<T>;
}

/**
 * The one way dashboard mutations are written: same-origin check, user + merchant + role,
 * the named permission, a fresh second factor for step-up actions, zod validation, the handler (which audits in its own transaction),
 * and one mapping of errors to results. Accepts a plain object, FormData, or
 * (previousState, FormData) as React's useActionState passes.
 */
export function defineAction<S extends z.ZodType, T>(definition: ActionDefinition<S, T>) {
  return async function action(first: unknown, second?: unknown): Promise<ActionResult<T>> {
    try {
      await assertSameOriginAction();
      const ctx = await requirePermission(definition.permission);
      if (definition.stepUp) {
        const needs = ctx.secondFactor ? stepUpNeeded(ctx.secondFactor) : "enrolment";
        if (needs) throw new StepUpRequiredError(needs);
      }
      const raw = second instanceof FormData ? second : first;
      const input = definition.schema.safeParse(
        raw instanceof FormData ? formDataToObject(raw) : raw,
      );
      if (!input.success) {
        return {
          ok: false,
          status: 422,
          error: FIX_FIELDS_MESSAGE,
          fieldErrors: zodFieldErrors(input.error),
        };
      }
      const actionCtx: ActionContext = {
        ...ctx,
        audit: (executor, entry) => auditAs(executor, ctx, entry),
      };
      return { ok: true, data: await definition.handler(input.data, actionCtx) };
    } catch (error) {
      return toActionError(error);
    }
  };
}

export function toActionError(error: unknown): Extract<ActionResult<never>, { ok: false }> {
  // Next's redirect()/notFound() signal through exceptions; let them through.
  if (
    !(error instanceof AppError) &&
    !(error instanceof z.ZodError) &&
    error instanceof Error &&
    "digest" in error
  ) {
    throw error;
  }
  return {
    ok: false,
    ...errorAnswer(error, "action", "Something went wrong on our side. Nothing was changed."),
  };
}

function formDataToObject(form: FormData): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of form.entries()) {
    if (key.startsWith("$ACTION")) continue;
    if (key in out) {
      const existing = out[key];
      out[key] = Array.isArray(existing) ? [...(existing as unknown[]), value] : [existing, value];
    } else {
      out[key] = value;
    }
  }
  return out;
}

async function assertSameOriginAction(): Promise<void> {
  assertSameOrigin(await headers());
}
