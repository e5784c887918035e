"use client";

import { Button } from "@/components/ui/button";
import { Field, FormError, Input, Select } from "@/components/ui/field";
import { formText } from "@/lib/form-data";
import { createTestPaymentAction } from "@/lib/payments/actions";
import Link from "next/link";
import { useState, useTransition } from "react";

interface Created {
  paymentId: string;
  checkoutUrl: string | null;
}

/** A real checkout on this connection, for trying the whole path before a bot does. */
export function TestPaymentForm({
  connectionId,
  currencies,
  disabled,
}: {
  connectionId: string;
  currencies: string[];
  disabled: boolean;
}) {
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});
  const [created, setCreated] = useState<Created | null>(null);
  const [pending, startTransition] = useTransition();
  const defaultCurrency = currencies.includes("EUR") ? "EUR" : (currencies[0] ?? "EUR");

  function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const input = {
      connectionId,
      amount: formText(form, "amount"),
      currency: formText(form, "currency"),
      description: formText(form, "description"),
    };
    startTransition(async () => {
      setCreated(null);
      const result = await createTestPaymentAction(input);
      if (result.ok) {
        setError(null);
        setFieldErrors({});
        setCreated(result.data);
      } else {
        setError(result.error);
        setFieldErrors(result.fieldErrors ?? {});
      }
    });
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-4" aria-label="Create a test payment">
      <FormError message={error} />
      <div className="grid gap-4 sm:grid-cols-[1fr_8rem]">
        <Field
          label="Amount"
          name="amount"
          error={fieldErrors.amount ?? fieldErrors.amountMinor}
          hint="In the currency's units, e.g. 12.50"
        >
          <Input
            name="amount"
            inputMode="decimal"
            defaultValue="12.50"
            required
            invalid={Boolean(fieldErrors.amount ?? fieldErrors.amountMinor)}
          />
        </Field>
        <Field label="Currency" name="currency" error={fieldErrors.currency}>
          <Select
            name="currency"
            defaultValue={defaultCurrency}
            invalid={Boolean(fieldErrors.currency)}
          >
            {currencies.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </Select>
        </Field>
      </div>
      <Field label="Description" name="description" error={fieldErrors.description}>
        <Input
          name="description"
          defaultValue="Test payment"
          maxLength={120}
          invalid={Boolean(fieldErrors.description)}
        />
      </Field>
      <Button type="submit" disabled={pending || disabled}>
        {pending ? "Creating the checkout…" : "Create test payment"}
      </Button>
      {disabled ? (
        <p className="text-xs text-slate-500">Enable the connection to create payments.</p>
      ) : null}
      {created ? (
        <div
          role="status"
          className="space-y-1 rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-900 ring-1 ring-emerald-200"
        >
          <p>Test payment created.</p>
          <p className="flex flex-wrap gap-4">
            {created.checkoutUrl ? (
              <a
                href={created.checkoutUrl}
                target="_blank"
                rel="noopener noreferrer"
                className="font-medium text-brand-700 underline"
              >
                Open the checkout page
              </a>
            ) : null}
            <Link
              href={`/transactions/${created.paymentId}`}
              className="font-medium text-brand-700 underline"
            >
              View the payment
            </Link>
          </p>
        </div>
      ) : null}
    </form>
  );
}
