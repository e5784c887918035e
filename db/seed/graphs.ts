// The demo merchants' flow graphs: the templates merchants start from (lib/flows/templates.ts),
// customised the way Lumière and Nusantara would — their own menu, catalogue and wording.
import type { FlowGraph, FlowNode, Lang } from "@/lib/flows/graph";
import { buildFlowTemplate } from "@/lib/flows/templates";

export const MENU_PRODUCTS = [
  {
    sku: "formule-midi",
    name: {
      fr: "Formule midi (entrée + plat)",
      en: "Lunch set (starter + main)",
      zh: "午市套餐（前菜+主菜）",
      id: "Paket makan siang (pembuka + utama)",
    },
    priceMinor: 1850,
  },
  {
    sku: "plat-du-jour",
    name: {
      fr: "Plat du jour — Bœuf bourguignon",
      en: "Dish of the day — Beef bourguignon",
      zh: "今日主菜——勃艮第红酒炖牛肉",
      id: "Menu hari ini — Daging sapi bourguignon",
    },
    priceMinor: 1450,
  },
  {
    sku: "quiche",
    name: {
      fr: "Quiche lorraine et salade",
      en: "Quiche lorraine with salad",
      zh: "洛林乳蛋饼配沙拉",
      id: "Quiche lorraine dengan salad",
    },
    priceMinor: 1150,
  },
  {
    sku: "tarte-tatin",
    name: { fr: "Tarte Tatin", en: "Tarte Tatin", zh: "反烤苹果挞", id: "Tarte Tatin" },
    priceMinor: 750,
  },
  {
    sku: "verre-vin",
    name: {
      fr: "Verre de Côtes-du-Rhône",
      en: "Glass of Côtes-du-Rhône",
      zh: "一杯罗讷河谷红酒",
      id: "Segelas Côtes-du-Rhône",
    },
    priceMinor: 650,
  },
  {
    sku: "cafe",
    name: {
      fr: "Café gourmand",
      en: "Coffee with mini desserts",
      zh: "咖啡配迷你甜点",
      id: "Kopi dengan makanan penutup mini",
    },
    priceMinor: 890,
  },
] as const;

export const BATIK_PRODUCTS = [
  {
    sku: "batik-tulis-parang",
    name: {
      id: "Kain batik tulis Parang",
      en: "Hand-drawn Parang batik cloth",
      zh: "手绘 Parang 蜡染布",
      fr: "Batik tulis Parang",
    },
    priceMinor: 185_000_000,
  },
  {
    sku: "batik-cap-kawung",
    name: {
      id: "Kain batik cap Kawung",
      en: "Stamped Kawung batik cloth",
      zh: "印制 Kawung 蜡染布",
      fr: "Batik cap Kawung",
    },
    priceMinor: 45_000_000,
  },
  {
    sku: "kemeja-batik",
    name: {
      id: "Kemeja batik pria",
      en: "Men's batik shirt",
      zh: "男士蜡染衬衫",
      fr: "Chemise batik homme",
    },
    priceMinor: 32_500_000,
  },
  {
    sku: "selendang-sutra",
    name: { id: "Selendang sutra", en: "Silk shawl", zh: "真丝披肩", fr: "Étole en soie" },
    priceMinor: 27_500_000,
  },
] as const;

type Text = Record<Lang, string>;

/** Replaces part of one node's data, keeping the template's shape (and its type) intact. */
function customise<T extends FlowNode["type"]>(
  graph: FlowGraph,
  nodeId: string,
  type: T,
  patch: Partial<Extract<FlowNode, { type: T }>["data"]>,
): FlowGraph {
  const node = graph.nodes.find((n) => n.id === nodeId);
  if (!node || node.type !== type) throw new Error(`Template has no ${type} node "${nodeId}"`);
  node.data = { ...node.data, ...patch };
  return graph;
}

const products = (
  list: readonly { sku: string; name: Text; priceMinor: number }[],
  maxQuantity: number,
) => list.map((p) => ({ sku: p.sku, name: { ...p.name }, priceMinor: p.priceMinor, maxQuantity }));

