"use client";

import { Button } from "@/components/ui/button";
import { Field, FormError, Input } from "@/components/ui/field";
import { formText } from "@/lib/form-data";
import { formatMoney, minorToMajorString } from "@/lib/money";
import { refundPaymentAction } from "@/lib/payments/actions";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";

/**
 * One idempotency key per intended refund: a double click or a retried request refunds once.
 * A new key is drawn only after a refund went through.
 */
export function RefundForm({
  paymentId,
  refundableMinor,
  currency,
}: {
  paymentId: string;
  refundableMinor: number;
  currency: string;
}) {
  const router = useRouter();
  const [idempotencyKey, setIdempotencyKey] = useState(() => crypto.randomUUID());
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});
  const [done, setDone] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const input = {
      paymentId,
      amount: formText(form, "amount"),
      reason: formText(form, "reason"),
      idempotencyKey,
    };
    startTransition(async () => {
      setDone(null);
      const result = await refundPaymentAction(input);
      if (result.ok) {
        setError(null);
        setFieldErrors({});
        setDone(
          result.data.status === "failed"
            ? "The provider refused the refund."
            : "Refund sent to the provider.",
        );
        setIdempotencyKey(crypto.randomUUID());
        router.refresh();
      } else {
        setError(result.error);
        setFieldErrors(result.fieldErrors ?? {});
      }
    });
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-3" aria-label="Refund">
      <FormError message={error} />
      <div className="grid gap-3 sm:grid-cols-[10rem_1fr]">
        <Field
          label={`Amount (${currency})`}
          name="amount"
          error={fieldErrors.amount ?? fieldErrors.amountMinor}
          hint={`Up to ${formatMoney(refundableMinor, currency)}`}
        >
          <Input
            name="amount"
            inputMode="decimal"
            defaultValue={minorToMajorString(refundableMinor, currency)}
            key={refundableMinor}
            required
            invalid={Boolean(fieldErrors.amount ?? fieldErrors.amountMinor)}
          />
        </Field>
        <Field label="Reason" name="reason" error={fieldErrors.reason}>
          <Input
            name="reason"
            placeholder="e.g. customer asked to cancel"
            required
            maxLength={500}
            invalid={Boolean(fieldErrors.reason)}
          />
        </Field>
      </div>
      <div className="flex items-center gap-3">
        <Button type="submit" variant="danger" disabled={pending}>
          {pending ? "Refunding…" : "Refund"}
        </Button>
        {done ? (
          <span role="status" className="text-sm text-slate-700">
            {done}
          </span>
        ) : null}
      </div>
    </form>
  );
}
