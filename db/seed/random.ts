import { ID_PREFIXES, type IdKind } from "@/lib/ids";

// The demo seed must give the same rows (ids included) for the same `now`, so everything it
// draws comes from this generator instead of crypto randomness. mulberry32: 32-bit state,
// fast, good enough for demo data — never for secrets.
const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

export class SeededRandom {
  private state: number;
  private readonly origin: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
    this.origin = this.state;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError("pick from an empty list");
    return items[Math.floor(this.next() * items.length)];
  }

  /** Picks a key with probability proportional to its weight. */
  weighted<T extends string>(weights: Readonly<Partial<Record<T, number>>>): T {
    const entries = Object.entries(weights) as [T, number][];
    const total = entries.reduce((sum, [, w]) => sum + w, 0);
    let roll = this.next() * total;
    for (const [key, weight] of entries) {
      roll -= weight;
      if (roll < 0) return key;
    }
    return entries[entries.length - 1][0];
  }

  /** Approximately normal (sum of uniforms), for counts around a mean. */
  gaussian(mean: number, deviation: number): number {
    const sum = this.next() + this.next() + this.next() + this.next() + this.next() + this.next();
    return mean + (sum - 3) * deviation * Math.SQRT2;
  }

  base62(length = 22): string {
    let out = "";
    for (let i = 0; i < length; i++) out += ALPHABET[Math.floor(this.next() * 62)];
    return out;
  }

  hex(length: number): string {
    let out = "";
    for (let i = 0; i < length; i++) out += "0123456789abcdef"[Math.floor(this.next() * 16)];
    return out;
  }

  digits(length: number): string {
    let out = "";
    for (let i = 0; i < length; i++) out += String(Math.floor(this.next() * 10));
    return out;
  }

  /** Same shape as lib/ids.ts newId (prefix + 22 base62 chars), drawn from the seed. */
  id(kind: IdKind): string {
    return `${ID_PREFIXES[kind]}_${this.base62()}`;
  }

  /**
   * An independent stream derived from the original seed (not the current position), so adding
   * draws in one part of the seed does not shift the data of another.
   */
  fork(label: string): SeededRandom {
    return new SeededRandom(hashSeed(`${this.origin}:${label}`));
  }
}

/**
 * The same draws from a 128-bit state (sfc32, seeded by splitting the 32-bit seed): for streams
 * longer than 2^32 draws, where mulberry32's Weyl sequence comes round again and repeats every
 * row (and id) it gave — the 10M-payment benchmark seed draws about 4 billion times.
 */
export class WideSeededRandom extends SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private readonly wideOrigin: number;

  constructor(seed: number) {
    super(seed);
    this.wideOrigin = seed >>> 0;
    const warm = new SeededRandom(seed);
    const word = () => Math.floor(warm.next() * 4294967296) >>> 0;
    [this.a, this.b, this.c, this.d] = [word(), word(), word(), word() | 1];
    for (let i = 0; i < 12; i++) this.next();
  }

  override next(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t / 4294967296;
  }

  override fork(label: string): WideSeededRandom {
    return new WideSeededRandom(hashSeed(`${this.wideOrigin}:${label}`));
  }
}

/** FNV-1a: turns a label (e.g. the ISO `now`) into a 32-bit seed. */
export function hashSeed(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
