"use client";

import { FlowChannels } from "@/components/channels/flow-channels";
import { ShareChatLink } from "@/components/chat/share-chat-link";
import { Button } from "@/components/ui/button";
import type { Mode } from "@/db/schema";
import type { ChannelKind, FlowStatus } from "@/db/schema/flows";
import { type FlowGraph, type Lang, type NodeType } from "@/lib/flows/graph";
import { livePublishProblems } from "@/lib/flows/publish-mode";
import type { ConnectionOption } from "@/lib/flows/queries";
import { validateFlow, type ValidationContext } from "@/lib/flows/validate";
import { ReactFlowProvider, useReactFlow } from "@xyflow/react";
import { useCallback, useMemo, useReducer, useRef, useState } from "react";
import { FlowSettings, type SavedSettings } from "../inspector/flow-settings";
import { NodeInspector } from "../inspector/inspector";
import { WidgetSites } from "../inspector/widget-sites";
import { SimulatorPanel } from "../simulator/panel";
import { type DesignerApi, DesignerProvider } from "./designer-context";
import { EdgeInspector } from "./edge-inspector";
import { FlowCanvas } from "./flow-canvas";
import { addNode, placementFor, uniqueNodeId } from "./graph-edits";
import { canRedo, canUndo, historyReducer, initHistory } from "./history";
import { Palette } from "./palette";
import { PublishDialog } from "./publish-dialog";
import { sameGraph } from "./same-graph";
import { DesignerToolbar } from "./toolbar";
import { useAutosave } from "./use-autosave";
import { usePublishing } from "./use-publishing";
import { useUndoShortcuts } from "./use-shortcuts";
import { ValidationPanel } from "./validation-panel";
import { type VersionItem, VersionsDrawer } from "./versions-drawer";

export interface DesignerProps {
  flow: {
    id: string;
    name: string;
    status: FlowStatus;
    channels: ChannelKind[];
    publicKey: string;
    /** The sites allowed to frame its chat. */
    widgetOrigins: string[];
  };
  /** Parley's public origin, for the chat link and widget snippet. */
  appOrigin: string;
  graph: FlowGraph;
  draftRevision: number;
  publishedGraph: FlowGraph | null;
  liveVersion: { id: string; version: number; mode: Mode } | null;
  versions: VersionItem[];
  connections: ConnectionOption[];
  validation: ValidationContext;
  canEdit: boolean;
  canPublish: boolean;
  userName: string;
}

const NO_PATH: string[] = [];

export function FlowDesigner(props: DesignerProps) {
  return (
    <ReactFlowProvider>
      <Designer {...props} />
    </ReactFlowProvider>
  );
}

