// Starting points a merchant picks when creating a flow. Each one passes validateFlow with
// a connection that accepts the flow's currency, and speaks all four languages.
import { currencyExponent, formatMoney, isCurrency } from "@/lib/money";
import type { FlowEdge, FlowGraph, FlowInput, FlowNode, Lang, LocalizedText } from "./graph";
import { LANGS } from "./graph";
import { NUMBER_LOCALES } from "./i18n";

export const TEMPLATE_IDS = [
  "pay_invoice",
  "order_and_pay",
  "donation",
  "reminder_link",
  "blank",
] as const;
export type TemplateId = (typeof TEMPLATE_IDS)[number];

export interface TemplateOptions {
  currency?: string;
  languages?: Lang[];
  defaultLanguage?: Lang;
}

type Text = Record<Lang, string>;
const t = (en: string, fr: string, zh: string, id: string): Text => ({ en, fr, zh, id });

export const FLOW_TEMPLATES: { id: TemplateId; name: Text; description: Text }[] = [
  {
    id: "pay_invoice",
    name: t("Pay an invoice", "Régler une facture", "支付发票", "Bayar faktur"),
    description: t(
      "Asks for the invoice number and amount, lets the customer choose a method, sends a link and reminders, then a receipt.",
      "Demande le numéro et le montant de la facture, laisse choisir le moyen de paiement, envoie un lien et des relances, puis un reçu.",
      "询问发票号码和金额，让客户选择付款方式，发送付款链接和提醒，最后发送收据。",
      "Menanyakan nomor dan jumlah faktur, pelanggan memilih metode, lalu dikirimi tautan, pengingat, dan tanda terima.",
    ),
  },
  {
    id: "order_and_pay",
    name: t("Order and pay", "Commander et payer", "下单并付款", "Pesan dan bayar"),
    description: t(
      "A small catalogue: the customer fills a cart, picks a method and pays the cart total.",
      "Un petit catalogue : le client remplit son panier, choisit un moyen de paiement et règle le total.",
      "小型商品目录：客户加入购物车，选择付款方式并支付总额。",
      "Katalog kecil: pelanggan mengisi keranjang, memilih metode, dan membayar totalnya.",
    ),
  },
  {
    id: "donation",
    name: t("Donation", "Don", "捐赠", "Donasi"),
    description: t(
      "Suggested amounts or a custom one, then a payment link and a thank-you receipt.",
      "Montants suggérés ou libres, puis un lien de paiement et un reçu de remerciement.",
      "提供建议金额或自定义金额，然后发送付款链接和感谢收据。",
      "Jumlah yang disarankan atau jumlah sendiri, lalu tautan pembayaran dan tanda terima.",
    ),
  },
  {
    id: "reminder_link",
    name: t(
      "Pay a reminder link",
      "Lien de paiement avec relances",
      "付款提醒链接",
      "Tautan pengingat pembayaran",
    ),
    description: t(
      "For an amount you already know: sends the link, reminds the customer, and waits for the payment.",
      "Pour un montant déjà connu : envoie le lien, relance le client et attend le paiement.",
      "适用于已知金额：发送付款链接，提醒客户，并等待付款。",
      "Untuk jumlah yang sudah diketahui: mengirim tautan, mengingatkan pelanggan, dan menunggu pembayaran.",
    ),
  },
  {
    id: "blank",
    name: t("Blank flow", "Parcours vierge", "空白流程", "Alur kosong"),
    description: t(
      "Start from an empty canvas.",
      "Partir d'une page blanche.",
      "从空白画布开始。",
      "Mulai dari kanvas kosong.",
    ),
  },
];

/** Currencies whose everyday prices are in thousands of units get bigger sample prices. */
const SAMPLE_SCALE: Record<string, number> = { IDR: 10_000, VND: 10_000, KRW: 1_000, JPY: 100 };

/** A sample price given in cents of a "typical" currency, in this currency's minor units. */
function samplePrice(cents: number, currency: string): number {
  return Math.max(
    1,
    Math.round((cents * (SAMPLE_SCALE[currency] ?? 1) * 10 ** currencyExponent(currency)) / 100),
  );
}

