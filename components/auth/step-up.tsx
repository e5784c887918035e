"use client";

import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Field, Input } from "@/components/ui/field";
import type { ActionResult } from "@/lib/action";
import { stepUpAction } from "@/lib/auth/two-factor/actions";
import { formText } from "@/lib/form-data";
import { createContext, useCallback, useContext, useRef, useState } from "react";

// The step-up prompt. A money or credential action answers `stepUp: "code"` when the last code
// is too old (the server decides: lib/action.ts); `run` then asks for a fresh code here, sends it,
// and retries the same call once. Cancelling leaves the action's refusal as its answer.

type Ask = () => Promise<boolean>;
const StepUpContext = createContext<Ask | null>(null);

export function StepUpProvider({ children }: { children: React.ReactNode }) {
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Plain state, not a transition: the action that asked is itself inside a transition waiting on
  // this dialog, and React keeps entangled transitions pending together — the prompt's button
  // would stay "Checking…" until the outer action finished, which waits for the prompt.
  const [pending, setPending] = useState(false);
  const settle = useRef<((ok: boolean) => void) | null>(null);

  const ask = useCallback<Ask>(
    () =>
      new Promise<boolean>((resolve) => {
        settle.current?.(false);
        settle.current = resolve;
        setError(null);
        setOpen(true);
      }),
    [],
  );

  function finish(ok: boolean) {
    setOpen(false);
    settle.current?.(ok);
    settle.current = null;
  }

  return (
    <StepUpContext.Provider value={ask}>
      {children}
      <Dialog open={open} onClose={() => finish(false)} title="Confirm it is you" size="md">
        <form
          className="space-y-4"
          onSubmit={(event) => {
            event.preventDefault();
            const code = formText(new FormData(event.currentTarget), "step-up-code");
            setPending(true);
            void stepUpAction({ code })
              .then((result) => {
                if (result.ok) finish(true);
                else setError(result.fieldErrors?.code?.[0] ?? result.error);
              })
              .catch(() => setError("Could not check the code. Try again."))
              .finally(() => setPending(false));
          }}
        >
          <p className="text-sm text-slate-600">
            This moves money or changes keys or access, so Parley asks for a fresh code. Enter the
            6-digit code from your authenticator app, or one of your recovery codes.
          </p>
          <Field label="Authentication code" name="step-up-code" error={error ?? undefined}>
            <Input
              name="step-up-code"
              inputMode="numeric"
              autoComplete="one-time-code"
              autoFocus
              invalid={Boolean(error)}
              required
            />
          </Field>
          <div className="flex justify-end gap-2">
            <Button type="button" variant="secondary" onClick={() => finish(false)}>
              Cancel
            </Button>
            <Button type="submit" disabled={pending}>
              {pending ? "Checking…" : "Confirm"}
            </Button>
          </div>
        </form>
      </Dialog>
    </StepUpContext.Provider>
  );
}

/**
 * Wraps an action call: when the server asks for a step-up, prompts for a code and retries once.
 * Outside a StepUpProvider it simply returns the refusal.
 */
export function useStepUp() {
  const ask = useContext(StepUpContext);
  return useCallback(
    async <T,>(call: () => Promise<ActionResult<T>>): Promise<ActionResult<T>> => {
      const first = await call();
      if (first.ok || first.stepUp !== "code" || !ask) return first;
      return (await ask()) ? call() : first;
    },
    [ask],
  );
}
