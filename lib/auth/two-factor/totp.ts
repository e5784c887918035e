import { Secret, TOTP } from "otpauth";

// Time-based one-time passwords (RFC 6238) through the otpauth library: HMAC-SHA-1, 30-second
// steps, six digits — what every authenticator app reads from an otpauth:// QR code.

export const TOTP_PERIOD_S = 30;
export const TOTP_DIGITS = 6;
/** Codes from one step before or after the server's clock are accepted (clock drift). */
export const TOTP_WINDOW = 1;
export const TOTP_ISSUER = "Parley";

/** A new 160-bit secret, base32 as authenticator apps take it. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

function totp(secretBase32: string, label = "", digits = TOTP_DIGITS): TOTP {
  return new TOTP({
    issuer: TOTP_ISSUER,
    label,
    algorithm: "SHA1",
    digits,
    period: TOTP_PERIOD_S,
    secret: Secret.fromBase32(secretBase32),
  });
}

/** The otpauth:// URI the enrolment QR code carries. */
export function otpauthUri(secretBase32: string, accountEmail: string): string {
  return totp(secretBase32, accountEmail).toString();
}

/** The 30-second step a moment falls in. */
export function totpStep(now: Date): number {
  return TOTP.counter({ period: TOTP_PERIOD_S, timestamp: now.getTime() });
}

/** Spaces and dashes removed; anything but digits left over is not a code. */
function normalizeTotpInput(code: string): string {
  return code.replace(/[\s-]/g, "");
}

/**
 * The step a code belongs to when it is valid now within ±TOTP_WINDOW steps, else null. The
 * caller accepts it only if that step is newer than the last one accepted (no replay).
 */
export function matchTotpStep(
  secretBase32: string,
  code: string,
  now: Date,
  digits = TOTP_DIGITS,
): number | null {
  const token = normalizeTotpInput(code);
  if (!new RegExp(`^\\d{${digits}}$`).test(token)) return null;
  const delta = totp(secretBase32, "", digits).validate({
    token,
    timestamp: now.getTime(),
    window: TOTP_WINDOW,
  });
  return delta === null ? null : totpStep(now) + delta;
}
