// The amount a conversation may charge and the confirmation that locks it. The confirm node
// stores what it showed (items, amount, currency) with a digest; the pay node and the engine's
// checkout guard recompute the digest from the conversation's state and create a checkout only
// when it equals a confirmed one. Pure: shared by the runtime and lib/conversations/checkout.
import { multiplyMinor, sumMinor } from "@/lib/money";
import { asAmount } from "./text";
import type { CartItem, Confirmation, ConversationState } from "./types";

export interface AmountSource {
  amountFrom: "cart" | "variable";
  amountVariable?: string;
}

export interface ChargeSummary {
  /** The cart's lines (empty for an amount taken from a variable). */
  items: CartItem[];
  amountMinor: number;
  currency: string;
}

/** What a node with this amount source would charge now, or null when nothing trustworthy. */
export function chargeSummary(
  state: Pick<ConversationState, "cart" | "variables">,
  currency: string,
  source: AmountSource,
): ChargeSummary | null {
  if (source.amountFrom === "cart") {
    const cart = state.cart;
    if (!cart || cart.currency !== currency || cart.items.length === 0) return null;
    try {
      const total = sumMinor(
        cart.items.map((item) => multiplyMinor(item.unitMinor, item.quantity)),
      );
      if (total <= 0 || total !== cart.totalMinor) return null;
      return {
        items: cart.items.map((item) => ({ ...item })),
        amountMinor: total,
        currency,
      };
    } catch {
      return null;
    }
  }
  const name = source.amountVariable;
  const amount = name ? asAmount(state.variables[name]) : null;
  if (!amount || amount.currency !== currency || amount.amountMinor <= 0) return null;
  return { items: [], amountMinor: amount.amountMinor, currency };
}

/**
 * A digest of what is charged: 53-bit FNV-style mix (cyrb53) of a canonical text. Not a secret
 * (the state never leaves the server): it only has to change whenever the charge changes.
 */
export function confirmationHash(summary: ChargeSummary): string {
  const canonical = [
    summary.currency,
    String(summary.amountMinor),
    ...summary.items.map((item) => `${item.sku}\u0001${item.quantity}\u0001${item.unitMinor}`),
  ].join("\u0002");
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < canonical.length; i++) {
    const ch = canonical.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  const value = 4294967296 * (2097151 & h2) + (h1 >>> 0);
  return value.toString(36).padStart(11, "0");
}

/** The button value that confirms exactly this summary (a stale button carries an old digest). */
export const CONFIRM_VALUE_PREFIX = "confirm:";
export const CHANGE_VALUE = "change";

export function confirmValue(hash: string): string {
  return `${CONFIRM_VALUE_PREFIX}${hash}`;
}

export type ConfirmationCheck =
  | { ok: true; confirmation: Confirmation }
  | { ok: false; reason: "not_confirmed" | "amount_differs" | "changed_since_confirmed" };

/**
 * Whether `amountMinor` in `currency` may be charged: the conversation holds a confirmed
 * confirmation for that very amount, and what it would charge now still has the same digest.
 */
export function checkConfirmed(
  state: Pick<ConversationState, "cart" | "variables" | "confirmation">,
  source: AmountSource,
  amountMinor: number,
  currency: string,
): ConfirmationCheck {
  const confirmation = state.confirmation;
  if (!confirmation || confirmation.status !== "confirmed")
    return { ok: false, reason: "not_confirmed" };
  if (confirmation.amountMinor !== amountMinor || confirmation.currency !== currency)
    return { ok: false, reason: "amount_differs" };
  const now = chargeSummary(state, currency, source);
  if (!now || now.amountMinor !== amountMinor || confirmationHash(now) !== confirmation.hash)
    return { ok: false, reason: "changed_since_confirmed" };
  return { ok: true, confirmation };
}
