import { disputeMoney } from "@/lib/disputes/money";
import { describe, expect, it } from "vitest";

const base = { amountMinor: 12_500, currency: "JPY" };

describe("disputeMoney", () => {
  it.each([
    ["inquiry", "needs_response", "none", "An inquiry: no money has moved yet"],
    ["inquiry", "won", "none", "Closed without a chargeback: nothing was taken"],
    ["inquiry", "canceled", "none", "Closed without a chargeback: nothing was taken"],
    ["inquiry", "accepted", "lost", "¥12,500 lost to the cardholder"],
    ["chargeback", "needs_response", "held", "¥12,500 withdrawn while the case is open"],
    ["chargeback", "under_review", "held", "¥12,500 withdrawn while the case is open"],
    ["chargeback", "won", "returned", "¥12,500 reinstated to the merchant"],
    ["chargeback", "lost", "lost", "¥12,500 lost to the cardholder"],
    ["chargeback", "expired", "lost", "¥12,500 lost to the cardholder"],
    ["pre_arbitration", "needs_response", "held", "¥12,500 withdrawn while the case is open"],
    ["pre_arbitration", "won", "returned", "¥12,500 reinstated to the merchant"],
  ] as const)("%s %s → %s", (stage, status, direction, text) => {
    expect(disputeMoney({ ...base, stage, status })).toEqual({ direction, text });
  });

  it("formats the currency's own exponent (KWD has 3)", () => {
    expect(
      disputeMoney({ stage: "chargeback", status: "lost", amountMinor: 1_250, currency: "KWD" })
        .text,
    ).toMatch(/1\.250/);
  });
});
