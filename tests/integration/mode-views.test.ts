// The console's test-data switch: every figure and list is one mode's, never a mix. Property
// check: over random payments of both modes, each mode's overview is exactly a recount of that
// mode's rows; the lists return only the asked mode's rows.
import type { Db, DbHandle } from "@/db/client";
import { conversations, disputes, flows, type DisputeStatus, type Mode } from "@/db/schema";
import { refreshRollups } from "@/lib/analytics/rollup-job";
import type { PaymentStatus } from "@/lib/connections/providers/types";
import { listConnections } from "@/lib/connections/service";
import { listConversations } from "@/lib/conversations/queries";
import { listFlows } from "@/lib/flows/queries";
import { newId } from "@/lib/ids";
import { CAPTURED_STATUSES, getOverview } from "@/lib/overview/queries";
import { listPayments } from "@/lib/payments/queries";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { insertModeConnection, insertPayment } from "./helpers/mode-fixtures";
import { configurePipelineEnv, merchantWithRoles } from "./helpers/pipeline-fixtures";
import { ENGINES, openTestDatabase } from "./helpers/test-db";

vi.mock("server-only", () => ({}));

configurePipelineEnv();

const MODES_BOTH: Mode[] = ["test", "live"];
const STATUSES: PaymentStatus[] = [
  "created",
  "pending",
  "succeeded",
  "failed",
  "partially_refunded",
  "refunded",
  "disputed",
];
const DISPUTE_STATUSES: DisputeStatus[] = ["needs_response", "under_review", "won", "lost"];
// Real now: connection health counts its last day back from the clock.
const NOW = new Date();
const DAY = 86_400_000;

interface PaymentFixture {
  mode: Mode;
  status: PaymentStatus;
  currency: "EUR" | "USD" | "JPY" | "KWD";
  amountMinor: number;
  refundedShare: number;
  ageDays: number;
  dispute: DisputeStatus | null;
}

const paymentArb: fc.Arbitrary<PaymentFixture> = fc.record({
  mode: fc.constantFrom(...MODES_BOTH),
  status: fc.constantFrom(...STATUSES),
  currency: fc.constantFrom("EUR", "USD", "JPY", "KWD"),
  amountMinor: fc.integer({ min: 0, max: 5_000_000 }),
  refundedShare: fc.double({ min: 0, max: 1, noNaN: true }),
  // Some fall outside the 30-day window and must not count.
  ageDays: fc.integer({ min: 0, max: 40 }),
  dispute: fc.option(fc.constantFrom(...DISPUTE_STATUSES), { nil: null }),
});

async function insertPayments(
  db: Db,
  merchantId: string,
  connectionIds: Record<Mode, string>,
  rows: PaymentFixture[],
): Promise<void> {
  for (const row of rows) {
    const refunded = ["partially_refunded", "refunded"].includes(row.status)
      ? Math.floor(row.amountMinor * row.refundedShare)
      : 0;
    const id = await insertPayment(db, {
      merchantId,
      connectionId: connectionIds[row.mode],
      amountMinor: row.amountMinor,
      currency: row.currency,
      status: row.status,
      mode: row.mode,
      refundedMinor: refunded,
      createdAt: new Date(NOW.getTime() - row.ageDays * DAY - 60_000),
    });
    if (row.dispute) {
      await db.insert(disputes).values({
        merchantId,
        id: newId("dispute"),
        paymentId: id,
        connectionId: connectionIds[row.mode],
        mode: row.mode,
        providerDisputeId: `dp_${id}`,
        reason: "fraudulent",
        amountMinor: row.amountMinor,
        currency: row.currency,
        status: row.dispute,
      });
    }
  }
}

/** The overview recounted in plain TypeScript from the fixtures. */
function recount(rows: PaymentFixture[], mode: Mode) {
  const inWindow = rows.filter((r) => r.mode === mode && r.ageDays < 30);
  const captured = inWindow.filter((r) =>
    (CAPTURED_STATUSES as readonly string[]).includes(r.status),
  );
  const byCurrency = new Map<string, { gross: number; refunded: number; n: number }>();
  for (const r of captured) {
    const line = byCurrency.get(r.currency) ?? { gross: 0, refunded: 0, n: 0 };
    const refunded = ["partially_refunded", "refunded"].includes(r.status)
      ? Math.floor(r.amountMinor * r.refundedShare)
      : 0;
    line.gross += r.amountMinor;
    line.refunded += refunded;
    line.n += 1;
    byCurrency.set(r.currency, line);
  }
  return {
    payments: inWindow.length,
    succeeded: captured.length,
    failed: inWindow.filter((r) => r.status === "failed").length,
    revenue: Object.fromEntries(
      [...byCurrency].map(([currency, l]) => [
        currency,
        { gross: l.gross, refunded: l.refunded, net: l.gross - l.refunded, n: l.n },
      ]),
    ),
    // Open disputes are counted whenever the payment was made.
    openDisputes: rows.filter(
      (r) => r.mode === mode && (r.dispute === "needs_response" || r.dispute === "under_review"),
    ).length,
  };
}

