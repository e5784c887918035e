// Keeping the chat's message list right when the same messages arrive by several roads (the
// send's answer, the stream, a poll): one copy per id, in the order they were written.
import type { ChatMessageView } from "@/lib/conversations/engine/messages";

export function compareMessages(a: ChatMessageView, b: ChatMessageView): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function mergeMessages(
  current: readonly ChatMessageView[],
  incoming: readonly ChatMessageView[],
): ChatMessageView[] {
  if (incoming.length === 0) return current as ChatMessageView[];
  const byId = new Map(current.map((m) => [m.id, m]));
  for (const message of incoming) byId.set(message.id, message);
  return [...byId.values()].sort(compareMessages);
}

/** The newest createdAt known: what to ask "after" next. */
export function latestCursor(
  messages: readonly ChatMessageView[],
  previous: string | null,
): string | null {
  const last = messages.at(-1)?.createdAt ?? null;
  if (!last) return previous;
  if (!previous) return last;
  return last > previous ? last : previous;
}

/** Whether the bot is waiting for an answer to this message's buttons. */
export function choicesAreLive(
  messages: readonly ChatMessageView[],
  index: number,
  status: string,
): boolean {
  if (status !== "waiting_input") return false;
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message.direction === "inbound") return false;
    if (message.kind === "choices") return i === index;
  }
  return false;
}
