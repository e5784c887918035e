// The hand-computed analytics fixture: a merchant in Europe/Paris with payments in JPY
// (0 decimals), KWD (3) and IDR (2), one test-mode payment that must never show in live
// figures, a payment created 23:30 UTC that belongs to the next Paris day, and one flow whose
// conversations stop at known steps. Expected figures are written out by hand below.
import type { Db } from "@/db/client";
import { flows, flowVersions } from "@/db/schema";
import { addConversation, addDispute, addMerchantInZone, addPayment } from "./facts";

export const FIXTURE_FLOW = "flow_fixture";
export const FIXTURE_FROM = "2026-03-10";
export const FIXTURE_TO = "2026-03-11";
export const FIXTURE_NOW = new Date("2026-03-12T12:00:00Z");

const at = (iso: string) => new Date(iso);

const PATH_TO_PAY = [
  { nodeId: "start", nodeType: "start" },
  { nodeId: "ask_name", nodeType: "ask" },
  { nodeId: "choose", nodeType: "choose_method", kinds: ["method_chosen"] },
  { nodeId: "pay", nodeType: "pay", kinds: ["checkout_requested", "payment_link_sent"] },
];

export async function seedFixture(db: Db): Promise<string> {
  const m = await addMerchantInZone(db, "Europe/Paris");
  const graph = {
    nodes: [
      { id: "start", type: "start", position: { x: 0, y: 0 }, data: { label: "Welcome" } },
      { id: "ask_name", type: "ask", position: { x: 0, y: 0 }, data: { label: "Ask your name" } },
      { id: "choose", type: "choose_method", position: { x: 0, y: 0 }, data: {} },
      { id: "pay", type: "pay", position: { x: 0, y: 0 }, data: { label: "Pay now" } },
    ],
    edges: [],
  };
  await db.insert(flows).values({
    merchantId: m,
    id: FIXTURE_FLOW,
    name: 'Order, "quick" pay',
    publicKey: `pk_${m}`,
    status: "published",
    draftGraph: graph,
    publishedVersionId: `${FIXTURE_FLOW}_v1`,
  });
  await db.insert(flowVersions).values({
    merchantId: m,
    id: `${FIXTURE_FLOW}_v1`,
    flowId: FIXTURE_FLOW,
    version: 1,
    graph,
    mode: "live",
  });
  // Conversations: 5 started on 03-10 (Paris); one stops at ask_name, one at choose, one after
  // the link (unpaid), two pay. One more started on 03-11, paid. A simulation never counts.
  const c1 = await addConversation(db, m, {
    flowId: FIXTURE_FLOW,
    startedAt: at("2026-03-10T08:00:00Z"),
    path: PATH_TO_PAY.slice(0, 2),
  });
  const c2 = await addConversation(db, m, {
    flowId: FIXTURE_FLOW,
    startedAt: at("2026-03-10T08:10:00Z"),
    path: [...PATH_TO_PAY.slice(0, 2), { nodeId: "choose", nodeType: "choose_method" }],
  });
  const c3 = await addConversation(db, m, {
    flowId: FIXTURE_FLOW,
    startedAt: at("2026-03-10T08:20:00Z"),
    path: PATH_TO_PAY,
  });
  const c4 = await addConversation(db, m, {
    flowId: FIXTURE_FLOW,
    channel: "telegram",
    startedAt: at("2026-03-10T08:30:00Z"),
    path: PATH_TO_PAY,
  });
  const c5 = await addConversation(db, m, {
    flowId: FIXTURE_FLOW,
    startedAt: at("2026-03-10T08:40:00Z"),
    path: PATH_TO_PAY,
  });
  const c6 = await addConversation(db, m, {
    flowId: FIXTURE_FLOW,
    startedAt: at("2026-03-10T23:30:00Z"), // 00:30 on 03-11 in Paris
    path: PATH_TO_PAY,
  });
  await addConversation(db, m, {
    flowId: FIXTURE_FLOW,
    isSimulation: true,
    mode: "test",
    startedAt: at("2026-03-10T09:00:00Z"),
    path: PATH_TO_PAY,
  });
  void c1;
  void c2;

  // JPY: 1 500 paid (c4, 120 s after start), 2 500 paid then fully refunded (c5, 300 s), 700 pending (c3).
  await addPayment(db, m, {
    conversationId: c4,
    flowId: FIXTURE_FLOW,
    amountMinor: 1500,
    currency: "JPY",
    status: "succeeded",
    createdAt: at("2026-03-10T08:31:00Z"),
    succeededAt: at("2026-03-10T08:32:00Z"),
  });
  await addPayment(db, m, {
    conversationId: c5,
    flowId: FIXTURE_FLOW,
    amountMinor: 2500,
    currency: "JPY",
    status: "refunded",
    refundedMinor: 2500,
    createdAt: at("2026-03-10T08:41:00Z"),
    succeededAt: at("2026-03-10T08:45:00Z"),
  });
  await addPayment(db, m, {
    conversationId: c3,
    flowId: FIXTURE_FLOW,
    amountMinor: 700,
    currency: "JPY",
    status: "pending",
    createdAt: at("2026-03-10T08:21:00Z"),
  });
  // KWD on Stripe: 12.345 paid with 0.345 refunded; 1.000 declined (with a formula-looking code).
  await addPayment(db, m, {
    connectionId: "conn_stripe",
    provider: "stripe",
    amountMinor: 12345,
    currency: "KWD",
    method: "apple_pay",
    status: "partially_refunded",
    refundedMinor: 345,
    createdAt: at("2026-03-10T10:00:00Z"),
    succeededAt: at("2026-03-10T10:01:00Z"),
  });
  await addPayment(db, m, {
    connectionId: "conn_stripe",
    provider: "stripe",
    amountMinor: 1000,
    currency: "KWD",
    status: "failed",
    failureCode: "=card_declined",
    createdAt: at("2026-03-10T11:00:00Z"),
  });
  // IDR: 150 000.00 paid at 23:30 UTC on 03-10 (03-11 in Paris), then disputed and lost (c6);
  // 5 000.00 expired, never attempted.
  const idr = await addPayment(db, m, {
    conversationId: c6,
    flowId: FIXTURE_FLOW,
    amountMinor: 15_000_000,
    currency: "IDR",
    method: "bank_transfer",
    status: "disputed",
    createdAt: at("2026-03-10T23:31:00Z"),
    succeededAt: at("2026-03-10T23:40:00Z"),
  });
  await addDispute(
    db,
    m,
    { id: idr, amountMinor: 15_000_000, currency: "IDR" },
    "lost",
    at("2026-03-11T12:00:00Z"),
  );
  await addPayment(db, m, {
    amountMinor: 500_000,
    currency: "IDR",
    status: "expired",
    createdAt: at("2026-03-11T09:00:00Z"),
  });
  // Test mode: never in live figures.
  await addPayment(db, m, {
    mode: "test",
    amountMinor: 999,
    currency: "EUR",
    status: "succeeded",
    createdAt: at("2026-03-10T12:00:00Z"),
    succeededAt: at("2026-03-10T12:00:00Z"),
  });
  return m;
}

/** Live figures per currency over 03-10..03-11, by hand. */
export const FIXTURE_REVENUE = {
  JPY: { payments: 3, paid: 2, grossMinor: 4000, refundedMinor: 2500, netMinor: 1500 },
  KWD: { payments: 2, paid: 1, grossMinor: 12345, refundedMinor: 345, netMinor: 12000 },
  IDR: { payments: 2, paid: 1, grossMinor: 15_000_000, refundedMinor: 0, netMinor: 15_000_000 },
} as const;
