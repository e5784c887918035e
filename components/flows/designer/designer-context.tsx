"use client";

import type { ChannelKind } from "@/db/schema/flows";
import type { PaymentMethod } from "@/lib/connections/providers/types";
import type { FlowGraph, Lang, NodeType } from "@/lib/flows/graph";
import type { ConnectionOption } from "@/lib/flows/queries";
import { createContext, useContext } from "react";

/** What every designer piece reads: the graph, how to change it, and who is editing. */
export interface DesignerApi {
  graph: FlowGraph;
  readOnly: boolean;
  /** The language the inspector's text fields show. */
  lang: Lang;
  setLang(lang: Lang): void;
  connections: ConnectionOption[];
  enabledMethods: PaymentMethod[];
  channels: ChannelKind[];
  /** Edits with the same key in a row merge into one undo step (typing into one field). */
  update(change: (graph: FlowGraph) => FlowGraph, key?: string): void;
  /** Ends the current merged step (a field lost focus). */
  checkpoint(): void;
  selectNode(id: string | null): void;
  addNodeOfType(type: NodeType, position?: { x: number; y: number }): void;
}

const DesignerContext = createContext<DesignerApi | null>(null);

export const DesignerProvider = DesignerContext.Provider;

export function useDesigner(): DesignerApi {
  const api = useContext(DesignerContext);
  if (!api) throw new Error("useDesigner outside <DesignerProvider>");
  return api;
}
