"use client";

// The console's live feed in the browser: one EventSource on /api/events (app/api/events/route.ts)
// for the component's lifetime. The browser resumes a dropped stream itself (Last-Event-ID);
// a refused one (signed out, too many tabs) is retried slowly.
import { useEffect, useRef, useState } from "react";

/** What the stream sends for a payment (lib/events/queries.ts PaymentSummary). */
export interface LivePayment {
  id: string;
  status: string;
  amountMinor: number;
  currency: string;
  updatedAt: string;
  replayed?: boolean;
}

export type LiveConnection = "connecting" | "live" | "offline";

const RETRY_REFUSED_MS = 20_000;

/** Payment events of the merchant in `mode` (the stream re-opens when the mode changes). */
export function usePaymentEvents(
  mode: "test" | "live",
  onPayment: (payment: LivePayment) => void,
): LiveConnection {
  const [connection, setConnection] = useState<LiveConnection>("connecting");
  const handler = useRef(onPayment);
  useEffect(() => {
    handler.current = onPayment;
  }, [onPayment]);

  useEffect(() => {
    let source: EventSource | null = null;
    let retry: number | undefined;
    let stopped = false;
    const open = () => {
      setConnection("connecting");
      source = new EventSource(`/api/events?mode=${mode}`);
      source.addEventListener("ready", () => setConnection("live"));
      source.addEventListener("payment", (message) => {
        try {
          const payment = JSON.parse((message as MessageEvent<string>).data) as LivePayment;
          if (typeof payment?.id === "string") handler.current(payment);
        } catch {
          /* not ours */
        }
      });
      source.onerror = () => {
        if (stopped || !source) return;
        if (source.readyState === EventSource.CLOSED) {
          setConnection("offline");
          source.close();
          retry = window.setTimeout(open, RETRY_REFUSED_MS);
        } else {
          setConnection("connecting");
        }
      };
    };
    open();
    return () => {
      stopped = true;
      window.clearTimeout(retry);
      source?.close();
    };
  }, [mode]);

  return connection;
}

/** The connection as words with a coloured dot: status is never colour alone. */
export function connectionLabel(connection: LiveConnection): { text: string; dot: string } {
  switch (connection) {
    case "live":
      return { text: "Live", dot: "bg-emerald-500" };
    case "connecting":
      return { text: "Connecting…", dot: "bg-amber-400" };
    case "offline":
      return { text: "Live updates unavailable — reload to try again", dot: "bg-slate-400" };
  }
}
