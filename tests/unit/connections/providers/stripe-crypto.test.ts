import { createStripeConnector, type StripeCredentials } from "@/lib/connections/providers/stripe";
import {
  methodFromStripe,
  normalizeStripeEvent,
} from "@/lib/connections/providers/stripe/webhooks";
import { type ConnectorContext } from "@/lib/connections/providers/types";
import { startFakeStripe, type FakeStripe } from "@/tests/fakes/stripe-server";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { checkoutInputMaker, providerRejection } from "./helpers";

// Stripe's stablecoin payments (Checkout's `crypto` type): offered only to a US-based account,
// for USD prices; payment_method_details.type "crypto" reads back as Parley's crypto method.

const connector = createStripeConnector({ maxNetworkRetries: 0 });
let fake: FakeStripe;
let ctx: ConnectorContext<StripeCredentials>;

beforeAll(async () => {
  fake = await startFakeStripe();
  ctx = {
    credentials: { secretKey: fake.validKey, webhookSecret: "whsec_endpoint_secret" },
    mode: "test",
    baseUrl: fake.url,
    appUrl: "http://parley.test",
    timeoutMs: 2_000,
  };
});
afterAll(() => fake.close());
afterEach(() => {
  fake.state.account.country = "ID";
});

const checkoutInput = checkoutInputMaker("stc", { methods: ["crypto"], currency: "USD" });

describe("Stripe stablecoins (crypto)", () => {
  it("is not offered until a test shows the account is US-based", async () => {
    expect(connector.capabilities(ctx).methods).not.toContain("crypto");
    const abroad = await connector.verifyCredentials(ctx);
    expect(abroad).toMatchObject({ ok: true });
    expect(abroad.ok && abroad.methods).not.toContain("crypto");
    expect(abroad.ok && abroad.message).toContain("US-based accounts only (this one is ID)");

    fake.state.account.country = "US";
    const us = await connector.verifyCredentials(ctx);
    expect(us.ok && us.methods).toEqual(expect.arrayContaining(["card", "crypto"]));
  });

  it("asks Checkout for the crypto type on USD prices, and refuses other currencies", async () => {
    fake.state.account.country = "US";
    await connector.createCheckout(ctx, checkoutInput({ methods: ["card", "crypto"] }));
    const created = fake.requests.filter((r) => r.path === "/v1/checkout/sessions").at(-1)!;
    expect(created.params.allowed_payment_method_types).toEqual(["card", "crypto"]);

    const eur = await providerRejection(
      connector.createCheckout(ctx, checkoutInput({ currency: "EUR" })),
    );
    expect(eur).toMatchObject({ kind: "invalid_request" });
    expect(eur.message).toContain("USD only");
  });

  it("is refused by Stripe itself for an account outside the US", async () => {
    const refused = await providerRejection(connector.createCheckout(ctx, checkoutInput()));
    expect(refused.message).toContain("crypto");
  });

  it("maps payment_method_details.type crypto back to the crypto method", () => {
    expect(methodFromStripe("crypto")).toBe("crypto");
    const paid = normalizeStripeEvent({
      id: "evt_crypto_1",
      object: "event",
      type: "payment_intent.succeeded",
      created: 1_764_000_000,
      data: {
        object: {
          id: "pi_1",
          object: "payment_intent",
          amount: 1000,
          amount_received: 1000,
          currency: "usd",
          status: "succeeded",
          metadata: { parley_payment_id: "pay_1" },
          payment_method_types: ["crypto"],
        },
      },
    });
    expect(paid).toMatchObject({ type: "payment.succeeded", method: "crypto" });
    const event = normalizeStripeEvent({
      id: "evt_crypto_2",
      object: "event",
      type: "charge.refunded",
      created: 1_764_000_100,
      data: {
        object: {
          id: "ch_1",
          object: "charge",
          amount: 1000,
          amount_refunded: 1000,
          currency: "usd",
          payment_intent: "pi_1",
          metadata: { parley_payment_id: "pay_1" },
          payment_method_details: { type: "crypto" },
          status: "succeeded",
        },
      },
    });
    expect(event.method).toBe("crypto");
  });
});
