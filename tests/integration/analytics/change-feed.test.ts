import type { Db, DbHandle } from "@/db/client";
import { analyticsChanges, analyticsFunnelDaily, analyticsPaymentsDaily } from "@/db/schema";
import { refreshRollups } from "@/lib/analytics/rollup-job";
import { postgresRollupWriter } from "@/lib/analytics/rollup-writer";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES, openTestDatabase } from "../helpers/test-db";
import { addConversation, addMerchantInZone, addPayment, updatePayment } from "./facts";

// No silent drift: the rollups follow the facts by commit, not by their updated_at. Triggers
// note each touched bucket in the fact's own transaction (analytics_changes); the job claims
// the notes in the transaction that recounts the buckets.
const HOUR = 3_600_000;

async function paymentLines(db: Db, merchantId: string) {
  const rows = await db
    .select()
    .from(analyticsPaymentsDaily)
    .where(eq(analyticsPaymentsDaily.merchantId, merchantId));
  return rows.map((r) => [r.day, r.status, r.payments, r.amountMinor]).sort();
}

async function notes(db: Db, merchantId: string) {
  return db.select().from(analyticsChanges).where(eq(analyticsChanges.merchantId, merchantId));
}

describe.each(ENGINES)("analytics change feed on %s", (engine) => {
  let handle: DbHandle;
  let db: Db;

  beforeAll(async () => {
    handle = await openTestDatabase(engine);
    db = handle.db;
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("lands a fact written after a pass with an updated_at hours before it", async () => {
    const m = await addMerchantInZone(db, "Asia/Tokyo");
    const passAt = new Date("2026-07-10T12:00:00Z");
    await refreshRollups(db, passAt);
    expect(await notes(db, m)).toEqual([]);

    // Stamped two hours before the pass (a clock behind, a long transaction, an import):
    // an updated_at watermark with a 10-minute look-back would never see it.
    const old = new Date(passAt.getTime() - 2 * HOUR);
    const id = await addPayment(db, m, {
      amountMinor: 1200,
      currency: "JPY",
      status: "pending",
      createdAt: new Date("2026-07-09T16:30:00Z"), // 01:30 on the 10th in Tokyo
      updatedAt: old,
    });
    expect((await notes(db, m)).map((n) => [n.mode, n.day])).toEqual([["live", "2026-07-10"]]);
    await refreshRollups(db, new Date(passAt.getTime() + 60_000));
    expect(await paymentLines(db, m)).toEqual([["2026-07-10", "pending", 1, 1200]]);
    expect(await notes(db, m)).toEqual([]);

    // A state change stamped in the past lands too, and so does a conversation's event that
    // never touched the conversation row.
    await updatePayment(db, m, id, { status: "succeeded" }, old);
    const conv = await addConversation(db, m, {
      flowId: "flow_late",
      startedAt: new Date("2026-07-01T03:00:00Z"),
      updatedAt: old,
      path: [{ nodeId: "start", nodeType: "start" }],
    });
    await refreshRollups(db, new Date(passAt.getTime() + 120_000));
    expect(await paymentLines(db, m)).toEqual([["2026-07-10", "succeeded", 1, 1200]]);
    const funnel = await db
      .select()
      .from(analyticsFunnelDaily)
      .where(eq(analyticsFunnelDaily.merchantId, m));
    expect(funnel.map((r) => [r.day, r.flowId, r.started])).toEqual([
      ["2026-07-01", "flow_late", 1],
    ]);
    expect(conv).toBeTruthy();
  });

  it("keeps the notes of a pass that failed, and the next pass lands them", async () => {
    const m = await addMerchantInZone(db, "UTC");
    await refreshRollups(db, new Date("2026-08-01T00:00:00Z"));
    await addPayment(db, m, {
      amountMinor: 500,
      currency: "EUR",
      status: "succeeded",
      createdAt: new Date("2026-07-30T10:00:00Z"),
    });
    const failing = () => ({
      replace: async () => {
        throw new Error("columnar engine unreachable");
      },
    });
    await expect(refreshRollups(db, new Date("2026-08-01T00:01:00Z"), failing)).rejects.toThrow(
      "columnar engine unreachable",
    );
    expect(await notes(db, m)).toHaveLength(1);
    expect(await paymentLines(db, m)).toEqual([]);
    await refreshRollups(db, new Date("2026-08-01T00:02:00Z"), postgresRollupWriter);
    expect(await paymentLines(db, m)).toEqual([["2026-07-30", "succeeded", 1, 500]]);
  });

  it.runIf(engine !== "pglite")(
    "lands a fact whose transaction was open across a pass and committed after it",
    async () => {
      const m = await addMerchantInZone(db, "Europe/Paris");
      await refreshRollups(db, new Date("2026-09-01T00:00:00Z"));
      const stampedAt = new Date("2026-09-01T00:00:00Z");
      await db.transaction(async (tx) => {
        await addPayment(tx, m, {
          amountMinor: 990,
          currency: "EUR",
          status: "succeeded",
          createdAt: new Date("2026-08-31T08:00:00Z"),
          updatedAt: stampedAt,
        });
        // The job runs on another connection meanwhile: it neither waits for this transaction
        // nor sees (and so claims) its note.
        await refreshRollups(db, new Date("2026-09-01T00:30:00Z"));
        expect(await paymentLines(db, m)).toEqual([]);
      });
      // Committed 30 minutes after its updated_at, after the pass: the next pass lands it.
      expect(await notes(db, m)).toHaveLength(1);
      await refreshRollups(db, new Date("2026-09-01T00:31:00Z"));
      expect(await paymentLines(db, m)).toEqual([["2026-08-31", "succeeded", 1, 990]]);
    },
  );
});
