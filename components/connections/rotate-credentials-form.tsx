"use client";

import { useStepUp } from "@/components/auth/step-up";
import { SubmitRow } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";
import { rotateCredentialsAction } from "@/lib/connections/actions";
import { fieldsFor } from "@/lib/connections/provider-catalog";
import type { ProviderKind } from "@/lib/connections/providers/types";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { CredentialFields, readCredentials } from "./credential-fields";

const ID_PREFIX = "rotate-";

/** New keys replace the stored ones only after the provider accepts them. */
export function RotateCredentialsForm({
  connectionId,
  provider,
  mode,
  hints,
}: {
  connectionId: string;
  provider: ProviderKind;
  mode: "test" | "live";
  hints: Record<string, string>;
}) {
  const router = useRouter();
  const fields = fieldsFor(provider, mode);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});
  const [done, setDone] = useState(false);
  const [pending, startTransition] = useTransition();
  const withStepUp = useStepUp();

  function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const credentials = readCredentials(new FormData(formElement), fields, ID_PREFIX);
    startTransition(async () => {
      setDone(false);
      const result = await withStepUp(() => rotateCredentialsAction({ connectionId, credentials }));
      if (result.ok) {
        setError(null);
        setFieldErrors({});
        setDone(true);
        formElement.reset();
        router.refresh();
      } else {
        setError(result.error);
        setFieldErrors(result.fieldErrors ?? {});
      }
    });
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-4" aria-label="Rotate credentials">
      <FormError message={error} />
      {fields.length === 0 ? (
        <p className="text-sm text-slate-600">
          Sandbox generates a new webhook secret; deliveries signed with the old one stop verifying.
        </p>
      ) : (
        <CredentialFields
          fields={fields}
          errors={fieldErrors}
          idPrefix={ID_PREFIX}
          currentHints={hints}
        />
      )}
      <SubmitRow
        label="Rotate credentials"
        pendingLabel="Checking the new keys…"
        pending={pending}
        done={done ? "Credentials rotated." : null}
      />
    </form>
  );
}
