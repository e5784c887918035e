"use client";

import { cn } from "@/components/ui/cn";
import { Field, Input } from "@/components/ui/field";
import type { Lang, LocalizedText } from "@/lib/flows/graph";
import { hasTranslation } from "@/lib/flows/i18n";
import { useState } from "react";
import { useDesigner } from "../designer/designer-context";
import { LANG_TABS } from "../node-meta";

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

/**
 * A text box that only hands valid values to the graph: while the text is invalid it shows
 * why beside the field and the graph keeps its last valid value (so autosave never sends junk).
 */
export function ValidatedInput<T>({
  id,
  label,
  value,
  format,
  parse,
  onCommit,
  hint,
  inputMode,
  list,
  className,
}: {
  id: string;
  label: string;
  value: T;
  format(value: T): string;
  parse(text: string): Parsed<T>;
  onCommit(value: T): void;
  hint?: string;
  inputMode?: React.HTMLAttributes<HTMLInputElement>["inputMode"];
  /** Id of a <datalist> with suggestions. */
  list?: string;
  className?: string;
}) {
  const { checkpoint } = useDesigner();
  const [draft, setDraft] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  return (
    <div className={className}>
      <Field label={label} name={id} error={error ?? undefined} hint={hint}>
        <Input
          name={id}
          inputMode={inputMode}
          list={list}
          value={draft ?? format(value)}
          invalid={Boolean(error)}
          onChange={(event) => {
            const text = event.target.value;
            setDraft(text);
            const parsed = parse(text);
            if (parsed.ok) {
              setError(null);
              onCommit(parsed.value);
            } else {
              setError(parsed.message);
            }
          }}
          onBlur={() => {
            setDraft(null);
            setError(null);
            checkpoint();
          }}
        />
      </Field>
    </div>
  );
}

export function parseWholeNumber(min: number, max: number): (text: string) => Parsed<number> {
  return (text) => {
    const trimmed = text.trim();
    if (!/^\d+$/.test(trimmed)) return { ok: false, message: "Enter a whole number." };
    const n = Number(trimmed);
    if (n < min || n > max) return { ok: false, message: `Enter a number from ${min} to ${max}.` };
    return { ok: true, value: n };
  };
}

/** The language tabs at the top of the inspector; a dot marks languages with missing text. */
export function LangTabs({ missing }: { missing: ReadonlySet<Lang> }) {
  const { graph, lang, setLang } = useDesigner();
  return (
    <div role="tablist" aria-label="Language" className="flex gap-1 border-b border-slate-200">
      {graph.languages.map((l) => (
        <button
          key={l}
          type="button"
          role="tab"
          aria-selected={l === lang}
          title={`${LANG_TABS[l].name}${missing.has(l) ? " — missing text" : ""}`}
          onClick={() => setLang(l)}
          className={cn(
            "relative -mb-px border-b-2 px-3 py-1.5 text-sm",
            l === lang
              ? "border-brand-600 font-semibold text-brand-700"
              : "border-transparent text-slate-600 hover:text-slate-900",
          )}
        >
          {LANG_TABS[l].tab}
          {missing.has(l) ? (
            <span
              aria-label="missing text"
              className="absolute right-0.5 top-1 h-1.5 w-1.5 rounded-full bg-red-500"
            />
          ) : null}
        </button>
      ))}
    </div>
  );
}

/** One translatable text in the language the tabs show; a missing translation is highlighted. */
export function LocalizedField({
  id,
  label,
  value,
  onChange,
  optional = false,
  multiline = false,
}: {
  id: string;
  label: string;
  value: LocalizedText | undefined;
  onChange(next: LocalizedText): void;
  optional?: boolean;
  multiline?: boolean;
}) {
  const { graph, lang, checkpoint } = useDesigner();
  const anyFilled = graph.languages.some((l) => hasTranslation(value, l));
  const missing = !hasTranslation(value, lang) && (!optional || anyFilled);
  const inputId = `${id}-${lang}`;
  const fallback = lang === graph.defaultLanguage ? undefined : value?.[graph.defaultLanguage];
  const tab = LANG_TABS[lang].tab;
  const change = (text: string) => {
    const next: LocalizedText = { ...value };
    if (text === "") delete next[lang];
    else next[lang] = text;
    onChange(next);
  };
  const classes = cn(
    "block w-full rounded-md border-0 px-3 py-2 text-sm text-slate-900 ring-1 ring-inset placeholder:text-slate-400 focus:ring-2 focus:ring-brand-500",
    missing ? "bg-red-50/60 ring-red-400" : "ring-slate-300",
  );
  const shared = {
    id: inputId,
    value: value?.[lang] ?? "",
    placeholder: fallback ? `${LANG_TABS[graph.defaultLanguage].tab}: ${fallback}` : undefined,
    "aria-invalid": missing || undefined,
    "aria-describedby": missing ? `${inputId}-missing` : undefined,
    className: classes,
    onBlur: () => checkpoint(),
  };
  return (
    <div className="space-y-1">
      <label htmlFor={inputId} className="block text-sm font-medium text-slate-700">
        {label} ({tab})
        {optional ? <span className="font-normal text-slate-500"> — optional</span> : null}
      </label>
      {multiline ? (
        <textarea rows={3} {...shared} onChange={(e) => change(e.target.value)} />
      ) : (
        <input type="text" {...shared} onChange={(e) => change(e.target.value)} />
      )}
      {missing ? (
        <p id={`${inputId}-missing`} className="text-xs font-medium text-red-700">
          Missing {LANG_TABS[lang].name} text.
        </p>
      ) : null}
    </div>
  );
}
