"use client";

import { SubmitRow } from "@/components/ui/button";
import { Field, FormError, Input, Select } from "@/components/ui/field";
import { formText } from "@/lib/form-data";
import { formatMoney, minorToMajorString } from "@/lib/money";
import { refundPaymentAction } from "@/lib/payments/actions";
import { REFUND_REASON_CODES, REFUND_REASON_LABELS } from "@/lib/refunds/reasons";
import { useRouter } from "next/navigation";
import { useRef, useState, useTransition } from "react";

/**
 * One idempotency key per intended refund, drawn when the form opens: a double click or a
 * retried request (after a timeout, or when Parley itself could not be reached) sends the same
 * key, so the server returns the same refund. A new key is drawn only once this intent is over:
 * the refund went through, or was refused and nothing was refunded. A pending refund whose
 * outcome is unknown keeps its key: retrying it asks the provider, it never refunds twice.
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
  // Set synchronously: a second click lands before React re-renders the disabled button.
  const inFlight = useRef(false);

  function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (inFlight.current) return;
    inFlight.current = true;
    const form = new FormData(event.currentTarget);
    const input = {
      paymentId,
      amount: formText(form, "amount"),
      reasonCode: formText(form, "reasonCode"),
      reason: formText(form, "reason"),
      idempotencyKey,
    };
    startTransition(async () => {
      setDone(null);
      try {
        const result = await refundPaymentAction(input);
        if (result.ok) {
          setError(null);
          setFieldErrors({});
          const status = result.data.status;
          setDone(
            status === "failed"
              ? "The provider refused the refund."
              : status === "pending"
                ? "Refund pending: the provider has not confirmed it yet; we will check again."
                : "Refund sent to the provider.",
          );
          // Pending: the same intent is still open, so a retry must carry the same key.
          if (status !== "pending") setIdempotencyKey(crypto.randomUUID());
          router.refresh();
        } else {
          // A refusal: nothing was refunded, so trying again is a new intent.
          setError(result.error);
          setFieldErrors(result.fieldErrors ?? {});
          setIdempotencyKey(crypto.randomUUID());
        }
      } catch {
        // Parley's answer never came: the refund may exist. Keep the key, so retrying is safe.
        setError("Parley could not be reached. Try again: the same refund will not be sent twice.");
      } finally {
        inFlight.current = false;
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
        <Field label="Reason" name="reasonCode" error={fieldErrors.reasonCode}>
          <Select
            name="reasonCode"
            defaultValue="requested_by_customer"
            invalid={Boolean(fieldErrors.reasonCode)}
          >
            {REFUND_REASON_CODES.map((code) => (
              <option key={code} value={code}>
                {REFUND_REASON_LABELS[code]}
              </option>
            ))}
          </Select>
        </Field>
        <div className="sm:col-span-2">
          <Field
            label="Note"
            name="reason"
            error={fieldErrors.reason}
            hint="For your team; PayPal shows it to the customer"
          >
            <Input
              name="reason"
              placeholder="e.g. customer asked to cancel"
              maxLength={500}
              invalid={Boolean(fieldErrors.reason)}
            />
          </Field>
        </div>
      </div>
      <SubmitRow
        label="Refund"
        pendingLabel="Refunding…"
        pending={pending}
        done={done}
        variant="danger"
        doneClassName="text-sm text-slate-700"
      />
    </form>
  );
}
