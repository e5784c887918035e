// How a chat window talks to a conversation: the public web API for the hosted chat page,
// server actions for the designer's simulator. Same shape, so one window serves both.
import type { ChatMessageView } from "@/lib/conversations/engine/messages";
import type { Lang } from "@/lib/flows/graph";

export interface ChatSnapshot {
  conversationId: string;
  status: string;
  messages: ChatMessageView[];
  cursor: string | null;
  path?: string[];
}

export interface OutgoingMessage {
  /** Generated in the browser; a resend repeats it so the server handles it once. */
  messageId: string;
  text: string;
  /** The value of the tapped option. */
  choice?: string;
}

export class ChatRequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = "ChatRequestError";
  }
}

export interface ChatTransport {
  start(lang: Lang): Promise<ChatSnapshot>;
  send(
    conversationId: string,
    message: OutgoingMessage,
    after: string | null,
  ): Promise<ChatSnapshot>;
  read(conversationId: string, after: string | null): Promise<ChatSnapshot>;
  /** Live updates; returns an unsubscribe. `onFail` means "fall back to polling". */
  subscribe?(
    conversationId: string,
    after: string | null,
    onSnapshot: (snapshot: ChatSnapshot) => void,
    onFail: () => void,
  ): () => void;
}

async function request(url: string, init?: RequestInit): Promise<ChatSnapshot> {
  let response: Response;
  try {
    response = await fetch(url, {
      ...init,
      cache: "no-store",
      headers: { "content-type": "application/json", ...init?.headers },
    });
  } catch {
    throw new ChatRequestError("Network error", 0);
  }
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const message =
      body && typeof body === "object" && "error" in body
        ? String(body.error)
        : `HTTP ${response.status}`;
    throw new ChatRequestError(message, response.status);
  }
  return body as ChatSnapshot;
}

/** The hosted chat page's transport: same-origin fetches plus an EventSource stream. */
export function webTransport(publicKey: string, sessionId: string): ChatTransport {
  const base = `/api/chat/${encodeURIComponent(publicKey)}`;
  const query = (after: string | null) =>
    `session=${encodeURIComponent(sessionId)}${after ? `&after=${encodeURIComponent(after)}` : ""}`;
  return {
    start: (lang) => request(base, { method: "POST", body: JSON.stringify({ sessionId, lang }) }),
    send: (conversationId, message, after) =>
      request(`${base}/${conversationId}${after ? `?after=${encodeURIComponent(after)}` : ""}`, {
        method: "POST",
        body: JSON.stringify({
          messageId: message.messageId,
          sessionId,
          text: message.text,
          ...(message.choice ? { choice: message.choice } : {}),
        }),
      }),
    read: (conversationId, after) => request(`${base}/${conversationId}?${query(after)}`),
    subscribe(conversationId, after, onSnapshot, onFail) {
      if (typeof EventSource === "undefined") {
        onFail();
        return () => {};
      }
      const source = new EventSource(`${base}/${conversationId}/stream?${query(after)}`);
      source.addEventListener("update", (event) => {
        try {
          onSnapshot(JSON.parse((event as MessageEvent<string>).data) as ChatSnapshot);
        } catch {
          /* a torn event: the next one carries the same messages */
        }
      });
      source.onerror = () => {
        // CONNECTING means the browser retries by itself; CLOSED means it gave up.
        if (source.readyState === EventSource.CLOSED) onFail();
      };
      return () => source.close();
    },
  };
}
