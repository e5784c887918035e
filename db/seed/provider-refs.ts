// Identifiers and event names shaped like each provider's own, so the demo timeline reads like
// production: Stripe pi_/evt_/re_/du_, PayPal 17-char order ids and WH- events, Adyen 16-char
// pspReferences and eventCodes.
import type { NormalizedEventType, ProviderKind } from "@/lib/connections/providers/types";
import type { SeededRandom } from "./random";

const UPPER = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

function upper(rng: SeededRandom, length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += UPPER[rng.int(0, UPPER.length - 1)];
  return out;
}

/** 16 characters like an Adyen pspReference (digits and capitals, digit-led). */
export function adyenPspReference(rng: SeededRandom): string {
  return `${rng.int(1, 9)}${upper(rng, 15)}`;
}

export interface CheckoutRefs {
  providerCheckoutId: string;
  providerPaymentId: string;
  checkoutUrl: string;
}

/** `appOrigin` is Parley's public origin: the Sandbox's hosted page lives there. */
export function checkoutRefs(
  provider: ProviderKind,
  rng: SeededRandom,
  appOrigin: string,
): CheckoutRefs {
  switch (provider) {
    case "stripe": {
      const session = `cs_test_a1${rng.base62(56)}`;
      return {
        providerCheckoutId: session,
        providerPaymentId: `pi_3${rng.base62(23)}`,
        checkoutUrl: `https://checkout.stripe.com/c/pay/${session}`,
      };
    }
    case "paypal": {
      const order = upper(rng, 17);
      return {
        providerCheckoutId: order,
        providerPaymentId: order,
        checkoutUrl: `https://www.sandbox.paypal.com/checkoutnow?token=${order}`,
      };
    }
    case "adyen": {
      const link = `PL${rng.hex(16).toUpperCase()}`;
      return {
        providerCheckoutId: link,
        providerPaymentId: adyenPspReference(rng),
        checkoutUrl: `https://test.adyen.link/${link}`,
      };
    }
    case "coinbase": {
      const charge = `${rng.hex(8)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(12)}`;
      return {
        providerCheckoutId: charge,
        providerPaymentId: charge,
        checkoutUrl: `https://commerce.coinbase.com/pay/${charge}`,
      };
    }
    case "sandbox": {
      // Same shapes as lib/connections/providers/sandbox/index.ts (sbxcs_/sbxpi_ + 24 hex).
      const session = `sbxcs_${sandboxHex(rng)}`;
      return {
        providerCheckoutId: session,
        providerPaymentId: `sbxpi_${rng.hex(24)}`,
        checkoutUrl: `${appOrigin}/pay/sandbox/${session}`,
      };
    }
  }
}

/** Event ids for providers that send one (Adyen's are derived from the notification instead). */
export function providerEventId(
  provider: Exclude<ProviderKind, "adyen">,
  rng: SeededRandom,
): string {
  switch (provider) {
    case "stripe":
      return `evt_3${rng.base62(23)}`;
    case "paypal":
      return `WH-${upper(rng, 17)}-${upper(rng, 17)}`;
    case "sandbox":
      return `evt_sbx_${rng.hex(24)}`;
    case "coinbase":
      return `${rng.hex(8)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(12)}`;
  }
}

export function providerRefundId(provider: ProviderKind, rng: SeededRandom): string {
  switch (provider) {
    case "stripe":
      return `re_3${rng.base62(23)}`;
    case "paypal":
      return upper(rng, 17);
    case "adyen":
      return adyenPspReference(rng);
    case "sandbox":
      return `sbxre_${rng.hex(24)}`;
    case "coinbase":
      return `manual_${rng.hex(24)}`;
  }
}

export function providerDisputeId(provider: ProviderKind, rng: SeededRandom): string {
  switch (provider) {
    case "stripe":
      return `du_1${rng.base62(23)}`;
    case "paypal":
      return `PP-D-${rng.int(10_000, 99_999)}`;
    case "adyen":
      return adyenPspReference(rng);
    case "sandbox":
      return `sbxdp_${rng.hex(24)}`;
    case "coinbase":
      throw new RangeError("Crypto payments have no disputes");
  }
}

type ProviderEventType = Exclude<NormalizedEventType, "unknown">;

const RAW_TYPES: Record<ProviderKind, Partial<Record<ProviderEventType, string>>> = {
  stripe: {
    "payment.pending": "payment_intent.processing",
    "payment.requires_action": "payment_intent.requires_action",
    "payment.succeeded": "payment_intent.succeeded",
    "payment.failed": "payment_intent.payment_failed",
    "payment.canceled": "payment_intent.canceled",
    "payment.expired": "checkout.session.expired",
    "refund.succeeded": "charge.refunded",
    "refund.failed": "charge.refund.updated",
    "dispute.opened": "charge.dispute.created",
    "dispute.updated": "charge.dispute.updated",
    "dispute.won": "charge.dispute.closed",
    "dispute.lost": "charge.dispute.closed",
  },
  paypal: {
    "payment.pending": "CHECKOUT.ORDER.APPROVED",
    "payment.succeeded": "PAYMENT.CAPTURE.COMPLETED",
    "payment.failed": "PAYMENT.CAPTURE.DENIED",
    "payment.canceled": "CHECKOUT.ORDER.VOIDED",
    "refund.succeeded": "PAYMENT.CAPTURE.REFUNDED",
    "dispute.opened": "CUSTOMER.DISPUTE.CREATED",
    "dispute.updated": "CUSTOMER.DISPUTE.UPDATED",
    "dispute.won": "CUSTOMER.DISPUTE.RESOLVED",
    "dispute.lost": "CUSTOMER.DISPUTE.RESOLVED",
  },
  adyen: {
    "payment.pending": "PENDING",
    "payment.succeeded": "AUTHORISATION",
    "payment.failed": "AUTHORISATION",
    "payment.canceled": "CANCELLATION",
    "payment.expired": "OFFER_CLOSED",
    "refund.succeeded": "REFUND",
    "refund.failed": "REFUND_FAILED",
    "dispute.opened": "NOTIFICATION_OF_CHARGEBACK",
    "dispute.updated": "INFORMATION_SUPPLIED",
    "dispute.won": "CHARGEBACK_REVERSED",
    // A CHARGEBACK whose additionalData.disputeStatus is Lost/Accepted (Adyen dispute webhooks).
    "dispute.lost": "CHARGEBACK",
  },
  sandbox: {},
  coinbase: {
    "payment.pending": "charge:pending",
    "payment.succeeded": "charge:confirmed",
    "payment.failed": "charge:failed",
    "payment.expired": "charge:failed",
  },
};

/** The provider's own event name, or undefined when the provider sends no webhook for it. */
export function rawEventType(provider: ProviderKind, type: ProviderEventType): string | undefined {
  if (provider === "sandbox") return type;
  return RAW_TYPES[provider][type];
}

/**
 * 24 hex digits without a run of 13 decimal ones: transcripts carry the link, and a run that
 * long reads as a card number to the redaction scanner (and to the seed's own check).
 */
function sandboxHex(rng: SeededRandom): string {
  for (;;) {
    const hex = rng.hex(24);
    if (!/\d{13}/.test(hex)) return hex;
  }
}
