// HMAC signatures of Adyen standard webhook items ("Verify HMAC signatures", Adyen docs).
//
// The signing string is the eight values joined by ":" exactly as they are: Adyen does NOT
// escape ":" or "\" here. Escaping belongs to the retired Hosted Payment Pages key-value
// scheme; Adyen's own libraries join notification fields raw (adyen-node-api-library
// HmacValidator.getDataToSign), so escaping would reject genuine deliveries.
import { createHmac, timingSafeEqual } from "node:crypto";

export interface AdyenSignedFields {
  pspReference?: string;
  originalReference?: string;
  merchantAccountCode?: string;
  merchantReference?: string;
  amount?: { value?: number | string; currency?: string };
  eventCode?: string;
  success?: string;
}

export function adyenSigningString(item: AdyenSignedFields): string {
  return [
    item.pspReference,
    item.originalReference,
    item.merchantAccountCode,
    item.merchantReference,
    item.amount?.value,
    item.amount?.currency,
    item.eventCode,
    item.success,
  ]
    .map((value) => (value === undefined || value === null ? "" : String(value)))
    .join(":");
}

export const HMAC_KEY_PATTERN = /^[0-9a-fA-F]{64}$/;

export function adyenHmac(item: AdyenSignedFields, hmacKeyHex: string): string {
  return createHmac("sha256", Buffer.from(hmacKeyHex, "hex"))
    .update(adyenSigningString(item), "utf8")
    .digest("base64");
}

/** Timing-safe check of an item's `additionalData.hmacSignature`. */
export function isValidAdyenHmac(
  item: AdyenSignedFields,
  signature: string | undefined,
  hmacKeyHex: string,
): boolean {
  if (!signature || !HMAC_KEY_PATTERN.test(hmacKeyHex)) return false;
  const expected = Buffer.from(adyenHmac(item, hmacKeyHex), "base64");
  const given = Buffer.from(signature, "base64");
  return given.length === expected.length && timingSafeEqual(given, expected);
}