function majorString(minor: number, currency: string): string {
  const exponent = currencyExponent(currency);
  const whole = Math.floor(minor / 10 ** exponent);
  const fraction = minor % 10 ** exponent;
  return fraction === 0 ? String(whole) : `${whole}.${String(fraction).padStart(exponent, "0")}`;
}

function moneyText(minor: number, currency: string): Text {
  const entries = LANGS.map((lang) => [lang, formatMoney(minor, currency, NUMBER_LOCALES[lang])]);
  return Object.fromEntries(entries) as Text;
}

class Builder {
  readonly nodes: FlowNode[] = [];
  readonly edges: FlowEdge[] = [];

  add<T extends FlowNode["type"]>(
    id: string,
    type: T,
    data: Extract<FlowNode, { type: T }>["data"],
    col = 0,
  ): string {
    const row = this.nodes.filter((n) => n.position.x === col * 320).length;
    this.nodes.push({ id, type, position: { x: col * 320, y: row * 140 }, data } as FlowNode);
    return id;
  }

  link(source: string, handle: string, target: string): void {
    this.edges.push({ id: `e_${source}_${handle}`, source, sourceHandle: handle, target });
  }

  chain(...ids: string[]): void {
    for (let i = 0; i < ids.length - 1; i++) this.link(ids[i], "next", ids[i + 1]);
  }
}

const CHOOSE_PROMPT = t(
  "How would you like to pay?",
  "Comment souhaitez-vous payer ?",
  "您想用哪种方式付款？",
  "Anda ingin membayar dengan cara apa?",
);
const GOODBYE = t(
  "Have a great day!",
  "Excellente journée !",
  "祝您生活愉快！",
  "Semoga hari Anda menyenangkan!",
);
const LINK_EXPIRED = t(
  "The payment link has expired. Send us a message whenever you'd like to try again.",
  "Le lien de paiement a expiré. Écrivez-nous quand vous souhaitez réessayer.",
  "付款链接已过期。如需重新付款，请随时给我们发消息。",
  "Tautan pembayaran sudah kedaluwarsa. Kirimi kami pesan kapan saja jika ingin mencoba lagi.",
);

/** receipt → end on success, end with an explanation on expiry. */
function finish(b: Builder, wait: string, receiptText: LocalizedText, paidFrom?: string): void {
  const receipt = b.add("receipt", "receipt", { text: receiptText });
  const end = b.add("end", "end", { text: GOODBYE });
  const expired = b.add("end_expired", "end", { text: LINK_EXPIRED }, 1);
  b.link(wait, "succeeded", receipt);
  b.link(wait, "expired", expired);
  if (paidFrom) b.link(paidFrom, "paid", receipt);
  b.chain(receipt, end);
}

/** Reminders wait out the night in the merchant's time zone. */
const QUIET_HOURS = { start: "21:00", end: "08:00" };

/** The confirm step's lead line, the built-in wording, editable per language. */
const CONFIRM_PROMPT = t(
  "Please check your order before paying:",
  "Vérifiez votre commande avant de payer :",
  "付款前请核对您的订单：",
  "Periksa pesanan Anda sebelum membayar:",
);

