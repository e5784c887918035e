// How a figure moved since the period it is compared with, in words and a tone: "up 3 (+25%)
// on yesterday" in green when more is better. Pure, so the wording is unit-tested
// (tests/unit/overview/deltas.test.ts); the page adds the colour.

export type DeltaTone = "good" | "bad" | "neutral";

export interface Delta {
  direction: "up" | "down" | "same";
  /** "up 3 (+25%) on yesterday", "down 1.5 points on yesterday", "same as yesterday". */
  words: string;
  tone: DeltaTone;
}

function signedPercent(current: number, previous: number): string | null {
  if (previous === 0) return null;
  const change = Math.round(((current - previous) / previous) * 1000) / 10;
  return `${change > 0 ? "+" : ""}${change}%`;
}

/**
 * A count or an amount against its earlier value. `format` words the absolute change (money
 * formats it in its currency); `higherIsBetter` decides the tone (more failures is bad).
 */
export function countDelta(
  current: number,
  previous: number,
  {
    against = "yesterday",
    higherIsBetter = true,
    format = (n: number) => n.toLocaleString("en"),
  }: { against?: string; higherIsBetter?: boolean; format?: (n: number) => string } = {},
): Delta {
  if (current === previous)
    return { direction: "same", words: `same as ${against}`, tone: "neutral" };
  const direction = current > previous ? "up" : "down";
  const pct = signedPercent(current, previous);
  const words = `${direction} ${format(Math.abs(current - previous))}${pct ? ` (${pct})` : ""} on ${against}`;
  const better = (direction === "up") === higherIsBetter;
  return { direction, words, tone: better ? "good" : "bad" };
}

/** A rate (0..1) against its earlier value, in percentage points; null rates say so. */
export function rateDelta(
  current: number | null,
  previous: number | null,
  against = "yesterday",
): Delta {
  if (current === null || previous === null) {
    return { direction: "same", words: `nothing to compare with ${against}`, tone: "neutral" };
  }
  const points = Math.round((current - previous) * 1000) / 10;
  if (points === 0) return { direction: "same", words: `same as ${against}`, tone: "neutral" };
  const direction = points > 0 ? "up" : "down";
  return {
    direction,
    words: `${direction} ${Math.abs(points)} point${Math.abs(points) === 1 ? "" : "s"} on ${against}`,
    tone: direction === "up" ? "good" : "bad",
  };
}
