"use client";
// The designer's simulator: chat with the saved draft as a customer would, in any of its
// languages, paying on the Sandbox page. The nodes the conversation went through are handed to
// the canvas (onPathChange) so the path lights up.
import { ChatWindow } from "@/components/chat/chat-window";
import { LANGUAGE_NAMES } from "@/components/chat/strings";
import { useChatSession } from "@/components/chat/use-chat-session";
import { Button } from "@/components/ui/button";
import type { SimulatorInfo } from "@/lib/conversations/simulator";
import type { Lang } from "@/lib/flows/graph";
import { simulatorInfoAction } from "@/lib/flows/simulator-actions";
import { useEffect, useMemo, useState } from "react";
import { simulatorTransport } from "./simulator-transport";

export interface SimulatorPanelProps {
  flowId: string;
  onPathChange?: (nodeIds: string[]) => void;
}

export function SimulatorPanel({ flowId, onPathChange }: SimulatorPanelProps) {
  const [info, setInfo] = useState<SimulatorInfo | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [lang, setLang] = useState<Lang | null>(null);

  useEffect(() => {
    let cancelled = false;
    // Fire and forget: the effect's cleanup drops a late answer; the action reports errors as results.
    void simulatorInfoAction({ flowId }).then((result) => {
      if (cancelled) return;
      if (!result.ok) {
        setProblem(
          result.status === 403
            ? "Your role can't run the simulator: it needs permission to edit flows."
            : result.error,
        );
        return;
      }
      setInfo(result.data);
      setLang((current) => current ?? result.data.defaultLanguage);
    });
    return () => {
      cancelled = true;
    };
  }, [flowId]);

  const transport = useMemo(() => (info ? simulatorTransport(flowId) : null), [flowId, info]);
  const session = useChatSession({ transport, lang: lang ?? "en" });

  useEffect(() => {
    onPathChange?.(session.path);
  }, [session.path, onPathChange]);

  if (problem) {
    return (
      <p
        role="alert"
        className="m-4 rounded-md bg-amber-50 p-3 text-sm text-amber-900 ring-1 ring-amber-600/30"
      >
        {problem}
      </p>
    );
  }
  if (!info || !lang) return <p className="p-4 text-sm text-slate-500">Loading the simulator…</p>;

  return (
    <section
      className="flex h-full min-h-[28rem] flex-col"
      aria-label="Simulator"
      data-testid="simulator"
    >
      <div className="flex flex-wrap items-center gap-2 border-b border-slate-200 bg-white px-4 py-2">
        <label className="flex items-center gap-2 text-xs text-slate-600">
          Language
          <select
            value={lang}
            onChange={(event) => setLang(event.target.value as Lang)}
            className="rounded-md border border-slate-300 bg-white px-2 py-1 text-xs"
          >
            {info.languages.map((code) => (
              <option key={code} value={code}>
                {LANGUAGE_NAMES[code]}
              </option>
            ))}
          </select>
        </label>
        <Button
          type="button"
          variant="secondary"
          className="ml-auto px-2 py-1 text-xs"
          onClick={session.restart}
        >
          Reset
        </Button>
      </div>
      {info.sandboxMissing ? (
        <p
          role="status"
          className="border-b border-amber-200 bg-amber-50 px-4 py-2 text-xs text-amber-900"
        >
          Add a Sandbox connection to simulate payments. The rest of the flow runs; the payment step
          will say payments are unavailable.
        </p>
      ) : (
        <p className="border-b border-slate-200 bg-slate-50 px-4 py-2 text-xs text-slate-500">
          Runs the saved draft. Payment links open the Sandbox page — no real money moves.
        </p>
      )}
      <ChatWindow
        session={session}
        lang={lang}
        className="flex min-h-0 flex-1 flex-col bg-slate-50"
      />
    </section>
  );
}
