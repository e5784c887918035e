import { STATUS_BADGE_TONES } from "@/components/transactions/payment-status-badge";
import { PAYMENT_STATUSES } from "@/lib/connections/providers/types";
import { PAYMENT_STATUS_LABELS } from "@/lib/payments/status-display";
import { describe, expect, it } from "vitest";

describe("status labels", () => {
  it("gives every status a label and a badge colour of its tone", () => {
    for (const status of PAYMENT_STATUSES) {
      const display = PAYMENT_STATUS_LABELS[status];
      expect(display.label.length).toBeGreaterThan(0);
      expect(STATUS_BADGE_TONES[display.tone]).toBeDefined();
    }
    const badgeTone = (status: keyof typeof PAYMENT_STATUS_LABELS) =>
      STATUS_BADGE_TONES[PAYMENT_STATUS_LABELS[status].tone];
    expect(badgeTone("succeeded")).toBe("green");
    expect(badgeTone("failed")).toBe("red");
    expect(badgeTone("pending")).toBe("amber");
  });
});
