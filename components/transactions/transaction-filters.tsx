"use client";

// The transactions filter bar. Filters live in the URL (lib/payments/schemas.ts is the contract):
// applying one pushes a history entry, so back/forward restores the previous view and any view
// can be bookmarked. Popovers are Radix (focus management, Escape, aria wiring); the custom date
// range is react-day-picker beside two plain date fields.
import { methodName } from "@/components/connections/chips";
import { Button } from "@/components/ui/button";
import { CHANNEL_KINDS } from "@/lib/channels/platforms/types";
import { PROVIDER_ORDER, PROVIDERS } from "@/lib/connections/provider-catalog";
import { PAYMENT_METHODS, PAYMENT_STATUSES } from "@/lib/connections/providers/types";
import { SUPPORTED_CURRENCIES } from "@/lib/money";
import type { TransactionFilterOptions } from "@/lib/payments/queries";
import {
  DATE_RANGE_LABELS,
  DATE_RANGES,
  transactionsHref,
  type TransactionFilterValues,
} from "@/lib/payments/schemas";
import { PAYMENT_STATUS_LABELS } from "@/lib/payments/status-display";
import * as Popover from "@radix-ui/react-popover";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type ComponentProps, type FormEvent, type ReactNode } from "react";
import { DayPicker, type DateRange as DayRange } from "react-day-picker";
import "react-day-picker/style.css";
import { CHANNEL_NAMES, filterChips, withoutFields } from "./filter-labels";

const CONTROL =
  "block w-full rounded-md border-0 px-3 py-2 text-sm text-slate-900 ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-brand-500";
const TRIGGER =
  "inline-flex items-center gap-1 rounded-md bg-white px-3 py-2 text-sm font-medium text-slate-700 ring-1 ring-inset ring-slate-300 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-500";
const PANEL =
  "z-50 w-[min(22rem,calc(100vw-1rem))] rounded-lg bg-white p-4 text-sm shadow-lg ring-1 ring-slate-200";

function dayText(date: Date): string {
  const m = String(date.getMonth() + 1).padStart(2, "0");
  const d = String(date.getDate()).padStart(2, "0");
  return `${date.getFullYear()}-${m}-${d}`;
}

function dayDate(text: string | undefined): Date | undefined {
  if (!text) return undefined;
  const [y, m, d] = text.split("-").map(Number) as [number, number, number];
  return new Date(y, m - 1, d);
}

