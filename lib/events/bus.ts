// The console's event bus: what changed (ids only), for readers to re-read under their scope.
// In-process emitter; the integrator replaces this file with the cross-process bus.
import type { DbOrTx } from "@/db/client";
import type { Mode } from "@/db/schema";
import { EventEmitter } from "node:events";

export type ConsoleEventKind = "payment" | "alert" | "conversation";
export interface ConsoleEvent {
  kind: ConsoleEventKind;
  merchantId: string;
  mode: Mode;
  id: string;
}

const globalForBus = globalThis as unknown as { __parleyConsoleBus?: EventEmitter };
const emitter = (globalForBus.__parleyConsoleBus ??= new EventEmitter().setMaxListeners(0));

export async function publishEvent(_db: DbOrTx, event: ConsoleEvent): Promise<void> {
  emitter.emit("event", event);
}

export function subscribeEvents(listener: (event: ConsoleEvent) => void): () => void {
  emitter.on("event", listener);
  return () => void emitter.off("event", listener);
}
