// RFC 6238 appendix B test vectors (SHA-1, 8 digits, the ASCII secret "12345678901234567890"),
// through the function production checks codes with, plus the ±1-step window and replay steps.
import { matchTotpStep, newTotpSecret, otpauthUri, totpStep } from "@/lib/auth/two-factor/totp";
import { Secret, TOTP } from "otpauth";
import { describe, expect, it } from "vitest";

const RFC_SECRET = Secret.fromUTF8("12345678901234567890").base32;

const VECTORS: [seconds: number, code: string][] = [
  [59, "94287082"],
  [1111111109, "07081804"],
  [1111111111, "14050471"],
  [1234567890, "89005924"],
  [2000000000, "69279037"],
  [20000000000, "65353130"],
];

describe("TOTP (RFC 6238)", () => {
  it.each(VECTORS)("accepts the published code at T=%i", (seconds, code) => {
    const at = new Date(seconds * 1000);
    expect(matchTotpStep(RFC_SECRET, code, at, 8)).toBe(Math.floor(seconds / 30));
  });

  it.each(VECTORS)("accepts the six-digit truncation at T=%i", (seconds, code) => {
    // A six-digit code is the same HOTP value mod 10^6: the last six digits.
    expect(matchTotpStep(RFC_SECRET, code.slice(-6), new Date(seconds * 1000))).toBe(
      Math.floor(seconds / 30),
    );
  });

  it("accepts one step either side and names the code's own step", () => {
    const at = new Date(1111111111 * 1000);
    const step = totpStep(at);
    const earlier = new Date((step - 1) * 30_000 + 1_000);
    const later = new Date((step + 1) * 30_000 + 1_000);
    expect(matchTotpStep(RFC_SECRET, code6(earlier), at)).toBe(step - 1);
    expect(matchTotpStep(RFC_SECRET, code6(later), at)).toBe(step + 1);
    const twoOff = new Date((step + 2) * 30_000 + 1_000);
    expect(matchTotpStep(RFC_SECRET, code6(twoOff), at)).toBeNull();
  });

  it("refuses a wrong code, letters and the wrong length; allows spaces", () => {
    const at = new Date(59_000);
    expect(matchTotpStep(RFC_SECRET, "287083", at)).toBeNull();
    expect(matchTotpStep(RFC_SECRET, "28708", at)).toBeNull();
    expect(matchTotpStep(RFC_SECRET, "2870a2", at)).toBeNull();
    expect(matchTotpStep(RFC_SECRET, "287 082", at)).toBe(1);
  });

  it("makes 160-bit secrets and an otpauth URI apps read", () => {
    const secret = newTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(newTotpSecret()).not.toBe(secret);
    const uri = new URL(otpauthUri(secret, "owner@example.test"));
    expect(uri.protocol).toBe("otpauth:");
    expect(uri.searchParams.get("secret")).toBe(secret);
    expect(uri.searchParams.get("issuer")).toBe("Parley");
    expect(uri.searchParams.get("digits")).toBe("6");
    expect(uri.searchParams.get("period")).toBe("30");
  });
});

function code6(at: Date): string {
  return new TOTP({ secret: RFC_SECRET, digits: 6, period: 30, algorithm: "SHA1" }).generate({
    timestamp: at.getTime(),
  });
}
