// What a merchant types into a price box, as integer minor units of the flow's currency.
import { currencyExponent, minorToMajorString, parseMajorToMinor } from "@/lib/money";

export type ParsedAmount = { ok: true; minor: number } | { ok: false; message: string };

export function parsePriceInput(
  text: string,
  currency: string,
  options: { allowZero?: boolean } = {},
): ParsedAmount {
  if (text.trim() === "") return { ok: false, message: "Enter a price." };
  let minor: number;
  try {
    minor = parseMajorToMinor(text, currency);
  } catch {
    const exponent = currencyExponent(currency);
    const example = exponent === 0 ? "1200" : `12.${"5".padEnd(exponent, "0")}`;
    return {
      ok: false,
      message:
        exponent === 0
          ? `${currency} has no decimals: enter a whole amount, e.g. ${example}.`
          : `Enter an amount in ${currency} with at most ${exponent} decimal${exponent === 1 ? "" : "s"}, e.g. ${example}.`,
    };
  }
  if (minor === 0 && !options.allowZero)
    return { ok: false, message: "The price must be above zero." };
  return { ok: true, minor };
}

/** The box's initial text for a stored amount ("12.90", "1200", "1.250"). */
export function priceInputText(minor: number | undefined, currency: string): string {
  return minor === undefined ? "" : minorToMajorString(minor, currency);
}
