// Builds the customer's cart from the merchant's catalogue. Prices always come from the
// node's products, never from what the customer types; the total is computed here.
import { multiplyMinor, sumMinor } from "@/lib/money";
import type { NodeOf } from "../../graph";
import { KEYWORDS, localize } from "../../i18n";
import { matchesKeyword, matchOption, normalizeReply } from "../matching";
import { type Run, go, waitInput } from "../run";
import { formatAmount } from "../text";
import type { CartItem } from "../types";
import type { NodeHandler } from "./handler";
import { rejectAnswer } from "./shared";

type ProductNode = NodeOf<"product_choice">;
const DEFAULT_MAX_QUANTITY = 99;
const DONE_VALUE = "done";

function productOptions(run: Run, node: ProductNode) {
  return node.data.products.map((product) => ({
    value: product.sku,
    label: `${localize(product.name, run.state.lang, run.graph.defaultLanguage) || product.sku} — ${formatAmount(product.priceMinor, run.graph.currency, run.state.lang)}`,
  }));
}

function matchable(node: ProductNode) {
  return node.data.products.map((product) => ({
    value: product.sku,
    labels: Object.values(product.name).filter((label): label is string => Boolean(label)),
  }));
}

function present(run: Run, node: ProductNode, lead: string): void {
  const options = productOptions(run, node);
  if (node.data.allowMultiple && (run.state.cart?.items.length ?? 0) > 0) {
    options.push({ value: DONE_VALUE, label: run.phrase("option_done") });
  }
  run.offer(lead, options);
}

export interface Selection {
  index: number;
  quantity: number;
}

/**
 * "2", "T-shirt", "1 x3", "1×3, 2", "2x mug et 1": an item with an optional "× quantity",
 * several separated by commas, "and"/"et"/"dan"/"和". Null when any part is not understood.
 */
export function parseSelections(text: string, node: ProductNode): Selection[] | null {
  const parts = normalizeReply(text)
    .split(/\s*(?:[,;\n+&、，]|\band\b|\bet\b|\bdan\b|和)\s*/u)
    .filter((part) => part.length > 0);
  if (parts.length === 0 || parts.length > 20) return null;
  const options = matchable(node);
  const selections: Selection[] = [];
  for (const part of parts) {
    const itemFirst = /^(.+?)\s*[x×*]\s*(\d{1,3})$/u.exec(part);
    const quantityFirst = itemFirst ? null : /^(\d{1,3})\s*[x×*]\s*(\D.*)$/u.exec(part);
    const item = itemFirst ? itemFirst[1] : quantityFirst ? quantityFirst[2] : part;
    const quantity = itemFirst
      ? Number(itemFirst[2])
      : quantityFirst
        ? Number(quantityFirst[1])
        : 1;
    const index = matchOption(item, options);
    if (index < 0 || quantity < 1) return null;
    selections.push({ index, quantity });
  }
  return selections;
}

/** "done" (in any language) ends the cart; a reply that names products is a selection instead. */
function isDone(text: string, selections: Selection[] | null): boolean {
  const reply = normalizeReply(text);
  if (reply === DONE_VALUE || (KEYWORDS.done as readonly string[]).includes(reply)) return true;
  return selections === null && matchesKeyword(text, KEYWORDS.done);
}

function cartTotal(items: CartItem[]): number {
  return sumMinor(items.map((item) => multiplyMinor(item.unitMinor, item.quantity)));
}

export const productChoiceNode: NodeHandler<"product_choice"> = {
  enter(run, node) {
    if (node.data.products.length === 0) return run.handOff("technical_problem", "no_products");
    // Reaching the catalogue again starts a new cart.
    run.state.cart = { items: [], totalMinor: 0, currency: run.graph.currency };
    const lead = run.text(node.data.prompt);
    present(
      run,
      node,
      node.data.allowMultiple ? [lead, run.phrase("cart_more")].filter(Boolean).join("\n") : lead,
    );
    return waitInput;
  },

  onMessage(run, node, text) {
    const cart = run.state.cart ?? { items: [], totalMinor: 0, currency: run.graph.currency };
    run.state.cart = cart;
    const selections = parseSelections(text, node);
    if (node.data.allowMultiple && isDone(text, selections)) {
      if (cart.items.length > 0) {
        run.event("input_accepted", "cart_done");
        return go("next");
      }
      return rejectAnswer(run, "cart_empty", () => present(run, node, run.phrase("cart_empty")));
    }
    if (!selections || (!node.data.allowMultiple && selections.length !== 1)) {
      return rejectAnswer(run, "invalid_choice", () =>
        present(run, node, run.phrase("invalid_choice")),
      );
    }
    const items = node.data.allowMultiple ? cart.items.map((item) => ({ ...item })) : [];
    for (const { index, quantity } of selections) {
      const product = node.data.products[index];
      const existing = items.find((item) => item.sku === product.sku);
      const max = product.maxQuantity ?? DEFAULT_MAX_QUANTITY;
      const wanted = (existing?.quantity ?? 0) + quantity;
      if (wanted > max) {
        const name =
          localize(product.name, run.state.lang, run.graph.defaultLanguage) || product.sku;
        return rejectAnswer(run, "quantity_too_high", () =>
          present(run, node, run.phrase("quantity_too_high", { max: String(max), name })),
        );
      }
      if (existing) existing.quantity = wanted;
      else items.push({ sku: product.sku, quantity, unitMinor: product.priceMinor });
    }
    run.state.cart = { items, totalMinor: cartTotal(items), currency: run.graph.currency };
    run.state.retries = 0;
    run.event("cart_updated", String(items.length));
    if (!node.data.allowMultiple) return go("next");
    present(run, node, `${run.phrase("cart_added")}\n${run.phrase("cart_more")}`);
    return waitInput;
  },
};
