// The console's event bus, one contract on both engines. A writer publishes inside its
// transaction (pg_notify: delivered only if that transaction commits, on Postgres and on PGlite
// alike); every process keeps one LISTEN (db/client.ts `listen`: a dedicated connection on
// Postgres, the instance's own on PGlite) and fans each event out to its in-process listeners.
// Payloads carry ids only: whoever shows the change re-reads it under the merchant's scope.
import { getDbHandle, type DbHandle, type DbOrTx } from "@/db/client";
import type { ConnectionMode as Mode } from "@/lib/connections/providers/types";
import type { ChannelListener } from "@/lib/events/pg-listener";
import { sql } from "drizzle-orm";
import { z } from "zod";

// A notification event is for one member: the stream passes it on only to its owner.
export type ConsoleEventKind = "payment" | "alert" | "conversation" | "notification";
export interface ConsoleEvent {
  kind: ConsoleEventKind;
  merchantId: string;
  mode: Mode;
  id: string;
}

export const CONSOLE_EVENTS_CHANNEL = "parley_console_events";

const EventSchema = z.object({
  kind: z.enum(["payment", "alert", "conversation", "notification"]),
  merchantId: z.string().min(1).max(100),
  mode: z.enum(["test", "live"]),
  id: z.string().min(1).max(200),
});

/** The payload exactly as publishEvent and the webhook batch (lib/webhooks/apply/write.ts) write it. */
export function eventPayload(event: ConsoleEvent): string {
  return JSON.stringify({
    kind: event.kind,
    merchantId: event.merchantId,
    mode: event.mode,
    id: event.id,
  });
}

/** A payload from the channel, or null when it is not one of ours. */
export function parseEventPayload(payload: string): ConsoleEvent | null {
  try {
    const parsed = EventSchema.safeParse(JSON.parse(payload));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Call inside the writing transaction when there is one: delivered only if it commits. */
export async function publishEvent(db: DbOrTx, event: ConsoleEvent): Promise<void> {
  await db.execute(sql`select pg_notify(${CONSOLE_EVENTS_CHANNEL}, ${eventPayload(event)})`);
}

/** Several events in one statement (Postgres drops identical payloads within a transaction). */
export async function publishEvents(db: DbOrTx, events: readonly ConsoleEvent[]): Promise<void> {
  if (events.length === 0) return;
  if (events.length === 1) return publishEvent(db, events[0]);
  const payloads = JSON.stringify([...new Set(events.map(eventPayload))]);
  await db.execute(
    sql`select pg_notify(${CONSOLE_EVENTS_CHANNEL}, p) from jsonb_array_elements_text(${payloads}::jsonb) as p`,
  );
}

type Listener = (event: ConsoleEvent) => void;

interface BusState {
  listeners: Set<Listener>;
  reconnectListeners: Set<() => void>;
  bridge: { handle: DbHandle; listener: ChannelListener } | null;
}

// Survives Next's module reloading in development, like the database handle.
const globalForBus = globalThis as unknown as { __parleyEventBus?: BusState };

function state(): BusState {
  return (globalForBus.__parleyEventBus ??= {
    listeners: new Set(),
    reconnectListeners: new Set(),
    bridge: null,
  });
}

function deliver(payload: string): void {
  const event = parseEventPayload(payload);
  if (!event) return;
  for (const listener of [...state().listeners]) {
    try {
      listener(event);
    } catch (error) {
      console.error("[events] listener failed", error);
    }
  }
}

function announceReconnect(): void {
  for (const listener of [...state().reconnectListeners]) {
    try {
      listener();
    } catch (error) {
      console.error("[events] reconnect listener failed", error);
    }
  }
}

/** The process's one LISTEN, on the current database handle (tests swap handles). */
function ensureBridge(): ChannelListener {
  const bus = state();
  const handle = getDbHandle();
  if (bus.bridge?.handle === handle) return bus.bridge.listener;
  const previous = bus.bridge;
  if (previous) void previous.listener.close().catch(() => {});
  const listener = handle.listen(CONSOLE_EVENTS_CHANNEL, deliver, announceReconnect);
  bus.bridge = { handle, listener };
  return listener;
}

/** In this process: every event from every process. Returns unsubscribe. */
export function subscribeEvents(listener: (event: ConsoleEvent) => void): () => void {
  const bus = state();
  // A listener added twice must be removable twice: wrap it so each subscription is its own.
  const entry: Listener = (event) => listener(event);
  bus.listeners.add(entry);
  ensureBridge();
  return () => {
    bus.listeners.delete(entry);
  };
}

/** Resolves once this process is LISTENing (events published after it are delivered here). */
export function eventBusReady(): Promise<void> {
  return ensureBridge().ready;
}

/** Runs after the LISTEN connection came back from an outage: events may have been missed. */
export function onEventBusReconnect(listener: () => void): () => void {
  const bus = state();
  const entry = () => listener();
  bus.reconnectListeners.add(entry);
  return () => {
    bus.reconnectListeners.delete(entry);
  };
}

/** How many in-process listeners are subscribed (the leak test reads it). */
export function eventListenerCount(): number {
  return state().listeners.size + state().reconnectListeners.size;
}

/** Stops this process's LISTEN (tests, before closing their database). */
export async function stopEventBus(): Promise<void> {
  const bus = state();
  const bridge = bus.bridge;
  bus.bridge = null;
  if (bridge) await bridge.listener.close();
}
