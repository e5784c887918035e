"use client";
// The hosted chat page's app: picks the language (?lang=, saved choice, the browser's), keeps
// the visitor's session and conversation in localStorage so a reload (or coming back from the
// payment page) continues the same chat.
import type { Lang } from "@/lib/flows/graph";
import { useCallback, useEffect, useMemo, useState } from "react";
import { ChatWindow } from "./chat-window";
import { CHAT_STRINGS, LANGUAGE_NAMES, LANGUAGE_SHORT, pickLanguage } from "./strings";
import { webTransport } from "./transport";
import { useChatSession } from "./use-chat-session";

export interface WebChatProps {
  publicKey: string;
  flowName: string;
  languages: Lang[];
  defaultLanguage: Lang;
  /** From ?lang=; wins over anything remembered. */
  requestedLang: string | null;
  embedded: boolean;
  /** The flow was published in test mode: say so above the conversation. */
  testMode: boolean;
}

interface Saved {
  sessionId: string;
  conversationId?: string;
  lang?: Lang;
}

function storageKey(publicKey: string): string {
  return `parley-chat:${publicKey}`;
}

function readSaved(publicKey: string): Saved | null {
  try {
    const raw = window.localStorage.getItem(storageKey(publicKey));
    const parsed: unknown = raw ? JSON.parse(raw) : null;
    if (parsed && typeof parsed === "object" && typeof (parsed as Saved).sessionId === "string")
      return parsed as Saved;
  } catch {
    /* private mode or a damaged entry: start fresh */
  }
  return null;
}

function writeSaved(publicKey: string, saved: Saved): void {
  try {
    window.localStorage.setItem(storageKey(publicKey), JSON.stringify(saved));
  } catch {
    /* storage full or disabled: the chat still works, a reload starts over */
  }
}

function newSessionId(): string {
  return `s_${crypto.randomUUID().replace(/-/g, "")}`;
}

export function WebChat({
  publicKey,
  flowName,
  languages,
  defaultLanguage,
  requestedLang,
  embedded,
  testMode,
}: WebChatProps) {
  const [saved, setSaved] = useState<Saved | null>(null);
  const [lang, setLang] = useState<Lang>(() =>
    pickLanguage(languages, defaultLanguage, requestedLang),
  );

  // localStorage and navigator exist only in the browser, after the first render.
  useEffect(() => {
    const existing = readSaved(publicKey);
    const next: Saved = existing ?? { sessionId: newSessionId() };
    const chosen = pickLanguage(
      languages,
      defaultLanguage,
      requestedLang,
      existing?.lang,
      navigator.language,
    );
    if (requestedLang && existing?.lang && existing.lang !== chosen) delete next.conversationId;
    next.lang = chosen;
    writeSaved(publicKey, next);
    setLang(chosen);
    setSaved(next);
  }, [publicKey, languages, defaultLanguage, requestedLang]);

  const sessionId = saved?.sessionId;
  const transport = useMemo(
    () => (sessionId ? webTransport(publicKey, sessionId) : null),
    [publicKey, sessionId],
  );
  const remember = useCallback(
    (conversationId: string) => {
      setSaved((current) => {
        if (!current) return current;
        const next = { ...current, conversationId, lang };
        writeSaved(publicKey, next);
        return next;
      });
    },
    [publicKey, lang],
  );

  const session = useChatSession({
    transport,
    lang,
    resumeId: saved?.conversationId ?? null,
    onConversation: remember,
  });
  const strings = CHAT_STRINGS[lang];

  return (
    <main
      className={
        embedded
          ? "flex h-dvh flex-col bg-slate-50"
          : "mx-auto flex h-dvh max-w-xl flex-col bg-slate-50 sm:py-6"
      }
      lang={lang}
    >
      <div
        className={
          embedded
            ? "flex min-h-0 flex-1 flex-col"
            : "flex min-h-0 flex-1 flex-col overflow-hidden bg-slate-50 sm:rounded-xl sm:shadow-sm sm:ring-1 sm:ring-slate-200"
        }
      >
        <header className="flex items-center justify-between gap-3 border-b border-slate-200 bg-white px-4 py-3">
          <h1 className="truncate text-base font-semibold text-slate-900" data-testid="chat-title">
            {flowName}
          </h1>
          <div className="flex items-center gap-2">
            {languages.length > 1 && (
              <label className="flex items-center gap-1 text-xs text-slate-600">
                <span className="sr-only">{strings.language}</span>
                <select
                  aria-label={strings.language}
                  value={lang}
                  onChange={(event) => {
                    const next = event.target.value as Lang;
                    setLang(next);
                    setSaved((current) => {
                      if (!current) return current;
                      const updated: Saved = { sessionId: current.sessionId, lang: next };
                      writeSaved(publicKey, updated);
                      return updated;
                    });
                  }}
                  className="rounded-md border border-slate-300 bg-white px-2 py-1 text-xs"
                >
                  {languages.map((code) => (
                    <option key={code} value={code} title={LANGUAGE_NAMES[code]}>
                      {LANGUAGE_SHORT[code]}
                    </option>
                  ))}
                </select>
              </label>
            )}
            <button
              type="button"
              onClick={session.restart}
              className="rounded-md px-2 py-1 text-xs text-slate-600 hover:bg-slate-100"
            >
              {strings.newConversation}
            </button>
          </div>
        </header>
        {testMode ? (
          <p
            data-testid="test-mode-banner"
            className="border-b border-amber-200 bg-amber-50 px-4 py-2 text-center text-sm font-medium text-amber-900"
          >
            {strings.testMode}
          </p>
        ) : null}
        <ChatWindow session={session} lang={lang} className="flex min-h-0 flex-1 flex-col" />
      </div>
    </main>
  );
}
