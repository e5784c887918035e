import { STATUS_BADGE_TONES } from "@/components/transactions/payment-status-badge";
import { PAYMENT_STATUSES, type PaymentStatus } from "@/lib/connections/providers/types";
import { CRYPTO_STATE_LABELS, CRYPTO_STATES, cryptoState } from "@/lib/payments/status-display";
import { describe, expect, it } from "vitest";

describe("crypto charge states", () => {
  it("gives every state a label, a tone with a badge colour, and what to do", () => {
    for (const state of CRYPTO_STATES) {
      const display = CRYPTO_STATE_LABELS[state];
      expect(display.label.length, state).toBeGreaterThan(0);
      expect(display.action.length, state).toBeGreaterThan(10);
      expect(STATUS_BADGE_TONES[display.tone], state).toBeDefined();
    }
  });

  it.each([
    ["created", undefined, "created"],
    ["pending", undefined, "pending"],
    ["succeeded", undefined, "confirmed"],
    ["partially_refunded", undefined, "confirmed"],
    ["expired", undefined, "expired"],
    ["failed", undefined, "failed"],
    ["canceled", undefined, "canceled"],
    ["pending", { issue: "underpaid", status: "unresolved" }, "underpaid"],
    ["pending", { issue: "overpaid", status: "unresolved" }, "overpaid"],
    ["expired", { issue: "delayed", status: "unresolved" }, "delayed"],
    ["pending", { issue: "multiple", status: "unresolved" }, "multiple"],
    ["pending", { issue: "other", status: "unresolved" }, "unresolved"],
    ["succeeded", { issue: "underpaid", status: "resolved" }, "resolved"],
  ] as const)("%s with %j reads as %s", (status, settlement, expected) => {
    expect(cryptoState(status as PaymentStatus, settlement)).toBe(expected);
  });

  it("never reads an unresolved charge as confirmed, whatever the payment status", () => {
    for (const status of PAYMENT_STATUSES) {
      for (const issue of ["underpaid", "overpaid", "delayed"]) {
        expect(cryptoState(status, { issue, status: "unresolved" })).not.toBe("confirmed");
      }
    }
  });
});
