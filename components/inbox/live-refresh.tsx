"use client";

// Re-reads the server page when something it shows changes: a conversation's step, message or
// takeover, or a payment's status (the console's event stream, ids only; the page re-reads).
import {
  connectionLabel,
  useConversationEvents,
  usePaymentEvents,
} from "@/components/events/use-console-events";
import { useThrottledRefresh } from "@/components/events/use-throttled-refresh";
import { useCallback } from "react";

export function LiveRefresh({
  mode,
  conversationId,
  paymentIds,
}: {
  mode: "test" | "live";
  /** Only this conversation's changes (the conversation page); all of them when absent. */
  conversationId?: string;
  /** Payments shown on the page; any payment of the mode refreshes when absent. */
  paymentIds?: string[];
}) {
  const { schedule } = useThrottledRefresh();
  const onConversation = useCallback(
    (event: { id: string }) => {
      if (!conversationId || event.id === conversationId) schedule();
    },
    [conversationId, schedule],
  );
  const ids = paymentIds?.join(",");
  const onPayment = useCallback(
    (event: { id: string }) => {
      if (ids === undefined || ids.split(",").includes(event.id)) schedule();
    },
    [ids, schedule],
  );
  const connection = useConversationEvents(mode, onConversation);
  usePaymentEvents(mode, onPayment);
  const { text, dot } = connectionLabel(connection);
  return (
    <span
      className="inline-flex items-center gap-2 text-xs text-slate-500"
      data-testid="live-status"
    >
      <span aria-hidden className={`h-2 w-2 rounded-full ${dot}`} />
      {text}
    </span>
  );
}