function payInvoice(b: Builder): void {
  const start = b.add("start", "start", {});
  const hello = b.add("welcome", "message", {
    text: t(
      "Hello! I can help you pay an invoice in a few steps.",
      "Bonjour ! Je peux vous aider à régler une facture en quelques étapes.",
      "您好！我可以帮您几步完成发票付款。",
      "Halo! Saya bisa membantu Anda membayar faktur dalam beberapa langkah.",
    ),
  });
  const invoice = b.add("ask_invoice", "ask", {
    variable: "invoice_number",
    kind: "text",
    min: 2,
    max: 40,
    prompt: t(
      "What is your invoice number?",
      "Quel est le numéro de votre facture ?",
      "请问您的发票号码是多少？",
      "Mohon kirimkan nomor faktur Anda.",
    ),
    retry: t(
      "Please send the number exactly as it appears on your invoice.",
      "Merci d'envoyer le numéro tel qu'il figure sur votre facture.",
      "请按发票上显示的内容发送号码。",
      "Mohon kirim nomor persis seperti yang tertera pada faktur Anda.",
    ),
  });
  const amount = b.add("ask_amount", "ask", {
    variable: "amount",
    kind: "amount",
    min: 1,
    prompt: t(
      "What amount would you like to pay?",
      "Quel montant souhaitez-vous régler ?",
      "您要支付多少金额？",
      "Berapa jumlah yang ingin Anda bayar?",
    ),
    retry: {},
  });
  const confirm = b.add("confirm", "confirm", {
    amountFrom: "variable",
    amountVariable: "amount",
    prompt: CONFIRM_PROMPT,
    description: t(
      "Invoice {{invoice_number}}",
      "Facture {{invoice_number}}",
      "发票 {{invoice_number}}",
      "Faktur {{invoice_number}}",
    ),
  });
  const method = b.add("choose_method", "choose_method", { prompt: CHOOSE_PROMPT });
  const pay = b.add("pay", "pay", {
    amountFrom: "variable",
    amountVariable: "amount",
    description: t(
      "Invoice {{invoice_number}}",
      "Facture {{invoice_number}}",
      "发票 {{invoice_number}}",
      "Faktur {{invoice_number}}",
    ),
    expiresInMinutes: 1440,
  });
  const reminder = b.add("reminder", "reminder", {
    quietHours: QUIET_HOURS,
    afterMinutes: 60,
    maxTimes: 2,
    text: t(
      "Friendly reminder: your payment of {{total}} for invoice {{invoice_number}} is still open.",
      "Petit rappel : votre paiement de {{total}} pour la facture {{invoice_number}} est toujours en attente.",
      "温馨提醒：发票 {{invoice_number}} 的 {{total}} 款项尚未支付。",
      "Pengingat: pembayaran {{total}} untuk faktur {{invoice_number}} masih belum diselesaikan.",
    ),
  });
  const wait = b.add("wait_payment", "wait_payment", { timeoutMinutes: 1260 });
  b.chain(start, hello, invoice, amount, confirm, method, pay, reminder);
  b.link(reminder, "unpaid", wait);
  finish(
    b,
    wait,
    t(
      "Thank you! We received {{total}} for invoice {{invoice_number}}. Reference: {{reference}}.",
      "Merci ! Nous avons bien reçu {{total}} pour la facture {{invoice_number}}. Référence : {{reference}}.",
      "谢谢！我们已收到发票 {{invoice_number}} 的 {{total}}。参考号：{{reference}}。",
      "Terima kasih! Kami telah menerima {{total}} untuk faktur {{invoice_number}}. Referensi: {{reference}}.",
    ),
    reminder,
  );
}

