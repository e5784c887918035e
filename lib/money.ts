// Money is an integer count of minor units plus an ISO 4217 currency. Never floats.
// Exponents follow ISO 4217 (JPY 0, KWD 3); Intl only formats at the edge.
import { numberFormat } from "./format/intl-cache";

const EXPONENT_OVERRIDES: Record<string, number> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
  CLF: 4,
  UYW: 4,
};

/** Currencies Parley accepts (ISO 4217 alphabetic codes it knows the exponent of). */
export const SUPPORTED_CURRENCIES = [
  "EUR",
  "USD",
  "GBP",
  "CHF",
  "CAD",
  "AUD",
  "SGD",
  "HKD",
  "IDR",
  "CNY",
  "JPY",
  "KRW",
  "INR",
  "BRL",
  "MXN",
  "SEK",
  "NOK",
  "DKK",
  "PLN",
  "KWD",
  "BHD",
  "AED",
  "SAR",
  "MYR",
  "THB",
  "PHP",
  "VND",
  "NZD",
  "ZAR",
  "TRY",
] as const;
export type Currency = (typeof SUPPORTED_CURRENCIES)[number];

export function isCurrency(code: string): code is Currency {
  return (SUPPORTED_CURRENCIES as readonly string[]).includes(code);
}

export function currencyExponent(currency: string): number {
  const code = currency.toUpperCase();
  return EXPONENT_OVERRIDES[code] ?? 2;
}

export interface Money {
  amountMinor: number;
  currency: string;
}

export function assertMinorUnits(amountMinor: number): void {
  if (!Number.isSafeInteger(amountMinor)) {
    throw new RangeError(`Amount must be an integer number of minor units, got ${amountMinor}`);
  }
}

/**
 * Parses a decimal string typed by a person ("12.50", "12,50", "1 200") into minor units.
 * Refuses more decimals than the currency has instead of rounding money away.
 */
export function parseMajorToMinor(input: string, currency: string): number {
  const exponent = currencyExponent(currency);
  const cleaned = input.trim().replace(/[\s\u00a0\u202f']/g, "");
  // Accept one decimal separator ("." or ","), digits only otherwise.
  const match = /^(\d+)(?:[.,](\d+))?$/.exec(cleaned);
  if (!match) throw new RangeError(`"${input}" is not an amount`);
  const whole = match[1];
  const fraction = match[2] ?? "";
  if (fraction.length > exponent) {
    throw new RangeError(
      `${currency} has ${exponent} decimal place(s); "${input}" has ${fraction.length}`,
    );
  }
  const minor =
    BigInt(whole) * 10n ** BigInt(exponent) + BigInt(fraction.padEnd(exponent, "0") || "0");
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`"${input}" is too large`);
  return Number(minor);
}

/** The amount as a plain decimal string with the currency's own exponent ("12.50", "1200", "1.250"). */
export function minorToMajorString(amountMinor: number, currency: string): string {
  assertMinorUnits(amountMinor);
  const exponent = currencyExponent(currency);
  const negative = amountMinor < 0;
  const digits = Math.abs(amountMinor)
    .toString()
    .padStart(exponent + 1, "0");
  const whole = exponent === 0 ? digits : digits.slice(0, -exponent);
  const fraction = exponent === 0 ? "" : `.${digits.slice(-exponent)}`;
  return `${negative ? "-" : ""}${whole}${fraction}`;
}

/** Formats for people, in their locale, with the currency's own exponent. */
export function formatMoney(amountMinor: number, currency: string, locale = "en"): string {
  const exponent = currencyExponent(currency);
  // Formats the decimal string, not a Number: a double drops digits past ~15 significant ones.
  return numberFormat(locale, {
    style: "currency",
    currency,
    minimumFractionDigits: exponent,
    maximumFractionDigits: exponent,
  }).format(minorToMajorString(amountMinor, currency) as Intl.StringNumericLiteral);
}

export function sumMinor(amounts: readonly number[]): number {
  let total = 0;
  for (const amount of amounts) {
    assertMinorUnits(amount);
    total += amount;
    assertMinorUnits(total);
  }
  return total;
}

export function multiplyMinor(unitMinor: number, quantity: number): number {
  assertMinorUnits(unitMinor);
  if (!Number.isSafeInteger(quantity) || quantity < 0)
    throw new RangeError("Quantity must be a non-negative integer");
  const total = unitMinor * quantity;
  assertMinorUnits(total);
  return total;
}
