"use client";
// The flow page's chat platforms: what is connected, the webhook URLs to paste, and a form to
// connect another. Loads through a server action so the designer needs no extra props.
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/card";
import { FormError } from "@/components/ui/field";
import { type ChannelView, listChannelsAction } from "@/lib/channels/actions";
import type { ConnectedChannel } from "@/lib/channels/admin";
import type { ChannelKind } from "@/lib/channels/platforms/types";
import { useCallback, useEffect, useState } from "react";
import { AddChannelForm } from "./add-channel-form";
import { ChannelConnected } from "./channel-connected";
import { ChannelItem } from "./channel-item";

export function FlowChannels({
  flowId,
  canEdit,
  flowChannels,
  onFlowChannelsChange,
}: {
  flowId: string;
  canEdit: boolean;
  /** The platforms ticked in the flow's settings. */
  flowChannels: ChannelKind[];
  /** Connecting a platform the flow did not offer ticks it; the settings form follows. */
  onFlowChannelsChange(channels: ChannelKind[]): void;
}) {
  const [channels, setChannels] = useState<ChannelView[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const [connected, setConnected] = useState<ConnectedChannel | null>(null);

  const load = useCallback(async () => {
    const result = await listChannelsAction({ flowId });
    if (result.ok) {
      setChannels(result.data);
      setLoadError(null);
    } else {
      setLoadError(result.error);
    }
  }, [flowId]);
  useEffect(() => {
    void load();
  }, [load]);

  const replace = (updated: ChannelView) =>
    setChannels((list) => list?.map((c) => (c.id === updated.id ? updated : c)) ?? null);

  return (
    <section aria-label="Chat channels" className="space-y-3 border-t border-slate-200 pt-4">
      <div className="flex items-center justify-between gap-2">
        <h2 className="text-sm font-semibold text-slate-800">Chat channels</h2>
        {canEdit && !adding && !connected ? (
          <Button
            id={`add-channel-${flowId}`}
            type="button"
            variant="secondary"
            className="px-2 py-1 text-xs"
            onClick={() => setAdding(true)}
          >
            Add channel
          </Button>
        ) : null}
      </div>
      <p className="text-xs text-slate-500">
        The flow answers only on platforms ticked under Channels in its settings, and only once
        published.
      </p>
      {canEdit ? null : (
        <p className="text-xs text-slate-500">
          Only owners and admins can connect or change channels.
        </p>
      )}
      {adding ? (
        <AddChannelForm
          flowId={flowId}
          flowChannels={flowChannels}
          onCancel={() => {
            setAdding(false);
            requestAnimationFrame(() => document.getElementById(`add-channel-${flowId}`)?.focus());
          }}
          onConnected={(result) => {
            setAdding(false);
            setConnected(result);
            if (result.kindTicked) onFlowChannelsChange(result.flowChannels);
            void load();
          }}
        />
      ) : null}
      {connected ? (
        <ChannelConnected
          result={connected}
          onDone={() => {
            setConnected(null);
            // Button (components/ui) takes no ref: focus returns to it by id once it is back.
            requestAnimationFrame(() => document.getElementById(`add-channel-${flowId}`)?.focus());
          }}
        />
      ) : null}
      <FormError message={loadError} />
      {channels === null ? (
        loadError ? null : (
          <p aria-busy="true" className="text-sm text-slate-500">
            Loading channels…
          </p>
        )
      ) : channels.length === 0 ? (
        adding || connected ? null : (
          <EmptyState title="No chat platforms yet">
            Connect Telegram, Messenger, WhatsApp or Slack so customers can pay in those chats.
          </EmptyState>
        )
      ) : (
        <ul aria-label="Connected channels" className="space-y-3">
          {channels.map((channel) => (
            <ChannelItem
              key={channel.id}
              channel={channel}
              canEdit={canEdit}
              offered={flowChannels.includes(channel.kind)}
              onChange={replace}
            />
          ))}
        </ul>
      )}
    </section>
  );
}
