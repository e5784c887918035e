"use client";

import type { NodeOf, NodeType } from "@/lib/flows/graph";
import { useCallback } from "react";
import { useDesigner } from "../designer/designer-context";
import { updateNodeData } from "../designer/graph-edits";

/** Patches one node's data; `field` names the undo step so typing into one box is one step. */
export function useNodeEdit<T extends NodeType>(node: NodeOf<T>) {
  const { update, lang } = useDesigner();
  const { id, type } = node;
  return useCallback(
    (patch: Partial<NodeOf<T>["data"]>, field?: string) =>
      update(
        (g) => updateNodeData(g, id, type, patch),
        field ? `edit:${id}:${field}:${lang}` : undefined,
      ),
    [update, id, type, lang],
  );
}
