"use client";

import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import type { Mode } from "@/db/schema";
import type { FlowStatus } from "@/db/schema/flows";
import Link from "next/link";
import { FlowStatusBadge } from "../status-badge";
import type { SaveState } from "./use-autosave";

function SaveStatus({ state, onRetry }: { state: SaveState; onRetry(): void }) {
  const text =
    state.kind === "saved"
      ? "Saved"
      : state.kind === "pending" || state.kind === "saving"
        ? "Saving…"
        : state.kind === "conflict"
          ? "Conflict — reload"
          : "Not saved";
  return (
    <span className="flex items-center gap-2 text-sm">
      <span
        role="status"
        data-testid="save-status"
        title={"message" in state ? state.message : undefined}
        className={cn(
          state.kind === "saved" && "text-emerald-700",
          (state.kind === "pending" || state.kind === "saving") && "text-slate-500",
          (state.kind === "conflict" || state.kind === "error") && "font-medium text-red-700",
        )}
      >
        {text}
      </span>
      {state.kind === "conflict" ? (
        <Button
          type="button"
          variant="secondary"
          className="py-1"
          onClick={() => window.location.reload()}
        >
          Reload
        </Button>
      ) : null}
      {state.kind === "error" ? (
        <>
          <span className="max-w-64 truncate text-xs text-red-700">{state.message}</span>
          <Button type="button" variant="secondary" className="py-1" onClick={onRetry}>
            Retry
          </Button>
        </>
      ) : null}
    </span>
  );
}

export function DesignerToolbar(props: {
  name: string;
  status: FlowStatus;
  liveVersion: number | null;
  liveMode: Mode | null;
  unpublishedChanges: boolean;
  readOnly: boolean;
  canPublish: boolean;
  canUndo: boolean;
  canRedo: boolean;
  onUndo(): void;
  onRedo(): void;
  saveState: SaveState;
  onRetrySave(): void;
  errorCount: number;
  onPublish(): void;
  onShowVersions(): void;
  onShowSimulator(): void;
}) {
  const publishBlocked =
    props.errorCount > 0
      ? `Fix ${props.errorCount} error${props.errorCount === 1 ? "" : "s"} to publish`
      : props.saveState.kind === "conflict"
        ? "Reload before publishing"
        : props.liveVersion !== null && !props.unpublishedChanges
          ? `Version ${props.liveVersion} is up to date`
          : null;
  return (
    <header className="flex flex-wrap items-center gap-3 border-b border-slate-200 pb-3">
      <Link href="/flows" className="text-sm text-brand-700 hover:underline">
        ← Flows
      </Link>
      <h1 className="text-lg font-semibold" data-testid="flow-name">
        {props.name}
      </h1>
      <FlowStatusBadge status={props.status} />
      {props.liveVersion !== null ? (
        <span className="text-sm text-slate-600">Live: version {props.liveVersion}</span>
      ) : null}
      {props.liveVersion !== null && props.liveMode === "test" ? (
        <span data-testid="flow-published-mode">
          <Badge tone="amber">Published in test mode — no money moves</Badge>
        </span>
      ) : props.liveVersion !== null && props.liveMode === "live" ? (
        <span data-testid="flow-published-mode">
          <Badge tone="green">Published in live mode</Badge>
        </span>
      ) : null}
      {props.unpublishedChanges && props.liveVersion !== null ? (
        <Badge tone="blue">Unpublished changes</Badge>
      ) : null}
      <div className="ml-auto flex flex-wrap items-center gap-2">
        {props.readOnly ? null : (
          <>
            <Button
              type="button"
              variant="ghost"
              aria-label="Undo"
              title="Undo (Ctrl/Cmd+Z)"
              disabled={!props.canUndo}
              onClick={props.onUndo}
            >
              ↶ Undo
            </Button>
            <Button
              type="button"
              variant="ghost"
              aria-label="Redo"
              title="Redo (Shift+Ctrl/Cmd+Z)"
              disabled={!props.canRedo}
              onClick={props.onRedo}
            >
              ↷ Redo
            </Button>
            <SaveStatus state={props.saveState} onRetry={props.onRetrySave} />
          </>
        )}
        {props.readOnly ? null : (
          <Button type="button" variant="secondary" onClick={props.onShowSimulator}>
            Test in simulator
          </Button>
        )}
        <Button type="button" variant="secondary" onClick={props.onShowVersions}>
          Versions
        </Button>
        {props.canPublish ? (
          <span className="flex items-center gap-2">
            {publishBlocked ? (
              <span id="publish-blocked" className="text-xs text-red-700">
                {publishBlocked}
              </span>
            ) : null}
            <Button
              type="button"
              disabled={publishBlocked !== null}
              aria-describedby={publishBlocked ? "publish-blocked" : undefined}
              onClick={props.onPublish}
            >
              Publish
            </Button>
          </span>
        ) : null}
      </div>
    </header>
  );
}
