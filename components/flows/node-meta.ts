// How node types, outputs and languages read in the designer, and the one-line summary a node
// shows on the canvas. Pure, so the canvas, the inspector and the tests share one wording.
import type { ChannelKind } from "@/db/schema/flows";
import type { PaymentMethod } from "@/lib/connections/providers/types";
import type { FlowGraph, FlowNode, Lang, NodeType } from "@/lib/flows/graph";
import { localize } from "@/lib/flows/i18n";
import { formatMoney } from "@/lib/money";

export const NODE_META: Record<NodeType, { label: string; description: string; accent: string }> = {
  start: {
    label: "Start",
    description: "Where every conversation begins.",
    accent: "bg-slate-700",
  },
  message: { label: "Message", description: "Sends a text.", accent: "bg-sky-600" },
  ask: {
    label: "Ask",
    description: "Asks a question and stores the answer.",
    accent: "bg-indigo-600",
  },
  product_choice: {
    label: "Product choice",
    description: "A catalogue the customer fills a cart from.",
    accent: "bg-violet-600",
  },
  choose_method: {
    label: "Choose payment method",
    description: "Lets the customer pick how to pay.",
    accent: "bg-fuchsia-600",
  },
  confirm: {
    label: "Confirm order",
    description: "Shows items, total and merchant; the customer confirms or changes.",
    accent: "bg-lime-700",
  },
  pay: {
    label: "Pay",
    description: "Creates the checkout and sends the payment link.",
    accent: "bg-emerald-600",
  },
  wait_payment: {
    label: "Wait for payment",
    description: "Waits for the provider to confirm.",
    accent: "bg-teal-600",
  },
  receipt: {
    label: "Receipt",
    description: "Confirms the payment with its reference.",
    accent: "bg-green-700",
  },
  reminder: {
    label: "Reminder",
    description: "Nudges a customer who has not paid yet.",
    accent: "bg-amber-600",
  },
  condition: {
    label: "Condition",
    description: "Branches on a variable.",
    accent: "bg-orange-600",
  },
  handoff: {
    label: "Hand off",
    description: "Passes the conversation to a person.",
    accent: "bg-rose-600",
  },
  end: { label: "End", description: "Ends the conversation.", accent: "bg-slate-500" },
};

/** What the palette offers: every type but start (a flow has exactly one). */
export const PALETTE_TYPES: NodeType[] = [
  "message",
  "ask",
  "product_choice",
  "choose_method",
  "confirm",
  "pay",
  "wait_payment",
  "receipt",
  "reminder",
  "condition",
  "handoff",
  "end",
];

export const OUTPUT_LABELS: Record<string, string> = {
  next: "Next",
  invalid: "Invalid answer",
  succeeded: "Succeeded",
  failed: "Failed",
  expired: "Expired",
  retry: "Retry",
  other_method: "Other method",
  change: "Change",
  paid: "Paid",
  unpaid: "Unpaid",
  true: "True",
  false: "False",
};

export const LANG_TABS: Record<Lang, { tab: string; name: string }> = {
  en: { tab: "EN", name: "English" },
  fr: { tab: "FR", name: "French" },
  zh: { tab: "中文", name: "Chinese" },
  id: { tab: "ID", name: "Indonesian" },
};

export const CHANNEL_LABELS: Record<ChannelKind, string> = {
  web: "Web chat",
  telegram: "Telegram",
  messenger: "Messenger",
  whatsapp: "WhatsApp",
  slack: "Slack",
};

/** Wallets need the browser's payment sheet: only the web widget shows them in the chat. */
export const WALLET_METHODS: readonly PaymentMethod[] = ["apple_pay", "google_pay"];
export const CHANNELS_WITH_IN_CHAT_WALLETS: readonly ChannelKind[] = ["web"];

export function nodeTitle(node: FlowNode): string {
  return node.data.label?.trim() || NODE_META[node.type].label;
}

const clip = (text: string, max = 70) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function minutes(total: number): string {
  if (total % 1440 === 0) return `${total / 1440} day${total === 1440 ? "" : "s"}`;
  if (total % 60 === 0) return `${total / 60} h`;
  return `${total} min`;
}

export function summarizeNode(
  node: FlowNode,
  graph: Pick<FlowGraph, "defaultLanguage" | "currency">,
  lang: Lang = graph.defaultLanguage,
): string {
  const text = (value: Parameters<typeof localize>[0]) =>
    clip(localize(value, lang, graph.defaultLanguage));
  switch (node.type) {
    case "start":
      return "The conversation begins here.";
    case "message":
    case "receipt":
      return text(node.data.text) || "No text yet";
    case "ask":
      return `Asks for ${node.data.kind === "choice" ? "a choice" : `a ${node.data.kind}`} → {{${node.data.variable}}}`;
    case "product_choice": {
      const n = node.data.products.length;
      if (n === 0) return "No products yet";
      const cheapest = Math.min(...node.data.products.map((p) => p.priceMinor));
      return `${n} product${n === 1 ? "" : "s"}, from ${formatMoney(cheapest, graph.currency)}`;
    }
    case "choose_method":
      return node.data.methods?.length
        ? `${node.data.methods.length} method${node.data.methods.length === 1 ? "" : "s"}`
        : "Every enabled method";
    case "confirm":
      return (
        text(node.data.prompt) ||
        (node.data.amountFrom === "cart"
          ? "Customer confirms the cart and total"
          : `Customer confirms {{${node.data.amountVariable ?? "?"}}}`)
      );
    case "pay":
      return `${node.data.amountFrom === "cart" ? "Charges the cart total" : `Charges {{${node.data.amountVariable ?? "?"}}}`} · link valid ${minutes(node.data.expiresInMinutes)}`;
    case "wait_payment":
      return `Waits up to ${minutes(node.data.timeoutMinutes)}`;
    case "reminder":
      return `After ${minutes(node.data.afterMinutes)}, up to ${node.data.maxTimes}×${node.data.quietHours ? ` · quiet ${node.data.quietHours.start}–${node.data.quietHours.end}` : ""}`;
    case "condition": {
      const { variable, operator, value } = node.data;
      const ops: Record<typeof operator, string> = {
        eq: "=",
        neq: "≠",
        gt: ">",
        lt: "<",
        contains: "contains",
        set: "is set",
      };
      return operator === "set"
        ? `{{${variable}}} is set`
        : `{{${variable}}} ${ops[operator]} ${String(value ?? "")}`;
    }
    case "handoff":
      return text(node.data.text) || "Passes the conversation to your team";
    case "end":
      return text(node.data.text) || "Ends the conversation";
  }
}
