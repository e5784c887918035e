// Branches on a conversation variable. Amounts compare in minor units; numbers numerically
// when both sides are numbers; everything else as case-insensitive text.
import type { NodeOf } from "../../graph";
import { go } from "../run";
import { asAmount } from "../text";
import type { ConversationState, JsonValue } from "../types";
import type { NodeHandler } from "./handler";

function builtinValue(name: string, state: ConversationState): JsonValue | undefined {
  switch (name) {
    case "total":
      return state.payment?.amountMinor ?? state.cart?.totalMinor;
    case "reference":
      return state.payment?.paymentId;
    case "payment_status":
      return state.payment?.status;
    case "payment_url":
      return state.payment?.url;
    case "cart":
      return state.cart ? state.cart.items.map((item) => item.sku) : undefined;
    default:
      return state.variables[name];
  }
}

// An array item as text; an object item reads as its JSON rather than "[object Object]".
function text(item: JsonValue): string {
  return typeof item === "object" && item !== null ? JSON.stringify(item) : String(item);
}

function comparable(value: JsonValue | undefined): string | number | null {
  if (value === undefined || value === null) return null;
  const amount = asAmount(value);
  if (amount) return amount.amountMinor;
  if (typeof value === "number") return value;
  if (typeof value === "boolean") return String(value);
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

function asNumber(value: string | number | boolean | null | undefined): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "string" && /^-?\d+(?:\.\d+)?$/.test(value.trim()))
    return Number(value.trim());
  return null;
}

export function evaluateCondition(node: NodeOf<"condition">, state: ConversationState): boolean {
  const raw = builtinValue(node.data.variable, state);
  const { operator, value } = node.data;
  if (operator === "set") {
    if (raw === undefined || raw === null) return false;
    if (typeof raw === "string") return raw.trim().length > 0;
    if (Array.isArray(raw)) return raw.length > 0;
    return true;
  }
  const left = comparable(raw);
  if (left === null) return operator === "neq";
  const leftNumber = asNumber(left);
  const rightNumber = asNumber(value);
  switch (operator) {
    case "eq":
    case "neq": {
      const equal =
        leftNumber !== null && rightNumber !== null
          ? leftNumber === rightNumber
          : String(left).trim().toLowerCase() ===
            String(value ?? "")
              .trim()
              .toLowerCase();
      return operator === "eq" ? equal : !equal;
    }
    case "gt":
      return leftNumber !== null && rightNumber !== null && leftNumber > rightNumber;
    case "lt":
      return leftNumber !== null && rightNumber !== null && leftNumber < rightNumber;
    case "contains":
      if (Array.isArray(raw))
        return raw.some((item) => text(item).toLowerCase() === String(value ?? "").toLowerCase());
      return String(left)
        .toLowerCase()
        .includes(String(value ?? "").toLowerCase());
  }
}

export const conditionNode: NodeHandler<"condition"> = {
  enter(run, node) {
    return go(evaluateCondition(node, run.state) ? "true" : "false");
  },
};
