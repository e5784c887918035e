"use client";

import { SubmitRow } from "@/components/ui/button";
import { Field, FormError, Input, Select } from "@/components/ui/field";
import type { ChannelKind } from "@/db/schema/flows";
import { CHANNEL_KINDS } from "@/lib/channels/platforms/types";
import { updateFlowSettings } from "@/lib/flows/actions";
import { type FlowGraph, type Lang, LANGS } from "@/lib/flows/graph";
import { useState, useTransition } from "react";
import { useDesigner } from "../designer/designer-context";
import { CHANNEL_LABELS, LANG_TABS } from "../node-meta";

export interface SavedSettings {
  name: string;
  channels: ChannelKind[];
  graph: FlowGraph | null;
  draftRevision: number;
}

/** Shown when no step is selected: the flow's name, channels and languages. */
export function FlowSettings({
  flowId,
  name,
  channels,
  beforeSave,
  onSaved,
}: {
  flowId: string;
  name: string;
  channels: ChannelKind[];
  /** Saves pending edits first and returns the draft revision to build on, or null. */
  beforeSave(): Promise<number | null>;
  onSaved(saved: SavedSettings): void;
}) {
  const { graph, readOnly } = useDesigner();
  const [form, setForm] = useState({
    name,
    channels,
    languages: graph.languages,
    defaultLanguage: graph.defaultLanguage,
  });
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});
  const [saved, setSaved] = useState(false);
  const [pending, startTransition] = useTransition();
  const languagesChanged =
    form.defaultLanguage !== graph.defaultLanguage ||
    form.languages.length !== graph.languages.length ||
    form.languages.some((l, i) => l !== graph.languages[i]);

  const toggle = <T,>(list: T[], item: T, on: boolean, order: readonly T[]) =>
    order.filter((x) => (x === item ? on : list.includes(x)));

  return (
    <section aria-label="Flow settings" className="space-y-4">
      <h2 className="text-sm font-semibold text-slate-800">Flow settings</h2>
      <p className="text-xs text-slate-500">Select a step on the canvas to edit it.</p>
      <form
        className="space-y-4"
        onSubmit={(event) => {
          event.preventDefault();
          setError(null);
          setSaved(false);
          startTransition(async () => {
            const revision = languagesChanged ? await beforeSave() : undefined;
            if (revision === null) {
              setError("Your latest edits are not saved yet; settings were not changed.");
              return;
            }
            const result = await updateFlowSettings({
              flowId,
              name: form.name,
              channels: form.channels,
              ...(languagesChanged
                ? { languages: form.languages, defaultLanguage: form.defaultLanguage, revision }
                : {}),
            });
            if (!result.ok) {
              setError(result.error);
              setFieldErrors(result.fieldErrors ?? {});
              return;
            }
            setFieldErrors({});
            setSaved(true);
            onSaved(result.data);
          });
        }}
      >
        <fieldset disabled={readOnly || pending} className="space-y-4">
          <Field label="Flow name" name="flow-name" error={fieldErrors.name}>
            <Input
              name="flow-name"
              value={form.name}
              maxLength={80}
              onChange={(e) => setForm({ ...form, name: e.target.value })}
            />
          </Field>
          <fieldset>
            <legend className="text-sm font-medium text-slate-700">Channels</legend>
            <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1">
              {CHANNEL_KINDS.map((kind) => (
                <label key={kind} className="flex items-center gap-1.5 text-sm">
                  <input
                    type="checkbox"
                    checked={form.channels.includes(kind)}
                    onChange={(e) =>
                      setForm({
                        ...form,
                        channels: toggle(form.channels, kind, e.target.checked, CHANNEL_KINDS),
                      })
                    }
                  />
                  {CHANNEL_LABELS[kind]}
                </label>
              ))}
            </div>
          </fieldset>
          <fieldset>
            <legend className="text-sm font-medium text-slate-700">Languages</legend>
            <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1">
              {LANGS.map((lang) => (
                <label key={lang} className="flex items-center gap-1.5 text-sm">
                  <input
                    type="checkbox"
                    checked={form.languages.includes(lang)}
                    onChange={(e) =>
                      setForm({
                        ...form,
                        languages: toggle(form.languages, lang, e.target.checked, LANGS),
                      })
                    }
                  />
                  {LANG_TABS[lang].name}
                </label>
              ))}
            </div>
            {fieldErrors.languages ? (
              <p className="text-xs font-medium text-red-700">{fieldErrors.languages[0]}</p>
            ) : null}
          </fieldset>
          <Field
            label="Default language"
            name="flow-default-language"
            error={fieldErrors.defaultLanguage}
            hint="Used when a customer's language is unknown."
          >
            <Select
              name="flow-default-language"
              value={form.defaultLanguage}
              onChange={(e) => setForm({ ...form, defaultLanguage: e.target.value as Lang })}
            >
              {form.languages.map((lang) => (
                <option key={lang} value={lang}>
                  {LANG_TABS[lang].name}
                </option>
              ))}
            </Select>
          </Field>
          <p className="text-sm text-slate-600">
            Currency: <span className="font-medium">{graph.currency}</span>
          </p>
          {graph.inputs.length > 0 ? (
            <div className="text-sm text-slate-600">
              <p className="font-medium text-slate-700">Values your system passes in</p>
              <ul className="mt-1 list-inside list-disc text-xs">
                {graph.inputs.map((input) => (
                  <li key={input.name}>
                    <code>{`{{${input.name}}}`}</code> — {input.label ?? input.kind}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          {readOnly ? null : (
            <SubmitRow
              label="Save settings"
              pendingLabel="Saving…"
              pending={pending}
              done={saved ? "Settings saved" : null}
              doneClassName="text-xs text-emerald-700"
            />
          )}
        </fieldset>
        <FormError message={error} />
      </form>
    </section>
  );
}
