// Chat transcripts for the most recent demo conversations only (a full history would make the
// seed slow and nobody reads it). Bot lines come from the flow graph and the runtime's own
// phrases; customer lines are short, natural messages in the conversation's language.
import type { ConversationEvent, ConversationMessage } from "@/db/schema/conversations";
import type { ChannelKind } from "@/db/schema/flows";
import type { FlowGraph } from "@/lib/flows/graph";
import { localize, METHOD_LABELS, phrase } from "@/lib/flows/i18n";
import { formatAmount, interpolate } from "@/lib/flows/runtime/text";
import { minorToMajorString } from "@/lib/money";
import type { SeedLang } from "./amounts";
import type { SeededConversation } from "./conversation";
import { BATIK_PRODUCTS, MENU_PRODUCTS } from "./graphs";
import type { SeededRandom } from "./random";

const OPENERS: Record<string, Record<SeedLang, string[]>> = {
  invoice: {
    fr: [
      "Bonjour",
      "Bonjour, je voudrais régler ma facture",
      "Bonsoir, c'est pour payer la facture du dîner de samedi",
    ],
    en: ["Hi", "Hello, I'd like to pay my invoice", "Hi there, paying for last night's dinner"],
    zh: ["你好", "你好，我想付账单", "您好，我来付发票"],
    id: ["Halo", "Halo, saya mau bayar tagihan", "Selamat siang, mau bayar faktur"],
  },
  menu: {
    fr: [
      "Bonjour, je voudrais commander pour midi",
      "Bonjour ! C'est possible de commander à emporter ?",
      "Salut, le menu du jour svp",
    ],
    en: [
      "Hi, can I order lunch to take away?",
      "Hello! What's on the menu today?",
      "Hi, I'd like to order",
    ],
    zh: ["你好，我想点餐", "您好，今天的菜单是什么？", "你好，可以外带吗？"],
    id: [
      "Halo, mau pesan makan siang",
      "Halo, menu hari ini apa ya?",
      "Permisi, bisa pesan untuk dibawa pulang?",
    ],
  },
  batik: {
    fr: ["Bonjour, je cherche un batik"],
    en: ["Hi, do you ship batik to Singapore?", "Hello, I'd like to order a batik shirt"],
    zh: ["你好，我想买蜡染布", "您好，有真丝披肩吗？"],
    id: [
      "Halo kak, mau pesan batik",
      "Permisi, kemeja batik masih ada?",
      "Halo, mau order kain batik tulis",
    ],
  },
};

const THANKS: Record<SeedLang, string[]> = {
  fr: ["Merci beaucoup !", "Parfait, merci", "Super, à bientôt !"],
  en: ["Thanks!", "Perfect, thank you", "Great, see you soon!"],
  zh: ["谢谢！", "好的，谢谢", "太好了，谢谢！"],
  id: ["Terima kasih banyak!", "Oke, makasih kak", "Mantap, terima kasih!"],
};

const UNSURE: Record<SeedLang, string[]> = {
  fr: ["euh je sais pas", "c'est sur le mail ?", "je ne retrouve plus la facture"],
  en: ["not sure", "is it on the email?", "I can't find the invoice"],
  zh: ["不知道", "在邮件里吗？", "我找不到发票了"],
  id: ["nggak tahu", "ada di email ya?", "fakturnya hilang"],
};

// What a customer who pastes card details looks like once redacted (lib/flows/redact.ts).
const CARD_LEAK: Record<SeedLang, string> = {
  fr: "je vous donne ma carte : [card number removed]",
  en: "here is my card [card number removed] exp 09/27",
  zh: "我的卡号是 [card number removed]",
  id: "ini nomor kartu saya [card number removed]",
};

function platformMessageId(rng: SeededRandom, channel: ChannelKind, at: Date): string {
  switch (channel) {
    case "whatsapp":
      return `wamid.HBgL${rng.base62(28)}`;
    case "messenger":
      return `m_${rng.base62(40)}`;
    case "telegram":
      return String(rng.int(1000, 999_999));
    case "slack":
      return `${Math.floor(at.getTime() / 1000)}.${rng.digits(6)}`;
    case "web":
      return `web_${rng.base62(20)}`;
  }
}

