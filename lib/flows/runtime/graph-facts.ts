// Static facts about each node: the texts it shows, the variables it reads, and the ones it
// sets on each output. The validator checks translations and variable order with these.
import type { FlowNode, LocalizedText } from "../graph";
import { templateVariables } from "./text";

export interface TextField {
  /** Where the text sits in the node, for messages ("prompt", "choices[1].label"). */
  field: string;
  text: LocalizedText | undefined;
  /** Optional texts may be left empty (a built-in phrase is used), but not half-translated. */
  optional: boolean;
}

export function textFields(node: FlowNode): TextField[] {
  switch (node.type) {
    case "message":
      return [{ field: "text", text: node.data.text, optional: false }];
    case "ask":
      return [
        { field: "prompt", text: node.data.prompt, optional: false },
        { field: "retry", text: node.data.retry, optional: true },
        ...(node.data.choices ?? []).map((choice, i) => ({
          field: `choices[${i}].label`,
          text: choice.label,
          optional: false,
        })),
      ];
    case "product_choice":
      return [
        { field: "prompt", text: node.data.prompt, optional: false },
        ...node.data.products.map((product, i) => ({
          field: `products[${i}].name`,
          text: product.name,
          optional: false,
        })),
      ];
    case "choose_method":
      return [{ field: "prompt", text: node.data.prompt, optional: true }];
    case "confirm":
      return [
        { field: "prompt", text: node.data.prompt, optional: true },
        { field: "description", text: node.data.description, optional: true },
      ];
    case "pay":
      return [{ field: "description", text: node.data.description, optional: false }];
    case "receipt":
      return [{ field: "text", text: node.data.text, optional: false }];
    case "reminder":
      return [{ field: "text", text: node.data.text, optional: false }];
    case "handoff":
      return [{ field: "text", text: node.data.text, optional: true }];
    case "end":
      return [{ field: "text", text: node.data.text, optional: true }];
    case "start":
    case "condition":
    case "wait_payment":
      return [];
  }
}

export interface VariableUse {
  name: string;
  /** "text", "condition", "amount" (pay) or "payment" (nodes that need a checkout first). */
  via: "text" | "condition" | "amount" | "payment";
}

export function variablesUsed(node: FlowNode): VariableUse[] {
  const uses: VariableUse[] = [];
  const seen = new Set<string>();
  for (const { text } of textFields(node)) {
    for (const value of Object.values(text ?? {})) {
      for (const name of templateVariables(value ?? "")) {
        if (!seen.has(name)) uses.push({ name, via: "text" });
        seen.add(name);
      }
    }
  }
  if (node.type === "condition" && node.data.operator !== "set")
    uses.push({ name: node.data.variable, via: "condition" });
  if (node.type === "pay" || node.type === "confirm") {
    if (node.data.amountFrom === "cart") uses.push({ name: "cart", via: "amount" });
    else if (node.data.amountVariable) uses.push({ name: node.data.amountVariable, via: "amount" });
  }
  if (node.type === "wait_payment" || node.type === "reminder" || node.type === "receipt") {
    uses.push({ name: "reference", via: "payment" });
  }
  return uses;
}

const PAY_SETS = ["reference", "payment_status", "payment_url", "total"];

/** Variables certainly set when the conversation leaves `node` by `handle`. */
export function variablesSet(node: FlowNode, handle: string): string[] {
  switch (node.type) {
    case "ask":
      return handle === "next" ? [node.data.variable] : [];
    case "product_choice":
      return handle === "next" ? ["cart", "total"] : [];
    case "choose_method":
      return handle === "next" ? ["method"] : [];
    case "pay":
      return handle === "next" ? PAY_SETS : [];
    case "condition":
      return node.data.operator === "set" && handle === "true" ? [node.data.variable] : [];
    default:
      return [];
  }
}
