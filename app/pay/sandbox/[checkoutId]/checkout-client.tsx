"use client";

import { Button } from "@/components/ui/button";
import { FormError, Select } from "@/components/ui/field";
import {
  SANDBOX_DECLINES,
  SANDBOX_DECLINE_CODES,
  type SandboxDeclineCode,
} from "@/lib/connections/providers/sandbox/webhooks";
import { useState, useTransition } from "react";
import { completeSandboxChoice } from "./actions";

type Step = "choose" | "authenticate" | "done";
type Outcome = "succeeded" | "declined" | "timeout";

const RESULT_TEXT: Record<Outcome, { title: string; body: string; tone: string }> = {
  succeeded: {
    title: "Payment succeeded",
    body: "You can return to the chat.",
    tone: "text-emerald-700",
  },
  declined: {
    title: "Payment declined",
    body: "Nothing was charged. You can return to the chat and try again.",
    tone: "text-red-700",
  },
  timeout: {
    title: "Checkout left to time out",
    body: "Nothing was charged. The chat will hear that the checkout expired.",
    tone: "text-slate-700",
  },
};

export function SandboxCheckout({
  checkoutId,
  startAtAuthentication,
  returnUrl = null,
  cancelUrl = null,
}: {
  checkoutId: string;
  startAtAuthentication: boolean;
  /** Where "Return to the chat" leads, when the payment carries one. */
  returnUrl?: string | null;
  cancelUrl?: string | null;
}) {
  const [step, setStep] = useState<Step>(startAtAuthentication ? "authenticate" : "choose");
  const [declineCode, setDeclineCode] = useState<SandboxDeclineCode>("card_declined");
  const [delaySeconds, setDelaySeconds] = useState("0");
  const [duplicate, setDuplicate] = useState(false);
  const [outOfOrder, setOutOfOrder] = useState(false);
  const [result, setResult] = useState<{
    outcome: Outcome;
    declineCode?: string;
    delaySeconds: number;
    alreadyCompleted?: boolean;
  } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  function choose(
    choice:
      | { outcome: "succeeded" }
      | { outcome: "requires_action" }
      | { outcome: "timeout" }
      | { outcome: "declined"; declineCode: SandboxDeclineCode },
  ) {
    startTransition(async () => {
      setError(null);
      const response = await completeSandboxChoice({
        checkoutId,
        choice,
        delivery: { delaySeconds: Number(delaySeconds) || 0, duplicate, outOfOrder },
      });
      if (!response.ok) {
        setError(response.error);
        return;
      }
      if (response.outcome === "requires_action") {
        setStep("authenticate");
        return;
      }
      setResult({
        outcome: response.outcome,
        declineCode: response.declineCode,
        delaySeconds: response.alreadyCompleted ? 0 : Number(delaySeconds) || 0,
        alreadyCompleted: response.alreadyCompleted ?? false,
      });
      setStep("done");
    });
  }

  if (step === "done" && result) {
    const text = RESULT_TEXT[result.outcome];
    const back = result.outcome === "succeeded" ? returnUrl : (cancelUrl ?? returnUrl);
    return (
      <div role="status" className="space-y-3 text-center">
        <h2 className={`text-xl font-semibold ${text.tone}`}>{text.title}</h2>
        {result.declineCode ? (
          <p className="text-sm text-slate-700">
            {SANDBOX_DECLINES[result.declineCode as SandboxDeclineCode] ?? "Declined"}{" "}
            <span className="font-mono text-xs">({result.declineCode})</span>
          </p>
        ) : null}
        <p className="text-sm text-slate-600">{text.body}</p>
        {result.alreadyCompleted ? (
          <p className="text-xs text-slate-500">
            This checkout was already completed; nothing more was sent.
          </p>
        ) : null}
        {result.delaySeconds > 0 ? (
          <p className="text-xs text-slate-500">
            The webhook reaches Parley in about {result.delaySeconds} s, as you asked.
          </p>
        ) : null}
        {back ? (
          <a
            href={back}
            className="inline-block text-sm font-medium text-brand-700 hover:underline"
          >
            Return to the chat
          </a>
        ) : null}
      </div>
    );
  }

  return (
    <div className="space-y-5" aria-busy={pending}>
      <FormError message={error} />
      {step === "authenticate" ? (
        <section aria-labelledby="auth-heading" className="space-y-3">
          <h2 id="auth-heading" className="text-base font-semibold">
            3-D Secure authentication
          </h2>
          <p className="text-sm text-slate-600">
            Your bank asks you to confirm this payment. In the Sandbox, choose how the challenge
            ends.
          </p>
          <div className="flex flex-wrap gap-2">
            <Button
              type="button"
              disabled={pending}
              onClick={() => choose({ outcome: "succeeded" })}
            >
              Complete authentication
            </Button>
            <Button
              type="button"
              variant="danger"
              disabled={pending}
              onClick={() => choose({ outcome: "declined", declineCode: "card_declined" })}
            >
              Fail authentication
            </Button>
          </div>
        </section>
      ) : (
        <>
          <Button
            type="button"
            className="w-full"
            disabled={pending}
            onClick={() => choose({ outcome: "succeeded" })}
          >
            {pending ? "Working…" : "Pay (succeeds)"}
          </Button>
          <div className="flex items-end gap-2">
            <label className="flex-1 text-sm">
              <span className="mb-1 block font-medium text-slate-700">Decline code</span>
              <Select
                name="declineCode"
                value={declineCode}
                onChange={(e) => setDeclineCode(e.target.value as SandboxDeclineCode)}
              >
                {SANDBOX_DECLINE_CODES.map((code) => (
                  <option key={code} value={code}>
                    {code} — {SANDBOX_DECLINES[code]}
                  </option>
                ))}
              </Select>
            </label>
            <Button
              type="button"
              variant="danger"
              disabled={pending}
              onClick={() => choose({ outcome: "declined", declineCode })}
            >
              Decline
            </Button>
          </div>
          <div className="grid grid-cols-2 gap-2">
            <Button
              type="button"
              variant="secondary"
              disabled={pending}
              onClick={() => choose({ outcome: "requires_action" })}
            >
              Requires 3-D Secure
            </Button>
            <Button
              type="button"
              variant="secondary"
              disabled={pending}
              onClick={() => choose({ outcome: "timeout" })}
            >
              Let it time out
            </Button>
          </div>
        </>
      )}
      <details className="rounded-md bg-slate-50 px-3 py-2 text-sm ring-1 ring-slate-200">
        <summary className="cursor-pointer font-medium text-slate-700">Advanced delivery</summary>
        <p className="mt-2 text-xs text-slate-500">
          For testers: how the webhook for this choice reaches Parley.
        </p>
        <div className="mt-3 space-y-2">
          <label className="flex items-center justify-between gap-3">
            <span>Late by (seconds)</span>
            <input
              type="number"
              min={0}
              max={600}
              value={delaySeconds}
              onChange={(e) => setDelaySeconds(e.target.value)}
              className="w-24 rounded-md border-0 px-2 py-1 text-sm ring-1 ring-inset ring-slate-300"
            />
          </label>
          <label className="flex items-center gap-2">
            <input
              type="checkbox"
              checked={duplicate}
              onChange={(e) => setDuplicate(e.target.checked)}
            />
            <span>Deliver twice (duplicate)</span>
          </label>
          <label className="flex items-center gap-2">
            <input
              type="checkbox"
              checked={outOfOrder}
              onChange={(e) => setOutOfOrder(e.target.checked)}
            />
            <span>Out of order (final event before the pending one)</span>
          </label>
        </div>
      </details>
    </div>
  );
}
