"use client";
// The websites allowed to embed this flow's chat (the widget's iframe). Browsers refuse to show
// the chat framed anywhere else: the list becomes the chat page's frame-ancestors policy.
import { SubmitRow } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";
import { updateFlowSettings } from "@/lib/flows/actions";
import { MAX_WIDGET_ORIGINS, splitOrigins } from "@/lib/flows/widget-origins";
import { useState, useTransition } from "react";

export function WidgetSites({
  flowId,
  origins,
  readOnly,
}: {
  flowId: string;
  origins: string[];
  readOnly: boolean;
}) {
  const [saved, setSaved] = useState(origins);
  const [text, setText] = useState(origins.join("\n"));
  const [error, setError] = useState<string | null>(null);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [pending, startTransition] = useTransition();

  return (
    <form
      aria-label="Websites that may embed the chat"
      className="space-y-2"
      onSubmit={(event) => {
        event.preventDefault();
        setError(null);
        setDone(false);
        startTransition(async () => {
          const result = await updateFlowSettings({ flowId, widgetOrigins: splitOrigins(text) });
          if (!result.ok) {
            const fields = result.fieldErrors ?? {};
            const key = Object.keys(fields).find((k) => k.startsWith("widgetOrigins"));
            setFieldError(key ? fields[key][0] : null);
            if (!key) setError(result.error);
            return;
          }
          setFieldError(null);
          setSaved(result.data.widgetOrigins);
          setText(result.data.widgetOrigins.join("\n"));
          setDone(true);
        });
      }}
    >
      <label
        htmlFor={`widget-sites-${flowId}`}
        className="block text-sm font-medium text-slate-700"
      >
        Websites that may embed the chat
      </label>
      <textarea
        id={`widget-sites-${flowId}`}
        name="widget-sites"
        rows={3}
        value={text}
        disabled={readOnly || pending}
        placeholder="https://shop.example.com"
        aria-invalid={fieldError ? true : undefined}
        aria-describedby={`widget-sites-${flowId}-help`}
        onChange={(e) => setText(e.target.value)}
        className="block w-full rounded-md border-0 px-3 py-2 font-mono text-xs text-slate-900 ring-1 ring-inset ring-slate-300 placeholder:text-slate-400 focus:ring-2 focus:ring-brand-500"
      />
      <p id={`widget-sites-${flowId}-help`} className="text-xs text-slate-500">
        {fieldError ? (
          <span role="alert" className="font-medium text-red-700">
            {fieldError}
          </span>
        ) : saved.length === 0 ? (
          "None yet: the widget shows only on Parley's own chat page. Add one site per line (https://…), up to " +
          `${MAX_WIDGET_ORIGINS}.`
        ) : (
          `The chat can be framed on ${saved.length} site${saved.length === 1 ? "" : "s"} only.`
        )}
      </p>
      {readOnly ? null : (
        <SubmitRow
          label="Save sites"
          pendingLabel="Saving…"
          pending={pending}
          done={done ? "Sites saved" : null}
          doneClassName="text-xs text-emerald-700"
        />
      )}
      <FormError message={error} />
    </form>
  );
}
