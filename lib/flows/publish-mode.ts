// Whether a flow may be published live: every pay node must find an active live connection for
// the flow's currency and the methods its customers are offered. Pure: the publish service
// passes the merchant's connections in. A flow published in test mode needs none of this.
import type { Mode } from "@/db/schema";
import {
  PAYMENT_METHODS,
  type PaymentMethod,
  type ProviderKind,
} from "@/lib/connections/providers/types";
import type { FlowGraph } from "./graph";

export interface ModeConnection {
  id: string;
  label: string;
  provider: ProviderKind;
  mode: Mode;
  enabled: boolean;
  methods: readonly PaymentMethod[];
  currencies: readonly string[];
}

// What each live provider can take (its connector's capabilities), to say what to connect.
const LIVE_PROVIDERS: { name: string; methods: readonly PaymentMethod[] }[] = [
  {
    name: "Stripe",
    methods: ["card", "apple_pay", "google_pay", "alipay", "wechat_pay", "bank_transfer"],
  },
  { name: "PayPal", methods: ["paypal", "card", "installments"] },
  {
    name: "Adyen",
    methods: [
      "card",
      "apple_pay",
      "google_pay",
      "alipay",
      "wechat_pay",
      "bank_transfer",
      "installments",
    ],
  },
];

const METHOD_NAMES: Record<PaymentMethod, string> = {
  card: "card",
  apple_pay: "Apple Pay",
  google_pay: "Google Pay",
  paypal: "PayPal",
  bank_transfer: "bank transfer",
  alipay: "Alipay",
  wechat_pay: "WeChat Pay",
  installments: "installments",
  crypto: "crypto",
};

function listOf(words: string[]): string {
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function providersFor(methods: readonly PaymentMethod[]): string {
  const names = LIVE_PROVIDERS.filter((p) => methods.some((m) => p.methods.includes(m))).map(
    (p) => p.name,
  );
  return names.join(", ");
}

function takes(connection: ModeConnection, currency: string): boolean {
  return (
    connection.enabled &&
    connection.mode === "live" &&
    connection.provider !== "sandbox" &&
    connection.currencies.some((c) => c.toUpperCase() === currency)
  );
}

/** The methods the flow asks customers to choose from; undefined when it lets them use any. */
function requestedMethods(graph: FlowGraph): PaymentMethod[] | undefined {
  const lists = graph.nodes.flatMap((n) => (n.type === "choose_method" ? [n.data.methods] : []));
  if (lists.length === 0 || lists.some((l) => l === undefined)) return undefined;
  const wanted = new Set(lists.flatMap((l) => l ?? []));
  return PAYMENT_METHODS.filter((m) => wanted.has(m));
}

/**
 * Why this graph cannot be published live with these connections (empty: it can). Each
 * message names the methods missing and what to connect.
 */
export function livePublishProblems(
  graph: FlowGraph,
  connections: readonly ModeConnection[],
): string[] {
  const payNodes = graph.nodes.filter((n) => n.type === "pay");
  if (payNodes.length === 0) return [];
  const currency = graph.currency.toUpperCase();
  const live = connections.filter((c) => takes(c, currency));
  const problems: string[] = [];
  const outro = "connect one or publish in test mode";

  for (const node of payNodes) {
    const pinned = node.data.connectionId;
    if (!pinned) continue;
    const connection = connections.find((c) => c.id === pinned);
    if (connection && connection.mode !== "live") {
      problems.push(
        `The pay step pays through “${connection.label}”, a test connection — choose a live connection on it or publish in test mode`,
      );
    }
  }
  if (payNodes.every((n) => n.data.connectionId)) return problems;

  const wanted = requestedMethods(graph);
  if (wanted === undefined) {
    if (live.length === 0)
      problems.push(
        `Payments in ${currency} need an active live connection (${providersFor(PAYMENT_METHODS)}) — ${outro}`,
      );
    return problems;
  }
  const missing = wanted.filter((m) => !live.some((c) => c.methods.includes(m)));
  if (missing.length > 0) {
    const names = capitalized(listOf(missing.map((m) => METHOD_NAMES[m])));
    const verb = missing.length === 1 ? "needs" : "need";
    problems.push(
      `${names} in ${currency} ${verb} an active live connection (${providersFor(missing)}) — ${outro}`,
    );
  }
  return problems;
}
