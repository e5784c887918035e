// Random tokens (invites, sessions), HMAC signatures and constant-time comparisons, shared by
// the team invites and the channel adapters' signature checks. Invite tokens are stored as their
// SHA-256 so a database leak does not leak usable links.
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

export function hmacSha256Hex(key: string, data: string): string {
  return createHmac("sha256", key).update(data, "utf8").digest("hex");
}

/**
 * Compares two strings in constant time; hashing first hides their lengths too, so neither the
 * content nor the length of a secret leaks through timing.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const digestA = createHash("sha256").update(a, "utf8").digest();
  const digestB = createHash("sha256").update(b, "utf8").digest();
  return timingSafeEqual(digestA, digestB);
}
