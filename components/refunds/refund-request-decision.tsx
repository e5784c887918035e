"use client";

import { useStepUp } from "@/components/auth/step-up";
import { Button } from "@/components/ui/button";
import { FormError, Input } from "@/components/ui/field";
import { approveRefundRequestAction, declineRefundRequestAction } from "@/lib/refunds/actions";
import { useRouter } from "next/navigation";
import { useRef, useState, useTransition } from "react";

/** Approve or decline one pending request; the server re-checks everything at that moment. */
export function RefundRequestDecision({ requestId, own }: { requestId: string; own: boolean }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [note, setNote] = useState("");
  const [pending, startTransition] = useTransition();
  const withStepUp = useStepUp();
  const inFlight = useRef(false);

  if (own) {
    return <p className="text-xs text-slate-600">Your own request: a second person decides it.</p>;
  }

  function decide(kind: "approve" | "decline") {
    if (inFlight.current) return;
    inFlight.current = true;
    startTransition(async () => {
      try {
        const result =
          kind === "approve"
            ? await withStepUp(() => approveRefundRequestAction({ requestId }))
            : await declineRefundRequestAction({ requestId, note });
        if (result.ok) {
          setError(null);
          setDone(kind === "approve" ? "Approved: refund sent." : "Declined.");
          router.refresh();
        } else {
          setError(result.error);
          router.refresh();
        }
      } catch {
        setError("Parley could not be reached. Reload to see whether it was decided.");
      } finally {
        inFlight.current = false;
      }
    });
  }

  return (
    <div className="w-full space-y-2">
      <FormError message={error} />
      <div className="flex flex-wrap items-center gap-2">
        <label htmlFor={`note-${requestId}`} className="sr-only">
          Note for declining
        </label>
        <Input
          id={`note-${requestId}`}
          name="note"
          placeholder="Note (when declining)"
          maxLength={500}
          value={note}
          onChange={(e) => setNote(e.target.value)}
          className="max-w-xs"
        />
        <Button type="button" disabled={pending} onClick={() => decide("approve")}>
          Approve
        </Button>
        <Button
          type="button"
          variant="secondary"
          disabled={pending}
          onClick={() => decide("decline")}
        >
          Decline
        </Button>
        {done ? (
          <span role="status" className="text-sm text-slate-700">
            {done}
          </span>
        ) : null}
      </div>
    </div>
  );
}
