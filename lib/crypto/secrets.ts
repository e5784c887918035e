// Provider credentials at rest: AES-256-GCM under a versioned master key ring, so keys can be
// rotated without a flag day. Envelope: v1.<keyVersion>.<iv>.<tag>.<ciphertext> (base64url).
// The caller's associated data (e.g. the connection id) binds a ciphertext to its row, so a
// secret copied into another row fails to decrypt. Configuration comes from lib/env.ts.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

const FORMAT = "v1";
const ALGORITHM = "aes-256-gcm";
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const VERSION_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

export interface MasterKeyRing {
  /** Version new envelopes are sealed with: the first key listed. */
  current: string;
  keys: ReadonlyMap<string, Buffer>;
}

export type SecretErrorReason =
  "malformed" | "unknown_key_version" | "authentication_failed" | "invalid_plaintext";

export class SecretError extends Error {
  constructor(
    readonly reason: SecretErrorReason,
    message: string,
  ) {
    super(message);
    this.name = "SecretError";
  }
}

/** Parses "v2:<base64 32 bytes>,v1:<base64>"; the first entry is the current key. */
export function parseMasterKeys(spec: string): MasterKeyRing {
  const entries = spec
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new SecretError("malformed", "The master key list is empty");
  const keys = new Map<string, Buffer>();
  for (const entry of entries) {
    const colon = entry.indexOf(":");
    const version = colon === -1 ? "" : entry.slice(0, colon);
    if (!VERSION_PATTERN.test(version)) {
      throw new SecretError(
        "malformed",
        `Master key entries look like "v1:<base64>"; got a version of "${version}"`,
      );
    }
    if (keys.has(version))
      throw new SecretError("malformed", `Master key version ${version} is listed twice`);
    const key = decodeBase64Strict(entry.slice(colon + 1).trim());
    if (key?.length !== KEY_BYTES) {
      throw new SecretError(
        "malformed",
        `Master key ${version} must be ${KEY_BYTES} bytes of base64`,
      );
    }
    keys.set(version, key);
  }
  return { current: entries[0].slice(0, entries[0].indexOf(":")), keys };
}

/** A fresh master key, base64, for MASTER_KEYS. */
export function generateMasterKey(): string {
  return randomBytes(KEY_BYTES).toString("base64");
}

function decodeBase64Strict(text: string): Buffer | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return null;
  const bytes = Buffer.from(text, "base64");
  return bytes.toString("base64") === text ? bytes : null;
}

// Buffer.from(…, "base64url") skips characters it does not know; insist on the canonical form
// so any edit to an envelope is detected as tampering rather than silently ignored.
function decodeBase64UrlStrict(text: string): Buffer | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  const bytes = Buffer.from(text, "base64url");
  return bytes.toString("base64url") === text ? bytes : null;
}

function associatedData(keyVersion: string, aad: string | undefined): Buffer {
  return Buffer.from(`${FORMAT}.${keyVersion}\n${aad ?? ""}`, "utf8");
}

interface Envelope {
  keyVersion: string;
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

function parseEnvelope(envelope: string): Envelope {
  const parts = envelope.split(".");
  if (parts.length !== 5 || parts[0] !== FORMAT) {
    throw new SecretError("malformed", `Not a ${FORMAT} secret envelope`);
  }
  const [, keyVersion, ivText, tagText, ciphertextText] = parts;
  const iv = decodeBase64UrlStrict(ivText);
  const tag = decodeBase64UrlStrict(tagText);
  const ciphertext = decodeBase64UrlStrict(ciphertextText);
  if (
    !VERSION_PATTERN.test(keyVersion) ||
    iv?.length !== IV_BYTES ||
    tag?.length !== TAG_BYTES ||
    !ciphertext
  ) {
    throw new SecretError("malformed", "The secret envelope is damaged");
  }
  return { keyVersion, iv, tag, ciphertext };
}

/** Seals any JSON value with the ring's current key. */
export function encryptSecret(plaintextJson: unknown, ring: MasterKeyRing, aad?: string): string {
  const json = JSON.stringify(plaintextJson);
  if (json === undefined)
    throw new SecretError("invalid_plaintext", "Only JSON values can be encrypted");
  const key = ring.keys.get(ring.current);
  if (!key)
    throw new SecretError(
      "unknown_key_version",
      `Current master key ${ring.current} is not in the ring`,
    );
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(associatedData(ring.current, aad));
  const ciphertext = Buffer.concat([cipher.update(json, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [FORMAT, ring.current, iv, tag, ciphertext]
    .map((part) => (typeof part === "string" ? part : part.toString("base64url")))
    .join(".");
}

/** Opens an envelope; throws SecretError on tampering, a wrong `aad` or a retired key. */
export function decryptSecret(envelope: string, ring: MasterKeyRing, aad?: string): unknown {
  const { keyVersion, iv, tag, ciphertext } = parseEnvelope(envelope);
  const key = ring.keys.get(keyVersion);
  if (!key) {
    throw new SecretError(
      "unknown_key_version",
      `Master key ${keyVersion} is not configured; it may have been retired`,
    );
  }
  let json: string;
  try {
    const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(associatedData(keyVersion, aad));
    decipher.setAuthTag(tag);
    json = Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString("utf8");
  } catch {
    throw new SecretError(
      "authentication_failed",
      "The secret failed authentication: it was altered, or belongs to another record",
    );
  }
  return JSON.parse(json) as unknown;
}

/** True when the envelope was sealed with a key other than the ring's current one. */
export function needsReencryption(envelope: string, ring: MasterKeyRing): boolean {
  return parseEnvelope(envelope).keyVersion !== ring.current;
}

/** Opens with whichever key sealed it and seals again under the current key (fresh IV). */
export function reencrypt(envelope: string, ring: MasterKeyRing, aad?: string): string {
  return encryptSecret(decryptSecret(envelope, ring, aad), ring, aad);
}

// Vendor markers such as sk_test_, rk_live_, whsec_ say what a key is and are not secret.
const KNOWN_PREFIX = /^[a-z]{2,8}_(?:(?:test|live|sandbox)_)?/;
const MIN_HIDDEN = 8;

/** For display: "sk_test_51H…4242" → "sk_test_…4242"; too short to hide safely → "••••". */
export function maskSecret(secret: string): string {
  const value = secret.trim();
  const tail = value.slice(-4);
  const prefix = KNOWN_PREFIX.exec(value)?.[0] ?? "";
  if (value.length - prefix.length - tail.length >= MIN_HIDDEN) return `${prefix}…${tail}`;
  if (value.length - tail.length >= MIN_HIDDEN) return `…${tail}`;
  return "••••";
}
