// Wake-ups for open chat streams, through the console's event bus (lib/events/bus.ts): a step's
// write announces its conversation in the same statement (lib/conversations/engine/step-writer.ts),
// and every process's streams of that conversation read at once — a step written by another
// `next start` process included.
import { subscribeEvents } from "@/lib/events/bus";

export interface ConversationWatch {
  /**
   * Resolves at once if the conversation changed since the last wait, else when it changes, the
   * time is up or the signal aborts.
   */
  wait(ms: number, signal?: AbortSignal): Promise<void>;
  close(): void;
}

/** Watches one conversation for as long as a stream is open: no change between waits is missed. */
export function watchConversation(conversationId: string): ConversationWatch {
  let changed = false;
  let wake: (() => void) | null = null;
  const unsubscribe = subscribeEvents((event) => {
    if (event.kind !== "conversation" || event.id !== conversationId) return;
    changed = true;
    wake?.();
  });
  return {
    wait(ms, signal) {
      return new Promise((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal?.removeEventListener("abort", done);
          wake = null;
          changed = false;
          resolve();
        };
        const timer = setTimeout(done, ms);
        if (changed || signal?.aborted) return done();
        wake = done;
        signal?.addEventListener("abort", done, { once: true });
      });
    },
    close() {
      wake?.();
      unsubscribe();
    },
  };
}
