"use client";

import { CHANNEL_LABELS } from "@/components/flows/node-meta";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";
import { type ChannelView, setChannelEnabledAction } from "@/lib/channels/actions";
import { configFieldLabel, isConnectableKind } from "@/lib/channels/forms";
import { useState, useTransition } from "react";
import { CopyField } from "./copy-field";
import { ReminderTemplateForm } from "./reminder-template-form";
import { RotateCredentialsForm } from "./rotate-credentials-form";

function formatTime(iso: string): string {
  return new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" }).format(
    new Date(iso),
  );
}

/** One connected channel: what it is, whether it is on, its masked settings and webhook URL. */
export function ChannelItem({
  channel,
  canEdit,
  offered,
  onChange,
}: {
  channel: ChannelView;
  canEdit: boolean;
  /** Whether the flow's settings tick this platform (the engine ignores the others). */
  offered: boolean;
  onChange(channel: ChannelView): void;
}) {
  const [rotating, setRotating] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  // Button (components/ui) takes no ref: focus returns to it by id.
  const rotateButtonId = `rotate-button-${channel.id}`;
  const focusRotateButton = () => document.getElementById(rotateButtonId)?.focus();
  const name = CHANNEL_LABELS[channel.kind];

  const toggle = () => {
    setError(null);
    setNotice(null);
    startTransition(async () => {
      const result = await setChannelEnabledAction({
        channelId: channel.id,
        enabled: !channel.enabled,
      });
      if (!result.ok) return setError(result.error);
      onChange({ ...result.data, lastActivityAt: channel.lastActivityAt });
      setNotice(result.data.enabled ? `${name} channel enabled.` : `${name} channel disabled.`);
    });
  };

  return (
    <li
      aria-label={`${name}: ${channel.label}`}
      data-testid="channel-item"
      className="space-y-3 rounded-md p-3 ring-1 ring-slate-200"
    >
      <div className="flex flex-wrap items-center gap-2">
        <Badge tone="slate">{name}</Badge>
        <span className="min-w-0 flex-1 truncate text-sm font-medium text-slate-800">
          {channel.label}
        </span>
        {channel.enabled ? (
          <Badge tone="green">Enabled</Badge>
        ) : (
          <Badge tone="amber">Disabled</Badge>
        )}
      </div>
      {!channel.enabled ? (
        <p className="text-xs text-slate-600">
          Disabled: its webhook answers 404, so {name} stops delivering messages here.
        </p>
      ) : !offered ? (
        <p className="rounded bg-amber-50 px-2 py-1 text-xs text-amber-900 ring-1 ring-amber-200">
          Not answering: {name} is not ticked in this flow&apos;s Channels settings.
        </p>
      ) : null}
      <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-xs">
        {Object.entries(channel.configHint).map(([field, hint]) => (
          <div key={field} className="contents">
            <dt className="text-slate-500">{configFieldLabel(channel.kind, field)}</dt>
            <dd className="break-all font-mono text-slate-800">{hint}</dd>
          </div>
        ))}
        {channel.apiBaseUrl ? (
          <div className="contents">
            <dt className="text-slate-500">API base URL</dt>
            <dd className="break-all font-mono text-slate-800">{channel.apiBaseUrl}</dd>
          </div>
        ) : null}
        <div className="contents">
          <dt className="text-slate-500">Last chat</dt>
          <dd className="text-slate-800">
            {channel.lastActivityAt ? formatTime(channel.lastActivityAt) : "No chats yet"}
          </dd>
        </div>
      </dl>
      <CopyField label="Webhook URL" value={channel.webhookUrl} />
      {canEdit ? (
        <div className="flex flex-wrap gap-2">
          <Button
            type="button"
            variant="secondary"
            className="px-2 py-1 text-xs"
            disabled={pending}
            onClick={toggle}
          >
            {pending ? "Saving…" : channel.enabled ? "Disable" : "Enable"}
          </Button>
          {isConnectableKind(channel.kind) ? (
            <Button
              id={rotateButtonId}
              type="button"
              variant="secondary"
              className="px-2 py-1 text-xs"
              aria-expanded={rotating}
              aria-controls={`rotate-${channel.id}`}
              onClick={() => {
                setNotice(null);
                setRotating(!rotating);
              }}
            >
              Replace credentials
            </Button>
          ) : null}
        </div>
      ) : null}
      {rotating && isConnectableKind(channel.kind) ? (
        <RotateCredentialsForm
          channelId={channel.id}
          kind={channel.kind}
          onCancel={() => {
            setRotating(false);
            focusRotateButton();
          }}
          onRotated={(updated, message) => {
            onChange({ ...updated, lastActivityAt: channel.lastActivityAt });
            setRotating(false);
            setNotice(message);
            focusRotateButton();
          }}
        />
      ) : null}
      {notice ? (
        <p role="status" className="text-xs text-emerald-800">
          {notice}
        </p>
      ) : null}
      <FormError message={error} />
      {channel.kind === "whatsapp" ? (
        <ReminderTemplateForm
          channel={channel}
          canEdit={canEdit}
          onSaved={(updated) => onChange({ ...updated, lastActivityAt: channel.lastActivityAt })}
        />
      ) : null}
    </li>
  );
}
