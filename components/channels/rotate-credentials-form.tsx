"use client";

import { useStepUp } from "@/components/auth/step-up";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";
import { type ChannelView, rotateChannelConfigAction } from "@/lib/channels/actions";
import { type ConnectableKind, configFieldLabel } from "@/lib/channels/forms";
import { useRef, useState, useTransition } from "react";
import { ConfigInputs } from "./config-inputs";
import { useFocusFirstError } from "./use-focus-first-error";

/** New credentials for a channel; blank fields keep the value in use. */
export function RotateCredentialsForm({
  channelId,
  kind,
  onRotated,
  onCancel,
}: {
  channelId: string;
  kind: ConnectableKind;
  onRotated(channel: ChannelView, message: string): void;
  onCancel(): void;
}) {
  const [config, setConfig] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});
  const [pending, startTransition] = useTransition();
  const withStepUp = useStepUp();
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstError(formRef, fieldErrors, pending);

  return (
    <form
      ref={formRef}
      id={`rotate-${channelId}`}
      aria-label="Replace credentials"
      noValidate
      className="space-y-3 rounded-md bg-slate-50 p-3 ring-1 ring-slate-200"
      onKeyDown={(event) => {
        if (event.key === "Escape" && !pending) onCancel();
      }}
      onSubmit={(event) => {
        event.preventDefault();
        setError(null);
        startTransition(async () => {
          const result = await withStepUp(() => rotateChannelConfigAction({ channelId, config }));
          if (!result.ok) {
            setError(result.error);
            setFieldErrors(result.fieldErrors ?? {});
            return;
          }
          const changed = result.data.changedFields.map((f) => configFieldLabel(kind, f));
          onRotated(
            result.data.channel,
            changed.length > 0
              ? `Replaced: ${changed.join(", ")}. The platform's next request is checked with the new values.`
              : "Nothing changed: those are the values already in use.",
          );
        });
      }}
    >
      <fieldset disabled={pending} className="space-y-3">
        <ConfigInputs
          kind={kind}
          idPrefix={`rotate-${channelId}`}
          values={config}
          onChange={setConfig}
          fieldErrors={fieldErrors}
          keepBlank
          autoFocusFirst
        />
        <FormError message={fieldErrors.config?.[0] ?? error} />
        <div className="flex gap-2">
          <Button type="submit">{pending ? "Saving…" : "Save new credentials"}</Button>
          <Button type="button" variant="ghost" onClick={onCancel}>
            Cancel
          </Button>
        </div>
      </fieldset>
    </form>
  );
}
