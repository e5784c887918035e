// Where a demo payment goes (provider, method, currency) and how much it is for. Amounts are
// integer minor units with each currency's ISO 4217 exponent (JPY 0, IDR/CNY/EUR/USD 2).
import type { Mode } from "@/db/schema";
import type { PaymentMethod, ProviderKind } from "@/lib/connections/providers/types";
import type { MerchantKey } from "./catalog";
import { BATIK_PRODUCTS, MENU_PRODUCTS } from "./graphs";
import type { SeededRandom } from "./random";

export type SeedLang = "fr" | "en" | "zh" | "id";

export interface PaymentRoute {
  provider: ProviderKind;
  method: PaymentMethod;
  currency: string;
}

type Route = `${ProviderKind}:${PaymentMethod}`;

// Which provider and method customers end up on, by the language they chat in.
const LUMIERE_ROUTES: Record<SeedLang, Partial<Record<Route, number>>> = {
  fr: {
    "sandbox:card": 3,
    "stripe:card": 44,
    "stripe:apple_pay": 12,
    "stripe:google_pay": 6,
    "paypal:paypal": 14,
    "paypal:installments": 5,
    "adyen:card": 10,
    "adyen:bank_transfer": 6,
  },
  en: {
    "sandbox:card": 3,
    "stripe:card": 36,
    "stripe:apple_pay": 16,
    "stripe:google_pay": 8,
    "paypal:paypal": 14,
    "paypal:installments": 3,
    "adyen:card": 20,
  },
  zh: { "adyen:alipay": 42, "adyen:wechat_pay": 33, "stripe:card": 15, "adyen:card": 10 },
  id: { "adyen:bank_transfer": 45, "adyen:card": 25, "stripe:card": 25, "sandbox:card": 5 },
};

const NUSANTARA_ROUTES: Record<SeedLang, Partial<Record<Route, number>>> = {
  id: { "adyen:bank_transfer": 55, "adyen:card": 30, "adyen:installments": 10, "sandbox:card": 5 },
  en: { "adyen:card": 80, "adyen:bank_transfer": 10, "sandbox:card": 10 },
  zh: { "adyen:alipay": 50, "adyen:wechat_pay": 40, "adyen:card": 10 },
  fr: { "adyen:card": 100 },
};

function currencyFor(
  merchant: MerchantKey,
  lang: SeedLang,
  route: Route,
  rng: SeededRandom,
): string {
  if (merchant === "nusantara") {
    if (lang === "en") return rng.weighted({ IDR: 60, USD: 40 });
    return "IDR";
  }
  if (route === "adyen:alipay" || route === "adyen:wechat_pay")
    return rng.weighted({ CNY: 80, EUR: 20 });
  if (lang === "zh") return rng.weighted({ CNY: 50, EUR: 50 });
  if (lang === "id")
    return route === "adyen:bank_transfer" ? "IDR" : rng.weighted({ IDR: 40, EUR: 60 });
  if (route === "adyen:card" && lang === "en") return rng.weighted({ JPY: 45, USD: 30, EUR: 25 });
  if (lang === "en") return rng.weighted({ EUR: 70, USD: 30 });
  return "EUR";
}

/**
 * A live conversation pays through a live provider, never Sandbox; a test one (a flow published
 * in test mode) pays on Sandbox, which offers every method.
 */
export function chooseRoute(
  merchant: MerchantKey,
  lang: SeedLang,
  rng: SeededRandom,
  mode: Mode,
): PaymentRoute {
  const table = merchant === "lumiere" ? LUMIERE_ROUTES : NUSANTARA_ROUTES;
  const weights = Object.fromEntries(
    Object.entries(table[lang]).filter(([r]) => mode === "test" || !r.startsWith("sandbox:")),
  ) as Partial<Record<Route, number>>;
  const route = rng.weighted(weights);
  const [provider, method] = route.split(":") as [ProviderKind, PaymentMethod];
  return routeInMode({ provider, method, currency: currencyFor(merchant, lang, route, rng) }, mode);
}