export interface TranscriptInput {
  rng: SeededRandom;
  merchantId: string;
  conversation: SeededConversation;
  events: readonly ConversationEvent[];
  graph: FlowGraph;
  /** Adds a customer message with card details (stored redacted) and the bot's warning. */
  withCardLeak?: boolean;
}

export function buildTranscript(input: TranscriptInput): ConversationMessage[] {
  const { rng, merchantId, conversation, graph } = input;
  const { row, lang, basket } = conversation;
  const botLang = lang;
  const payment = conversation.payment?.row;
  const products = conversation.flowKey === "batik" ? BATIK_PRODUCTS : MENU_PRODUCTS;
  const messages: ConversationMessage[] = [];

  const cartLines = (basket?.items ?? []).map(
    (item) =>
      `${item.quantity} × ${products.find((p) => p.sku === item.sku)?.name[lang] ?? item.sku}`,
  );
  // What the customer types for that cart, as the menu teaches ("4 x2, 5"): the bot's reply is
  // what shows the cart, so the customer's message does not repeat it word for word.
  const catalogue = graph.nodes.find((n) => n.type === "product_choice");
  const menuSkus =
    catalogue?.type === "product_choice" ? catalogue.data.products.map((p) => p.sku) : [];
  const typedCart = (basket?.items ?? [])
    .map((item) => {
      const dish = menuSkus.indexOf(item.sku) + 1;
      const name = dish > 0 ? String(dish) : item.sku;
      return item.quantity > 1 ? `${name} x${item.quantity}` : name;
    })
    .join(", ");
  const variables: Record<string, string> = {
    invoice_number: basket?.invoiceNumber ?? "",
    cart: cartLines.join(", "),
    total: payment
      ? formatAmount(payment.amountMinor, payment.currency, botLang)
      : basket
        ? formatAmount(basket.baseAmountMinor, graph.currency, botLang)
        : "",
    reference: payment?.id ?? "",
  };
  const fill = (text: string) => interpolate(text, (name) => variables[name] ?? "");
  const nodeText = (nodeId: string, field: "text" | "prompt" | "retry") => {
    const data = graph.nodes.find((n) => n.id === nodeId)?.data as
      Record<string, unknown> | undefined;
    return fill(
      localize(data?.[field] as Record<string, string> | undefined, botLang, graph.defaultLanguage),
    );
  };

  const say = (at: number, direction: "inbound" | "outbound", body: unknown, redacted = false) => {
    const createdAt = new Date(at);
    messages.push({
      merchantId,
      id: rng.id("message"),
      conversationId: row.id,
      direction,
      platformMessageId:
        direction === "inbound" ? platformMessageId(rng, row.channel, createdAt) : null,
      body,
      redacted,
      createdAt,
    });
  };
  // The customer's message arrives a moment before the step it triggers; the bot answers just after.
  const customer = (at: number, text: string, choiceValue?: string) =>
    say(at - rng.int(1, 4) * 1000, "inbound", { text, ...(choiceValue && { choiceValue }) });
  const bot = (at: number, body: unknown) => {
    const text = (body as { text?: string }).text;
    if (text !== undefined && text.trim() === "") return;
    say(at + 400, "outbound", body);
  };
  const botText = (at: number, text: string) => bot(at, { kind: "text", text });

  let methodPromptAt = 0;
  let confirmedAt = 0;
  for (const event of input.events) {
    const at = event.occurredAt.getTime();
    const key = `${event.nodeId}:${event.kind}`;
    switch (key) {
      case "start:entered":
        say(at, "inbound", {
          text: rng.pick(OPENERS[conversation.flowKey]?.[lang] ?? OPENERS.menu[lang]),
        });
        break;
      case "confirm:entered":
        // The order summary the customer confirmed before any link was made.
        bot(at, {
          kind: "choices",
          text: [
            phrase("confirm_intro", botLang),
            ...cartLines,
            interpolate(phrase("confirm_total", botLang), () => variables.total),
          ].join("\n"),
          options: [
            { value: "confirm", label: phrase("option_confirm", botLang) },
            { value: "change", label: phrase("option_change", botLang) },
          ],
        });
        // Confirmed before the method prompt, which the same step time would otherwise precede.
        say(at + 1500, "inbound", { text: phrase("option_confirm", botLang) });
        confirmedAt = at + 1500;
        break;
      case "welcome:entered":
      case "end:entered":
      case "end_expired:entered":
        botText(at, nodeText(event.nodeId, "text"));
        break;
      case "ask_invoice:entered":
      case "ask_amount:entered":
        botText(at, nodeText(event.nodeId, "prompt"));
        break;
      case "ask_invoice:input_invalid":
        customer(at, rng.pick(UNSURE[lang]));
        botText(at, nodeText("ask_invoice", "retry"));
        break;
      case "ask_invoice:handed_off":
        botText(at, phrase("too_many_invalid", botLang));
        break;
      case "ask_invoice:input_accepted":
        customer(at, basket?.invoiceNumber ?? "");
        break;
      case "ask_amount:input_accepted": {
        const typed = minorToMajorString(basket?.baseAmountMinor ?? 0, graph.currency);
        customer(at, lang === "fr" || lang === "id" ? typed.replace(".", ",") : typed);
        break;
      }
      case "catalogue:entered":
        bot(at, {
          kind: "choices",
          text: nodeText("catalogue", "prompt"),
          options: products.map((p) => ({
            value: p.sku,
            label: `${p.name[lang]} — ${formatAmount(p.priceMinor, graph.currency, botLang)}`,
          })),
        });
        break;
      case "catalogue:cart_updated":
        customer(at, typedCart);
        bot(at, {
          kind: "choices",
          text: `${interpolate(phrase("cart_added", botLang), (n) => variables[n] ?? "")}\n${phrase("cart_more", botLang)}`,
          options: [{ value: "done", label: phrase("option_done", botLang) }],
        });
        break;
      case "catalogue:input_accepted":
        customer(at, phrase("option_done", botLang), "done");
        break;
      case "choose_method:entered": {
        methodPromptAt = Math.max(at, confirmedAt);
        const methods = payment?.method
          ? [...new Set([payment.method, "card", "apple_pay", "paypal"] as const)]
          : (["card", "apple_pay", "paypal"] as const);
        bot(methodPromptAt, {
          kind: "choices",
          text: nodeText("choose_method", "prompt") || phrase("choose_method", botLang),
          options: methods.map((m) => ({ value: m, label: METHOD_LABELS[m][botLang] })),
        });
        break;
      }
      case "choose_method:method_chosen":
        if (input.withCardLeak) {
          // Between the method prompt and the customer's choice.
          const leakAt = Math.round((methodPromptAt + at) / 2);
          say(leakAt, "inbound", { text: CARD_LEAK[lang] }, true);
          botText(leakAt, phrase("card_warning", botLang));
        }
        if (payment?.method) customer(at, METHOD_LABELS[payment.method][botLang], payment.method);
        break;
      case "pay:payment_link_sent":
        if (!payment) break;
        bot(at, {
          kind: "payment_link",
          text: phrase("payment_link", botLang).replace("{{amount}}", variables.total),
          url: payment.checkoutUrl,
          amountMinor: payment.amountMinor,
          currency: payment.currency,
          methods: payment.method ? [payment.method] : [],
        });
        break;
      case "reminder:reminder_sent": {
        const reminder = graph.nodes.find((n) => n.id === "reminder");
        if (reminder?.type === "reminder")
          botText(at, fill(localize(reminder.data.text, botLang, graph.defaultLanguage)));
        break;
      }
      case "reminder:payment_failed":
      case "wait_payment:payment_failed":
        bot(at, {
          kind: "choices",
          text: phrase("payment_failed", botLang),
          options: [
            { value: "retry", label: phrase("option_retry", botLang) },
            { value: "other_method", label: phrase("option_other_method", botLang) },
          ],
        });
        break;
      case "receipt:entered":
        if (!payment) break;
        bot(at, {
          kind: "receipt",
          text: nodeText("receipt", "text") || phrase("receipt", botLang),
          amountMinor: payment.amountMinor,
          currency: payment.currency,
          reference: payment.id,
        });
        if (rng.chance(0.5))
          say(at + rng.int(20, 120) * 1000, "inbound", { text: rng.pick(THANKS[lang]) });
        break;
    }
  }
  return messages.sort(
    (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.direction === "inbound" ? -1 : 1),
  );
}
