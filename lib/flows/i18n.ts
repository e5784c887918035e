// The bot's own phrases in every language it speaks, how merchant text falls back between
// languages, and a small language guess for channels that don't say which one the customer uses.
import type { PaymentMethod } from "@/lib/connections/providers/types";
import { type Lang, LANGS, type LocalizedText } from "./graph";

export const PHRASES = {
  invalid_text: {
    en: "Sorry, I didn't get that. Could you type your answer again?",
    fr: "Désolé, je n'ai pas compris. Pouvez-vous saisir à nouveau votre réponse ?",
    zh: "抱歉，我没有理解。请重新输入您的回答。",
    id: "Maaf, saya tidak mengerti. Bisakah Anda mengetik jawaban Anda lagi?",
  },
  invalid_number: {
    en: "Please reply with a number, for example 3.",
    fr: "Merci de répondre par un nombre, par exemple 3.",
    zh: "请输入一个数字，例如 3。",
    id: "Mohon balas dengan angka, misalnya 3.",
  },
  invalid_amount: {
    en: "Please reply with an amount, for example {{example}}.",
    fr: "Merci d'indiquer un montant, par exemple {{example}}.",
    zh: "请输入金额，例如 {{example}}。",
    id: "Mohon masukkan jumlah, misalnya {{example}}.",
  },
  out_of_range: {
    en: "Please reply with a value between {{min}} and {{max}}.",
    fr: "Merci d'indiquer une valeur entre {{min}} et {{max}}.",
    zh: "请输入介于 {{min}} 和 {{max}} 之间的数值。",
    id: "Mohon masukkan nilai antara {{min}} dan {{max}}.",
  },
  invalid_email: {
    en: "That doesn't look like an email address. Could you check it?",
    fr: "Cette adresse e-mail ne semble pas valide. Pouvez-vous la vérifier ?",
    zh: "这看起来不是有效的电子邮箱地址，请检查一下。",
    id: "Sepertinya itu bukan alamat email yang valid. Bisakah Anda memeriksanya?",
  },
  invalid_phone: {
    en: "That doesn't look like a phone number. Please include the country code, e.g. +44 20 7946 0000.",
    fr: "Ce numéro de téléphone ne semble pas valide. Indiquez l'indicatif du pays, par ex. +33 1 23 45 67 89.",
    zh: "这看起来不是有效的电话号码。请包含国家代码，例如 +86 138 0013 8000。",
    id: "Sepertinya itu bukan nomor telepon yang valid. Sertakan kode negara, misalnya +62 812 3456 7890.",
  },
  invalid_choice: {
    en: "Please pick one of the options.",
    fr: "Merci de choisir l'une des options.",
    zh: "请选择其中一个选项。",
    id: "Silakan pilih salah satu opsi.",
  },
  numbered_hint: {
    en: "Reply with the number of your choice.",
    fr: "Répondez avec le numéro de votre choix.",
    zh: "请回复您选择的编号。",
    id: "Balas dengan nomor pilihan Anda.",
  },
  too_many_invalid: {
    en: "I'm having trouble understanding. A member of our team will continue with you here.",
    fr: "J'ai du mal à comprendre. Un membre de notre équipe va prendre le relais ici.",
    zh: "我暂时无法理解您的回复，我们的工作人员将在此继续为您服务。",
    id: "Saya kesulitan memahami. Anggota tim kami akan melanjutkan percakapan ini dengan Anda.",
  },
  card_warning: {
    en: "For your security, please never send card details in this chat. We removed them and never store them. Please pay through the secure payment link instead.",
    fr: "Pour votre sécurité, n'envoyez jamais vos données de carte dans cette conversation. Nous les avons supprimées et ne les conservons jamais. Réglez plutôt via le lien de paiement sécurisé.",
    zh: "为了您的安全，请不要在聊天中发送银行卡信息。我们已将其删除，且从不保存。请通过安全支付链接付款。",
    id: "Demi keamanan Anda, jangan pernah mengirim data kartu di obrolan ini. Kami telah menghapusnya dan tidak pernah menyimpannya. Silakan bayar melalui tautan pembayaran yang aman.",
  },
  status_reply: {
    en: "Your payment status: {{status}}.",
    fr: "Statut de votre paiement : {{status}}.",
    zh: "您的付款状态：{{status}}。",
    id: "Status pembayaran Anda: {{status}}.",
  },
  status_none: {
    en: "no payment started yet",
    fr: "aucun paiement en cours",
    zh: "尚未发起付款",
    id: "belum ada pembayaran",
  },
  status_creating: {
    en: "preparing your payment link",
    fr: "préparation de votre lien de paiement",
    zh: "正在生成付款链接",
    id: "sedang menyiapkan tautan pembayaran",
  },
  status_link_sent: {
    en: "waiting for your payment",
    fr: "en attente de votre paiement",
    zh: "等待您付款",
    id: "menunggu pembayaran Anda",
  },
  status_opened: {
    en: "payment page opened, not completed yet",
    fr: "page de paiement ouverte, paiement non finalisé",
    zh: "已打开付款页面，尚未完成",
    id: "halaman pembayaran dibuka, belum selesai",
  },
  status_succeeded: {
    en: "paid, thank you",
    fr: "payé, merci",
    zh: "已付款，谢谢",
    id: "sudah dibayar, terima kasih",
  },
  status_failed: {
    en: "the payment did not go through",
    fr: "le paiement n'a pas abouti",
    zh: "付款未成功",
    id: "pembayaran tidak berhasil",
  },
  status_expired: {
    en: "the payment link has expired",
    fr: "le lien de paiement a expiré",
    zh: "付款链接已过期",
    id: "tautan pembayaran sudah kedaluwarsa",
  },
  choose_method: {
    en: "How would you like to pay?",
    fr: "Comment souhaitez-vous payer ?",
    zh: "您想用哪种方式付款？",
    id: "Anda ingin membayar dengan cara apa?",
  },
  payment_link: {
    en: "Here is your secure payment link for {{amount}}.",
    fr: "Voici votre lien de paiement sécurisé pour {{amount}}.",
    zh: "这是您 {{amount}} 的安全付款链接。",
    id: "Berikut tautan pembayaran aman Anda untuk {{amount}}.",
  },
  payment_in_progress: {
    en: "You already have a payment of {{amount}} in progress. Please complete it with this link.",
    fr: "Vous avez déjà un paiement de {{amount}} en cours. Merci de le finaliser avec ce lien.",
    zh: "您已有一笔 {{amount}} 的付款正在进行中，请通过此链接完成付款。",
    id: "Anda sudah memiliki pembayaran {{amount}} yang sedang berjalan. Silakan selesaikan melalui tautan ini.",
  },
  preparing_link: {
    en: "One moment, I'm preparing your payment link.",
    fr: "Un instant, je prépare votre lien de paiement.",
    zh: "请稍候，正在为您生成付款链接。",
    id: "Sebentar, saya sedang menyiapkan tautan pembayaran Anda.",
  },
  waiting_payment: {
    en: "I'm waiting for your payment of {{amount}}. You can pay with this link.",
    fr: "J'attends votre paiement de {{amount}}. Vous pouvez payer avec ce lien.",
    zh: "正在等待您支付 {{amount}}，您可以通过此链接付款。",
    id: "Saya menunggu pembayaran Anda sebesar {{amount}}. Anda bisa membayar melalui tautan ini.",
  },
  payment_failed: {
    en: "Your payment didn't go through. What would you like to do?",
    fr: "Votre paiement n'a pas abouti. Que souhaitez-vous faire ?",
    zh: "您的付款未成功。您希望怎么做？",
    id: "Pembayaran Anda tidak berhasil. Apa yang ingin Anda lakukan?",
  },
  option_retry: { en: "Try again", fr: "Réessayer", zh: "重试", id: "Coba lagi" },
  option_other_method: {
    en: "Use another method",
    fr: "Autre moyen de paiement",
    zh: "换一种付款方式",
    id: "Pakai metode lain",
  },
  payment_failed_final: {
    en: "The payment didn't go through after several attempts. A member of our team will help you here.",
    fr: "Le paiement n'a pas abouti après plusieurs tentatives. Un membre de notre équipe va vous aider ici.",
    zh: "多次尝试后付款仍未成功，我们的工作人员将在此为您提供帮助。",
    id: "Pembayaran tidak berhasil setelah beberapa kali percobaan. Anggota tim kami akan membantu Anda di sini.",
  },
  payment_expired: {
    en: "Your payment link has expired. Write to us whenever you'd like a new one.",
    fr: "Votre lien de paiement a expiré. Écrivez-nous quand vous souhaitez en recevoir un nouveau.",
    zh: "您的付款链接已过期。如需新的链接，请随时联系我们。",
    id: "Tautan pembayaran Anda sudah kedaluwarsa. Hubungi kami kapan saja jika Anda ingin tautan baru.",
  },
  agent_payment_failed: {
    en: "Your payment of {{amount}} didn't go through. Reply here and we'll help you.",
    fr: "Votre paiement de {{amount}} n'a pas abouti. Répondez ici et nous vous aiderons.",
    zh: "您支付的 {{amount}} 未成功。请在此回复，我们会为您提供帮助。",
    id: "Pembayaran Anda sebesar {{amount}} tidak berhasil. Balas di sini dan kami akan membantu Anda.",
  },
  payments_unavailable: {
    en: "Online payment isn't available right now. A member of our team will help you here.",
    fr: "Le paiement en ligne n'est pas disponible pour le moment. Un membre de notre équipe va vous aider ici.",
    zh: "目前无法进行在线支付，我们的工作人员将在此为您提供帮助。",
    id: "Pembayaran online sedang tidak tersedia. Anggota tim kami akan membantu Anda di sini.",
  },
  amount_unavailable: {
    en: "I couldn't work out the amount to pay. A member of our team will help you here.",
    fr: "Je n'ai pas pu déterminer le montant à payer. Un membre de notre équipe va vous aider ici.",
    zh: "无法确定应付金额，我们的工作人员将在此为您提供帮助。",
    id: "Saya tidak dapat menentukan jumlah yang harus dibayar. Anggota tim kami akan membantu Anda di sini.",
  },
  technical_problem: {
    en: "Sorry, something went wrong on our side. A member of our team will continue with you here.",
    fr: "Désolé, un problème est survenu de notre côté. Un membre de notre équipe va prendre le relais ici.",
    zh: "抱歉，我们这边出现了问题，我们的工作人员将在此继续为您服务。",
    id: "Maaf, terjadi masalah di pihak kami. Anggota tim kami akan melanjutkan percakapan ini dengan Anda.",
  },
  handoff: {
    en: "A member of our team will reply to you here shortly.",
    fr: "Un membre de notre équipe va vous répondre ici très bientôt.",
    zh: "我们的工作人员将很快在此回复您。",
    id: "Anggota tim kami akan segera membalas Anda di sini.",
  },
  agent_joined: {
    en: "A member of our team has joined the conversation and will answer you here.",
    fr: "Un membre de notre équipe a rejoint la conversation et va vous répondre ici.",
    zh: "我们的工作人员已加入对话，将在此为您解答。",
    id: "Anggota tim kami telah bergabung dan akan menjawab Anda di sini.",
  },
  conversation_ended: {
    en: "This conversation has ended. Thank you!",
    fr: "Cette conversation est terminée. Merci !",
    zh: "本次对话已结束，谢谢！",
    id: "Percakapan ini telah selesai. Terima kasih!",
  },
  late_payment_received: {
    en: "We received your payment of {{amount}}. Thank you!",
    fr: "Nous avons bien reçu votre paiement de {{amount}}. Merci !",
    zh: "我们已收到您支付的 {{amount}}，谢谢！",
    id: "Kami telah menerima pembayaran Anda sebesar {{amount}}. Terima kasih!",
  },
  cart_added: {
    en: "Your cart: {{cart}}. Total: {{total}}.",
    fr: "Votre panier : {{cart}}. Total : {{total}}.",
    zh: "您的购物车：{{cart}}。合计：{{total}}。",
    id: "Keranjang Anda: {{cart}}. Total: {{total}}.",
  },
  cart_more: {
    en: 'Add more items, or reply "done" to pay.',
    fr: "Ajoutez d'autres articles, ou répondez « terminé » pour payer.",
    zh: "您可以继续添加商品，或回复“完成”去付款。",
    id: 'Tambahkan barang lain, atau balas "selesai" untuk membayar.',
  },
  cart_empty: {
    en: "Your cart is empty. Please choose at least one item.",
    fr: "Votre panier est vide. Merci de choisir au moins un article.",
    zh: "您的购物车是空的，请至少选择一件商品。",
    id: "Keranjang Anda kosong. Silakan pilih setidaknya satu barang.",
  },
  quantity_too_high: {
    en: "You can order at most {{max}} × {{name}}.",
    fr: "Vous pouvez commander au maximum {{max}} × {{name}}.",
    zh: "{{name}} 最多可订购 {{max}} 件。",
    id: "Anda dapat memesan maksimal {{max}} × {{name}}.",
  },
  option_done: {
    en: "Done, go to payment",
    fr: "Terminé, passer au paiement",
    zh: "完成，去付款",
    id: "Selesai, lanjut bayar",
  },
  receipt: {
    en: "Payment received: {{total}}. Reference: {{reference}}. Thank you!",
    fr: "Paiement reçu : {{total}}. Référence : {{reference}}. Merci !",
    zh: "已收到付款：{{total}}。参考号：{{reference}}。谢谢！",
    id: "Pembayaran diterima: {{total}}. Referensi: {{reference}}. Terima kasih!",
  },
  confirm_intro: {
    en: "Please check your order before paying:",
    fr: "Vérifiez votre commande avant de payer :",
    zh: "付款前请核对您的订单：",
    id: "Periksa pesanan Anda sebelum membayar:",
  },
  confirm_total: {
    en: "Total: {{amount}}",
    fr: "Total : {{amount}}",
    zh: "合计：{{amount}}",
    id: "Total: {{amount}}",
  },
  confirm_merchant: {
    en: "Paid to: {{merchant}}",
    fr: "Bénéficiaire : {{merchant}}",
    zh: "收款方：{{merchant}}",
    id: "Dibayarkan kepada: {{merchant}}",
  },
  confirm_question: {
    en: "Confirm to get your payment link, or change your order.",
    fr: "Confirmez pour recevoir votre lien de paiement, ou modifiez votre commande.",
    zh: "确认后即可获得付款链接，或修改您的订单。",
    id: "Konfirmasi untuk mendapatkan tautan pembayaran, atau ubah pesanan Anda.",
  },
  confirm_changed: {
    en: "Your order changed since you saw it. Please check it again:",
    fr: "Votre commande a changé depuis. Merci de la vérifier à nouveau :",
    zh: "您的订单在您查看后有所变化，请重新核对：",
    id: "Pesanan Anda berubah sejak Anda melihatnya. Mohon periksa lagi:",
  },
  option_confirm: { en: "Confirm", fr: "Confirmer", zh: "确认", id: "Konfirmasi" },
  option_change: { en: "Change", fr: "Modifier", zh: "修改", id: "Ubah" },
  reminders_stopped: {
    en: "Understood: we won't send you any more reminders. Your payment link still works.",
    fr: "C'est noté : nous ne vous enverrons plus de rappels. Votre lien de paiement reste valable.",
    zh: "好的，我们不会再向您发送提醒。您的付款链接仍然有效。",
    id: "Baik, kami tidak akan mengirim pengingat lagi. Tautan pembayaran Anda tetap berlaku.",
  },
  receipt_test_mode: {
    en: "(Test mode — no money moved.)",
    fr: "(Mode test — aucun argent n’a été débité.)",
    zh: "（测试模式 — 未发生实际扣款。）",
    id: "(Mode uji — tidak ada uang yang berpindah.)",
  },
} satisfies Record<string, Record<Lang, string>>;
export type PhraseKey = keyof typeof PHRASES;

