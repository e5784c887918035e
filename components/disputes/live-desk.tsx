"use client";

// The desk, live: a payment event for one of the listed disputes' payments, or a payment that has
// just become disputed (a new case), re-renders the server page — throttled like the payment page.
import {
  connectionLabel,
  usePaymentEvents,
  type LivePayment,
} from "@/components/events/use-console-events";
import { useThrottledRefresh } from "@/components/events/use-throttled-refresh";
import { useCallback, useMemo } from "react";

export function LiveDesk({ mode, paymentIds }: { mode: "test" | "live"; paymentIds: string[] }) {
  const { schedule } = useThrottledRefresh();
  const watched = useMemo(() => new Set(paymentIds), [paymentIds]);
  const connection = usePaymentEvents(
    mode,
    useCallback(
      (payment: LivePayment) => {
        if (payment.status === "disputed" || watched.has(payment.id)) schedule();
      },
      [watched, schedule],
    ),
  );
  const label = connectionLabel(connection);
  return (
    <span
      className="inline-flex items-center gap-2 text-xs text-slate-600"
      data-testid="live-desk-state"
    >
      <span aria-hidden="true" className={`h-2 w-2 rounded-full ${label.dot}`} />
      {label.text}
    </span>
  );
}
