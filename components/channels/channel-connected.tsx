"use client";

import { CHANNEL_LABELS } from "@/components/flows/node-meta";
import { Button } from "@/components/ui/button";
import type { ConnectedChannel } from "@/lib/channels/admin";
import { isConnectableKind, platformNextStep } from "@/lib/channels/forms";
import { useEffect, useRef } from "react";
import { CopyField } from "./copy-field";

/** Right after connecting: the URL to paste into the platform and where it goes. */
export function ChannelConnected({ result, onDone }: { result: ConnectedChannel; onDone(): void }) {
  const { channel, kindTicked } = result;
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const next = isConnectableKind(channel.kind)
    ? platformNextStep(channel.kind, channel.webhookUrl)
    : null;
  const name = CHANNEL_LABELS[channel.kind];
  return (
    <div
      data-testid="channel-connected"
      className="space-y-3 rounded-md bg-emerald-50 p-3 text-sm ring-1 ring-emerald-200"
    >
      <h3 ref={heading} tabIndex={-1} className="font-semibold text-emerald-900 outline-none">
        {name} connected: {channel.label}
      </h3>
      <CopyField label="Webhook URL" value={channel.webhookUrl} testId="connected-webhook-url" />
      {next ? (
        <div className="space-y-1 text-slate-700">
          <p className="font-medium">Next: {next.summary}</p>
          {next.command ? (
            <pre className="overflow-x-auto whitespace-pre-wrap break-all rounded bg-slate-900 p-2 text-xs text-slate-100">
              {next.command}
            </pre>
          ) : null}
          <ol className="list-inside list-decimal space-y-1 text-xs">
            {next.steps.map((step) => (
              <li key={step} className="break-words">
                {step}
              </li>
            ))}
          </ol>
        </div>
      ) : null}
      {kindTicked ? (
        <p role="status" className="text-xs text-slate-700">
          {name} is now ticked in this flow&apos;s Channels settings, so the flow answers there once
          it is published.
        </p>
      ) : null}
      <Button type="button" variant="secondary" onClick={onDone}>
        Done
      </Button>
    </div>
  );
}
