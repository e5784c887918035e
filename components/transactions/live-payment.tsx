"use client";

// The payment page, live: when the console stream says this payment changed, the server page
// re-renders (at most ~3 a second). A Refresh button stays for a manual look.
import {
  connectionLabel,
  usePaymentEvents,
  type LivePayment,
} from "@/components/events/use-console-events";
import { useThrottledRefresh } from "@/components/events/use-throttled-refresh";
import { Button } from "@/components/ui/button";
import { useCallback } from "react";

export function LivePaymentRefresh({
  paymentId,
  mode,
}: {
  paymentId: string;
  mode: "test" | "live";
}) {
  const { schedule, refreshNow, pending } = useThrottledRefresh();
  const connection = usePaymentEvents(
    mode,
    useCallback(
      (payment: LivePayment) => {
        if (payment.id === paymentId) schedule();
      },
      [paymentId, schedule],
    ),
  );
  const label = connectionLabel(connection);

  return (
    <div className="flex items-center gap-2 text-xs text-slate-600">
      <span className="inline-flex items-center gap-2" data-testid="live-payment-state">
        <span aria-hidden="true" className={`h-2 w-2 rounded-full ${label.dot}`} />
        {label.text}
      </span>
      <Button type="button" variant="secondary" disabled={pending} onClick={refreshNow}>
        {pending ? "Refreshing…" : "Refresh"}
      </Button>
    </div>
  );
}
