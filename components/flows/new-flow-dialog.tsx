"use client";

import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { Dialog } from "@/components/ui/dialog";
import { Field, FormError, Input, Select } from "@/components/ui/field";
import { createFlow } from "@/lib/flows/actions";
import { FLOW_TEMPLATES, type TemplateId } from "@/lib/flows/templates";
import { SUPPORTED_CURRENCIES } from "@/lib/money";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";

const TEMPLATE_TITLES: Record<TemplateId, string> = {
  pay_invoice: "Pay an invoice",
  order_and_pay: "Order and pay",
  donation: "Donation",
  reminder_link: "Pay a reminder link",
  blank: "Blank",
};

/** "New flow": pick a template, name it, and land in the designer. */
export function NewFlowButton({
  defaultCurrency,
  label = "New flow",
}: {
  defaultCurrency: string;
  label?: string;
}) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [templateId, setTemplateId] = useState<TemplateId>("order_and_pay");
  const [name, setName] = useState("");
  const [currency, setCurrency] = useState(defaultCurrency);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});
  const [pending, startTransition] = useTransition();

  return (
    <>
      <Button type="button" onClick={() => setOpen(true)}>
        {label}
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} title="New flow">
        <form
          className="space-y-4"
          onSubmit={(event) => {
            event.preventDefault();
            setError(null);
            startTransition(async () => {
              const result = await createFlow({ templateId, name, currency });
              if (!result.ok) {
                setError(result.error);
                setFieldErrors(result.fieldErrors ?? {});
                return;
              }
              router.push(`/flows/${result.data.id}`);
            });
          }}
        >
          <fieldset>
            <legend className="mb-2 text-sm font-medium text-slate-700">Start from</legend>
            <div role="radiogroup" className="grid gap-2 sm:grid-cols-2">
              {FLOW_TEMPLATES.map((template) => (
                <label
                  key={template.id}
                  className={cn(
                    "cursor-pointer rounded-lg p-3 ring-1",
                    templateId === template.id
                      ? "bg-brand-50 ring-2 ring-brand-500"
                      : "ring-slate-200 hover:bg-slate-50",
                  )}
                >
                  <input
                    type="radio"
                    name="template"
                    value={template.id}
                    checked={templateId === template.id}
                    onChange={() => {
                      setTemplateId(template.id);
                      if (!name) setName(TEMPLATE_TITLES[template.id]);
                    }}
                    className="sr-only"
                  />
                  <span className="block text-sm font-semibold text-slate-900">
                    {TEMPLATE_TITLES[template.id]}
                  </span>
                  <span className="mt-0.5 block text-xs text-slate-600">
                    {template.description.en}
                  </span>
                </label>
              ))}
            </div>
          </fieldset>
          <Field label="Name" name="flow-name" error={fieldErrors.name}>
            <Input
              name="flow-name"
              value={name}
              maxLength={80}
              placeholder="e.g. Lunch orders"
              invalid={Boolean(fieldErrors.name)}
              onChange={(e) => setName(e.target.value)}
            />
          </Field>
          <Field
            label="Currency"
            name="flow-currency"
            error={fieldErrors.currency}
            hint="Prices and amounts in this flow use it."
          >
            <Select
              name="flow-currency"
              value={currency}
              onChange={(e) => setCurrency(e.target.value)}
            >
              {SUPPORTED_CURRENCIES.map((code) => (
                <option key={code} value={code}>
                  {code}
                </option>
              ))}
            </Select>
          </Field>
          <FormError message={error} />
          <div className="flex justify-end gap-2">
            <Button type="button" variant="secondary" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button type="submit" disabled={pending}>
              {pending ? "Creating…" : "Create and open"}
            </Button>
          </div>
        </form>
      </Dialog>
    </>
  );
}
