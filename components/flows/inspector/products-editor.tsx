"use client";

import { Button } from "@/components/ui/button";
import type { NodeOf } from "@/lib/flows/graph";
import { currencyExponent } from "@/lib/money";
import { useDesigner } from "../designer/designer-context";
import { LocalizedField, type Parsed, parseWholeNumber, ValidatedInput } from "./fields";
import { parsePriceInput, priceInputText } from "./price";
import { useNodeEdit } from "./use-node-edit";

type Product = NodeOf<"product_choice">["data"]["products"][number];

function parseSku(text: string): Parsed<string> {
  const sku = text.trim();
  if (!sku) return { ok: false, message: "Enter a SKU." };
  if (sku.length > 64) return { ok: false, message: "Keep the SKU under 64 characters." };
  return { ok: true, value: sku };
}

/** The catalogue of a product choice node: prices typed as decimals, stored as minor units. */
export function ProductsEditor({ node }: { node: NodeOf<"product_choice"> }) {
  const { graph } = useDesigner();
  const edit = useNodeEdit(node);
  const products = node.data.products;
  const { currency } = graph;
  const replace = (index: number, product: Product, field: string) =>
    edit(
      { products: products.map((p, i) => (i === index ? product : p)) },
      `products[${index}].${field}`,
    );
  const nextSku = () => {
    const taken = new Set(products.map((p) => p.sku));
    let n = products.length + 1;
    while (taken.has(`ITEM-${n}`)) n++;
    return `ITEM-${n}`;
  };
  return (
    <fieldset className="space-y-3">
      <legend className="text-sm font-medium text-slate-700">Products ({currency})</legend>
      {products.length === 0 ? (
        <p className="text-xs text-slate-500">Add what the customer can order.</p>
      ) : null}
      <ol className="space-y-3">
        {products.map((product, index) => (
          <li key={index} className="space-y-2 rounded-md bg-slate-50 p-2 ring-1 ring-slate-200">
            <div className="grid grid-cols-2 gap-2">
              <ValidatedInput
                id={`${node.id}-product-${index}-sku`}
                label={`Product ${index + 1} SKU`}
                value={product.sku}
                format={(v) => v}
                parse={parseSku}
                onCommit={(sku) => replace(index, { ...product, sku }, "sku")}
              />
              <ValidatedInput
                id={`${node.id}-product-${index}-price`}
                label={`Product ${index + 1} price`}
                inputMode="decimal"
                value={product.priceMinor}
                format={(minor) => priceInputText(minor, currency)}
                parse={(text) => {
                  const parsed = parsePriceInput(text, currency);
                  return parsed.ok ? { ok: true, value: parsed.minor } : parsed;
                }}
                onCommit={(priceMinor) => replace(index, { ...product, priceMinor }, "price")}
              />
            </div>
            <LocalizedField
              id={`${node.id}-product-${index}-name`}
              label={`Product ${index + 1} name`}
              value={product.name}
              onChange={(name) => replace(index, { ...product, name }, "name")}
            />
            <div className="flex items-end gap-2">
              <ValidatedInput<number | undefined>
                className="flex-1"
                id={`${node.id}-product-${index}-max`}
                label="Most per order"
                hint="Leave empty for no limit."
                inputMode="numeric"
                value={product.maxQuantity}
                format={(v) => (v === undefined ? "" : String(v))}
                parse={(text) =>
                  text.trim() === ""
                    ? { ok: true, value: undefined }
                    : parseWholeNumber(1, 999)(text)
                }
                onCommit={(maxQuantity) => {
                  const next: Product = { ...product, maxQuantity };
                  if (maxQuantity === undefined) delete next.maxQuantity;
                  replace(index, next, "max");
                }}
              />
              <Button
                type="button"
                variant="ghost"
                aria-label={`Remove product ${index + 1}`}
                onClick={() => edit({ products: products.filter((_, i) => i !== index) })}
              >
                Remove
              </Button>
            </div>
          </li>
        ))}
      </ol>
      {products.length < 50 ? (
        <Button
          type="button"
          variant="secondary"
          onClick={() =>
            edit({
              products: [
                ...products,
                { sku: nextSku(), name: {}, priceMinor: 10 ** currencyExponent(currency) },
              ],
            })
          }
        >
          Add product
        </Button>
      ) : null}
    </fieldset>
  );
}
