// Which payment methods a conversation may offer, and which connection takes the checkout:
// the merchant's active connections for the flow's currency, within what the channel can show.
import {
  PAYMENT_METHODS,
  type PaymentMethod,
  type ProviderKind,
} from "@/lib/connections/providers/types";
import type { ChannelCapabilities } from "@/lib/flows/runtime/types";

export interface ConnectionOffer {
  id: string;
  provider: ProviderKind;
  status: "active" | "disabled" | "error";
  methods: readonly PaymentMethod[];
  currencies: readonly string[];
}

const WALLETS: readonly PaymentMethod[] = ["apple_pay", "google_pay"];

export function acceptsCurrency(connection: ConnectionOffer, currency: string): boolean {
  const wanted = currency.toUpperCase();
  return (
    connection.status === "active" && connection.currencies.some((c) => c.toUpperCase() === wanted)
  );
}

/**
 * Methods the runtime may offer: what active connections support for `currency`, minus
 * wallets on channels that cannot present them. In PAYMENT_METHODS order, so the buttons
 * come out the same way every time.
 */
export function availableMethodsFor(
  connections: readonly ConnectionOffer[],
  currency: string,
  capabilities: Pick<ChannelCapabilities, "wallets">,
): PaymentMethod[] {
  const supported = new Set<PaymentMethod>();
  for (const connection of connections) {
    if (!acceptsCurrency(connection, currency)) continue;
    for (const method of connection.methods) supported.add(method);
  }
  return PAYMENT_METHODS.filter(
    (method) => supported.has(method) && (capabilities.wallets || !WALLETS.includes(method)),
  );
}

export interface ConnectionChoice {
  currency: string;
  /** The method the customer picked, when they picked one. */
  method?: PaymentMethod;
  /** The methods the payment link will show. */
  methods: readonly PaymentMethod[];
  /** The pay node's own connection, when the merchant chose one on the canvas. */
  connectionId?: string;
  /** Simulations and demo databases pay on the built-in Sandbox page. */
  preferSandbox: boolean;
}

/**
 * The connection that creates the checkout. The pay node's choice wins; otherwise the first
 * active connection (in the given order) that takes the currency and the chosen method, or
 * else the one covering the most of the link's methods.
 */
export function pickConnection(
  connections: readonly ConnectionOffer[],
  choice: ConnectionChoice,
): ConnectionOffer | undefined {
  const usable = connections.filter((c) => acceptsCurrency(c, choice.currency));
  if (choice.connectionId) return usable.find((c) => c.id === choice.connectionId);
  const ordered = choice.preferSandbox
    ? [
        ...usable.filter((c) => c.provider === "sandbox"),
        ...usable.filter((c) => c.provider !== "sandbox"),
      ]
    : usable;
  if (choice.method) return ordered.find((c) => c.methods.includes(choice.method!));
  let best: ConnectionOffer | undefined;
  let bestCovered = 0;
  for (const connection of ordered) {
    const covered = choice.methods.filter((m) => connection.methods.includes(m)).length;
    if (covered > bestCovered) {
      best = connection;
      bestCovered = covered;
    }
  }
  return best;
}
