// Turning merchant text and bot phrases into what the customer reads: language fallback,
// {{variable}} interpolation and money formatted for the customer's language.
import type { PaymentMethod } from "@/lib/connections/providers/types";
import { formatMoney } from "@/lib/money";
import type { Lang } from "../graph";
import { localize, METHOD_LABELS, NUMBER_LOCALES, phrase, type PhraseKey } from "../i18n";
import type { GraphIndex } from "./graph-index";
import type { ConversationState, JsonValue, PaymentProgress } from "./types";

const TEMPLATE_VARIABLE = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** Names of the {{variables}} a text refers to. */
export function templateVariables(text: string): string[] {
  const names: string[] = [];
  for (const match of text.matchAll(TEMPLATE_VARIABLE)) names.push(match[1]);
  return names;
}

/** One pass only: a customer's answer that itself contains "{{total}}" stays literal. */
export function interpolate(template: string, resolve: (name: string) => string): string {
  if (!template.includes("{{")) return template;
  return template.replace(TEMPLATE_VARIABLE, (_whole, name: string) => resolve(name));
}

// Intl.NumberFormat is costly to build; a conversation formats the same few amounts again and again.
const moneyCache = new Map<string, string>();
export function formatAmount(amountMinor: number, currency: string, lang: Lang): string {
  const key = `${lang}|${currency}|${amountMinor}`;
  const hit = moneyCache.get(key);
  if (hit !== undefined) return hit;
  let formatted: string;
  try {
    formatted = formatMoney(amountMinor, currency, NUMBER_LOCALES[lang]);
  } catch {
    formatted = `${amountMinor} ${currency}`;
  }
  if (moneyCache.size > 10_000) moneyCache.clear();
  moneyCache.set(key, formatted);
  return formatted;
}

export interface AmountValue {
  amountMinor: number;
  currency: string;
}

/** An amount the runtime itself parsed and stored ({ amountMinor, currency }). */
export function asAmount(value: JsonValue | undefined): AmountValue | null {
  if (!value || typeof value !== "object" || Array.isArray(value)) return null;
  const { amountMinor, currency } = value as Record<string, JsonValue>;
  if (
    typeof amountMinor !== "number" ||
    !Number.isSafeInteger(amountMinor) ||
    typeof currency !== "string"
  )
    return null;
  return { amountMinor, currency };
}

export function paymentStatusLabel(status: PaymentProgress | undefined, lang: Lang): string {
  const key: PhraseKey = status ? `status_${status}` : "status_none";
  return phrase(key, lang);
}

export function methodLabel(method: PaymentMethod, lang: Lang): string {
  return METHOD_LABELS[method]?.[lang] ?? method;
}

export function cartSummary(
  state: ConversationState,
  index: GraphIndex,
  lang: Lang,
  defaultLang: Lang,
): string {
  if (!state.cart) return "";
  return state.cart.items
    .map(
      (item) =>
        `${item.quantity} × ${localize(index.productNames.get(item.sku), lang, defaultLang) || item.sku}`,
    )
    .join(", ");
}

/** The value of {{name}} for this conversation, as text in the customer's language. */
export function resolveVariable(
  name: string,
  state: ConversationState,
  index: GraphIndex,
  defaultLang: Lang,
): string {
  const lang = state.lang;
  switch (name) {
    case "total": {
      const money = state.payment ?? state.cart;
      if (!money) return "";
      const amount = "amountMinor" in money ? money.amountMinor : money.totalMinor;
      return formatAmount(amount, money.currency, lang);
    }
    case "reference":
      return state.payment?.paymentId ?? "";
    case "payment_status":
      return paymentStatusLabel(state.payment?.status, lang);
    case "payment_url":
      return state.payment?.url ?? "";
    case "cart":
      return cartSummary(state, index, lang, defaultLang);
    case "method": {
      const method = state.variables.method;
      return typeof method === "string" ? methodLabel(method as PaymentMethod, lang) : "";
    }
  }
  const value = state.variables[name];
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  const amount = asAmount(value);
  if (amount) return formatAmount(amount.amountMinor, amount.currency, lang);
  return JSON.stringify(value);
}
