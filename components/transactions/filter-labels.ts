// How the transactions filters name things on screen (client-safe: no server imports).
import { methodName } from "@/components/connections/chips";
import { PROVIDERS } from "@/lib/connections/provider-catalog";
import type { TransactionFilterOptions } from "@/lib/payments/queries";
import {
  DATE_RANGE_LABELS,
  type TransactionFilterField,
  type TransactionFilterValues,
} from "@/lib/payments/schemas";
import { PAYMENT_STATUS_LABELS } from "@/lib/payments/status-display";

export const CHANNEL_NAMES: Record<string, string> = {
  web: "Web chat",
  telegram: "Telegram",
  messenger: "Messenger",
  whatsapp: "WhatsApp",
  slack: "Slack",
};

export const FIELD_NAMES: Record<TransactionFilterField | "cursor" | "limit", string> = {
  status: "Status",
  connection: "Connection",
  provider: "Provider",
  method: "Method",
  currency: "Currency",
  min: "Minimum amount",
  max: "Maximum amount",
  flow: "Flow",
  channel: "Channel",
  range: "Date",
  from: "From",
  to: "To",
  q: "Search",
  cursor: "Page",
  limit: "Page size",
};

export interface FilterChip {
  /** The filters this chip stands for: removing it clears them all. */
  fields: (keyof TransactionFilterValues)[];
  label: string;
}

/** One chip per active filter, in words. */
export function filterChips(
  values: TransactionFilterValues,
  options: TransactionFilterOptions,
): FilterChip[] {
  const chips: FilterChip[] = [];
  if (values.status.length > 0) {
    chips.push({
      fields: ["status"],
      label: `Status: ${values.status.map((s) => PAYMENT_STATUS_LABELS[s].label).join(", ")}`,
    });
  }
  if (values.connection) {
    const name = options.connections.find((c) => c.id === values.connection)?.label;
    chips.push({ fields: ["connection"], label: `Connection: ${name ?? "unknown"}` });
  }
  if (values.provider) {
    chips.push({ fields: ["provider"], label: `Provider: ${PROVIDERS[values.provider].name}` });
  }
  if (values.method)
    chips.push({ fields: ["method"], label: `Method: ${methodName(values.method)}` });
  if (values.currency) {
    const amount =
      values.min && values.max
        ? ` ${values.min}–${values.max}`
        : values.min
          ? ` ≥ ${values.min}`
          : values.max
            ? ` ≤ ${values.max}`
            : "";
    chips.push({
      fields: ["currency", "min", "max"],
      label: `Amount: ${values.currency}${amount}`,
    });
  }
  if (values.flow) {
    const name = options.flows.find((f) => f.id === values.flow)?.name;
    chips.push({ fields: ["flow"], label: `Flow: ${name ?? "unknown"}` });
  }
  if (values.channel) {
    chips.push({ fields: ["channel"], label: `Channel: ${CHANNEL_NAMES[values.channel]}` });
  }
  if (values.range) {
    const label =
      values.range === "custom"
        ? `${values.from ?? "…"} to ${values.to ?? "…"}`
        : DATE_RANGE_LABELS[values.range];
    chips.push({ fields: ["range", "from", "to"], label: `Date: ${label}` });
  }
  if (values.q) chips.push({ fields: ["q"], label: `Search: “${values.q}”` });
  return chips;
}

export function withoutFields(
  values: TransactionFilterValues,
  fields: (keyof TransactionFilterValues)[],
): TransactionFilterValues {
  const next: TransactionFilterValues = { ...values, status: [...values.status] };
  for (const field of fields) {
    if (field === "status") next.status = [];
    else delete next[field];
  }
  return next;
}