function orderAndPay(b: Builder, currency: string): void {
  const start = b.add("start", "start", {});
  const catalogue = b.add("catalogue", "product_choice", {
    variable: "cart",
    allowMultiple: true,
    prompt: t(
      'What would you like to order? Pick an item; write "1 x2" for two of item 1.',
      "Que souhaitez-vous commander ? Choisissez un article ; écrivez « 1 x2 » pour deux fois l'article 1.",
      "您想订购什么？请选择商品；回复“1 x2”表示购买两件 1 号商品。",
      'Anda ingin memesan apa? Pilih barang; tulis "1 x2" untuk dua barang nomor 1.',
    ),
    products: [
      {
        sku: "COFFEE-250",
        name: t(
          "Coffee beans (250 g)",
          "Café en grains (250 g)",
          "咖啡豆（250 克）",
          "Biji kopi (250 g)",
        ),
        priceMinor: samplePrice(1290, currency),
        maxQuantity: 10,
      },
      {
        sku: "MUG",
        name: t("Ceramic mug", "Mug en céramique", "陶瓷马克杯", "Mug keramik"),
        priceMinor: samplePrice(1500, currency),
        maxQuantity: 5,
      },
      {
        sku: "GIFT-25",
        name: t("Gift card", "Carte cadeau", "礼品卡", "Kartu hadiah"),
        priceMinor: samplePrice(2500, currency),
        maxQuantity: 3,
      },
    ],
  });
  // Items, quantities, total and merchant, with Confirm / Change (back to the catalogue).
  const confirm = b.add("confirm", "confirm", {
    amountFrom: "cart",
    prompt: CONFIRM_PROMPT,
    description: {},
  });
  const method = b.add("choose_method", "choose_method", { prompt: CHOOSE_PROMPT });
  const pay = b.add("pay", "pay", {
    amountFrom: "cart",
    description: t("Your order", "Votre commande", "您的订单", "Pesanan Anda"),
    expiresInMinutes: 60,
  });
  const wait = b.add("wait_payment", "wait_payment", { timeoutMinutes: 60 });
  b.chain(start, catalogue, confirm, method, pay, wait);
  finish(
    b,
    wait,
    t(
      "Thank you for your order! Paid: {{total}}. Reference: {{reference}}.",
      "Merci pour votre commande ! Montant payé : {{total}}. Référence : {{reference}}.",
      "感谢您的订购！已付款：{{total}}。参考号：{{reference}}。",
      "Terima kasih atas pesanan Anda! Dibayar: {{total}}. Referensi: {{reference}}.",
    ),
  );
}

function donation(b: Builder, currency: string): void {
  const presets = [500, 1000, 2500].map((cents) => samplePrice(cents, currency));
  const start = b.add("start", "start", {});
  const intro = b.add("intro", "message", {
    text: t(
      "Thank you for supporting us! Every gift makes a difference.",
      "Merci de nous soutenir ! Chaque don compte.",
      "感谢您的支持！每一份捐赠都意义非凡。",
      "Terima kasih atas dukungan Anda! Setiap donasi sangat berarti.",
    ),
  });
  const amount = b.add("ask_amount", "ask", {
    variable: "donation_amount",
    kind: "amount",
    min: samplePrice(100, currency),
    prompt: t(
      "How much would you like to give? Pick an amount or type your own.",
      "Quel montant souhaitez-vous donner ? Choisissez un montant ou saisissez le vôtre.",
      "您想捐赠多少？请选择金额或输入自定义金额。",
      "Berapa yang ingin Anda donasikan? Pilih jumlah atau ketik jumlah Anda sendiri.",
    ),
    retry: {},
    choices: presets.map((minor) => ({
      value: majorString(minor, currency),
      label: moneyText(minor, currency),
    })),
  });
  const confirm = b.add("confirm", "confirm", {
    amountFrom: "variable",
    amountVariable: "donation_amount",
    prompt: CONFIRM_PROMPT,
    description: t("Donation", "Don", "捐赠", "Donasi"),
  });
  const method = b.add("choose_method", "choose_method", { prompt: CHOOSE_PROMPT });
  const pay = b.add("pay", "pay", {
    amountFrom: "variable",
    amountVariable: "donation_amount",
    description: t("Donation", "Don", "捐赠", "Donasi"),
    expiresInMinutes: 60,
  });
  const wait = b.add("wait_payment", "wait_payment", { timeoutMinutes: 60 });
  b.chain(start, intro, amount, confirm, method, pay, wait);
  finish(
    b,
    wait,
    t(
      "Thank you for your donation of {{total}}! Reference: {{reference}}.",
      "Merci pour votre don de {{total}} ! Référence : {{reference}}.",
      "感谢您捐赠 {{total}}！参考号：{{reference}}。",
      "Terima kasih atas donasi Anda sebesar {{total}}! Referensi: {{reference}}.",
    ),
  );
}

const REMINDER_INPUTS: FlowInput[] = [
  { name: "amount_due", kind: "amount", label: "Amount due (minor units)" },
  { name: "invoice_number", kind: "text", label: "Invoice number" },
];

