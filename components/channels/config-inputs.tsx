"use client";

import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/field";
import { CHANNEL_CONFIG_FIELDS, type ConnectableKind } from "@/lib/channels/forms";
import { useState } from "react";

const TOKEN_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

/** 32 characters from A-Z a-z 0-9 _ - (what Telegram's secret_token allows); 256 % 64 = 0, so unbiased. */
export function generateSecretToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (b) => TOKEN_ALPHABET[b % 64]).join("");
}

/** The inputs one platform's config needs; secrets are password inputs with Show and, where Parley can make one up, Generate. */
export function ConfigInputs({
  kind,
  idPrefix,
  values,
  onChange,
  fieldErrors,
  keepBlank = false,
  autoFocusFirst = false,
}: {
  kind: ConnectableKind;
  /** Keeps ids unique when several forms are on the page. */
  idPrefix: string;
  values: Record<string, string>;
  onChange(values: Record<string, string>): void;
  fieldErrors: Record<string, string[]>;
  /** Rotation: a blank field keeps the value in use. */
  keepBlank?: boolean;
  autoFocusFirst?: boolean;
}) {
  const [shown, setShown] = useState<Record<string, boolean>>({});
  return (
    <>
      {CHANNEL_CONFIG_FIELDS[kind].map((field, index) => {
        const id = `${idPrefix}-${field.name}`;
        const error = fieldErrors[`config.${field.name}`];
        const visible = !field.secret || shown[field.name] === true;
        return (
          <Field
            key={field.name}
            label={field.label}
            name={id}
            error={error}
            hint={keepBlank ? "Leave blank to keep the current value." : field.hint}
          >
            <div className="flex gap-2">
              <Input
                name={id}
                type={visible ? "text" : "password"}
                value={values[field.name] ?? ""}
                invalid={Boolean(error)}
                autoComplete={field.secret ? "new-password" : "off"}
                spellCheck={false}
                autoFocus={autoFocusFirst && index === 0}
                inputMode={field.inputMode}
                className="font-mono"
                onChange={(e) => onChange({ ...values, [field.name]: e.target.value })}
              />
              {field.secret ? (
                <Button
                  type="button"
                  variant="ghost"
                  className="shrink-0 px-2 text-xs"
                  aria-pressed={visible}
                  aria-label={`${visible ? "Hide" : "Show"} ${field.label.toLowerCase()}`}
                  onClick={() => setShown({ ...shown, [field.name]: !visible })}
                >
                  {visible ? "Hide" : "Show"}
                </Button>
              ) : null}
              {field.generate ? (
                <Button
                  type="button"
                  variant="secondary"
                  className="shrink-0 px-2 text-xs"
                  aria-label={`Generate a ${field.label.toLowerCase()}`}
                  onClick={() => {
                    onChange({ ...values, [field.name]: generateSecretToken() });
                    // Shown so it can be copied into the platform's settings.
                    setShown({ ...shown, [field.name]: true });
                  }}
                >
                  Generate
                </Button>
              ) : null}
            </div>
          </Field>
        );
      })}
    </>
  );
}