export const METHOD_LABELS: Record<PaymentMethod, Record<Lang, string>> = {
  card: { en: "Card", fr: "Carte bancaire", zh: "银行卡", id: "Kartu" },
  apple_pay: { en: "Apple Pay", fr: "Apple Pay", zh: "Apple Pay", id: "Apple Pay" },
  google_pay: { en: "Google Pay", fr: "Google Pay", zh: "Google Pay", id: "Google Pay" },
  paypal: { en: "PayPal", fr: "PayPal", zh: "PayPal", id: "PayPal" },
  bank_transfer: {
    en: "Bank transfer",
    fr: "Virement bancaire",
    zh: "银行转账",
    id: "Transfer bank",
  },
  alipay: { en: "Alipay", fr: "Alipay", zh: "支付宝", id: "Alipay" },
  crypto: {
    en: "Crypto (BTC, ETH, USDC)",
    fr: "Cryptomonnaie (BTC, ETH, USDC)",
    zh: "加密货币（BTC、ETH、USDC）",
    id: "Kripto (BTC, ETH, USDC)",
  },
  wechat_pay: { en: "WeChat Pay", fr: "WeChat Pay", zh: "微信支付", id: "WeChat Pay" },
  installments: {
    en: "Pay in installments",
    fr: "Paiement en plusieurs fois",
    zh: "分期付款",
    id: "Cicilan",
  },
};

