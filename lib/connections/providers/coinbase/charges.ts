// Coinbase Commerce charges: the wire shape (docs.cdp.coinbase.com/commerce, "Charges" and
// "Payment status") and how a charge reads as a Parley status. The charge's timeline is the
// truth — "the last entry in the timeline array is the current status of the charge" — so the
// webhook's type is only a fallback for a charge without one.
import { currencyExponent, parseMajorToMinor } from "@/lib/money";
import { z } from "zod";
import type { CryptoReceived, NormalizedEvent, SettlementIssue } from "../types";

const money = z.object({ amount: z.string(), currency: z.string() });

export const coinbaseChargeSchema = z.object({
  id: z.string().min(1),
  code: z.string().optional(),
  hosted_url: z.string().optional(),
  expires_at: z.string().nullish(),
  pricing_type: z.string().optional(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
  pricing: z.object({ local: money.optional() }).passthrough().nullish(),
  local_price: money.nullish(),
  timeline: z
    .array(
      z.object({
        status: z.string(),
        time: z.string().optional(),
        context: z.string().nullish(),
      }),
    )
    .nullish(),
  payments: z
    .array(
      z.object({
        network: z.string().optional(),
        transaction_id: z.string().optional(),
        status: z.string().optional(),
        value: z.object({ local: money.optional(), crypto: money.optional() }).optional(),
      }),
    )
    .nullish(),
});
export type CoinbaseCharge = z.infer<typeof coinbaseChargeSchema>;

/**
 * A fiat decimal from Commerce ("10.00", sometimes "10.000000") in minor units. Extra decimals
 * must be zeros: a real fraction of a cent is refused rather than rounded.
 */
export function coinbaseLocalToMinor(amount: string, currency: string): number {
  const code = currency.toUpperCase();
  const [whole, fraction = ""] = amount.trim().split(".");
  const exponent = currencyExponent(code);
  const kept = fraction.slice(0, exponent);
  if (!/^0*$/.test(fraction.slice(exponent)))
    throw new RangeError(`${amount} ${code} has more decimals than ${code} allows`);
  return parseMajorToMinor(kept ? `${whole}.${kept}` : whole, code);
}

/** The charge's price in the merchant's fiat currency. */
export function chargePrice(
  charge: CoinbaseCharge,
): { amountMinor: number; currency: string } | undefined {
  const local = charge.pricing?.local ?? charge.local_price ?? undefined;
  if (!local) return undefined;
  const currency = local.currency.toUpperCase();
  return { amountMinor: coinbaseLocalToMinor(local.amount, currency), currency };
}

/**
 * What arrived on chain, or undefined before any payment was seen. Payments in another fiat
 * currency than the price cannot be summed with it and are left out of the total (the crypto
 * list still shows them).
 */
export function chargeReceived(charge: CoinbaseCharge): CryptoReceived | undefined {
  const payments = charge.payments ?? [];
  if (payments.length === 0) return undefined;
  const price = chargePrice(charge);
  const currency = price?.currency ?? payments[0].value?.local?.currency.toUpperCase() ?? "USD";
  let amountMinor = 0;
  const crypto: CryptoReceived["crypto"] = [];
  for (const payment of payments) {
    const local = payment.value?.local;
    if (local && local.currency.toUpperCase() === currency)
      amountMinor += coinbaseLocalToMinor(local.amount, currency);
    const coin = payment.value?.crypto;
    if (coin) {
      crypto.push({
        amount: coin.amount,
        currency: coin.currency.toUpperCase(),
        ...(payment.network && { network: payment.network }),
        ...(payment.transaction_id && { transactionId: payment.transaction_id }),
      });
    }
  }
  return { amountMinor, currency, crypto };
}

const ISSUE_BY_CONTEXT: Record<string, SettlementIssue> = {
  UNDERPAID: "underpaid",
  OVERPAID: "overpaid",
  DELAYED: "delayed",
  MULTIPLE: "multiple",
};

function issueOf(context: string | null | undefined): SettlementIssue {
  return ISSUE_BY_CONTEXT[(context ?? "").toUpperCase()] ?? "other";
}

type ChargeOutcome = Pick<NormalizedEvent, "type" | "settlement" | "failure">;

/** What the webhook type says when the charge carries no timeline. */
const BY_EVENT_TYPE: Record<string, ChargeOutcome> = {
  "charge:pending": { type: "payment.pending" },
  "charge:confirmed": { type: "payment.succeeded" },
  "charge:failed": {
    type: "payment.failed",
    failure: { code: "charge_failed", message: "Coinbase Commerce could not complete the charge" },
  },
  "charge:delayed": {
    type: "payment.pending",
    settlement: { issue: "delayed", status: "unresolved" },
  },
};

/**
 * The status table: a charge's current timeline status (and UNRESOLVED context) as a Parley
 * event. UNRESOLVED is paid-but-not-settled: never a success and never a failure, the payment
 * stays in flight with the issue flagged until someone resolves it on Coinbase (RESOLVED).
 * A COMPLETED charge whose payments do not add up to the price is treated as unresolved too.
 */
export function coinbaseChargeOutcome(eventType: string, charge: CoinbaseCharge): ChargeOutcome {
  const timeline = charge.timeline ?? [];
  const current = timeline.at(-1);
  if (!current) return BY_EVENT_TYPE[eventType] ?? { type: "unknown" };
  const status = current.status.toUpperCase();
  switch (status) {
    case "NEW":
      return { type: "unknown" };
    case "SIGNED":
    case "PENDING":
      return { type: "payment.pending" };
    case "COMPLETED":
    case "CONFIRMED": {
      const price = chargePrice(charge);
      const received = chargeReceived(charge);
      if (price && received && received.currency === price.currency) {
        if (received.amountMinor < price.amountMinor)
          return {
            type: "payment.pending",
            settlement: { issue: "underpaid", status: "unresolved" },
          };
        if (received.amountMinor > price.amountMinor)
          return {
            type: "payment.pending",
            settlement: { issue: "overpaid", status: "unresolved" },
          };
      }
      return { type: "payment.succeeded" };
    }
    case "EXPIRED":
      return { type: "payment.expired" };
    case "CANCELED":
    case "CANCELLED":
      return { type: "payment.canceled" };
    case "UNRESOLVED":
      return {
        type: "payment.pending",
        settlement: { issue: issueOf(current.context), status: "unresolved" },
      };
    case "RESOLVED": {
      const before = [...timeline].reverse().find((t) => t.status.toUpperCase() === "UNRESOLVED");
      return {
        type: "payment.succeeded",
        settlement: { issue: issueOf(before?.context), status: "resolved" },
      };
    }
    case "FAILED":
      return {
        type: "payment.failed",
        failure: {
          code: "charge_failed",
          message: current.context ?? "Coinbase Commerce could not complete the charge",
        },
      };
    default:
      return BY_EVENT_TYPE[eventType] ?? { type: "unknown" };
  }
}

/** The Parley payment id a charge carries in its metadata (set when Parley created it). */
export function chargePaymentId(charge: CoinbaseCharge): string | undefined {
  const id = charge.metadata?.parley_payment_id;
  return typeof id === "string" && id.startsWith("pay_") ? id : undefined;
}
