// Where a payment lives in its provider's own dashboard, test or live: the one place these URLs
// are built. Sandbox has no dashboard of its own (Parley is its dashboard). Ids are checked
// against each provider's id shape before they go into a URL, so a stored id can never turn a
// link into somewhere else.
import type { Mode } from "@/db/schema";
import type { ProviderKind } from "@/lib/connections/providers/types";

export interface ProviderLink {
  /** What the id is, in the provider's words: "Payment intent", "Capture", "PSP reference". */
  label: string;
  id: string;
  /** Null when the provider has no page for it (or the id is not one we recognise). */
  href: string | null;
}

const SAFE_ID = /^[A-Za-z0-9_-]{1,255}$/;

/** Stripe: dashboard.stripe.com, with /test for test mode. */
function stripe(mode: Mode, path: string): string {
  return `https://dashboard.stripe.com${mode === "test" ? "/test" : ""}/${path}`;
}

/** PayPal: the sandbox has its own host. */
function paypal(mode: Mode, path: string): string {
  return `https://www.${mode === "test" ? "sandbox." : ""}paypal.com/${path}`;
}

/** Adyen's Customer Area: ca-test or ca-live. */
function adyen(mode: Mode, pspReference: string): string {
  return `https://ca-${mode === "test" ? "test" : "live"}.adyen.com/ca/ca/accounts/showTx.shtml?pspReference=${encodeURIComponent(pspReference)}&txType=Payment`;
}

export function providerPaymentLink(
  provider: ProviderKind,
  mode: Mode,
  providerPaymentId: string | null,
): ProviderLink | null {
  if (!providerPaymentId) return null;
  const id = providerPaymentId;
  const safe = SAFE_ID.test(id);
  switch (provider) {
    case "stripe":
      // Until the customer pays, Stripe's id is the Checkout Session's (cs_…), which has no page.
      return id.startsWith("pi_") && safe
        ? { label: "Payment intent", id, href: stripe(mode, `payments/${id}`) }
        : { label: id.startsWith("cs_") ? "Checkout session" : "Payment", id, href: null };
    case "paypal":
      return {
        label: "PayPal transaction",
        id,
        href: safe ? paypal(mode, `activity/payment/${id}`) : null,
      };
    case "adyen":
      return { label: "PSP reference", id, href: safe ? adyen(mode, id) : null };
    case "sandbox":
      return { label: "Sandbox payment", id, href: null };
    case "coinbase":
      // Commerce's dashboard lists charges by code, not id: no stable deep link to build.
      return { label: "Coinbase charge", id, href: null };
  }
}

export function providerDisputeLink(
  provider: ProviderKind,
  mode: Mode,
  providerDisputeId: string,
): string | null {
  if (!SAFE_ID.test(providerDisputeId)) return null;
  if (provider === "stripe") return stripe(mode, `disputes/${providerDisputeId}`);
  if (provider === "paypal") return paypal(mode, `resolutioncenter/${providerDisputeId}`);
  return null;
}

/** The provider's dashboard name, for "Open in Stripe". */
export const PROVIDER_DASHBOARD_NAME: Record<ProviderKind, string> = {
  stripe: "Stripe",
  paypal: "PayPal",
  adyen: "Adyen Customer Area",
  sandbox: "Sandbox",
  coinbase: "Coinbase Commerce",
};
