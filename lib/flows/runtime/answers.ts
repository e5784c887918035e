// Validating a customer's answer to an `ask` node. Amounts become integer minor units of
// the flow currency here, and nowhere else: the pay node only trusts what this returns.
import { currencyExponent, parseMajorToMinor } from "@/lib/money";
import type { Lang, NodeOf } from "../graph";
import type { PhraseKey } from "../i18n";
import { matchOption } from "./matching";
import { formatAmount } from "./text";
import type { JsonValue } from "./types";

export type AnswerResult =
  | { ok: true; value: JsonValue }
  | { ok: false; reason: PhraseKey; values?: Record<string, string> };

type AskNode = NodeOf<"ask">;

const MAX_TEXT = 500;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;
const PHONE = /^\+?[\d\s\-().]+$/;

export function askOptions(node: AskNode) {
  return (node.data.choices ?? []).map((choice) => ({
    value: choice.value,
    labels: Object.values(choice.label).filter((label): label is string => Boolean(label)),
  }));
}

/**
 * "1.234,56", "1,234.56", "Rp 50.000", "€12.50" → a decimal string parseMajorToMinor accepts.
 * A lone separator followed by exactly three digits is a thousands separator unless the
 * currency itself has three decimals (KWD, BHD…).
 */
export function normalizeAmountText(text: string, currency: string): string {
  const core = text
    .normalize("NFKC")
    .replace(/[\s\u00a0\u202f']/g, "")
    .replace(/^[^\d]+|[^\d]+$/g, "");
  const separators = core.match(/[.,]/g) ?? [];
  if (separators.length === 0) return core;
  const lastIndex = Math.max(core.lastIndexOf("."), core.lastIndexOf(","));
  const distinct = new Set(separators);
  if (distinct.size === 2) {
    return core.slice(0, lastIndex).replace(/[.,]/g, "") + "." + core.slice(lastIndex + 1);
  }
  if (separators.length > 1) return core.replace(/[.,]/g, "");
  const decimals = core.length - lastIndex - 1;
  if (decimals === 3 && currencyExponent(currency) !== 3) return core.replace(/[.,]/g, "");
  return core.replace(",", ".");
}

export function parseAmount(text: string, currency: string): number | null {
  if (/-\s*\d/.test(text)) return null;
  try {
    const minor = parseMajorToMinor(normalizeAmountText(text, currency), currency);
    return minor > 0 ? minor : null;
  } catch {
    return null;
  }
}

function parseNumber(text: string): number | null {
  const cleaned = text.normalize("NFKC").trim().replace(/\s/g, "");
  if (!/^-?\d+(?:[.,]\d+)?$/.test(cleaned)) return null;
  const value = Number(cleaned.replace(",", "."));
  return Number.isFinite(value) ? value : null;
}

function outOfRange(value: number, min: number | undefined, max: number | undefined): boolean {
  return (min !== undefined && value < min) || (max !== undefined && value > max);
}

export function parseAnswer(
  node: AskNode,
  text: string,
  currency: string,
  lang: Lang,
  numberedList: boolean,
): AnswerResult {
  const { kind, min, max } = node.data;
  const trimmed = text.trim();
  switch (kind) {
    case "text": {
      if (trimmed.length === 0 || trimmed.length > MAX_TEXT)
        return { ok: false, reason: "invalid_text" };
      if (outOfRange(trimmed.length, min, max)) return { ok: false, reason: "invalid_text" };
      return { ok: true, value: trimmed };
    }
    case "number": {
      const value = parseNumber(trimmed);
      if (value === null) return { ok: false, reason: "invalid_number" };
      if (outOfRange(value, min, max)) {
        return {
          ok: false,
          reason: "out_of_range",
          values: { min: String(min ?? "…"), max: String(max ?? "…") },
        };
      }
      return { ok: true, value };
    }
    case "amount": {
      const amountMinor = parseAmountOrPreset(node, trimmed, currency, numberedList);
      if (amountMinor === null) {
        const example = formatAmount(10 ** currencyExponent(currency) * 10, currency, lang);
        return { ok: false, reason: "invalid_amount", values: { example } };
      }
      if (outOfRange(amountMinor, min, max)) {
        return {
          ok: false,
          reason: "out_of_range",
          values: {
            min: min !== undefined ? formatAmount(Math.trunc(min), currency, lang) : "…",
            max: max !== undefined ? formatAmount(Math.trunc(max), currency, lang) : "…",
          },
        };
      }
      return { ok: true, value: { amountMinor, currency } };
    }
    case "email":
      return EMAIL.test(trimmed) && trimmed.length <= 254
        ? { ok: true, value: trimmed }
        : { ok: false, reason: "invalid_email" };
    case "phone": {
      const digits = trimmed.replace(/\D/g, "");
      if (!PHONE.test(trimmed) || digits.length < 7 || digits.length > 15)
        return { ok: false, reason: "invalid_phone" };
      return { ok: true, value: `${trimmed.startsWith("+") ? "+" : ""}${digits}` };
    }
    case "choice": {
      const index = matchOption(trimmed, askOptions(node));
      return index >= 0
        ? { ok: true, value: node.data.choices![index].value }
        : { ok: false, reason: "invalid_choice" };
    }
  }
}

/** A preset tapped (or its number on a text channel), else an amount typed by the customer. */
function parseAmountOrPreset(
  node: AskNode,
  text: string,
  currency: string,
  numberedList: boolean,
): number | null {
  const options = askOptions(node);
  if (options.length > 0) {
    const reply = text.trim();
    const isPosition =
      /^\d{1,2}$/.test(reply) && Number(reply) >= 1 && Number(reply) <= options.length;
    const index =
      numberedList || !isPosition
        ? matchOption(reply, options)
        : options.findIndex((o) => o.value === reply);
    if (index >= 0) {
      const preset = parseAmount(options[index].value, currency);
      if (preset !== null) return preset;
    }
  }
  return parseAmount(text, currency);
}