export function TransactionFilters({
  values,
  options,
  limit,
  timeZone,
}: {
  values: TransactionFilterValues;
  options: TransactionFilterOptions;
  limit: number;
  timeZone: string;
}) {
  const router = useRouter();
  const [draft, setDraft] = useState<TransactionFilterValues>(values);
  const [open, setOpen] = useState<"status" | "date" | "more" | null>(null);

  function apply(next: TransactionFilterValues) {
    setOpen(null);
    router.push(transactionsHref(next, undefined, limit));
  }
  function applyDraft(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    apply(draft);
  }
  function set<K extends keyof TransactionFilterValues>(key: K, value: TransactionFilterValues[K]) {
    setDraft((d) => ({ ...d, [key]: value }));
  }
  const popover = (name: "status" | "date" | "more") => ({
    open: open === name,
    onOpenChange: (isOpen: boolean) => setOpen(isOpen ? name : null),
  });
  const chips = filterChips(values, options);
  const moreCount = (
    ["connection", "provider", "method", "currency", "flow", "channel"] as const
  ).filter((k) => values[k]).length;

  return (
    <section aria-label="Filters" className="mb-4 space-y-3">
      <div className="flex flex-wrap items-end gap-2">
        <form
          role="search"
          aria-label="Search payments"
          className="flex min-w-0 flex-1 basis-full gap-2 sm:basis-64"
          onSubmit={(e) => {
            e.preventDefault();
            apply(draft);
          }}
        >
          <label htmlFor="transactions-q" className="sr-only">
            Search by payment id, provider id, customer email or description
          </label>
          <input
            id="transactions-q"
            type="search"
            name="q"
            maxLength={200}
            value={draft.q ?? ""}
            onChange={(e) => set("q", e.target.value || undefined)}
            placeholder="Payment id, provider id, email, description"
            className={CONTROL}
          />
          <Button type="submit" variant="secondary">
            Search
          </Button>
        </form>

        <FilterPopover
          {...popover("status")}
          label={<>Status{values.status.length > 0 ? ` (${values.status.length})` : ""}</>}
          align="start"
        >
          <form onSubmit={applyDraft}>
            <fieldset>
              <legend className="mb-2 font-medium text-slate-900">Status</legend>
              <div className="grid grid-cols-2 gap-1">
                {PAYMENT_STATUSES.map((s) => (
                  <label key={s} className="flex items-center gap-2 py-0.5">
                    <input
                      type="checkbox"
                      checked={draft.status.includes(s)}
                      onChange={(e) =>
                        set(
                          "status",
                          e.target.checked
                            ? PAYMENT_STATUSES.filter((x) => x === s || draft.status.includes(x))
                            : draft.status.filter((x) => x !== s),
                        )
                      }
                    />
                    {PAYMENT_STATUS_LABELS[s].label}
                  </label>
                ))}
              </div>
            </fieldset>
            <div className="mt-3 flex justify-end">
              <Button type="submit">Apply</Button>
            </div>
          </form>
        </FilterPopover>

        <FilterPopover
          {...popover("date")}
          label={values.range ? DATE_RANGE_LABELS[values.range] : "Any date"}
          align="start"
        >
          <form onSubmit={applyDraft}>
            <fieldset>
              <legend className="mb-2 font-medium text-slate-900">
                Date <span className="font-normal text-slate-500">({timeZone})</span>
              </legend>
              <div className="flex flex-wrap gap-x-3 gap-y-1">
                {(["", ...DATE_RANGES] as const).map((r) => (
                  <label key={r || "any"} className="flex items-center gap-1.5">
                    <input
                      type="radio"
                      name="range"
                      checked={(draft.range ?? "") === r}
                      onChange={() => set("range", r || undefined)}
                    />
                    {r ? DATE_RANGE_LABELS[r] : "Any date"}
                  </label>
                ))}
              </div>
            </fieldset>
            {draft.range === "custom" ? (
              <div className="mt-3 space-y-2">
                <div className="grid grid-cols-2 gap-2">
                  <InputField
                    label="From"
                    type="date"
                    name="from"
                    value={draft.from ?? ""}
                    onChange={(e) => set("from", e.target.value || undefined)}
                  />
                  <InputField
                    label="To"
                    type="date"
                    name="to"
                    value={draft.to ?? ""}
                    onChange={(e) => set("to", e.target.value || undefined)}
                  />
                </div>
                <DayPicker
                  mode="range"
                  numberOfMonths={1}
                  selected={{ from: dayDate(draft.from), to: dayDate(draft.to) }}
                  defaultMonth={dayDate(draft.from) ?? new Date()}
                  onSelect={(selected: DayRange | undefined) =>
                    setDraft((d) => ({
                      ...d,
                      from: selected?.from ? dayText(selected.from) : undefined,
                      to: selected?.to ? dayText(selected.to) : undefined,
                    }))
                  }
                  style={{ fontSize: "0.8rem" }}
                />
              </div>
            ) : null}
            <div className="mt-3 flex justify-end">
              <Button type="submit">Apply</Button>
            </div>
          </form>
        </FilterPopover>

        <FilterPopover
          {...popover("more")}
          label={<>More filters{moreCount > 0 ? ` (${moreCount})` : ""}</>}
          align="end"
        >
          <form className="grid grid-cols-2 gap-3" onSubmit={applyDraft}>
            <SelectField
              label="Connection"
              value={draft.connection}
              onChange={(v) => set("connection", v)}
              choices={options.connections.map((c) => [c.id, c.label])}
              all="All connections"
            />
            <SelectField
              label="Provider"
              value={draft.provider}
              onChange={(v) => set("provider", v as TransactionFilterValues["provider"])}
              choices={PROVIDER_ORDER.map((p) => [p, PROVIDERS[p].name])}
              all="All providers"
            />
            <SelectField
              label="Method"
              value={draft.method}
              onChange={(v) => set("method", v as TransactionFilterValues["method"])}
              choices={PAYMENT_METHODS.map((m) => [m, methodName(m)])}
              all="All methods"
            />
            <SelectField
              label="Channel"
              value={draft.channel}
              onChange={(v) => set("channel", v as TransactionFilterValues["channel"])}
              choices={CHANNEL_KINDS.map((c) => [c, CHANNEL_NAMES[c]])}
              all="All channels"
            />
            <div className="col-span-2">
              <SelectField
                label="Flow"
                value={draft.flow}
                onChange={(v) => set("flow", v)}
                choices={options.flows.map((f) => [f.id, f.name])}
                all="All flows"
              />
            </div>
            <fieldset className="col-span-2">
              <legend className="mb-1 text-slate-700">Amount</legend>
              <div className="grid grid-cols-3 gap-2">
                <SelectField
                  label="Currency"
                  value={draft.currency}
                  onChange={(v) => set("currency", v as TransactionFilterValues["currency"])}
                  choices={SUPPORTED_CURRENCIES.map((c) => [c, c])}
                  all="Any"
                />
                <InputField
                  label="Min"
                  inputMode="decimal"
                  name="min"
                  value={draft.min ?? ""}
                  onChange={(e) => set("min", e.target.value.trim() || undefined)}
                  aria-describedby="amount-hint"
                />
                <InputField
                  label="Max"
                  inputMode="decimal"
                  name="max"
                  value={draft.max ?? ""}
                  onChange={(e) => set("max", e.target.value.trim() || undefined)}
                  aria-describedby="amount-hint"
                />
              </div>
              <p id="amount-hint" className="mt-1 text-xs text-slate-500">
                In the currency&apos;s own units (12.50 EUR, 1200 JPY); choose a currency first.
              </p>
            </fieldset>
            <div className="col-span-2 flex justify-end">
              <Button type="submit">Apply</Button>
            </div>
          </form>
        </FilterPopover>
      </div>

      {chips.length > 0 ? (
        <div className="flex flex-wrap items-center gap-2">
          <ul aria-label="Active filters" className="flex flex-wrap gap-2">
            {chips.map((chip) => (
              <li key={chip.fields.join()}>
                <Link
                  href={transactionsHref(withoutFields(values, chip.fields), undefined, limit)}
                  className="inline-flex items-center gap-1 rounded-full bg-brand-50 px-3 py-1 text-xs font-medium text-brand-700 ring-1 ring-inset ring-brand-100 hover:bg-brand-100"
                >
                  {chip.label}
                  <span aria-hidden="true">×</span>
                  <span className="sr-only">(remove this filter)</span>
                </Link>
              </li>
            ))}
          </ul>
          <Link
            href={transactionsHref({ status: [] }, undefined, limit)}
            className="text-xs font-medium text-brand-700 hover:underline"
          >
            Clear all filters
          </Link>
        </div>
      ) : null}
    </section>
  );
}

