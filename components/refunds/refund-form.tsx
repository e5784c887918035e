"use client";

import { useStepUp } from "@/components/auth/step-up";
import { SubmitRow } from "@/components/ui/button";
import { Field, FormError, Input, Select } from "@/components/ui/field";
import { formText } from "@/lib/form-data";
import { currencyExponent, formatMoney, minorToMajorString } from "@/lib/money";
import { refundPaymentAction } from "@/lib/payments/actions";
import { REFUND_REASON_CODES, REFUND_REASON_LABELS } from "@/lib/refunds/reason-codes";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useRef, useState, useTransition } from "react";

export interface RefundFormProps {
  paymentId: string;
  /** What is left to refund now: captured less refunded, refunds in flight and pending requests. */
  remainingMinor: number;
  currency: string;
  /** An open dispute blocks refunds: the form explains why and links to it instead. */
  openDispute?: { id: string; message: string } | null;
  /** The requester's limit in this currency (null: none), to say up front what needs approval. */
  limitMinor?: number | null;
}

/**
 * The one refund form, for a transaction or a dispute case: full or partial, with a reason code
 * each provider maps (lib/refunds/reason-codes.ts). Above the member's limit it becomes a refund
 * request for a second person (lib/refunds/service.ts).
 *
 * One idempotency key per intended refund, drawn when the form opens: a double click or a
 * retried request sends the same key, so the server returns the same refund (or request). A new
 * key is drawn only once this intent is over; a pending refund whose outcome is unknown keeps its
 * key: retrying it asks the provider, it never refunds twice.
 */
export function RefundForm({
  paymentId,
  remainingMinor,
  currency,
  openDispute,
  limitMinor,
}: RefundFormProps) {
  const router = useRouter();
  const [idempotencyKey, setIdempotencyKey] = useState(() => crypto.randomUUID());
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});
  const [done, setDone] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const withStepUp = useStepUp();
  // Set synchronously: a second click lands before React re-renders the disabled button.
  const inFlight = useRef(false);

  if (openDispute) {
    return (
      <div
        role="note"
        className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200"
        data-testid="refund-blocked"
      >
        <p className="font-medium">Refunds are blocked while a dispute is open</p>
        <p className="mt-1">{openDispute.message}</p>
        <Link
          href={`/disputes/${openDispute.id}`}
          className="mt-1 inline-block text-brand-700 underline"
        >
          Open the dispute
        </Link>
      </div>
    );
  }

  function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (inFlight.current) return;
    inFlight.current = true;
    const form = new FormData(event.currentTarget);
    const input = {
      paymentId,
      amount: formText(form, "amount"),
      reasonCode: formText(form, "reasonCode"),
      note: formText(form, "note"),
      idempotencyKey,
    };
    startTransition(async () => {
      setDone(null);
      try {
        const result = await withStepUp(() => refundPaymentAction(input));
        if (result.ok) {
          setError(null);
          setFieldErrors({});
          const { kind, status } = result.data;
          setDone(
            kind === "requested"
              ? "Above your refund limit: sent for approval. A second person with enough authority approves or declines it."
              : status === "failed"
                ? "The provider refused the refund."
                : status === "pending"
                  ? "Refund pending: the provider has not confirmed it yet; we will check again."
                  : "Refund sent to the provider.",
          );
          // Pending: the same intent is still open, so a retry must carry the same key.
          if (kind === "requested" || status !== "pending") setIdempotencyKey(crypto.randomUUID());
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

  const amountError = fieldErrors.amount ?? fieldErrors.amountMinor;
  const example =
    currencyExponent(currency) === 0
      ? "1200"
      : currencyExponent(currency) === 3
        ? "1.250"
        : "12.50";
  const limitHint =
    limitMinor === undefined || limitMinor === null
      ? ""
      : limitMinor === 0
        ? " · every refund needs approval"
        : ` · above ${formatMoney(limitMinor, currency)} needs approval`;

  return (
    <form onSubmit={submit} noValidate className="space-y-3" aria-label="Refund">
      <FormError message={error} />
      <div className="grid gap-3 sm:grid-cols-[10rem_1fr]">
        <Field
          label={`Amount (${currency})`}
          name="amount"
          error={amountError}
          hint={`Up to ${formatMoney(remainingMinor, currency)}, e.g. ${example}${limitHint}`}
        >
          <Input
            name="amount"
            inputMode="decimal"
            defaultValue={minorToMajorString(remainingMinor, currency)}
            key={remainingMinor}
            required
            invalid={Boolean(amountError)}
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
      </div>
      <Field
        label="Note"
        name="note"
        error={fieldErrors.note}
        hint="For your team (PayPal shows it to the customer)"
      >
        <Input
          name="note"
          placeholder="e.g. customer asked to cancel"
          maxLength={500}
          invalid={Boolean(fieldErrors.note)}
        />
      </Field>
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
