import { agentPaymentNotice, outcomeStillHolds } from "@/lib/conversations/inbox/payment-outcome";
import { phrase } from "@/lib/flows/i18n";
import { describe, expect, it } from "vitest";

const payment = { id: "pay_agent1", amountMinor: 1250, currency: "EUR" };

describe("what the customer hears about an agent's payment request", () => {
  it("a paid request gets the bot's receipt, in the customer's language, test mode said", () => {
    const live = agentPaymentNotice("succeeded", payment, "fr", false);
    expect(live).toMatchObject({ kind: "receipt", amountMinor: 1250, reference: "pay_agent1" });
    expect(live.text).toMatch(/^Paiement reçu : 12,50\s€\. Référence : pay_agent1\. Merci !$/);
    const test = agentPaymentNotice("succeeded", payment, "en", true);
    expect(test.text.endsWith(phrase("receipt_test_mode", "en"))).toBe(true);
  });

  it("a failed or expired request says so, with no receipt", () => {
    expect(agentPaymentNotice("failed", payment, "en", false)).toEqual({
      kind: "text",
      text: "Your payment of €12.50 didn't go through. Reply here and we'll help you.",
    });
    expect(agentPaymentNotice("expired", payment, "id", false)).toEqual({
      kind: "text",
      text: phrase("payment_expired", "id"),
    });
  });

  it("a stale event says nothing: a failure since paid, a receipt for a payment not paid", () => {
    expect(outcomeStillHolds("failed", "succeeded")).toBe(false);
    expect(outcomeStillHolds("failed", "canceled")).toBe(true);
    expect(outcomeStillHolds("succeeded", "failed")).toBe(false);
    expect(outcomeStillHolds("succeeded", "refunded")).toBe(true);
    expect(outcomeStillHolds("expired", "expired")).toBe(true);
    expect(outcomeStillHolds("expired", "pending")).toBe(false);
  });
});
