"use client";

import { Button } from "@/components/ui/button";
import { Field, FormError, Input } from "@/components/ui/field";
import { type ChannelView, saveReminderTemplateAction } from "@/lib/channels/actions";
import { TEMPLATE_PLACEHOLDERS } from "@/lib/channels/settings";
import { useState, useTransition } from "react";

/**
 * WhatsApp only delivers an approved template once the customer's last message is 24 hours
 * old: the template reminders use then (name, language, body parameters). Without one such
 * reminders are skipped, and the conversation says so.
 */
export function ReminderTemplateForm({
  channel,
  canEdit,
  onSaved,
}: {
  channel: ChannelView;
  canEdit: boolean;
  onSaved(channel: ChannelView): void;
}) {
  const current = channel.settings?.reminderTemplate;
  const [name, setName] = useState(current?.name ?? "");
  const [language, setLanguage] = useState(current?.language ?? "en");
  const [parameters, setParameters] = useState((current?.parameters ?? []).join("\n"));
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const id = `template-${channel.id}`;
  return (
    <form
      aria-label="Reminder template"
      noValidate
      className="space-y-2 rounded-md bg-slate-50 p-3 ring-1 ring-slate-200"
      onSubmit={(event) => {
        event.preventDefault();
        setError(null);
        setNotice(null);
        startTransition(async () => {
          const result = await saveReminderTemplateAction({
            channelId: channel.id,
            name,
            language,
            parameters,
          });
          if (!result.ok) {
            setError(result.error);
            setFieldErrors(result.fieldErrors ?? {});
            return;
          }
          setFieldErrors({});
          onSaved(result.data);
          setNotice(
            name
              ? "Saved: reminders after the 24-hour window use this template."
              : "Removed: reminders after the 24-hour window are skipped.",
          );
        });
      }}
    >
      <h4 className="text-sm font-medium text-slate-800">Reminder template (after 24 hours)</h4>
      <p className="text-xs text-slate-600">
        {current
          ? `In use: ${current.name} (${current.language}).`
          : "None yet: reminders after the customer's 24-hour window are skipped."}{" "}
        Parameters fill the template body&apos;s {"{{1}}"}, {"{{2}}"}… in order; use{" "}
        {TEMPLATE_PLACEHOLDERS.join(", ")}.
      </p>
      <fieldset disabled={pending || !canEdit} className="grid gap-2 sm:grid-cols-2">
        <Field label="Template name" name={`${id}-name`} error={fieldErrors.name?.[0]}>
          <Input
            name={`${id}-name`}
            value={name}
            placeholder="payment_reminder"
            invalid={Boolean(fieldErrors.name)}
            onChange={(e) => setName(e.target.value)}
          />
        </Field>
        <Field label="Language code" name={`${id}-language`} error={fieldErrors.language?.[0]}>
          <Input
            name={`${id}-language`}
            value={language}
            placeholder="en_US"
            invalid={Boolean(fieldErrors.language)}
            onChange={(e) => setLanguage(e.target.value)}
          />
        </Field>
        <div className="sm:col-span-2">
          <Field
            label="Parameters (one per line)"
            name={`${id}-parameters`}
            error={fieldErrors.parameters?.[0]}
          >
            <textarea
              id={`${id}-parameters`}
              name={`${id}-parameters`}
              rows={3}
              className="w-full rounded-md border border-slate-300 px-3 py-2 text-sm"
              value={parameters}
              onChange={(e) => setParameters(e.target.value)}
            />
          </Field>
        </div>
        {canEdit ? (
          <div>
            <Button type="submit">{pending ? "Saving…" : "Save template"}</Button>
          </div>
        ) : null}
      </fieldset>
      <FormError message={error} />
      {notice ? (
        <p role="status" className="text-xs text-emerald-800">
          {notice}
        </p>
      ) : null}
    </form>
  );
}
