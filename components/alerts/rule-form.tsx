"use client";

import { Button } from "@/components/ui/button";
import { Field, FormError, Input, Select } from "@/components/ui/field";
import type { AlertKind, Mode } from "@/db/schema";
import { createAlertRuleAction, updateAlertRuleAction } from "@/lib/alerts/actions";
import {
  ALERT_KIND_LABELS,
  ALERT_KINDS,
  DECLINE_KEY_LABELS,
  DECLINE_KEYS,
} from "@/lib/alerts/schemas";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";

export interface RuleFormValues {
  id?: string;
  name: string;
  kind: AlertKind;
  mode: Mode;
  enabled: boolean;
  config: Record<string, unknown>;
}

const NUMBER_FIELDS: Record<AlertKind, { name: string; label: string; hint: string }[]> = {
  failure_rate: [
    { name: "failureRateAbovePercent", label: "Failure rate above (%)", hint: "1–100" },
    { name: "windowMinutes", label: "Over the last (minutes)", hint: "1–1440" },
    { name: "minAttempts", label: "With at least (attempts)", hint: "Payments that ended" },
  ],
  card_testing: [
    { name: "declinesAbove", label: "Declines above", hint: "For one customer" },
    { name: "windowMinutes", label: "Within (minutes)", hint: "1–1440" },
  ],
  webhook_silence: [
    { name: "silentMinutes", label: "No webhook for (minutes)", hint: "While payments wait" },
  ],
  disputes_today: [{ name: "disputesAbove", label: "Disputes above", hint: "Opened today, UTC" }],
};

const DEFAULTS: Record<string, string> = {
  failureRateAbovePercent: "25",
  windowMinutes: "15",
  minAttempts: "20",
  declinesAbove: "5",
  silentMinutes: "30",
  disputesAbove: "3",
};

/** Add or edit one rule; errors come back per field and show beside it. */
export function RuleForm({
  initial,
  prefix,
  onDone,
}: {
  initial: RuleFormValues;
  prefix: string;
  onDone: () => void;
}) {
  const router = useRouter();
  const [kind, setKind] = useState<AlertKind>(initial.kind);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});
  const [pending, startTransition] = useTransition();
  const id = (name: string) => `${prefix}-${name}`;
  const value = (name: string) => {
    const v = initial.config[name];
    return typeof v === "string" || typeof v === "number" ? String(v) : (DEFAULTS[name] ?? "");
  };
  const control = (name: string) => ({
    id: id(name),
    name,
    invalid: Boolean(fieldErrors[name]),
    "aria-describedby": fieldErrors[name] ? `${id(name)}-error` : undefined,
  });

  return (
    <form
      noValidate
      aria-label={initial.id ? `Edit rule ${initial.name}` : "New rule"}
      className="space-y-4 rounded-lg bg-slate-50 p-4 ring-1 ring-slate-200"
      onSubmit={(event) => {
        event.preventDefault();
        const form = new FormData(event.currentTarget);
        form.set("mode", initial.mode);
        if (initial.id) form.set("ruleId", initial.id);
        startTransition(async () => {
          const result = initial.id
            ? await updateAlertRuleAction(form)
            : await createAlertRuleAction(form);
          if (result.ok) {
            setError(null);
            setFieldErrors({});
            onDone();
            router.refresh();
          } else {
            setFieldErrors(result.fieldErrors ?? {});
            setError(result.error);
          }
        });
      }}
    >
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Name" name={id("name")} error={fieldErrors.name}>
          <Input {...control("name")} defaultValue={initial.name} maxLength={80} />
        </Field>
        <Field label="Watches" name={id("kind")} error={fieldErrors.kind}>
          <Select
            {...control("kind")}
            value={kind}
            onChange={(e) => setKind(e.target.value as AlertKind)}
          >
            {ALERT_KINDS.map((k) => (
              <option key={k} value={k}>
                {ALERT_KIND_LABELS[k]}
              </option>
            ))}
          </Select>
        </Field>
        {kind === "failure_rate" ? (
          <Field label="Where" name={id("scope")} error={fieldErrors.scope}>
            <Select {...control("scope")} defaultValue={value("scope") || "overall"}>
              <option value="overall">All connections together</option>
              <option value="per_connection">Each connection on its own</option>
            </Select>
          </Field>
        ) : null}
        {kind === "card_testing" ? (
          <Field label="Declines for one" name={id("key")} error={fieldErrors.key}>
            <Select {...control("key")} defaultValue={value("key") || "email"}>
              {DECLINE_KEYS.map((k) => (
                <option key={k} value={k}>
                  {DECLINE_KEY_LABELS[k]}
                </option>
              ))}
            </Select>
          </Field>
        ) : null}
        {NUMBER_FIELDS[kind].map((f) => (
          <Field
            key={`${kind}-${f.name}`}
            label={f.label}
            name={id(f.name)}
            error={fieldErrors[f.name]}
            hint={f.hint}
          >
            <Input {...control(f.name)} inputMode="numeric" defaultValue={value(f.name)} />
          </Field>
        ))}
      </div>
      <div className="flex items-center gap-2">
        <input
          id={id("enabled")}
          name="enabled"
          type="checkbox"
          defaultChecked={initial.enabled}
          className="h-4 w-4 rounded border-slate-300"
        />
        <label htmlFor={id("enabled")} className="text-sm text-slate-700">
          On (evaluated every few seconds)
        </label>
      </div>
      <FormError message={error} />
      <div className="flex gap-2">
        <Button type="submit" disabled={pending}>
          {pending ? "Saving…" : initial.id ? "Save rule" : "Add rule"}
        </Button>
        <Button type="button" variant="secondary" onClick={onDone}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
