"use client";

// The payment page, live: when the console stream says this payment changed, the server page
// re-renders (at most ~3 a second). A Refresh button stays for a manual look.
import {
  connectionLabel,
  usePaymentEvents,
  type LivePayment,
} from "@/components/events/use-console-events";
import { Button } from "@/components/ui/button";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useRef, useTransition } from "react";

const MIN_REFRESH_GAP_MS = 350;

export function LivePaymentRefresh({
  paymentId,
  mode,
}: {
  paymentId: string;
  mode: "test" | "live";
}) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const lastRefresh = useRef(0);
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => () => window.clearTimeout(timer.current), []);

  const connection = usePaymentEvents(
    mode,
    useCallback(
      (payment: LivePayment) => {
        if (payment.id !== paymentId || timer.current !== undefined) return;
        const wait = Math.max(0, lastRefresh.current + MIN_REFRESH_GAP_MS - Date.now());
        timer.current = window.setTimeout(() => {
          timer.current = undefined;
          lastRefresh.current = Date.now();
          startTransition(() => router.refresh());
        }, wait);
      },
      [paymentId, router],
    ),
  );
  const label = connectionLabel(connection);

  return (
    <div className="flex items-center gap-2 text-xs text-slate-600">
      <span className="inline-flex items-center gap-2" data-testid="live-payment-state">
        <span aria-hidden="true" className={`h-2 w-2 rounded-full ${label.dot}`} />
        {label.text}
      </span>
      <Button
        type="button"
        variant="secondary"
        disabled={pending}
        onClick={() => startTransition(() => router.refresh())}
      >
        {pending ? "Refreshing…" : "Refresh"}
      </Button>
    </div>
  );
}
