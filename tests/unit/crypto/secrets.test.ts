import {
  SecretError,
  decryptSecret,
  encryptSecret,
  generateMasterKey,
  maskSecret,
  needsReencryption,
  parseMasterKeys,
  reencrypt,
} from "@/lib/crypto/secrets";
import fc from "fast-check";
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";

const v1Key = generateMasterKey();
const v2Key = generateMasterKey();
const ringV1 = parseMasterKeys(`v1:${v1Key}`);
const ringV2V1 = parseMasterKeys(`v2:${v2Key}, v1:${v1Key}`);
const credentials = {
  secretKey: "sk_test_51HxYz",
  webhookSecret: "whsec_abc",
  nested: { n: 1, ok: true },
};

function reason(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof SecretError) return error.reason;
    throw error;
  }
  return undefined;
}

describe("parseMasterKeys", () => {
  it("takes the first key as current and keeps the others for decryption", () => {
    expect(ringV2V1.current).toBe("v2");
    expect([...ringV2V1.keys.keys()]).toEqual(["v2", "v1"]);
    expect(ringV2V1.keys.get("v1")).toEqual(Buffer.from(v1Key, "base64"));
  });

  it.each([
    ["", "empty"],
    ["v1", "no key"],
    [`:${v1Key}`, "no version"],
    ["v1:c2hvcnQ=", "a short key"],
    [`v1:${randomBytes(33).toString("base64")}`, "a long key"],
    [`v1:${v1Key},v1:${v2Key}`, "a repeated version"],
    [`v.1:${v1Key}`, "a dot in the version"],
    [`v1:${v1Key.slice(0, -2)}!!`, "non-base64"],
  ])("refuses %j (%s)", (spec) => {
    expect(reason(() => parseMasterKeys(spec))).toBe("malformed");
  });

  it("generates distinct 32-byte keys", () => {
    expect(Buffer.from(generateMasterKey(), "base64")).toHaveLength(32);
    expect(generateMasterKey()).not.toBe(generateMasterKey());
  });
});

describe("encryptSecret / decryptSecret", () => {
  it("round-trips any JSON value, with and without associated data", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.option(fc.string(), { nil: undefined }), (value, aad) => {
        const envelope = encryptSecret(value, ringV2V1, aad);
        expect(decryptSecret(envelope, ringV2V1, aad)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 200 },
    );
  });

  it("produces a versioned envelope with a fresh IV each time", () => {
    const first = encryptSecret(credentials, ringV2V1, "con_1");
    const second = encryptSecret(credentials, ringV2V1, "con_1");
    expect(first).toMatch(/^v1\.v2\.[\w-]{16}\.[\w-]{22}\.[\w-]+$/);
    expect(first.split(".")[2]).not.toBe(second.split(".")[2]);
    expect(first).not.toContain("sk_test");
  });

  it("refuses values JSON cannot hold", () => {
    expect(reason(() => encryptSecret(undefined, ringV1))).toBe("invalid_plaintext");
  });

  it("detects a flipped byte in the IV, the tag and the ciphertext", () => {
    const envelope = encryptSecret(credentials, ringV1, "con_1");
    const parts = envelope.split(".");
    for (const index of [2, 3, 4]) {
      const bytes = Buffer.from(parts[index], "base64url");
      for (const position of [0, bytes.length - 1]) {
        const flipped = Buffer.from(bytes);
        flipped[position] ^= 0x01;
        const tampered = parts
          .map((part, i) => (i === index ? flipped.toString("base64url") : part))
          .join(".");
        expect(reason(() => decryptSecret(tampered, ringV1, "con_1"))).toBe(
          "authentication_failed",
        );
      }
    }
  });

  it("treats a non-canonical part as damage, not as the same bytes", () => {
    const envelope = encryptSecret(credentials, ringV1);
    const parts = envelope.split(".");
    // 16 tag bytes take 22 base64url characters; the last one carries 4 unused bits, which a
    // lenient decoder ignores. Flipping one of them must still be caught.
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const tag = parts[3];
    const paddingFlipped = tag.slice(0, -1) + alphabet[alphabet.indexOf(tag.slice(-1)) ^ 1];
    expect(Buffer.from(paddingFlipped, "base64url")).toEqual(Buffer.from(tag, "base64url"));
    const variant = [...parts.slice(0, 3), paddingFlipped, parts[4]].join(".");
    expect(reason(() => decryptSecret(variant, ringV1))).toBe("malformed");
  });

  it.each([
    ["a truncated IV", (p: string[]) => [...p.slice(0, 2), p[2].slice(0, -1), ...p.slice(3)]],
    ["an extra part", (p: string[]) => [...p, "extra"]],
    ["another format", (p: string[]) => ["v0", ...p.slice(1)]],
    ["a padded part", (p: string[]) => [...p.slice(0, 4), `${p[4]}=`]],
  ])("calls an envelope with %s malformed", (_name, edit) => {
    const parts = encryptSecret(credentials, ringV1).split(".");
    expect(reason(() => decryptSecret(edit(parts).join("."), ringV1))).toBe("malformed");
    expect(reason(() => decryptSecret("not an envelope", ringV1))).toBe("malformed");
  });

  it("fails with the wrong associated data, so a secret cannot move to another row", () => {
    const envelope = encryptSecret(credentials, ringV1, "con_1");
    expect(reason(() => decryptSecret(envelope, ringV1, "con_2"))).toBe("authentication_failed");
    expect(reason(() => decryptSecret(envelope, ringV1))).toBe("authentication_failed");
    expect(decryptSecret(envelope, ringV1, "con_1")).toEqual(credentials);
  });

  it("fails when the key version label is swapped to another key", () => {
    const envelope = encryptSecret(credentials, ringV2V1);
    const relabelled = envelope.replace(/^v1\.v2\./, "v1.v1.");
    expect(reason(() => decryptSecret(relabelled, ringV2V1))).toBe("authentication_failed");
  });

  it("names an unknown key version", () => {
    const envelope = encryptSecret(credentials, ringV2V1);
    expect(reason(() => decryptSecret(envelope, ringV1))).toBe("unknown_key_version");
    expect(() => decryptSecret(envelope, ringV1)).toThrow(/v2/);
  });
});

