// Recognising what a customer picked from free text: "2", "2.", "Card", "carte", "支付宝".

/** Lowercase, width-folded (full-width digits become ASCII), trimmed of punctuation around. */
export function normalizeReply(text: string): string {
  return text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[’]/g, "'")
    .replace(/\s+/g, " ")
    .replace(/^[\s"'«»“”.,!?。！？、]+|[\s"'«»“”.,!?。！？、]+$/g, "");
}

const CJK = /[\u3400-\u9fff]/;

/** Whole-word containment for Latin scripts; plain containment for Chinese, which has no spaces. */
export function containsPhrase(haystack: string, needle: string): boolean {
  if (!needle) return false;
  if (CJK.test(needle)) return haystack.includes(needle);
  const at = haystack.indexOf(needle);
  if (at < 0) return false;
  let from = at;
  while (from >= 0) {
    const before = from === 0 ? " " : haystack[from - 1];
    const afterIndex = from + needle.length;
    const after = afterIndex >= haystack.length ? " " : haystack[afterIndex];
    if (!/[\p{L}\p{N}]/u.test(before) && !/[\p{L}\p{N}]/u.test(after)) return true;
    from = haystack.indexOf(needle, from + 1);
  }
  return false;
}

export function matchesKeyword(text: string, keywords: readonly string[]): boolean {
  const reply = normalizeReply(text);
  return keywords.some((keyword) => reply === keyword || containsPhrase(reply, keyword));
}

export interface MatchableOption {
  value: string;
  /** Every label the option goes by, in all languages. */
  labels: string[];
}

/**
 * Index of the option the reply names: its number, its value, one of its labels, or the one
 * option whose label the reply contains. -1 when nothing or more than one fits.
 */
export function matchOption(text: string, options: readonly MatchableOption[]): number {
  const reply = normalizeReply(text);
  if (!reply) return -1;
  if (/^\d{1,3}$/.test(reply)) {
    const position = Number(reply) - 1;
    // A numeric value ("10" for a preset amount) wins over the tenth position.
    const byValue = options.findIndex((option) => option.value.toLowerCase() === reply);
    if (byValue >= 0) return byValue;
    return position >= 0 && position < options.length ? position : -1;
  }
  const exact = options.findIndex(
    (option) =>
      option.value.toLowerCase() === reply ||
      option.labels.some((label) => normalizeReply(label) === reply),
  );
  if (exact >= 0) return exact;
  const containing = options
    .map((option, i) =>
      option.labels.some((label) => containsPhrase(reply, normalizeReply(label))) ? i : -1,
    )
    .filter((i) => i >= 0);
  return containing.length === 1 ? containing[0] : -1;
}
