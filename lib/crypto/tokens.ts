// Random tokens (invites, sessions, webhook paths) and constant-time comparisons.
// Invite tokens are stored as their SHA-256 so a database leak does not leak usable links.
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export function randomToken(bytes = 32): string {
  if (!Number.isSafeInteger(bytes) || bytes < 16 || bytes > 1024) {
    throw new RangeError("A token needs between 16 and 1024 random bytes");
  }
  return randomBytes(bytes).toString("base64url");
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

export function hmacSha256Hex(key: string | Buffer, data: string | Buffer): string {
  return createHmac("sha256", key).update(data).digest("hex");
}

/** Compares two hex digests without leaking where they differ. False for non-hex input. */
export function timingSafeEqualHex(a: string, b: string): boolean {
  const hex = /^(?:[0-9a-f]{2})*$/i;
  if (!hex.test(a) || !hex.test(b) || a.length !== b.length) return false;
  return timingSafeEqual(Buffer.from(a, "hex"), Buffer.from(b, "hex"));
}

/** Compares two strings in constant time; hashing first hides their lengths too. */
export function timingSafeEqualStr(a: string, b: string): boolean {
  const digestA = createHash("sha256").update(a, "utf8").digest();
  const digestB = createHash("sha256").update(b, "utf8").digest();
  return timingSafeEqual(digestA, digestB);
}
