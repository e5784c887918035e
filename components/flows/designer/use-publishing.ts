"use client";

import type { Mode } from "@/db/schema";
import type { FlowStatus } from "@/db/schema/flows";
import { publishFlow, rollbackFlow } from "@/lib/flows/actions";
import type { FlowGraph } from "@/lib/flows/graph";
import { useCallback, useState } from "react";
import type { Autosave } from "./use-autosave";
import type { VersionItem } from "./versions-drawer";

export interface PublishingState {
  status: FlowStatus;
  live: { id: string; version: number; mode: Mode } | null;
  publishedGraph: FlowGraph | null;
  versions: VersionItem[];
}

/**
 * Publishing and rolling back from the designer. Both first make sure the server holds the
 * draft the merchant sees, and name its revision so nothing unseen goes live.
 */
export function usePublishing(options: {
  flowId: string;
  initial: PublishingState;
  autosave: Autosave;
  currentGraph(): FlowGraph;
  /** A rollback replaced the draft on the server: show it (as an undoable step). */
  onDraftReplaced(graph: FlowGraph): void;
  userName: string;
}) {
  const { flowId, autosave, currentGraph, onDraftReplaced, userName } = options;
  const [state, setState] = useState(options.initial);

  const publish = useCallback(
    async (note: string, mode: Mode): Promise<string | null> => {
      const graph = currentGraph();
      if (!(await autosave.flush()))
        return "Your latest edits could not be saved, so nothing was published.";
      const result = await publishFlow({ flowId, revision: autosave.revision(), note, mode });
      if (!result.ok) return result.error;
      const { versionId, version, publishedAt } = result.data;
      setState((s) => ({
        status: "published",
        live: { id: versionId, version, mode: result.data.mode },
        publishedGraph: graph,
        versions: [
          { id: versionId, version, note, publishedAt, publishedBy: userName },
          ...s.versions,
        ],
      }));
      return null;
    },
    [flowId, autosave, currentGraph, userName],
  );

  const rollBack = useCallback(
    async (target: VersionItem): Promise<string | null> => {
      if (!(await autosave.flush()))
        return "Your latest edits could not be saved, so nothing was rolled back.";
      const result = await rollbackFlow({ flowId, versionId: target.id });
      if (!result.ok) return result.error;
      const { versionId, version, publishedAt, graph, draftRevision, mode } = result.data;
      autosave.markSaved(graph, draftRevision);
      onDraftReplaced(graph);
      setState((s) => ({
        status: "published",
        live: { id: versionId, version, mode },
        publishedGraph: graph,
        versions: [
          {
            id: versionId,
            version,
            note: `Rolled back to version ${target.version}`,
            publishedAt,
            publishedBy: userName,
          },
          ...s.versions,
        ],
      }));
      return null;
    },
    [flowId, autosave, onDraftReplaced, userName],
  );

  return { ...state, publish, rollBack };
}
