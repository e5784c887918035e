// In-process wake-ups for open chat streams: a step that wrote messages nudges the streams
// of that conversation so they read at once instead of at their next poll. Streams still
// poll, so a step written by another process is seen within a second anyway.
import { EventEmitter } from "node:events";

const globalForNotify = globalThis as unknown as { __parleyConversationEvents?: EventEmitter };

function emitter(): EventEmitter {
  if (!globalForNotify.__parleyConversationEvents) {
    const created = new EventEmitter();
    // One listener per open chat tab; the default warning at 10 would be noise.
    created.setMaxListeners(0);
    globalForNotify.__parleyConversationEvents = created;
  }
  return globalForNotify.__parleyConversationEvents;
}

export function notifyConversation(conversationId: string): void {
  emitter().emit(conversationId);
}

/** Resolves when the conversation is nudged, the time is up, or the signal aborts. */
export function waitForConversation(
  conversationId: string,
  ms: number,
  signal?: AbortSignal,
): Promise<void> {
  return new Promise((resolve) => {
    const events = emitter();
    const done = () => {
      clearTimeout(timer);
      events.off(conversationId, done);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    events.on(conversationId, done);
    signal?.addEventListener("abort", done, { once: true });
  });
}