/** A filter button that opens its panel below it (Radix: focus, Escape and aria wiring). */
function FilterPopover({
  open,
  onOpenChange,
  label,
  align,
  children,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  label: ReactNode;
  align: "start" | "end";
  children: ReactNode;
}) {
  return (
    <Popover.Root open={open} onOpenChange={onOpenChange}>
      <Popover.Trigger className={TRIGGER}>{label}</Popover.Trigger>
      <Popover.Portal>
        <Popover.Content className={PANEL} align={align} sideOffset={4}>
          {children}
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}

/** A labelled text-like field of the filter panels. */
function InputField({ label, ...input }: { label: string } & ComponentProps<"input">) {
  return (
    <label className="block">
      <span className="mb-1 block text-slate-700">{label}</span>
      <input {...input} className={CONTROL} />
    </label>
  );
}

function SelectField({
  label,
  value,
  onChange,
  choices,
  all,
}: {
  label: string;
  value: string | undefined;
  onChange: (value: string | undefined) => void;
  choices: [string, string][];
  all: string;
}) {
  return (
    <label className="block min-w-0">
      <span className="mb-1 block text-slate-700">{label}</span>
      <select
        value={value ?? ""}
        onChange={(e) => onChange(e.target.value || undefined)}
        className={CONTROL}
      >
        <option value="">{all}</option>
        {choices.map(([v, name]) => (
          <option key={v} value={v}>
            {name}
          </option>
        ))}
      </select>
    </label>
  );
}
