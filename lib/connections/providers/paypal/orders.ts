// PayPal Orders v2 shapes and how they map onto Parley's payment states. Pure, no I/O.
import { isCurrency, minorToMajorString, parseMajorToMinor } from "@/lib/money";
import { z } from "zod";
import {
  type PaymentMethod,
  type PaymentStatus,
  type ProviderPaymentState,
  ProviderError,
} from "../types";

// PayPal's accepted currencies (REST API "Currency codes" reference). BRL, MYR and CNY are
// in-country only; PayPal refuses them for accounts from elsewhere with its own message.
export const PAYPAL_CURRENCIES = [
  "AUD",
  "BRL",
  "CAD",
  "CNY",
  "CZK",
  "DKK",
  "EUR",
  "HKD",
  "HUF",
  "ILS",
  "JPY",
  "MYR",
  "MXN",
  "TWD",
  "NZD",
  "NOK",
  "PHP",
  "PLN",
  "GBP",
  "SGD",
  "SEK",
  "CHF",
  "THB",
  "USD",
] as const;

// HUF and TWD have two ISO decimals but PayPal accepts whole amounts only; Parley does not list
// them, so capabilities leave them out rather than special-casing the amount format.
const PAYPAL_WHOLE_ONLY = new Set(["HUF", "TWD"]);

export const paypalCheckoutCurrencies: string[] = PAYPAL_CURRENCIES.filter(
  (code) => isCurrency(code) && !PAYPAL_WHOLE_ONLY.has(code),
);

/** PayPal's `value`: a decimal string with the currency's own exponent ("12.50", JPY "1200"). */
export function paypalAmountValue(
  amountMinor: number,
  currency: string,
): { currency_code: string; value: string } {
  const code = currency.toUpperCase();
  if (!paypalCheckoutCurrencies.includes(code)) {
    throw new ProviderError(
      `PayPal does not accept payments in ${code}`,
      "invalid_request",
      undefined,
      "CURRENCY_NOT_SUPPORTED",
    );
  }
  if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0) {
    throw new ProviderError(
      `Amount must be a positive number of minor units, got ${amountMinor}`,
      "invalid_request",
    );
  }
  return { currency_code: code, value: minorToMajorString(amountMinor, code) };
}

export const paypalMoneySchema = z.object({ currency_code: z.string(), value: z.string() });

export function paypalMoneyToMinor(money: z.infer<typeof paypalMoneySchema>): {
  amountMinor: number;
  currency: string;
} {
  return {
    amountMinor: parseMajorToMinor(money.value, money.currency_code),
    currency: money.currency_code,
  };
}

const linkSchema = z.object({ href: z.string(), rel: z.string(), method: z.string().optional() });

export const paypalCaptureSchema = z.object({
  id: z.string(),
  status: z.string(),
  amount: paypalMoneySchema.optional(),
  custom_id: z.string().optional(),
  status_details: z.object({ reason: z.string().optional() }).optional(),
  supplementary_data: z
    .object({ related_ids: z.object({ order_id: z.string().optional() }).optional() })
    .optional(),
  links: z.array(linkSchema).optional(),
});
export type PayPalCapture = z.infer<typeof paypalCaptureSchema>;

export const paypalOrderSchema = z.object({
  id: z.string(),
  status: z.string(),
  purchase_units: z
    .array(
      z.object({
        reference_id: z.string().optional(),
        custom_id: z.string().optional(),
        amount: paypalMoneySchema.optional(),
        payments: z.object({ captures: z.array(paypalCaptureSchema).optional() }).optional(),
      }),
    )
    .optional(),
  payment_source: z.record(z.string(), z.unknown()).optional(),
  links: z.array(linkSchema).optional(),
});
export type PayPalOrder = z.infer<typeof paypalOrderSchema>;

export function parsePayPalOrder(body: unknown): PayPalOrder {
  const parsed = paypalOrderSchema.safeParse(body);
  if (!parsed.success)
    throw new ProviderError("PayPal returned an unreadable order", "provider_error");
  return parsed.data;
}

/** The link the customer opens: `payer-action` when payment_source was sent, else `approve`. */
export function payerLink(order: PayPalOrder): string | undefined {
  const links = order.links ?? [];
  return (links.find((l) => l.rel === "payer-action") ?? links.find((l) => l.rel === "approve"))
    ?.href;
}

const PAYMENT_SOURCE_METHODS: Record<string, PaymentMethod> = {
  paypal: "paypal",
  venmo: "paypal",
  card: "card",
  apple_pay: "apple_pay",
  google_pay: "google_pay",
};

export function orderMethod(order: PayPalOrder): PaymentMethod | undefined {
  for (const key of Object.keys(order.payment_source ?? {})) {
    const method = PAYMENT_SOURCE_METHODS[key];
    if (method) return method;
  }
  return undefined;
}

const CAPTURE_STATUSES: Record<string, PaymentStatus> = {
  COMPLETED: "succeeded",
  PENDING: "pending",
  DECLINED: "failed",
  FAILED: "failed",
  REFUNDED: "refunded",
  PARTIALLY_REFUNDED: "partially_refunded",
};

const ORDER_STATUSES: Record<string, PaymentStatus> = {
  CREATED: "pending",
  SAVED: "pending",
  // Approved by the buyer but not yet captured: money has not moved (see captureOrder).
  APPROVED: "pending",
  PAYER_ACTION_REQUIRED: "requires_action",
  VOIDED: "canceled",
  COMPLETED: "succeeded",
};

export function firstCapture(order: PayPalOrder): PayPalCapture | undefined {
  return order.purchase_units?.[0]?.payments?.captures?.[0];
}

export function orderToPaymentState(order: PayPalOrder): ProviderPaymentState {
  const unit = order.purchase_units?.[0];
  const capture = firstCapture(order);
  let status = ORDER_STATUSES[order.status] ?? "pending";
  let failure: ProviderPaymentState["failure"];
  if (order.status === "COMPLETED" && capture) {
    status = CAPTURE_STATUSES[capture.status] ?? "pending";
    if (status === "failed") {
      failure = {
        code: capture.status,
        message: capture.status_details?.reason ?? `PayPal capture ${capture.status.toLowerCase()}`,
      };
    }
  }
  const money = capture?.amount ?? unit?.amount;
  const amount = money ? paypalMoneyToMinor(money) : undefined;
  return {
    providerPaymentId: order.id,
    status,
    amountMinor: amount?.amountMinor,
    currency: amount?.currency,
    method: orderMethod(order),
    failure,
  };
}
