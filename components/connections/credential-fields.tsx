import { Field, Input } from "@/components/ui/field";
import type { CredentialField } from "@/lib/connections/provider-catalog";

/** The provider's credential inputs, named `credentials.<field>` like the service's errors. */
export function CredentialFields({
  fields,
  errors,
  idPrefix = "",
  currentHints,
}: {
  fields: CredentialField[];
  errors?: Record<string, string[]>;
  idPrefix?: string;
  /** Masked hints of what is stored now (rotation form); never the secret itself. */
  currentHints?: Record<string, string>;
}) {
  return (
    <>
      {fields.map((field) => {
        const key = `credentials.${field.name}`;
        const id = `${idPrefix}${key}`;
        const error = errors?.[key];
        const current = currentHints?.[field.name];
        return (
          <Field
            key={key}
            label={field.label}
            name={id}
            error={error}
            hint={current ? `${field.hint} Now: ${current}` : field.hint}
          >
            <Input
              name={id}
              type={field.secret ? "password" : "text"}
              autoComplete={field.secret ? "new-password" : "off"}
              spellCheck={false}
              placeholder={field.placeholder}
              invalid={Boolean(error)}
              required
            />
          </Field>
        );
      })}
    </>
  );
}

/** Reads `credentials.<field>` inputs back into a record, trimmed; empty fields are left out. */
export function readCredentials(
  form: FormData,
  fields: CredentialField[],
  idPrefix = "",
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const field of fields) {
    const value = form.get(`${idPrefix}credentials.${field.name}`);
    if (typeof value === "string" && value.trim()) out[field.name] = value.trim();
  }
  return out;
}