/** The same route, on Sandbox when the conversation is in test mode. */
export function routeInMode(route: PaymentRoute, mode: Mode): PaymentRoute {
  return mode === "test" ? { ...route, provider: "sandbox" } : route;
}

// Demo exchange rates as whole fractions of the source's minor unit → target's minor unit, and
// the rounding step customers would see (JPY to 10 yen, IDR to Rp1.000, CNY to 1 yuan).
const FROM_EUR: Record<string, { num: number; den: number; step: number }> = {
  EUR: { num: 1, den: 1, step: 10 },
  USD: { num: 108, den: 100, step: 10 },
  JPY: { num: 160, den: 100, step: 10 },
  CNY: { num: 78, den: 10, step: 100 },
  IDR: { num: 17_000, den: 1, step: 100_000 },
};
const FROM_IDR: Record<string, { num: number; den: number; step: number }> = {
  IDR: { num: 1, den: 1, step: 100_000 },
  USD: { num: 1, den: 16_000, step: 100 },
  EUR: { num: 1, den: 17_000, step: 100 },
};

/** Integer conversion with round-half-up to the nearest `step` minor units; never below one step. */
function convert(amountMinor: number, rate: { num: number; den: number; step: number }): number {
  const unit = rate.den * rate.step;
  const steps = Math.floor((amountMinor * rate.num + Math.floor(unit / 2)) / unit);
  return Math.max(1, steps) * rate.step;
}

export function convertFromBase(
  merchant: MerchantKey,
  amountMinor: number,
  currency: string,
): number {
  const table = merchant === "lumiere" ? FROM_EUR : FROM_IDR;
  const rate = table[currency];
  if (!rate) throw new RangeError(`No demo rate from the base currency to ${currency}`);
  return convert(amountMinor, rate);
}

export interface Basket {
  /** In the flow's base currency (EUR for Lumière, IDR for Nusantara). */
  baseAmountMinor: number;
  items: { sku: string; quantity: number }[];
  invoiceNumber?: string;
}

export function invoiceBasket(rng: SeededRandom, year: number, sequence: number): Basket {
  // Log-uniform between €25 and €900: many small bills, a few private dinners.
  const euros = Math.exp(Math.log(25) + rng.next() * (Math.log(900) - Math.log(25)));
  const cents = Math.round(euros * 2) * 50;
  return {
    baseAmountMinor: cents,
    items: [],
    invoiceNumber: `LB-${year}-${String(sequence).padStart(4, "0")}`,
  };
}

function cart(
  rng: SeededRandom,
  products: readonly { sku: string; priceMinor: number }[],
  maxLines: number,
  maxQuantity: number,
): Basket {
  const lines = rng.int(1, maxLines);
  const chosen = new Map<string, number>();
  for (let i = 0; i < lines; i++) {
    const product = rng.pick(products);
    chosen.set(
      product.sku,
      Math.min(maxQuantity, (chosen.get(product.sku) ?? 0) + rng.int(1, maxQuantity)),
    );
  }
  let total = 0;
  const items = [...chosen].map(([sku, quantity]) => {
    total += products.find((p) => p.sku === sku)!.priceMinor * quantity;
    return { sku, quantity };
  });
  return { baseAmountMinor: total, items };
}

export const menuBasket = (rng: SeededRandom) => cart(rng, MENU_PRODUCTS, 3, 3);
export const batikBasket = (rng: SeededRandom) => cart(rng, BATIK_PRODUCTS, 2, 2);

export function countryFor(lang: SeedLang, rng: SeededRandom): string {
  switch (lang) {
    case "fr":
      return rng.weighted({ FR: 88, BE: 7, CH: 5 });
    case "en":
      return rng.weighted({ GB: 40, US: 35, AU: 10, SG: 8, JP: 7 });
    case "zh":
      return rng.weighted({ CN: 80, HK: 12, SG: 8 });
    case "id":
      return rng.weighted({ ID: 95, MY: 5 });
  }
}