export function invoiceGraph(version: number): FlowGraph {
  const languages: Lang[] =
    version >= 3 ? ["fr", "en", "zh", "id"] : version === 2 ? ["fr", "en", "zh"] : ["fr", "en"];
  const graph = buildFlowTemplate("pay_invoice", {
    currency: "EUR",
    languages,
    defaultLanguage: "fr",
  });
  customise(graph, "welcome", "message", {
    text: {
      fr: "Bonjour ! Vous pouvez régler ici votre facture Lumière Bistro (traiteur, privatisation, repas d'affaires).",
      en: "Hello! You can pay your Lumière Bistro invoice here (catering, private dining, business meals).",
      zh: "您好！您可以在这里支付 Lumière Bistro 的账单（餐饮外送、包场、商务用餐）。",
      id: "Halo! Anda dapat membayar tagihan Lumière Bistro di sini (katering, acara privat, makan bisnis).",
    },
  });
  return customise(graph, "pay", "pay", {
    description: {
      fr: "Facture {{invoice_number}} — Lumière Bistro",
      en: "Invoice {{invoice_number}} — Lumière Bistro",
      zh: "发票 {{invoice_number}} — Lumière Bistro",
      id: "Faktur {{invoice_number}} — Lumière Bistro",
    },
  });
}

export function menuGraph(version: number): FlowGraph {
  const languages: Lang[] = version >= 2 ? ["fr", "en", "zh"] : ["fr", "en"];
  const graph = buildFlowTemplate("order_and_pay", {
    currency: "EUR",
    languages,
    defaultLanguage: "fr",
  });
  customise(graph, "catalogue", "product_choice", {
    label: "Menu du jour",
    products: products(MENU_PRODUCTS, 10),
    prompt: {
      fr: "Voici le menu du jour, à emporter. Choisissez un plat ; écrivez « 1 x2 » pour deux fois le plat 1.",
      en: 'Here is today\'s take-away menu. Pick a dish; write "1 x2" for two of dish 1.',
      zh: "这是今日外带菜单。请选择菜品；回复“1 x2”表示两份 1 号菜品。",
      id: 'Ini menu hari ini untuk dibawa pulang. Pilih hidangan; tulis "1 x2" untuk dua porsi hidangan 1.',
    },
  });
  // A customer who asks for a person ("un conseiller", "human"…) is handed to the team here.
  graph.nodes.push({
    id: "person",
    type: "handoff",
    position: { x: 640, y: 0 },
    data: {
      label: "Ask for a person",
      text: {
        fr: "Je vous passe un membre de l'équipe Lumière, il vous répond ici dans un instant.",
        en: "I'm passing you to someone from the Lumière team; they'll answer you here shortly.",
        zh: "我将为您转接 Lumière 团队的工作人员，他们很快会在此回复您。",
        id: "Saya teruskan ke tim Lumière; mereka akan segera membalas Anda di sini.",
      },
    },
  });
  return customise(graph, "pay", "pay", {
    description: {
      fr: "Menu du jour — Lumière Bistro",
      en: "Menu of the day — Lumière Bistro",
      zh: "今日菜单 — Lumière Bistro",
      id: "Menu hari ini — Lumière Bistro",
    },
  });
}

export function donationGraph(): FlowGraph {
  const graph = buildFlowTemplate("donation", {
    currency: "EUR",
    languages: ["fr", "en"],
    defaultLanguage: "fr",
  });
  return customise(graph, "intro", "message", {
    text: {
      fr: "Ce mois-ci, Lumière Bistro reverse vos dons aux Restos du Cœur. Merci pour eux !",
      en: "This month Lumière Bistro gives your donations to Restos du Cœur. Thank you!",
      zh: "本月 Lumière Bistro 会将您的捐款转交给 Restos du Cœur。谢谢！",
      id: "Bulan ini Lumière Bistro menyalurkan donasi Anda ke Restos du Cœur. Terima kasih!",
    },
  });
}

export function batikGraph(): FlowGraph {
  const graph = buildFlowTemplate("order_and_pay", {
    currency: "IDR",
    languages: ["id", "en", "zh"],
    defaultLanguage: "id",
  });
  customise(graph, "catalogue", "product_choice", {
    label: "Katalog",
    products: products(BATIK_PRODUCTS, 5),
  });
  return customise(graph, "pay", "pay", {
    description: {
      id: "Pesanan Nusantara Batik",
      en: "Nusantara Batik order",
      zh: "Nusantara Batik 订单",
      fr: "Commande Nusantara Batik",
    },
  });
}
