import {
  hashRecoveryCode,
  looksLikeRecoveryCode,
  newRecoveryCodes,
  normalizeRecoveryCode,
} from "@/lib/auth/two-factor/recovery-codes";
import { describe, expect, it } from "vitest";

describe("recovery codes", () => {
  it("makes ten distinct xxxxx-xxxxx codes without look-alike characters", () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[a-hj-km-np-z2-9]{5}-[a-hj-km-np-z2-9]{5}$/);
  });

  it("hashes the typed-back code the same whatever its case, spaces and dash", () => {
    const [code] = newRecoveryCodes(1);
    expect(hashRecoveryCode(` ${code.toUpperCase().replace("-", " ")} `)).toBe(
      hashRecoveryCode(code),
    );
    expect(hashRecoveryCode(code)).toMatch(/^[0-9a-f]{64}$/);
    expect(normalizeRecoveryCode("ABCDE-23456")).toBe("abcde23456");
  });

  it("tells a recovery code from a six-digit app code", () => {
    expect(looksLikeRecoveryCode("abcde-23456")).toBe(true);
    expect(looksLikeRecoveryCode("123456")).toBe(false);
    expect(looksLikeRecoveryCode("123 456")).toBe(false);
  });
});