describe("master key rotation", () => {
  it("reads v1 envelopes under a v2,v1 ring and re-seals them with v2", () => {
    const old = encryptSecret(credentials, ringV1, "con_9");
    expect(needsReencryption(old, ringV1)).toBe(false);
    expect(needsReencryption(old, ringV2V1)).toBe(true);
    expect(decryptSecret(old, ringV2V1, "con_9")).toEqual(credentials);

    const rotated = reencrypt(old, ringV2V1, "con_9");
    expect(rotated.split(".")[1]).toBe("v2");
    expect(needsReencryption(rotated, ringV2V1)).toBe(false);
    expect(decryptSecret(rotated, parseMasterKeys(`v2:${v2Key}`), "con_9")).toEqual(credentials);
  });

  it("refuses to re-seal with the wrong associated data", () => {
    const old = encryptSecret(credentials, ringV1, "con_9");
    expect(reason(() => reencrypt(old, ringV2V1, "con_8"))).toBe("authentication_failed");
  });
});

describe("maskSecret", () => {
  it.each([
    ["sk_test_51HxYzAbCdEfGhIjKlMnOp4242", "sk_test_…4242"],
    ["sk_live_51HxYzAbCdEfGhIjKlMnOp9876", "sk_live_…9876"],
    ["whsec_Q1w2E3r4T5y6U7i8O9p0", "whsec_…O9p0"],
    ["AQEyhmfxK4_no_known_prefix_ABCD", "…ABCD"],
    ["EJ3kx9aBcDeFgHiJ", "…gHiJ"],
    ["ab_cdefghijk", "…hijk"],
    ["short", "••••"],
    ["sk_test_abc", "••••"],
    ["", "••••"],
  ])("masks %j", (secret, expected) => {
    expect(maskSecret(secret)).toBe(expected);
  });

  it("never shows more than a known prefix and four characters", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (secret) => {
        const masked = maskSecret(secret);
        if (masked === "••••") return;
        const [, tail] = masked.split("…");
        expect(tail).toHaveLength(4);
        expect(secret.trim().endsWith(tail)).toBe(true);
        expect(secret.trim().length - masked.length + 1).toBeGreaterThanOrEqual(8);
      }),
    );
  });
});
