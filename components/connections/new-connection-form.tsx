"use client";

import { useStepUp } from "@/components/auth/step-up";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { Field, FormError, Input, Select } from "@/components/ui/field";
import { createConnectionAction } from "@/lib/connections/actions";
import { fieldsFor, PROVIDER_ORDER, PROVIDERS } from "@/lib/connections/provider-catalog";
import type { ProviderKind } from "@/lib/connections/providers/types";
import { formText } from "@/lib/form-data";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { CredentialFields, readCredentials } from "./credential-fields";
import { ProviderMonogram } from "./provider-badge";

type Mode = "test" | "live";

export function NewConnectionForm({
  initialProvider = "sandbox",
}: {
  initialProvider?: ProviderKind;
}) {
  const router = useRouter();
  const [provider, setProvider] = useState<ProviderKind>(initialProvider);
  const [mode, setMode] = useState<Mode>("test");
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});
  const [pending, startTransition] = useTransition();
  const withStepUp = useStepUp();
  const info = PROVIDERS[provider];
  const effectiveMode: Mode = info.modes.includes(mode) ? mode : "test";
  const fields = fieldsFor(provider, effectiveMode);

  function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const apiBaseUrl = formText(form, "apiBaseUrl").trim();
    const input = {
      provider,
      label: formText(form, "label").trim(),
      mode: effectiveMode,
      credentials: readCredentials(form, fields),
      ...(apiBaseUrl ? { apiBaseUrl } : {}),
    };
    startTransition(async () => {
      const result = await withStepUp(() => createConnectionAction(input));
      if (result.ok) {
        router.push(`/connections/${result.data.id}`);
        return;
      }
      setError(result.error);
      setFieldErrors(result.fieldErrors ?? {});
    });
  }

  return (
    <form onSubmit={submit} noValidate className="max-w-2xl space-y-6" aria-busy={pending}>
      <FormError message={error} />
      <fieldset>
        <legend className="mb-2 text-sm font-medium text-slate-700">Provider</legend>
        <div className="grid gap-3 sm:grid-cols-2">
          {PROVIDER_ORDER.map((kind) => {
            const p = PROVIDERS[kind];
            const checked = kind === provider;
            return (
              <label
                key={kind}
                className={cn(
                  "flex cursor-pointer gap-3 rounded-lg bg-white p-4 ring-1 focus-within:ring-2 focus-within:ring-brand-500",
                  checked ? "ring-2 ring-brand-600" : "ring-slate-200 hover:ring-slate-300",
                )}
              >
                <input
                  type="radio"
                  name="provider"
                  value={kind}
                  checked={checked}
                  onChange={() => {
                    setProvider(kind);
                    setFieldErrors({});
                  }}
                  className="mt-2.5 h-4 w-4 shrink-0 accent-brand-600"
                />
                <ProviderMonogram provider={kind} />
                <span>
                  <span className="block text-sm font-semibold text-slate-900">{p.name}</span>
                  <span className="block text-xs text-slate-600">{p.summary}</span>
                  <span className="mt-1 block text-xs text-slate-500">Needs: {p.needs}</span>
                </span>
              </label>
            );
          })}
        </div>
        {fieldErrors.provider ? (
          <p role="alert" className="mt-1 text-xs font-medium text-red-700">
            {fieldErrors.provider[0]}
          </p>
        ) : null}
      </fieldset>

      <div className="grid gap-4 sm:grid-cols-2">
        <Field
          label="Label"
          name="label"
          error={fieldErrors.label}
          hint="How this connection is called in Parley, e.g. “Stripe EU”."
        >
          <Input
            name="label"
            defaultValue={info.name}
            key={provider}
            required
            maxLength={80}
            invalid={Boolean(fieldErrors.label)}
          />
        </Field>
        <Field
          label="Mode"
          name="mode"
          error={fieldErrors.mode}
          hint={provider === "sandbox" ? "Sandbox is always test mode." : "Use test keys first."}
        >
          <Select
            name="mode"
            value={effectiveMode}
            onChange={(e) => setMode(e.target.value as Mode)}
            disabled={info.modes.length < 2}
          >
            {info.modes.map((m) => (
              <option key={m} value={m}>
                {m === "test" ? "Test" : "Live"}
              </option>
            ))}
          </Select>
        </Field>
      </div>

      {fields.length > 0 ? (
        <fieldset className="space-y-4">
          <legend className="mb-2 text-sm font-medium text-slate-700">
            {info.name} credentials
          </legend>
          <CredentialFields fields={fields} errors={fieldErrors} />
        </fieldset>
      ) : (
        <p className="rounded-md bg-violet-50 px-3 py-2 text-sm text-violet-900 ring-1 ring-violet-200">
          Sandbox needs no keys: Parley generates a webhook secret and hosts a test checkout page.
        </p>
      )}

      <details
        open={fieldErrors.apiBaseUrl ? true : undefined}
        className="rounded-md bg-white px-4 py-3 ring-1 ring-slate-200"
      >
        <summary className="cursor-pointer text-sm font-medium text-slate-700">
          Advanced: API base URL
        </summary>
        <div className="mt-3">
          <Field
            label="API base URL"
            name="apiBaseUrl"
            error={fieldErrors.apiBaseUrl}
            hint="Leave empty to use the provider's own API. Set it only for a test or fake server."
          >
            <Input
              name="apiBaseUrl"
              type="url"
              placeholder="http://127.0.0.1:4010"
              invalid={Boolean(fieldErrors.apiBaseUrl)}
            />
          </Field>
        </div>
      </details>

      <div className="flex gap-3">
        <Button type="submit" disabled={pending}>
          {pending ? (provider === "sandbox" ? "Adding…" : "Checking the keys…") : "Add connection"}
        </Button>
        <Button type="button" variant="secondary" onClick={() => router.push("/connections")}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
