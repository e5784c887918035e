"use client";

import { useStepUp } from "@/components/auth/step-up";
import { SubmitRow } from "@/components/ui/button";
import { Field, FormError, Input } from "@/components/ui/field";
import { formText } from "@/lib/form-data";
import { formatMoney, minorToMajorString } from "@/lib/money";
import { recordManualRefundAction } from "@/lib/payments/actions";
import { useRouter } from "next/navigation";
import { useRef, useState, useTransition } from "react";

/**
 * For providers without a refund API: the merchant sends the money back themselves (from their
 * Coinbase account) and records it here. One idempotency key per intended record, so a double
 * click records it once.
 */
export function ManualRefundForm({
  paymentId,
  refundableMinor,
  currency,
  providerName,
}: {
  paymentId: string;
  refundableMinor: number;
  currency: string;
  providerName: string;
}) {
  const router = useRouter();
  const [idempotencyKey, setIdempotencyKey] = useState(() => crypto.randomUUID());
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});
  const [done, setDone] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const withStepUp = useStepUp();
  const inFlight = useRef(false);

  function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (inFlight.current) return;
    inFlight.current = true;
    const form = new FormData(event.currentTarget);
    const input = {
      paymentId,
      amount: formText(form, "amount"),
      note: formText(form, "note"),
      idempotencyKey,
    };
    startTransition(async () => {
      setDone(null);
      try {
        const result = await withStepUp(() => recordManualRefundAction(input));
        if (result.ok) {
          setError(null);
          setFieldErrors({});
          setDone("Refund recorded.");
          setIdempotencyKey(crypto.randomUUID());
          router.refresh();
        } else {
          setError(result.error);
          setFieldErrors(result.fieldErrors ?? {});
          setIdempotencyKey(crypto.randomUUID());
        }
      } catch {
        setError("Parley could not be reached. Try again: it will not be recorded twice.");
      } finally {
        inFlight.current = false;
      }
    });
  }

  return (
    <form
      onSubmit={submit}
      noValidate
      className="space-y-3"
      aria-label="Record a refund"
      data-testid="manual-refund-form"
    >
      <p role="note" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
        {providerName} has no refund API, so Parley cannot send this refund. Send the money back
        from your {providerName} account first, then record it here: it counts like any other
        refund.
      </p>
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
        <Field label="Note" name="note" error={fieldErrors.note}>
          <Input
            name="note"
            placeholder="e.g. sent 10 USDC back, transaction 0x…"
            required
            maxLength={500}
            invalid={Boolean(fieldErrors.note)}
          />
        </Field>
      </div>
      <SubmitRow
        label="Record refund"
        pendingLabel="Recording…"
        pending={pending}
        done={done}
        variant="danger"
        doneClassName="text-sm text-slate-700"
      />
    </form>
  );
}
