// The parts of a demo conversation row that mirror what the bot runtime stores: the chat's
// external ids per channel and the runtime's ConversationState JSON (lib/flows/runtime/types).
import type { ChannelKind } from "@/db/schema/flows";
import type { Payment } from "@/db/schema/payments";
import type { ConversationState, PaymentProgress } from "@/lib/flows/runtime/types";
import type { Basket, SeedLang } from "./amounts";
import type { SeededRandom } from "./random";

export function externalIds(
  rng: SeededRandom,
  channel: ChannelKind,
  lang: SeedLang,
): { user: string; chat: string } {
  switch (channel) {
    case "whatsapp": {
      const prefix = lang === "id" ? "628" : lang === "fr" ? "336" : lang === "zh" ? "861" : "447";
      const phone = `${prefix}${rng.digits(9)}`;
      return { user: phone, chat: phone };
    }
    case "messenger": {
      const psid = `${rng.int(1, 9)}${rng.digits(15)}`;
      return { user: psid, chat: psid };
    }
    case "telegram": {
      const id = String(rng.int(100_000_000, 7_999_999_999));
      return { user: id, chat: id };
    }
    case "slack":
      return { user: `U0${rng.base62(9).toUpperCase()}`, chat: `D0${rng.base62(9).toUpperCase()}` };
    case "web": {
      const session = `web_${rng.base62(16)}`;
      return { user: session, chat: session };
    }
  }
}

const PROGRESS: Partial<Record<Payment["status"], PaymentProgress>> = {
  created: "link_sent",
  pending: "opened",
  requires_action: "opened",
  succeeded: "succeeded",
  failed: "failed",
  expired: "expired",
  canceled: "expired",
};

export interface StateInput {
  conversationId: string;
  lang: SeedLang;
  channel: ChannelKind;
  path: string[];
  status: ConversationState["status"];
  currentNodeId: string | null;
  basket?: Basket;
  baseCurrency: string;
  payment?: Payment;
  reminderCount: number;
  waitingSince?: Date;
}

export function conversationState(
  input: StateInput,
  unitPrice: (sku: string) => number,
): ConversationState {
  const variables: ConversationState["variables"] = {};
  const basket = input.basket;
  if (basket?.invoiceNumber) variables.invoice_number = basket.invoiceNumber;
  const payment = input.payment;
  if (payment) {
    variables.total = payment.amountMinor;
    variables.reference = payment.id;
    if (payment.method) variables.method = payment.method;
  }
  const state: ConversationState = {
    version: 1,
    conversationKey: input.conversationId,
    currentNodeId: input.currentNodeId,
    status: input.status,
    lang: input.lang,
    // Messenger, Telegram and WhatsApp tell us the user's locale; the web widget does not.
    langFixed: input.channel !== "web",
    variables,
    reminderCount: input.reminderCount,
    retries: 0,
    path: input.path.slice(-50),
    timerSeq: input.reminderCount + (payment ? 1 : 0),
    lastHadCard: false,
  };
  if (basket && basket.items.length > 0) {
    state.cart = {
      items: basket.items.map((item) => ({
        sku: item.sku,
        quantity: item.quantity,
        unitMinor: unitPrice(item.sku),
      })),
      totalMinor: basket.baseAmountMinor,
      currency: input.baseCurrency,
    };
  }
  if (payment) {
    state.payment = {
      paymentId: payment.id,
      status: PROGRESS[payment.status] ?? "succeeded",
      attempts: 1,
      amountMinor: payment.amountMinor,
      currency: payment.currency,
      idempotencyKey: payment.idempotencyKey,
      payNodeId: "pay",
      ...(payment.method && { method: payment.method }),
      methods: payment.method ? [payment.method] : [],
      ...(payment.checkoutUrl && { url: payment.checkoutUrl }),
      expiresAt: (payment.expiresAt ?? payment.createdAt).toISOString(),
    };
  }
  if (input.waitingSince) state.waitingSince = input.waitingSince.toISOString();
  return state;
}