function reminderLink(b: Builder): void {
  const start = b.add("start", "start", {});
  const hello = b.add("due", "message", {
    text: t(
      "Hello! A payment of {{amount_due}} is due for invoice {{invoice_number}}.",
      "Bonjour ! Un paiement de {{amount_due}} est attendu pour la facture {{invoice_number}}.",
      "您好！发票 {{invoice_number}} 有一笔 {{amount_due}} 的款项待支付。",
      "Halo! Ada pembayaran sebesar {{amount_due}} untuk faktur {{invoice_number}}.",
    ),
  });
  const confirm = b.add("confirm", "confirm", {
    amountFrom: "variable",
    amountVariable: "amount_due",
    prompt: CONFIRM_PROMPT,
    description: t(
      "Invoice {{invoice_number}}",
      "Facture {{invoice_number}}",
      "发票 {{invoice_number}}",
      "Faktur {{invoice_number}}",
    ),
  });
  const pay = b.add("pay", "pay", {
    amountFrom: "variable",
    amountVariable: "amount_due",
    description: t(
      "Invoice {{invoice_number}}",
      "Facture {{invoice_number}}",
      "发票 {{invoice_number}}",
      "Faktur {{invoice_number}}",
    ),
    expiresInMinutes: 10_080,
  });
  const reminder = b.add("reminder", "reminder", {
    quietHours: QUIET_HOURS,
    afterMinutes: 1440,
    maxTimes: 2,
    text: t(
      "Friendly reminder: {{amount_due}} for invoice {{invoice_number}} is still unpaid. You can pay with this link.",
      "Petit rappel : {{amount_due}} pour la facture {{invoice_number}} reste à régler. Vous pouvez payer avec ce lien.",
      "温馨提醒：发票 {{invoice_number}} 的 {{amount_due}} 尚未支付，您可以通过此链接付款。",
      "Pengingat: {{amount_due}} untuk faktur {{invoice_number}} belum dibayar. Anda bisa membayar melalui tautan ini.",
    ),
  });
  const wait = b.add("wait_payment", "wait_payment", { timeoutMinutes: 5760 });
  b.chain(start, hello, confirm, pay, reminder);
  b.link(reminder, "unpaid", wait);
  finish(
    b,
    wait,
    t(
      "Thank you! We received {{total}} for invoice {{invoice_number}}. Reference: {{reference}}.",
      "Merci ! Nous avons bien reçu {{total}} pour la facture {{invoice_number}}. Référence : {{reference}}.",
      "谢谢！我们已收到发票 {{invoice_number}} 的 {{total}}。参考号：{{reference}}。",
      "Terima kasih! Kami telah menerima {{total}} untuk faktur {{invoice_number}}. Referensi: {{reference}}.",
    ),
    reminder,
  );
}

function blank(b: Builder): void {
  const start = b.add("start", "start", {});
  const end = b.add("end", "end", {});
  b.chain(start, end);
}

export function buildFlowTemplate(id: TemplateId, options: TemplateOptions = {}): FlowGraph {
  const currency = (options.currency ?? "EUR").toUpperCase();
  if (!isCurrency(currency))
    throw new RangeError(`Parley does not support the currency ${currency}`);
  const languages =
    options.languages && options.languages.length > 0 ? [...options.languages] : [...LANGS];
  const defaultLanguage =
    options.defaultLanguage && languages.includes(options.defaultLanguage)
      ? options.defaultLanguage
      : languages[0];
  const b = new Builder();
  let inputs: FlowInput[] = [];
  switch (id) {
    case "pay_invoice":
      payInvoice(b);
      break;
    case "order_and_pay":
      orderAndPay(b, currency);
      break;
    case "donation":
      donation(b, currency);
      break;
    case "reminder_link":
      reminderLink(b);
      inputs = REMINDER_INPUTS;
      break;
    case "blank":
      blank(b);
      break;
  }
  return { defaultLanguage, languages, currency, inputs, nodes: b.nodes, edges: b.edges };
}