/** Words customers use for "I'm done" / "try again" / "another method" / "status", any language. */
export const KEYWORDS = {
  done: [
    "done",
    "finish",
    "finished",
    "checkout",
    "check out",
    "that's all",
    "pay",
    "terminé",
    "termine",
    "fini",
    "c'est tout",
    "valider",
    "payer",
    "完成",
    "好了",
    "结账",
    "付款",
    "selesai",
    "sudah",
    "bayar",
    "cukup",
  ],
  retry: [
    "retry",
    "try again",
    "again",
    "réessayer",
    "reessayer",
    "encore",
    "重试",
    "再试",
    "coba lagi",
    "ulangi",
  ],
  other_method: [
    "another method",
    "other method",
    "other",
    "another",
    "autre",
    "autre moyen",
    "其他",
    "换",
    "metode lain",
    "lain",
  ],
  // Asking for a person: a flow with a hand-off node goes there from any question.
  person: [
    "human",
    "a person",
    "real person",
    "agent",
    "talk to someone",
    "speak to someone",
    "customer service",
    "un humain",
    "une personne",
    "un conseiller",
    "une conseillère",
    "parler à quelqu'un",
    "人工",
    "客服",
    "真人",
    "manusia",
    "petugas",
  ],
  confirm: [
    "confirm",
    "yes",
    "ok",
    "okay",
    "correct",
    "confirmer",
    "je confirme",
    "oui",
    "d'accord",
    "确认",
    "是",
    "好",
    "对",
    "konfirmasi",
    "ya",
    "benar",
    "setuju",
  ],
  change: [
    "change",
    "modify",
    "edit",
    "no",
    "modifier",
    "changer",
    "non",
    "修改",
    "更改",
    "不对",
    "ubah",
    "ganti",
    "tidak",
  ],
  status: [
    "status",
    "statut",
    "状态",
    "付款状态",
    "status pembayaran",
    "where is my payment",
    "où en est",
  ],
} as const;

