// Customers sometimes type their card into the chat. Parley must never keep it: the text is
// redacted before it is stored or processed, and the bot points them at the payment link.

export type RedactedKind = "pan" | "cvv";

export interface RedactionResult {
  text: string;
  redacted: boolean;
  kinds: RedactedKind[];
}

export const PAN_PLACEHOLDER = "[card number removed]";
export const CVV_PLACEHOLDER = "[security code removed]";

export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/**
 * Card schemes issue PANs starting 2–6 (Mastercard 2-series, Amex, Visa, Mastercard,
 * Discover/UnionPay/Maestro). Requiring it halves false alarms on Luhn-valid order numbers.
 */
function looksLikePan(digits: string): boolean {
  return (
    digits.length >= 13 &&
    digits.length <= 19 &&
    digits[0] >= "2" &&
    digits[0] <= "6" &&
    luhnValid(digits)
  );
}

// Digit groups joined by single spaces or dashes, as people write card numbers.
const DIGIT_RUN = /\d+(?:[ \-]\d+)*/g;

/**
 * Finds card numbers inside one run of digit groups. Candidates start and end on group
 * boundaries so a card followed by its CVV ("4242424242424242 123") is still found, while a
 * 25-digit tracking number without separators never is.
 */
function findPansInRun(run: string): { start: number; end: number }[] {
  const groups: { start: number; end: number; digits: string }[] = [];
  const groupPattern = /\d+/g;
  for (let m = groupPattern.exec(run); m; m = groupPattern.exec(run)) {
    groups.push({ start: m.index, end: m.index + m[0].length, digits: m[0] });
  }
  const found: { start: number; end: number }[] = [];
  let i = 0;
  while (i < groups.length) {
    let digits = "";
    let match = -1;
    for (let j = i; j < groups.length; j++) {
      digits += groups[j].digits;
      if (digits.length > 19) break;
      if (looksLikePan(digits)) match = j;
    }
    if (match >= 0) {
      found.push({ start: groups[i].start, end: groups[match].end });
      i = match + 1;
    } else {
      i++;
    }
  }
  return found;
}

const CVV_LABELLED =
  /(?<![A-Za-z])(cvv2?|cvc2?|csc|cid|security code|card code|code de s[ée]curit[ée]|cryptogramme(?: visuel)?|kode keamanan|kode cvv|安全码|安全碼|验证码)\s*(?:[:#=]|is|est|adalah)?\s*(\d{3,4})(?!\d)/giu;
const BARE_CVV = /^\s*\d{3,4}\s*$/;

/**
 * Removes card numbers (Luhn-valid 13–19 digits) and security codes from a customer's
 * message. A bare 3–4 digit reply right after a message that carried a card number is
 * taken as its CVV.
 */
export function redactCardData(text: string, previous?: { lastHadCard: boolean }): RedactionResult {
  const kinds = new Set<RedactedKind>();
  let output = text.replace(DIGIT_RUN, (run) => {
    const pans = findPansInRun(run);
    if (pans.length === 0) return run;
    kinds.add("pan");
    let rebuilt = "";
    let cursor = 0;
    for (const pan of pans) {
      rebuilt += run.slice(cursor, pan.start) + PAN_PLACEHOLDER;
      cursor = pan.end;
      // "4242 4242 4242 4242 123": the short group typed right after the card is its CVV.
      const trailing = /^[ \-](\d{3,4})(?!\d)/.exec(run.slice(cursor));
      if (trailing) {
        kinds.add("cvv");
        rebuilt += ` ${CVV_PLACEHOLDER}`;
        cursor += trailing[0].length;
      }
    }
    return rebuilt + run.slice(cursor);
  });
  output = output.replace(CVV_LABELLED, (_whole, label: string) => {
    kinds.add("cvv");
    return `${label} ${CVV_PLACEHOLDER}`;
  });
  if (previous?.lastHadCard && BARE_CVV.test(output)) {
    kinds.add("cvv");
    output = CVV_PLACEHOLDER;
  }
  const list = [...kinds];
  return { text: output, redacted: list.length > 0, kinds: list };
}
