import { type CheckoutInput, ProviderError } from "@/lib/connections/providers/types";
import { expect } from "vitest";

/** What `promise` rejected with, failing the test unless it is a ProviderError. */
export async function providerRejection(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

/**
 * A maker of checkout requests for one provider's tests: each call gets its own payment id and
 * idempotency key (`pay_<tag><n>`), on top of `base` (the provider's own methods and details).
 */
export function checkoutInputMaker(
  tag: string,
  base: Partial<CheckoutInput> = {},
): (overrides?: Partial<CheckoutInput>) => CheckoutInput {
  let counter = 0;
  return (overrides = {}) => {
    counter += 1;
    return {
      paymentId: `pay_${tag}${counter}`,
      amountMinor: 1250,
      currency: "EUR",
      description: "Two coffees",
      methods: ["card"],
      idempotencyKey: `idem_${tag}${counter}_${Date.now()}`,
      successUrl: "https://parley.test/pay/ok",
      cancelUrl: "https://parley.test/pay/cancel",
      ...base,
      ...overrides,
    };
  };
}
