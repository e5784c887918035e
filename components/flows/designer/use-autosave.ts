"use client";

import { saveFlowDraft } from "@/lib/flows/actions";
import { type FlowGraph, FlowGraphSchema } from "@/lib/flows/graph";
import { useCallback, useEffect, useRef, useState } from "react";

export type SaveState =
  | { kind: "saved" }
  | { kind: "pending" }
  | { kind: "saving" }
  /** Someone else saved first: saving again would overwrite their work, so we stop. */
  | { kind: "conflict"; message: string }
  | { kind: "error"; message: string };

export interface Autosave {
  state: SaveState;
  /** Saves now if anything is unsaved; true when the server holds the current graph. */
  flush(): Promise<boolean>;
  revision(): number;
  /** The server already holds this graph at this revision (a rollback or a settings change). */
  markSaved(graph: FlowGraph, revision: number): void;
}

/**
 * Debounced draft saves with optimistic concurrency: each save names the revision it started
 * from; one save is in flight at a time and edits made meanwhile go out in the next one.
 */
export function useAutosave(options: {
  flowId: string;
  graph: FlowGraph;
  initialRevision: number;
  enabled: boolean;
  delayMs?: number;
}): Autosave {
  const { flowId, graph, initialRevision, enabled, delayMs = 800 } = options;
  const [state, setState] = useState<SaveState>({ kind: "saved" });
  const revisionRef = useRef(initialRevision);
  const savedRef = useRef(graph);
  const latestRef = useRef(graph);
  const inFlightRef = useRef<Promise<void> | null>(null);
  const stoppedRef = useRef(false);

  const saveLatest = useCallback(async (): Promise<boolean> => {
    while (inFlightRef.current) await inFlightRef.current;
    const current = latestRef.current;
    if (current === savedRef.current) return true;
    if (stoppedRef.current) return false;
    const parsed = FlowGraphSchema.safeParse(current);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      setState({ kind: "error", message: `${first?.path.join(".")}: ${first?.message}` });
      return false;
    }
    setState({ kind: "saving" });
    const attempt = (async () => {
      try {
        const result = await saveFlowDraft({
          flowId,
          revision: revisionRef.current,
          graph: current,
        });
        if (result.ok) {
          revisionRef.current = result.data.draftRevision;
          savedRef.current = current;
          setState(latestRef.current === current ? { kind: "saved" } : { kind: "pending" });
        } else if (result.status === 409) {
          stoppedRef.current = true;
          setState({ kind: "conflict", message: result.error });
        } else {
          setState({ kind: "error", message: result.error });
        }
      } catch {
        setState({
          kind: "error",
          message:
            "Could not reach Parley. Your changes are kept here; retry when you are back online.",
        });
      }
    })();
    inFlightRef.current = attempt;
    await attempt;
    inFlightRef.current = null;
    return savedRef.current === current;
  }, [flowId]);

  useEffect(() => {
    latestRef.current = graph;
    if (!enabled || stoppedRef.current) return;
    if (graph === savedRef.current) {
      // Undo back to what the server holds: nothing left to save.
      setState((s) => (s.kind === "pending" ? { kind: "saved" } : s));
      return;
    }
    setState((s) => (s.kind === "saving" ? s : { kind: "pending" }));
    const timer = setTimeout(() => void saveLatest(), delayMs);
    return () => clearTimeout(timer);
  }, [graph, enabled, delayMs, saveLatest]);

  useEffect(() => {
    const warn = (event: BeforeUnloadEvent) => {
      if (enabled && latestRef.current !== savedRef.current) event.preventDefault();
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [enabled]);

  const flush = useCallback(() => saveLatest(), [saveLatest]);
  const revision = useCallback(() => revisionRef.current, []);
  const markSaved = useCallback((saved: FlowGraph, next: number) => {
    savedRef.current = saved;
    latestRef.current = saved;
    revisionRef.current = next;
    setState({ kind: "saved" });
  }, []);
  return { state, flush, revision, markSaved };
}