function Designer(props: DesignerProps) {
  const { flow, canEdit } = props;
  const readOnly = !canEdit;
  const [history, dispatch] = useReducer(historyReducer<FlowGraph>, props.graph, initHistory);
  const graph = history.present;
  const graphRef = useRef(graph);
  graphRef.current = graph;
  const [selectedNodeId, setSelectedNodeId] = useState<string | null>(null);
  const [selectedEdgeId, setSelectedEdgeId] = useState<string | null>(null);
  const selectedRef = useRef(selectedNodeId);
  selectedRef.current = selectedNodeId;
  const [lang, setLang] = useState<Lang>(props.graph.defaultLanguage);
  const [settings, setSettings] = useState({ name: flow.name, channels: flow.channels });
  const [panel, setPanel] = useState<"none" | "publish" | "versions" | "simulator">("none");
  const [notice, setNotice] = useState<string | null>(null);
  const [simulatedPath, setSimulatedPath] = useState<string[]>([]);
  const canvasRef = useRef<HTMLDivElement>(null);
  const { screenToFlowPosition, fitView } = useReactFlow();

  const autosave = useAutosave({
    flowId: flow.id,
    graph,
    initialRevision: props.draftRevision,
    enabled: canEdit,
  });
  const issues = useMemo(() => validateFlow(graph, props.validation), [graph, props.validation]);
  const errorCount = issues.filter((i) => i.severity === "error").length;
  const liveProblems = useMemo(
    () => livePublishProblems(graph, props.connections),
    [graph, props.connections],
  );

  const update = useCallback<DesignerApi["update"]>(
    (change, key) => dispatch({ type: "update", update: change, key }),
    [],
  );
  const checkpoint = useCallback(() => dispatch({ type: "checkpoint" }), []);
  const undo = useCallback(() => dispatch({ type: "undo" }), []);
  const redo = useCallback(() => dispatch({ type: "redo" }), []);
  useUndoShortcuts(canEdit, undo, redo);

  const selectNode = useCallback((id: string | null) => {
    setSelectedNodeId(id);
    if (id) setSelectedEdgeId(null);
  }, []);
  const focusNode = useCallback(
    (id: string) => {
      selectNode(id);
      void fitView({ nodes: [{ id }], duration: 300, maxZoom: 1.2 });
    },
    [selectNode, fitView],
  );

  const addNodeOfType = useCallback(
    (type: NodeType, position?: { x: number; y: number }) => {
      if (readOnly) return;
      const rect = canvasRef.current?.getBoundingClientRect();
      const center = rect
        ? screenToFlowPosition({ x: rect.left + rect.width / 2, y: rect.top + rect.height / 3 })
        : { x: 0, y: 0 };
      const at = position ?? placementFor(graphRef.current, selectedRef.current, center);
      const id = uniqueNodeId(graphRef.current, type);
      update((g) => addNode(g, type, at).graph);
      selectNode(id);
    },
    [readOnly, screenToFlowPosition, update, selectNode],
  );

  const publishing = usePublishing({
    flowId: flow.id,
    initial: {
      status: flow.status,
      live: props.liveVersion,
      publishedGraph: props.publishedGraph,
      versions: props.versions,
    },
    autosave,
    currentGraph: useCallback(() => graphRef.current, []),
    onDraftReplaced: useCallback((g: FlowGraph) => dispatch({ type: "commit", value: g }), []),
    userName: props.userName,
  });
  const unpublishedChanges = useMemo(
    () => !sameGraph(graph, publishing.publishedGraph),
    [graph, publishing.publishedGraph],
  );

  const api: DesignerApi = {
    graph,
    readOnly,
    lang: graph.languages.includes(lang) ? lang : graph.defaultLanguage,
    setLang,
    connections: props.connections,
    enabledMethods: props.validation.enabledMethods,
    channels: settings.channels,
    update,
    checkpoint,
    selectNode,
    addNodeOfType,
  };

  const selectedNode = graph.nodes.find((n) => n.id === selectedNodeId) ?? null;
  const selectedEdge = graph.edges.find((e) => e.id === selectedEdgeId) ?? null;
  const onSettingsSaved = (saved: SavedSettings) => {
    setSettings({ name: saved.name, channels: saved.channels });
    if (saved.graph) {
      autosave.markSaved(saved.graph, saved.draftRevision);
      dispatch({ type: "commit", value: saved.graph });
    }
  };

  return (
    <DesignerProvider value={api}>
      {/* Below lg the palette, canvas and inspector stack (the page scrolls); from lg up they sit
          side by side in one screen-high row. */}
      <div className="relative -my-2 flex flex-col gap-3 lg:h-[calc(100vh-2.5rem)]">
        <DesignerToolbar
          name={settings.name}
          status={publishing.status}
          liveVersion={publishing.live?.version ?? null}
          liveMode={publishing.live?.mode ?? null}
          unpublishedChanges={unpublishedChanges}
          readOnly={readOnly}
          canPublish={props.canPublish}
          canUndo={canUndo(history)}
          canRedo={canRedo(history)}
          onUndo={undo}
          onRedo={redo}
          saveState={autosave.state}
          onRetrySave={() => void autosave.flush()}
          errorCount={errorCount}
          onPublish={() => setPanel("publish")}
          onShowVersions={() => setPanel(panel === "versions" ? "none" : "versions")}
          onShowSimulator={() =>
            void (async () => {
              if (panel === "simulator") return setPanel("none");
              // The simulator runs the saved draft: save what is on the canvas first.
              await autosave.flush();
              setPanel("simulator");
            })()
          }
        />
        {readOnly ? (
          <p className="rounded-md bg-slate-100 px-3 py-2 text-sm text-slate-700">
            You can look at this flow; only owners and admins can change, test or publish it.
          </p>
        ) : null}
        {notice ? (
          <p role="status" className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
            {notice}
          </p>
        ) : null}
        <div className="relative flex min-h-0 flex-1 flex-col gap-3 lg:flex-row">
          {readOnly ? null : <Palette />}
          <div className="flex min-w-0 flex-1 flex-col gap-3">
            <div
              ref={canvasRef}
              className="h-[28rem] min-h-0 overflow-hidden rounded-lg bg-white ring-1 ring-slate-200 lg:h-auto lg:flex-1"
            >
              <FlowCanvas
                issues={issues}
                selectedNodeId={selectedNodeId}
                selectedEdgeId={selectedEdgeId}
                onSelectNode={selectNode}
                onSelectEdge={setSelectedEdgeId}
                path={panel === "simulator" ? simulatedPath : NO_PATH}
              />
            </div>
            <ValidationPanel issues={issues} onSelectNode={focusNode} />
          </div>
          <aside className="shrink-0 overflow-y-auto rounded-lg bg-white p-4 ring-1 ring-slate-200 lg:w-96">
            {selectedNode ? (
              <NodeInspector key={selectedNode.id} node={selectedNode} issues={issues} />
            ) : selectedEdge ? (
              <EdgeInspector edge={selectedEdge} />
            ) : (
              <div className="space-y-6">
                <FlowSettings
                  key={`${graph.languages.join()}|${graph.defaultLanguage}|${settings.channels.join()}`}
                  flowId={flow.id}
                  name={settings.name}
                  channels={settings.channels}
                  beforeSave={async () => ((await autosave.flush()) ? autosave.revision() : null)}
                  onSaved={onSettingsSaved}
                />
                <section aria-label="Share" className="space-y-2 border-t border-slate-200 pt-4">
                  <h2 className="text-sm font-semibold text-slate-800">
                    Chat link and website widget
                  </h2>
                  <ShareChatLink
                    publicKey={flow.publicKey}
                    origin={props.appOrigin}
                    published={publishing.live !== null}
                    defaultLanguage={graph.defaultLanguage}
                  />
                  <WidgetSites flowId={flow.id} origins={flow.widgetOrigins} readOnly={readOnly} />
                </section>
                <FlowChannels
                  flowId={flow.id}
                  canEdit={canEdit}
                  flowChannels={settings.channels}
                  onFlowChannelsChange={(channels) => setSettings((s) => ({ ...s, channels }))}
                />
              </div>
            )}
          </aside>
          <VersionsDrawer
            open={panel === "versions"}
            versions={publishing.versions}
            liveVersionId={publishing.live?.id ?? null}
            canRollBack={props.canPublish}
            onClose={() => setPanel("none")}
            onRollBack={async (version) => {
              const failure = await publishing.rollBack(version);
              if (!failure)
                setNotice(
                  `Rolled back: version ${version.version} is live again as a new version.`,
                );
              return failure;
            }}
          />
          {panel === "simulator" ? (
            <aside
              aria-label="Test in simulator"
              className="absolute inset-y-0 right-0 z-20 flex w-96 max-w-full flex-col border-l border-slate-200 bg-white shadow-xl"
            >
              <div className="flex justify-end border-b border-slate-200 px-2 py-1">
                <Button type="button" variant="ghost" onClick={() => setPanel("none")}>
                  Close
                </Button>
              </div>
              <div className="min-h-0 flex-1 overflow-y-auto">
                <SimulatorPanel flowId={flow.id} onPathChange={setSimulatedPath} />
              </div>
            </aside>
          ) : null}
        </div>
      </div>
      <PublishDialog
        open={panel === "publish"}
        nextVersion={(publishing.versions[0]?.version ?? 0) + 1}
        warnings={issues.length - errorCount}
        liveProblems={liveProblems}
        onClose={() => setPanel("none")}
        onPublish={async (note, mode) => {
          const failure = await publishing.publish(note, mode);
          if (!failure) {
            setPanel("none");
            setNotice(
              mode === "test"
                ? "Published in test mode: new conversations use this version and no money moves."
                : "Published: new conversations use this version.",
            );
          }
          return failure;
        }}
      />
    </DesignerProvider>
  );
}
