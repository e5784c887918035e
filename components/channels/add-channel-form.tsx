"use client";

import { useStepUp } from "@/components/auth/step-up";
import { CHANNEL_LABELS } from "@/components/flows/node-meta";
import { Button } from "@/components/ui/button";
import { Field, FormError, Input, Select } from "@/components/ui/field";
import { connectChannelAction } from "@/lib/channels/actions";
import type { ConnectedChannel } from "@/lib/channels/admin";
import { CONNECTABLE_KINDS, isConnectableKind, type ConnectableKind } from "@/lib/channels/forms";
import type { ChannelKind } from "@/lib/channels/platforms/types";
import { useRef, useState, useTransition } from "react";
import { ConfigInputs } from "./config-inputs";
import { useFocusFirstError } from "./use-focus-first-error";

/** Connects the flow to one more chat platform: the platform, its credentials, a label. */
export function AddChannelForm({
  flowId,
  flowChannels,
  onConnected,
  onCancel,
}: {
  flowId: string;
  flowChannels: ChannelKind[];
  onConnected(result: ConnectedChannel): void;
  onCancel(): void;
}) {
  const [kind, setKind] = useState<ConnectableKind>("telegram");
  const [config, setConfig] = useState<Record<string, string>>({});
  const [label, setLabel] = useState("");
  const [apiBaseUrl, setApiBaseUrl] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});
  const [pending, startTransition] = useTransition();
  const withStepUp = useStepUp();
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstError(formRef, fieldErrors, pending);

  const submit = () => {
    setError(null);
    startTransition(async () => {
      const result = await withStepUp(() =>
        connectChannelAction({ flowId, kind, label, apiBaseUrl, config }),
      );
      if (!result.ok) {
        setError(result.error);
        setFieldErrors(result.fieldErrors ?? {});
        return;
      }
      setFieldErrors({});
      onConnected(result.data);
    });
  };

  return (
    <form
      ref={formRef}
      aria-label="Add channel"
      noValidate
      className="space-y-3 rounded-md bg-slate-50 p-3 ring-1 ring-slate-200"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
      onKeyDown={(event) => {
        if (event.key === "Escape" && !pending) onCancel();
      }}
    >
      <fieldset disabled={pending} className="space-y-3">
        <Field label="Platform" name="channel-kind" error={fieldErrors.kind}>
          <Select
            name="channel-kind"
            value={kind}
            autoFocus
            onChange={(e) => {
              if (!isConnectableKind(e.target.value)) return;
              setKind(e.target.value);
              setConfig({});
              setFieldErrors({});
            }}
          >
            {CONNECTABLE_KINDS.map((k) => (
              <option key={k} value={k}>
                {CHANNEL_LABELS[k]}
              </option>
            ))}
          </Select>
        </Field>
        {flowChannels.includes(kind) ? null : (
          <p className="rounded-md bg-sky-50 px-3 py-2 text-xs text-sky-900 ring-1 ring-sky-200">
            This flow does not offer {CHANNEL_LABELS[kind]} yet: connecting ticks{" "}
            {CHANNEL_LABELS[kind]} in its Channels settings so it answers there.
          </p>
        )}
        <ConfigInputs
          kind={kind}
          idPrefix="channel-config"
          values={config}
          onChange={setConfig}
          fieldErrors={fieldErrors}
        />
        <Field
          label="Label (optional)"
          name="channel-label"
          error={fieldErrors.label}
          hint={`Tells channels apart, e.g. "${CHANNEL_LABELS[kind]} support bot".`}
        >
          <Input
            name="channel-label"
            value={label}
            maxLength={120}
            invalid={Boolean(fieldErrors.label)}
            onChange={(e) => setLabel(e.target.value)}
          />
        </Field>
        <details open={Boolean(fieldErrors.apiBaseUrl)} className="text-sm">
          <summary className="cursor-pointer text-slate-700">Advanced: API base URL</summary>
          <div className="mt-2">
            <Field
              label="API base URL"
              name="channel-api-base-url"
              error={fieldErrors.apiBaseUrl}
              hint="Only for a test or fake server. Leave blank to talk to the real platform."
            >
              <Input
                name="channel-api-base-url"
                type="url"
                value={apiBaseUrl}
                placeholder="http://127.0.0.1:4010"
                invalid={Boolean(fieldErrors.apiBaseUrl)}
                onChange={(e) => setApiBaseUrl(e.target.value)}
              />
            </Field>
          </div>
        </details>
        <FormError message={error} />
        <div className="flex gap-2">
          <Button type="submit">
            {pending ? "Connecting…" : `Connect ${CHANNEL_LABELS[kind]}`}
          </Button>
          <Button type="button" variant="ghost" onClick={onCancel}>
            Cancel
          </Button>
        </div>
      </fieldset>
    </form>
  );
}
