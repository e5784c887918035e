import { providerDisputeLink, providerPaymentLink } from "@/lib/payments/provider-links";
import { describe, expect, it } from "vitest";

describe("provider dashboard links", () => {
  it("Stripe: /test for test mode, payment intents only", () => {
    expect(providerPaymentLink("stripe", "test", "pi_1")?.href).toBe(
      "https://dashboard.stripe.com/test/payments/pi_1",
    );
    expect(providerPaymentLink("stripe", "live", "pi_1")?.href).toBe(
      "https://dashboard.stripe.com/payments/pi_1",
    );
    expect(providerPaymentLink("stripe", "live", "cs_live_1")).toEqual({
      label: "Checkout session",
      id: "cs_live_1",
      href: null,
    });
    expect(providerDisputeLink("stripe", "test", "dp_1")).toBe(
      "https://dashboard.stripe.com/test/disputes/dp_1",
    );
  });

  it("PayPal: the sandbox host for test mode", () => {
    expect(providerPaymentLink("paypal", "test", "5O190127TN364715T")?.href).toBe(
      "https://www.sandbox.paypal.com/activity/payment/5O190127TN364715T",
    );
    expect(providerPaymentLink("paypal", "live", "5O190127TN364715T")?.href).toBe(
      "https://www.paypal.com/activity/payment/5O190127TN364715T",
    );
  });

  it("Adyen: ca-test or ca-live", () => {
    expect(providerPaymentLink("adyen", "test", "8815329842815468")?.href).toBe(
      "https://ca-test.adyen.com/ca/ca/accounts/showTx.shtml?pspReference=8815329842815468&txType=Payment",
    );
    expect(providerPaymentLink("adyen", "live", "8815329842815468")?.href).toContain(
      "https://ca-live.adyen.com/",
    );
  });

  it("no link for Sandbox, none without an id, none for an id that is not an id", () => {
    expect(providerPaymentLink("sandbox", "test", "sbx_1")?.href).toBeNull();
    expect(providerPaymentLink("stripe", "live", null)).toBeNull();
    expect(providerPaymentLink("paypal", "live", "../../evil?x=1")?.href).toBeNull();
    expect(providerDisputeLink("stripe", "live", "dp_1/../../x")).toBeNull();
  });
});
