"use client";
// One chat window's conversation: opens or resumes it, keeps its messages merged and ordered,
// sends with client-made message ids (a retry repeats the id), and stays live by stream or poll.
import type { ChatMessageView } from "@/lib/conversations/engine/messages";
import type { Lang } from "@/lib/flows/graph";
import { useCallback, useEffect, useRef, useState } from "react";
import { latestCursor, mergeMessages } from "./merge";
import {
  ChatRequestError,
  type ChatSnapshot,
  type ChatTransport,
  type OutgoingMessage,
} from "./transport";

export interface PendingMessage extends OutgoingMessage {
  failed: boolean;
}

export interface ChatSession {
  conversationId: string | null;
  status: string;
  messages: ChatMessageView[];
  pending: PendingMessage[];
  path: string[];
  error: string | null;
  /** The last request failed with this HTTP status (0: network). */
  errorStatus: number | null;
  loading: boolean;
  send(text: string, choice?: string): void;
  retry(messageId: string): void;
  restart(): void;
}

export interface ChatSessionOptions {
  transport: ChatTransport | null;
  lang: Lang;
  /** A conversation to continue (a reload of the page); a fresh one starts when it is gone. */
  resumeId?: string | null;
  onConversation?: (conversationId: string) => void;
  pollMs?: number;
}

function newMessageId(): string {
  return crypto.randomUUID();
}

export function useChatSession({
  transport,
  lang,
  resumeId = null,
  onConversation,
  pollMs = 1500,
}: ChatSessionOptions): ChatSession {
  const [conversationId, setConversationId] = useState<string | null>(null);
  const [status, setStatus] = useState("waiting_input");
  const [messages, setMessages] = useState<ChatMessageView[]>([]);
  const [pending, setPending] = useState<PendingMessage[]>([]);
  const [path, setPath] = useState<string[]>([]);
  const [error, setError] = useState<{ message: string; status: number } | null>(null);
  const [loading, setLoading] = useState(true);
  const [generation, setGeneration] = useState(0);
  const cursor = useRef<string | null>(null);
  const onConversationRef = useRef(onConversation);
  useEffect(() => {
    onConversationRef.current = onConversation;
  }, [onConversation]);
  // resumeId is read only for the first open (generation 0), so a change must not reopen: the
  // open effect reads it through a ref (updated by the effect above it, which runs first).
  const resumeIdRef = useRef(resumeId);
  useEffect(() => {
    resumeIdRef.current = resumeId;
  }, [resumeId]);

  const apply = useCallback((snapshot: ChatSnapshot) => {
    setMessages((current) => {
      const merged = mergeMessages(current, snapshot.messages ?? []);
      cursor.current = latestCursor(merged, cursor.current);
      return merged;
    });
    setStatus(snapshot.status);
    if (snapshot.path) setPath(snapshot.path);
  }, []);

  const fail = useCallback((err: unknown) => {
    const status = err instanceof ChatRequestError ? err.status : 0;
    setError({ message: err instanceof Error ? err.message : "Error", status });
  }, []);

  // Open (or resume) a conversation whenever the transport, language or generation changes.
  useEffect(() => {
    if (!transport) return;
    let cancelled = false;
    cursor.current = null;
    setMessages([]);
    setPending([]);
    setPath([]);
    setError(null);
    setLoading(true);
    setConversationId(null);
    (async () => {
      let snapshot: ChatSnapshot | null = null;
      const resumeId = resumeIdRef.current;
      if (resumeId && generation === 0) {
        snapshot = await transport.read(resumeId, null).catch(() => null);
      }
      snapshot ??= await transport.start(lang);
      if (cancelled) return;
      apply(snapshot);
      setConversationId(snapshot.conversationId);
      onConversationRef.current?.(snapshot.conversationId);
    })()
      .catch((err: unknown) => !cancelled && fail(err))
      .finally(() => !cancelled && setLoading(false));
    return () => {
      cancelled = true;
    };
  }, [transport, lang, generation, apply, fail]);

  // Stay live: the stream when the transport has one, else (or when it gives up) polling.
  useEffect(() => {
    if (!transport || !conversationId) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let unsubscribe = () => {};
    const poll = () => {
      if (stopped) return;
      transport
        .read(conversationId, cursor.current)
        .then(apply)
        .catch(() => {})
        .finally(() => {
          if (!stopped) timer = setTimeout(poll, pollMs);
        });
    };
    if (transport.subscribe) {
      unsubscribe = transport.subscribe(conversationId, cursor.current, apply, () => {
        unsubscribe();
        poll();
      });
    } else {
      timer = setTimeout(poll, pollMs);
    }
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      unsubscribe();
    };
  }, [transport, conversationId, apply, pollMs]);

  const deliver = useCallback(
    (message: OutgoingMessage) => {
      if (!transport || !conversationId) return;
      setPending((list) => [
        ...list.filter((p) => p.messageId !== message.messageId),
        { ...message, failed: false },
      ]);
      transport
        .send(conversationId, message, cursor.current)
        .then((snapshot) => {
          apply(snapshot);
          setError(null);
          setPending((list) => list.filter((p) => p.messageId !== message.messageId));
        })
        .catch((err: unknown) => {
          fail(err);
          setPending((list) =>
            list.map((p) => (p.messageId === message.messageId ? { ...p, failed: true } : p)),
          );
        });
    },
    [transport, conversationId, apply, fail],
  );

  const send = useCallback(
    (text: string, choice?: string) => {
      const trimmed = text.trim();
      if (!trimmed && !choice) return;
      deliver({ messageId: newMessageId(), text: trimmed, ...(choice ? { choice } : {}) });
    },
    [deliver],
  );

  const retry = useCallback(
    (messageId: string) => {
      const message = pending.find((p) => p.messageId === messageId);
      if (message)
        deliver({ messageId: message.messageId, text: message.text, choice: message.choice });
    },
    [pending, deliver],
  );

  const restart = useCallback(() => setGeneration((g) => g + 1), []);

  return {
    conversationId,
    status,
    messages,
    pending,
    path,
    error: error?.message ?? null,
    errorStatus: error?.status ?? null,
    loading,
    send,
    retry,
    restart,
  };
}
