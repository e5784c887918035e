"use client";
// The chat itself: the message list, the customer's unsent messages, and the composer. Used by
// the hosted chat page and the designer's simulator alike.
import { Button } from "@/components/ui/button";
import type { Lang } from "@/lib/flows/graph";
import { NUMBER_LOCALES } from "@/lib/flows/i18n";
import { useEffect, useRef, useState } from "react";
import { choicesAreLive } from "./merge";
import { MessageBubble } from "./message-bubble";
import { CHAT_STRINGS } from "./strings";
import type { ChatSession } from "./use-chat-session";

const TERMINAL = new Set(["completed", "expired", "handed_off"]);

export function ChatWindow({
  session,
  lang,
  className,
}: {
  session: ChatSession;
  lang: Lang;
  className?: string;
}) {
  const strings = CHAT_STRINGS[lang];
  const locale = NUMBER_LOCALES[lang];
  const [draft, setDraft] = useState("");
  const listRef = useRef<HTMLOListElement>(null);
  const { messages, pending, status } = session;

  useEffect(() => {
    // Scroll the list itself (not scrollIntoView, which would also scroll a page framing the widget).
    const list = listRef.current;
    if (list) list.scrollTop = list.scrollHeight;
  }, [messages.length, pending.length]);

  const ended = status === "completed" || status === "expired";
  const canType = Boolean(session.conversationId) && !ended;

  return (
    <div className={className ?? "flex h-full min-h-0 flex-col"}>
      <ol
        ref={listRef}
        // A scroll region: focusable and named, so the keyboard can scroll back through it.
        tabIndex={0}
        aria-label={strings.messages}
        className="flex min-h-0 flex-1 flex-col gap-3 overflow-y-auto px-4 py-4 focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-brand-500"
        aria-live="polite"
        data-testid="chat-messages"
      >
        {session.loading && messages.length === 0 && (
          <li className="text-sm text-slate-500">{strings.connecting}</li>
        )}
        {messages.map((message, index) => (
          <MessageBubble
            key={message.id}
            message={message}
            strings={strings}
            locale={locale}
            choicesLive={choicesAreLive(messages, index, status) && pending.length === 0}
            onChoose={(value, label) => session.send(label, value)}
          />
        ))}
        {pending.map((message) => (
          <li
            key={message.messageId}
            className="flex flex-col items-end gap-1"
            data-testid="pending-message"
          >
            <p className="max-w-[85%] whitespace-pre-wrap break-words rounded-2xl rounded-br-sm bg-brand-600/60 px-3.5 py-2 text-sm text-white">
              {message.text}
            </p>
            {message.failed && (
              <span className="flex items-center gap-2 text-xs text-red-700">
                {strings.notSent}
                <button
                  type="button"
                  className="font-medium underline"
                  onClick={() => session.retry(message.messageId)}
                >
                  {strings.retry}
                </button>
              </span>
            )}
          </li>
        ))}
        {TERMINAL.has(status) && (
          <li
            className="mt-2 flex flex-col items-center gap-2 text-center text-sm text-slate-500"
            data-testid="conversation-ended"
          >
            <span>{status === "handed_off" ? strings.handedOff : strings.ended}</span>
            {status !== "handed_off" && (
              <Button type="button" variant="secondary" onClick={session.restart}>
                {strings.newConversation}
              </Button>
            )}
          </li>
        )}
      </ol>
      {session.error && (
        <p
          role="alert"
          className="border-t border-red-100 bg-red-50 px-4 py-2 text-xs text-red-800"
        >
          {session.errorStatus === 429
            ? strings.tooMany
            : session.errorStatus === 0 || (session.errorStatus ?? 0) >= 500
              ? strings.unavailable
              : session.error}
        </p>
      )}
      <form
        className="flex items-end gap-2 border-t border-slate-200 bg-white p-3"
        onSubmit={(event) => {
          event.preventDefault();
          if (!draft.trim()) return;
          session.send(draft);
          setDraft("");
        }}
      >
        <label className="sr-only" htmlFor="chat-input">
          {strings.placeholder}
        </label>
        <textarea
          id="chat-input"
          rows={1}
          value={draft}
          disabled={!canType}
          maxLength={2000}
          placeholder={strings.placeholder}
          onChange={(event) => setDraft(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
              event.preventDefault();
              event.currentTarget.form?.requestSubmit();
            }
          }}
          className="max-h-32 min-h-10 flex-1 resize-none rounded-lg border border-slate-300 px-3 py-2 text-sm focus:border-brand-500 focus:outline-none disabled:bg-slate-50"
        />
        <Button type="submit" disabled={!canType || !draft.trim()}>
          {strings.send}
        </Button>
      </form>
    </div>
  );
}
