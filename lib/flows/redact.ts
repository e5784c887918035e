// Customers sometimes type their card into the chat. Parley must never keep it: the text is
// redacted before it is stored or processed, and the bot points them at the payment link.

export type RedactedKind = "pan" | "cvv" | "expiry";

export interface RedactionResult {
  text: string;
  redacted: boolean;
  kinds: RedactedKind[];
}

export const PAN_PLACEHOLDER = "[card number removed]";
export const CVV_PLACEHOLDER = "[security code removed]";
export const EXPIRY_PLACEHOLDER = "[expiry date removed]";

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

// Digit groups joined by the separators people type between card digits: spaces (single, double,
// no-break), dashes and dots, up to three of them in a row ("4242 - 4242", "4242..4242").
const SEPARATOR = "[ \\t\\u00a0.\\-]{1,3}";
const DIGIT_RUN = new RegExp(`\\d+(?:${SEPARATOR}\\d+)*`, "g");
const TRAILING_CVV = new RegExp(`^${SEPARATOR}(\\d{3,4})(?!\\d)`);

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

// What people type right after a card number: its expiry (MM/YY, MM/YYYY, MM-YY, MM.YY) and its
// security code, optionally labelled. Only read next to a removed number (or as the whole reply
// after one): on their own, "12/26" or "123" are too ordinary to remove.
const TAIL_GAP = String.raw`[\s,;:|\-/]*`;
const TAIL_LABEL = String.raw`(?:(?:exp(?:iry|iration|ires)?|expiry date|valid(?: thru| until)?|date d'expiration|expire le|berlaku|有效期|cvv2?|cvc2?|csc|cid|code|security code|kode)\.?\s*(?:[:#=]|is|est)?\s*)?`;
const TAIL_EXPIRY = String.raw`(?:0?[1-9]|1[0-2])\s?[/\-.]\s?(?:20\d{2}|\d{2})(?!\d)`;
const TAIL_CVV = String.raw`\d{3,4}(?!\d)`;
const TAIL_TOKEN = new RegExp(
  `^(${TAIL_GAP})(${TAIL_LABEL})(?:(${TAIL_EXPIRY})|(${TAIL_CVV})|(${escapeRegExp(CVV_PLACEHOLDER)}))`,
  "iu",
);
const ONLY_TAIL = new RegExp(
  `^\\s*${TAIL_LABEL}(?:${TAIL_EXPIRY}|${TAIL_CVV})(?:${TAIL_GAP}${TAIL_LABEL}(?:${TAIL_EXPIRY}|${TAIL_CVV}))*\\s*$`,
  "iu",
);

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Removes expiry dates and security codes at the start of `text` (up to three tokens). */
function redactTail(text: string, kinds: Set<RedactedKind>): string {
  let rebuilt = "";
  let rest = text;
  for (let tokens = 0; tokens < 3; tokens++) {
    const m = TAIL_TOKEN.exec(rest);
    if (!m) break;
    const [whole, gap, label, expiry, cvv] = m;
    if (expiry) {
      kinds.add("expiry");
      rebuilt += `${gap}${label}${EXPIRY_PLACEHOLDER}`;
    } else if (cvv) {
      kinds.add("cvv");
      rebuilt += `${gap}${label}${CVV_PLACEHOLDER}`;
    } else {
      rebuilt += whole; // a code already removed: keep looking past it
    }
    rest = rest.slice(whole.length);
  }
  return rebuilt + rest;
}

/** Scanning happens on NFKC text, so full-width digits (４２４２) and separators count as ASCII. */
function normalizeForScan(text: string): string {
  return text.normalize("NFKC");
}

/**
 * Removes card numbers (Luhn-valid 13–19 digits), and the expiry dates and security codes typed
 * next to them, from a customer's message. A bare 3–4 digit reply (or an expiry and code alone)
 * right after a message that carried a card number is taken as its details.
 */
export function redactCardData(text: string, previous?: { lastHadCard: boolean }): RedactionResult {
  const kinds = new Set<RedactedKind>();
  const scanned = normalizeForScan(text);
  let output = scanned.replace(DIGIT_RUN, (run) => {
    const pans = findPansInRun(run);
    if (pans.length === 0) return run;
    kinds.add("pan");
    let rebuilt = "";
    let cursor = 0;
    for (const pan of pans) {
      rebuilt += run.slice(cursor, pan.start) + PAN_PLACEHOLDER;
      cursor = pan.end;
      // "4242 4242 4242 4242 123": the short group typed right after the card is its CVV.
      const trailing = TRAILING_CVV.exec(run.slice(cursor));
      if (trailing) {
        kinds.add("cvv");
        rebuilt += ` ${CVV_PLACEHOLDER}`;
        cursor += trailing[0].length;
      }
    }
    return rebuilt + run.slice(cursor);
  });
  if (kinds.has("pan")) {
    const parts = output.split(PAN_PLACEHOLDER);
    output = parts
      .map((part, i) => (i === 0 ? part : redactTail(part, kinds)))
      .join(PAN_PLACEHOLDER);
  }
  output = output.replace(CVV_LABELLED, (_whole, label: string) => {
    kinds.add("cvv");
    return `${label} ${CVV_PLACEHOLDER}`;
  });
  if (previous?.lastHadCard && !kinds.has("pan")) {
    if (BARE_CVV.test(output)) {
      kinds.add("cvv");
      output = CVV_PLACEHOLDER;
    } else if (ONLY_TAIL.test(output)) {
      output = redactTail(output, kinds);
    }
  }
  const list = [...kinds];
  // Untouched messages keep their exact characters; only a redacted one comes back normalised.
  return { text: list.length > 0 ? output : text, redacted: list.length > 0, kinds: list };
}

/** A customer's message and the value of the button they tapped, both redacted. */
export function redactInboundMessage(
  message: { text: string; choiceValue?: string },
  previous?: { lastHadCard: boolean },
): { text: RedactionResult; choiceValue?: RedactionResult; redacted: boolean } {
  const text = redactCardData(message.text, previous);
  const choiceValue =
    message.choiceValue === undefined ? undefined : redactCardData(message.choiceValue, previous);
  return {
    text,
    ...(choiceValue && { choiceValue }),
    redacted: text.redacted || (choiceValue?.redacted ?? false),
  };
}
