"use client";

// The console's live feed in the browser: one EventSource on /api/events (app/api/events/route.ts)
// per mode for the whole tab, shared by every listening component. The browser resumes a dropped stream itself (Last-Event-ID);
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

/** What the stream sends for an alert: its id only (the page re-reads it). */
export interface LiveAlert {
  id: string;
}

const RETRY_REFUSED_MS = 20_000;

type Kind = "payment" | "alert" | "conversation" | "notification";
type Listener = (data: { id: string }) => void;

// One EventSource per mode for the whole tab, shared by every component that listens (the
// shell's alert badge, the transactions feed, a payment page): the server allows a member only
// a few open streams, and one per component would spend them.
interface SharedStream {
  users: number;
  source: EventSource | null;
  retry: number | undefined;
  connection: LiveConnection;
  listeners: Record<Kind, Set<Listener>>;
  watchers: Set<(connection: LiveConnection) => void>;
}

const streams = new Map<string, SharedStream>();

function setConnection(stream: SharedStream, connection: LiveConnection): void {
  stream.connection = connection;
  for (const watch of stream.watchers) watch(connection);
}

function open(mode: string, stream: SharedStream): void {
  setConnection(stream, "connecting");
  const source = new EventSource(`/api/events?mode=${mode}`);
  stream.source = source;
  source.addEventListener("ready", () => setConnection(stream, "live"));
  for (const kind of ["payment", "alert", "conversation", "notification"] as const) {
    source.addEventListener(kind, (message) => {
      try {
        const data = JSON.parse((message as MessageEvent<string>).data) as { id?: unknown };
        if (typeof data?.id !== "string") return;
        for (const listener of stream.listeners[kind]) listener(data as { id: string });
      } catch {
        /* not ours */
      }
    });
  }
  source.onerror = () => {
    if (stream.source !== source) return;
    if (source.readyState === EventSource.CLOSED) {
      setConnection(stream, "offline");
      source.close();
      stream.retry = window.setTimeout(() => open(mode, stream), RETRY_REFUSED_MS);
    } else {
      setConnection(stream, "connecting");
    }
  };
}

function acquire(mode: string): SharedStream {
  let stream = streams.get(mode);
  if (!stream) {
    stream = {
      users: 0,
      source: null,
      retry: undefined,
      connection: "connecting",
      listeners: {
        payment: new Set(),
        alert: new Set(),
        conversation: new Set(),
        notification: new Set(),
      },
      watchers: new Set(),
    };
    streams.set(mode, stream);
    open(mode, stream);
  }
  stream.users += 1;
  return stream;
}

function release(mode: string, stream: SharedStream): void {
  stream.users -= 1;
  if (stream.users > 0) return;
  window.clearTimeout(stream.retry);
  stream.source?.close();
  stream.source = null;
  streams.delete(mode);
}

function useConsoleEvents<T extends { id: string }>(
  mode: "test" | "live",
  kind: Kind,
  onEvent: (data: T) => void,
): LiveConnection {
  const [connection, setLocal] = useState<LiveConnection>("connecting");
  const handler = useRef(onEvent);
  useEffect(() => {
    handler.current = onEvent;
  }, [onEvent]);

  useEffect(() => {
    const stream = acquire(mode);
    const listener: Listener = (data) => handler.current(data as T);
    stream.listeners[kind].add(listener);
    stream.watchers.add(setLocal);
    setLocal(stream.connection);
    return () => {
      stream.listeners[kind].delete(listener);
      stream.watchers.delete(setLocal);
      release(mode, stream);
    };
  }, [mode, kind]);

  return connection;
}

/** Payment events of the merchant in `mode` (the stream re-opens when the mode changes). */
export function usePaymentEvents(
  mode: "test" | "live",
  onPayment: (payment: LivePayment) => void,
): LiveConnection {
  return useConsoleEvents(mode, "payment", onPayment);
}

/** Alert events of the merchant in `mode` (only roles that may see alerts receive them). */
export function useAlertEvents(
  mode: "test" | "live",
  onAlert: (alert: LiveAlert) => void,
): LiveConnection {
  return useConsoleEvents(mode, "alert", onAlert);
}

/** Conversation changes of the merchant in `mode`: a step, a message, a takeover (ids only). */
export function useConversationEvents(
  mode: "test" | "live",
  onConversation: (conversation: { id: string }) => void,
): LiveConnection {
  return useConsoleEvents(mode, "conversation", onConversation);
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

/** The member's own new notifications in `mode` (ids only; the shell re-reads its badge). */
export function useNotificationEvents(
  mode: "test" | "live",
  onNotification: (notification: { id: string }) => void,
): LiveConnection {
  return useConsoleEvents(mode, "notification", onNotification);
}