export const NUMBER_LOCALES: Record<Lang, string> = {
  en: "en-GB",
  fr: "fr-FR",
  zh: "zh-CN",
  id: "id-ID",
};

export function phrase(key: PhraseKey, lang: Lang): string {
  return PHRASES[key][lang] ?? PHRASES[key].en;
}

/** Merchant text in the customer's language, else the flow's default, else any language filled in. */
export function localize(text: LocalizedText | undefined, lang: Lang, defaultLang: Lang): string {
  if (!text) return "";
  const own = text[lang];
  if (own) return own;
  const fallback = text[defaultLang];
  if (fallback) return fallback;
  for (const other of LANGS) {
    const value = text[other];
    if (value) return value;
  }
  return "";
}

/** True when every label of `text` would be found by `localize` in that language without falling back. */
export function hasTranslation(text: LocalizedText | undefined, lang: Lang): boolean {
  return Boolean(text && text[lang] && text[lang].trim().length > 0);
}

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;
const FRENCH = new Set([
  "bonjour",
  "bonsoir",
  "merci",
  "oui",
  "non",
  "je",
  "vous",
  "est",
  "suis",
  "veux",
  "voudrais",
  "payer",
  "combien",
  "facture",
  "commande",
  "s'il",
  "plaît",
  "svp",
  "avec",
  "pour",
  "mon",
  "ma",
  "mes",
  "quel",
  "salut",
  "d'accord",
  "carte",
  "paiement",
  "où",
  "c'est",
  "aujourd'hui",
]);
const INDONESIAN = new Set([
  "halo",
  "selamat",
  "pagi",
  "siang",
  "malam",
  "terima",
  "kasih",
  "saya",
  "mau",
  "ingin",
  "bayar",
  "berapa",
  "tidak",
  "ya",
  "apa",
  "tolong",
  "sudah",
  "belum",
  "bisa",
  "tagihan",
  "pesanan",
  "dengan",
  "untuk",
  "yang",
  "dan",
  "ini",
  "itu",
  "kak",
  "pembayaran",
  "gimana",
  "bagaimana",
]);
const ENGLISH = new Set([
  "hello",
  "hi",
  "hey",
  "thanks",
  "thank",
  "yes",
  "no",
  "please",
  "want",
  "would",
  "like",
  "pay",
  "how",
  "much",
  "the",
  "is",
  "my",
  "invoice",
  "order",
  "what",
  "where",
  "can",
  "you",
  "i'm",
  "i",
  "with",
]);

/**
 * A cheap guess at the customer's language from one message: any CJK character means
 * Chinese; otherwise the language with the most common words wins, and a tie or no
 * evidence gives null so a single "ok" or "12" never switches the conversation.
 */
export function detectLanguage(text: string): Lang | null {
  if (CJK.test(text)) return "zh";
  const words = text
    .toLowerCase()
    .normalize("NFC")
    .split(/[^a-zà-ÿ'’]+/u)
    .filter(Boolean);
  let fr = 0;
  let id = 0;
  let en = 0;
  for (const raw of words) {
    const word = raw.replace(/’/g, "'");
    if (FRENCH.has(word)) fr++;
    if (INDONESIAN.has(word)) id++;
    if (ENGLISH.has(word)) en++;
  }
  if (/[àâçéèêëîïôûùüÿœ]/.test(text.toLowerCase())) fr++;
  const best = Math.max(fr, id, en);
  if (best === 0) return null;
  const winners = [fr === best, id === best, en === best].filter(Boolean).length;
  if (winners > 1) return null;
  if (fr === best) return "fr";
  if (id === best) return "id";
  return "en";
}