describe.each(ENGINES)("test and live views on %s", (engine) => {
  let handle: DbHandle;
  let db: Db;

  beforeAll(async () => {
    handle = await openTestDatabase(engine);
    db = handle.db;
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("each mode's overview is exactly the sums of that mode's rows", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(paymentArb, { maxLength: 25 }), async (rows) => {
        const { merchantId, analyst } = await merchantWithRoles(db);
        const connectionIds = {
          test: await insertModeConnection(db, merchantId, "test"),
          live: await insertModeConnection(db, merchantId, "live"),
        };
        await insertPayments(db, merchantId, connectionIds, rows);
        for (const mode of MODES_BOTH) {
          const figures = await getOverview(analyst, mode, { now: NOW });
          const expected = recount(rows, mode);
          expect(figures.mode).toBe(mode);
          expect(figures.payments).toBe(expected.payments);
          expect(figures.succeeded).toBe(expected.succeeded);
          expect(figures.failed).toBe(expected.failed);
          expect(figures.openDisputes).toBe(expected.openDisputes);
          expect(
            Object.fromEntries(
              figures.revenueByCurrency.map((l) => [
                l.currency,
                { gross: l.grossMinor, refunded: l.refundedMinor, net: l.netMinor, n: l.payments },
              ]),
            ),
          ).toEqual(expected.revenue);
          // Largest gross first.
          const gross = figures.revenueByCurrency.map((l) => l.grossMinor);
          expect(gross).toEqual([...gross].sort((a, b) => b - a));
        }
      }),
      { numRuns: engine === "pglite" ? 12 : 20 },
    );
  });

  it("gross, refunds and net per currency on a known set", async () => {
    const { merchantId, owner } = await merchantWithRoles(db);
    const connectionIds = {
      test: await insertModeConnection(db, merchantId, "test"),
      live: await insertModeConnection(db, merchantId, "live"),
    };
    const base = { ageDays: 1, dispute: null, refundedShare: 0 } as const;
    await insertPayments(db, merchantId, connectionIds, [
      { ...base, mode: "live", status: "succeeded", currency: "EUR", amountMinor: 10_000 },
      {
        ...base,
        mode: "live",
        status: "partially_refunded",
        currency: "EUR",
        amountMinor: 5_000,
        refundedShare: 0.5,
      },
      {
        ...base,
        mode: "live",
        status: "refunded",
        currency: "JPY",
        amountMinor: 1_200,
        refundedShare: 1,
      },
      { ...base, mode: "live", status: "failed", currency: "EUR", amountMinor: 999 },
      { ...base, mode: "test", status: "succeeded", currency: "EUR", amountMinor: 777 },
    ]);
    const live = await getOverview(owner, "live", { now: NOW });
    expect(live.revenueByCurrency).toEqual([
      { currency: "EUR", grossMinor: 15_000, refundedMinor: 2_500, netMinor: 12_500, payments: 2 },
      { currency: "JPY", grossMinor: 1_200, refundedMinor: 1_200, netMinor: 0, payments: 1 },
    ]);
    const test = await getOverview(owner, "test", { now: NOW });
    expect(test.revenueByCurrency).toEqual([
      { currency: "EUR", grossMinor: 777, refundedMinor: 0, netMinor: 777, payments: 1 },
    ]);
    expect(test.payments).toBe(1);
    expect(live.payments).toBe(4);
  });

  it("transactions, conversations, flows' figures and connections are the viewed mode's only", async () => {
    const { merchantId, owner, support } = await merchantWithRoles(db);
    const connectionIds = {
      test: await insertModeConnection(db, merchantId, "test"),
      live: await insertModeConnection(db, merchantId, "live"),
    };
    const rows = fc.sample(paymentArb, { numRuns: 30, seed: 15 });
    await insertPayments(db, merchantId, connectionIds, rows);

    const flowId = newId("flow");
    await db.insert(flows).values({
      merchantId,
      id: flowId,
      name: "Order and pay",
      template: "blank",
      publicKey: `pk_${flowId}`,
      draftGraph: {},
    });
    const conversationModes: Mode[] = ["live", "test", "test", "live", "live"];
    for (const [i, mode] of conversationModes.entries()) {
      await db.insert(conversations).values({
        merchantId,
        id: newId("conversation"),
        flowId,
        channel: "web",
        externalUserId: `u${i}`,
        externalChatId: `c${i}`,
        mode,
      });
    }

    await refreshRollups(db); // the Flows list reads the funnel rollup
    for (const mode of MODES_BOTH) {
      const listed = await listPayments(support, { mode, limit: 200 });
      expect(listed.map((p) => p.mode)).toEqual(listed.map(() => mode));
      expect(listed).toHaveLength(rows.filter((r) => r.mode === mode).length);

      const { items } = await listConversations(support, { mode, limit: 200 });
      expect(items.map((c) => c.mode)).toEqual(items.map(() => mode));
      expect(items).toHaveLength(conversationModes.filter((m) => m === mode).length);

      const flowFigures = (await listFlows(owner, mode)).find((f) => f.id === flowId);
      expect(flowFigures?.conversations).toBe(conversationModes.filter((m) => m === mode).length);

      const listedConnections = await listConnections(owner, mode);
      expect(listedConnections.map((c) => c.id)).toEqual([connectionIds[mode]]);
      // Health counts the last day (payments are made ageDays days and one minute ago).
      expect(listedConnections[0].health.day.volume).toBe(
        rows.filter((r) => r.mode === mode && r.ageDays === 0).length,
      );
    }
  });
});
