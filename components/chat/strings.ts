// The chat window's own words (buttons, hints, states) in the bot's four languages. The
// conversation itself comes from the flow; these only frame it.
import type { Lang } from "@/lib/flows/graph";

export interface ChatStrings {
  placeholder: string;
  send: string;
  pay: (amount: string) => string;
  opensInNewTab: string;
  paid: string;
  reference: string;
  newConversation: string;
  ended: string;
  handedOff: string;
  notSent: string;
  retry: string;
  language: string;
  connecting: string;
  messages: string;
  cardDataRemoved: string;
  unavailable: string;
  tooMany: string;
  testMode: string;
}

export const LANGUAGE_NAMES: Record<Lang, string> = {
  en: "English",
  fr: "Français",
  zh: "中文",
  id: "Bahasa Indonesia",
};
export const LANGUAGE_SHORT: Record<Lang, string> = { en: "EN", fr: "FR", zh: "中文", id: "ID" };

export const CHAT_STRINGS: Record<Lang, ChatStrings> = {
  en: {
    placeholder: "Type your message…",
    send: "Send",
    pay: (amount) => `Pay ${amount}`,
    opensInNewTab: "Opens the secure payment page in a new tab",
    paid: "Paid",
    reference: "Reference",
    newConversation: "New conversation",
    ended: "This conversation has ended.",
    handedOff: "A member of the team will answer you here.",
    notSent: "Not sent.",
    retry: "Retry",
    language: "Language",
    connecting: "Connecting…",
    messages: "Messages",
    cardDataRemoved: "Card details removed",
    unavailable: "The chat is unavailable right now. Please try again in a moment.",
    tooMany: "Too many messages at once. Please wait a moment.",
    testMode: "Test mode — no money moves",
  },
  fr: {
    placeholder: "Écrivez votre message…",
    send: "Envoyer",
    pay: (amount) => `Payer ${amount}`,
    opensInNewTab: "Ouvre la page de paiement sécurisée dans un nouvel onglet",
    paid: "Payé",
    reference: "Référence",
    newConversation: "Nouvelle conversation",
    ended: "Cette conversation est terminée.",
    handedOff: "Un membre de l'équipe va vous répondre ici.",
    notSent: "Non envoyé.",
    retry: "Réessayer",
    language: "Langue",
    connecting: "Connexion…",
    messages: "Messages",
    cardDataRemoved: "Données de carte supprimées",
    unavailable: "La discussion est indisponible pour le moment. Réessayez dans un instant.",
    tooMany: "Trop de messages à la fois. Patientez un instant.",
    testMode: "Mode test — aucun argent n’est débité",
  },
  zh: {
    placeholder: "输入您的消息…",
    send: "发送",
    pay: (amount) => `支付 ${amount}`,
    opensInNewTab: "在新标签页中打开安全支付页面",
    paid: "已支付",
    reference: "参考号",
    newConversation: "新对话",
    ended: "本次对话已结束。",
    handedOff: "我们的工作人员将在此回复您。",
    notSent: "未发送。",
    retry: "重试",
    language: "语言",
    connecting: "正在连接…",
    messages: "消息",
    cardDataRemoved: "已删除银行卡信息",
    unavailable: "聊天暂时不可用，请稍后再试。",
    tooMany: "消息发送过于频繁，请稍候。",
    testMode: "测试模式 — 不会产生实际扣款",
  },
  id: {
    placeholder: "Ketik pesan Anda…",
    send: "Kirim",
    pay: (amount) => `Bayar ${amount}`,
    opensInNewTab: "Membuka halaman pembayaran aman di tab baru",
    paid: "Dibayar",
    reference: "Referensi",
    newConversation: "Percakapan baru",
    ended: "Percakapan ini telah berakhir.",
    handedOff: "Anggota tim kami akan membalas Anda di sini.",
    notSent: "Tidak terkirim.",
    retry: "Coba lagi",
    language: "Bahasa",
    connecting: "Menghubungkan…",
    messages: "Pesan",
    cardDataRemoved: "Data kartu dihapus",
    unavailable: "Obrolan sedang tidak tersedia. Silakan coba lagi sebentar lagi.",
    tooMany: "Terlalu banyak pesan sekaligus. Mohon tunggu sebentar.",
    testMode: "Mode uji — tidak ada uang yang berpindah",
  },
};

/** The first of the flow's languages the browser prefers, else the flow's default. */
export function pickLanguage(
  languages: readonly Lang[],
  fallback: Lang,
  ...wanted: (string | null | undefined)[]
): Lang {
  for (const tag of wanted) {
    const primary = tag?.toLowerCase().split(/[-_]/)[0];
    const match = languages.find((lang) => lang === primary);
    if (match) return match;
  }
  return fallback;
}
