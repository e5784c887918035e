// Which payment methods a conversation may offer, and which connection takes the checkout:
// the merchant's active connections of the conversation's mode for the flow's currency, within
// what the channel can show. A live conversation never sees a test (or Sandbox) connection.
import type { Mode } from "@/db/schema";
import {
  PAYMENT_METHODS,
  type PaymentMethod,
  type ProviderKind,
} from "@/lib/connections/providers/types";
import type { ChannelCapabilities } from "@/lib/flows/runtime/types";

export interface ConnectionOffer {
  id: string;
  provider: ProviderKind;
  mode: Mode;
  status: "active" | "disabled" | "error";
  methods: readonly PaymentMethod[];
  currencies: readonly string[];
}

const WALLETS: readonly PaymentMethod[] = ["apple_pay", "google_pay"];

/**
 * The methods a connection offers for `currency`. Stripe's stablecoins (crypto) take USD prices
 * only (lib/connections/providers/stripe/checkout.ts), whatever else the account accepts.
 */
export function connectionMethodsFor(
  connection: Pick<ConnectionOffer, "provider" | "methods">,
  currency: string,
): PaymentMethod[] {
  return connection.methods.filter(
    (m) =>
      !(connection.provider === "stripe" && m === "crypto" && currency.toUpperCase() !== "USD"),
  );
}

/** The connections a conversation of this mode may pay through: the same mode, nothing else. */
export function connectionsInMode(
  connections: readonly ConnectionOffer[],
  mode: Mode,
): ConnectionOffer[] {
  // Sandbox is always test (schema check); the provider test is a second lock on the same door.
  return connections.filter(
    (c) => c.mode === mode && (mode === "test" || c.provider !== "sandbox"),
  );
}

export function acceptsCurrency(connection: ConnectionOffer, currency: string): boolean {
  const wanted = currency.toUpperCase();
  return (
    connection.status === "active" && connection.currencies.some((c) => c.toUpperCase() === wanted)
  );
}

/**
 * Methods the runtime may offer: what active connections of the conversation's mode support
 * for `currency`, minus wallets on channels that cannot present them. In PAYMENT_METHODS
 * order, so the buttons come out the same way every time.
 */
export function availableMethodsFor(
  connections: readonly ConnectionOffer[],
  mode: Mode,
  currency: string,
  capabilities: Pick<ChannelCapabilities, "wallets">,
): PaymentMethod[] {
  const supported = new Set<PaymentMethod>();
  for (const connection of connectionsInMode(connections, mode)) {
    if (!acceptsCurrency(connection, currency)) continue;
    for (const method of connectionMethodsFor(connection, currency)) supported.add(method);
  }
  return PAYMENT_METHODS.filter(
    (method) => supported.has(method) && (capabilities.wallets || !WALLETS.includes(method)),
  );
}

export interface ConnectionChoice {
  /** The conversation's mode: only connections of this mode are considered. */
  mode: Mode;
  currency: string;
  /** The method the customer picked, when they picked one. */
  method?: PaymentMethod;
  /** The methods the payment link will show. */
  methods: readonly PaymentMethod[];
  /** The pay node's own connection, when the merchant chose one on the canvas. */
  connectionId?: string;
  /**
   * Test conversations in a simulation or a demo database pay on the built-in Sandbox page
   * when there is one. Ignored for live: a live conversation has no Sandbox to prefer.
   */
  preferSandbox?: boolean;
}

/**
 * The connection that creates the checkout, among the active connections of the
 * conversation's mode. The pay node's choice wins (when it is of that mode); otherwise the
 * first (in the given order) that takes the currency and the chosen method, or else the one
 * covering the most of the link's methods.
 */
export function pickConnection(
  connections: readonly ConnectionOffer[],
  choice: ConnectionChoice,
): ConnectionOffer | undefined {
  const usable = connectionsInMode(connections, choice.mode).filter((c) =>
    acceptsCurrency(c, choice.currency),
  );
  if (choice.connectionId) return usable.find((c) => c.id === choice.connectionId);
  const ordered =
    choice.preferSandbox && choice.mode === "test"
      ? [
          ...usable.filter((c) => c.provider === "sandbox"),
          ...usable.filter((c) => c.provider !== "sandbox"),
        ]
      : usable;
  if (choice.method)
    return ordered.find((c) => connectionMethodsFor(c, choice.currency).includes(choice.method!));
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
