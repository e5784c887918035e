// The overview's today / yesterday-by-this-time / last-7-days figures on a hand-built fixture
// with exact expected numbers: counts, success rate, revenue per currency (never summed across
// currencies), open disputes and those due soon, active alerts. The other mode and another
// merchant never count.
import type { Db, DbHandle } from "@/db/client";
import { alerts, disputes, type DisputeStatus, type Mode } from "@/db/schema";
import { newId } from "@/lib/ids";
import { getOverviewComparison } from "@/lib/overview/queries";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { insertModeConnection, paymentMaker } from "./helpers/mode-fixtures";
import { configurePipelineEnv, merchantWithRoles } from "./helpers/pipeline-fixtures";
import { ENGINES, openTestDatabase } from "./helpers/test-db";

vi.mock("server-only", () => ({}));
configurePipelineEnv();

const NOW = new Date("2026-12-02T15:00:00Z");
const HOUR = 3_600_000;

describe.each(ENGINES)("overview comparison on %s", (engine) => {
  let handle: DbHandle;
  let db: Db;

  beforeAll(async () => {
    handle = await openTestDatabase(engine);
    db = handle.db;
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("today vs yesterday by this time, and the last 7 days, exactly", async () => {
    const { merchantId, analyst } = await merchantWithRoles(db);
    const other = await merchantWithRoles(db, "Nusantara Batik");
    const conn = {
      live: await insertModeConnection(db, merchantId, "live"),
      test: await insertModeConnection(db, merchantId, "test"),
    };
    const pay = paymentMaker(db, merchantId, conn);
    // Today (from 00:00 in Paris, 23:00Z).
    const t1 = await pay("2026-12-02T10:00:00Z", "succeeded", "EUR", 10_000);
    await pay("2026-12-02T11:00:00Z", "partially_refunded", "EUR", 5_000, { refundedMinor: 2_000 });
    await pay("2026-12-02T12:00:00Z", "failed", "EUR", 999);
    await pay("2026-12-02T13:00:00Z", "succeeded", "JPY", 1_200);
    await pay("2026-12-02T14:00:00Z", "pending", "EUR", 3_000);
    await pay("2026-12-02T14:30:00Z", "succeeded", "EUR", 777, { mode: "test" });
    await pay("2026-12-02T14:30:00Z", "succeeded", "EUR", 555, { merchant: other.merchantId });
    // Yesterday: two before this time of day, one after.
    await pay("2026-12-01T09:00:00Z", "succeeded", "EUR", 4_000);
    await pay("2026-12-01T14:59:00Z", "failed", "EUR", 500);
    await pay("2026-12-01T16:00:00Z", "succeeded", "EUR", 9_999);
    // Earlier in the week, and just outside it.
    await pay("2026-11-28T12:00:00Z", "refunded", "USD", 2_000, { refundedMinor: 2_000 });
    await pay("2026-11-25T14:00:00Z", "succeeded", "EUR", 1_000);

    const dispute = async (status: DisputeStatus, dueInHours: number, mode: Mode = "live") =>
      db.insert(disputes).values({
        merchantId,
        id: newId("dispute"),
        paymentId: t1,
        connectionId: conn[mode],
        mode,
        providerDisputeId: newId("dispute"),
        reason: "fraudulent",
        amountMinor: 100,
        currency: "EUR",
        status,
        dueBy: new Date(NOW.getTime() + dueInHours * HOUR),
      });
    await dispute("needs_response", 24);
    await dispute("needs_response", 5 * 24);
    await dispute("under_review", 1);
    await dispute("won", 1);
    await dispute("needs_response", -1);
    await dispute("needs_response", 2, "test");

    const alert = (
      status: "open" | "acknowledged" | "resolved",
      merchant = merchantId,
      extra: { mode?: "test" | "live"; snoozedUntil?: Date } = {},
    ) =>
      db.insert(alerts).values({
        merchantId: merchant,
        id: newId("alert"),
        mode: extra.mode ?? "live",
        kind: "failure_rate",
        severity: "warning",
        title: "Failure rate",
        status,
        snoozedUntil: extra.snoozedUntil ?? null,
      });
    await alert("open");
    await alert("open");
    await alert("acknowledged");
    await alert("resolved");
    await alert("open", other.merchantId);
    // Not counted: the other mode, and one snoozed past now.
    await alert("open", merchantId, { mode: "test" });
    await alert("open", merchantId, { snoozedUntil: new Date(NOW.getTime() + HOUR) });

    const o = await getOverviewComparison(analyst, "live", NOW);
    const figures = (p: typeof o.today) => ({
      payments: p.payments,
      succeeded: p.succeeded,
      failed: p.failed,
      successRate: p.successRate,
      revenue: p.revenueByCurrency,
    });
    // Midnight in the merchant's zone (Europe/Paris), as the Transactions list's range=today.
    expect(o.today.from).toEqual(new Date("2026-12-01T23:00:00Z"));
    expect(figures(o.today)).toEqual({
      payments: 5,
      succeeded: 3,
      failed: 1,
      successRate: 0.75,
      revenue: [
        {
          currency: "EUR",
          grossMinor: 15_000,
          refundedMinor: 2_000,
          netMinor: 13_000,
          payments: 2,
        },
        { currency: "JPY", grossMinor: 1_200, refundedMinor: 0, netMinor: 1_200, payments: 1 },
      ],
    });
    expect(figures(o.yesterday)).toEqual({
      payments: 2,
      succeeded: 1,
      failed: 1,
      successRate: 0.5,
      revenue: [
        { currency: "EUR", grossMinor: 4_000, refundedMinor: 0, netMinor: 4_000, payments: 1 },
      ],
    });
    expect(figures(o.last7Days)).toEqual({
      payments: 9,
      succeeded: 6,
      failed: 2,
      successRate: 0.75,
      revenue: [
        {
          currency: "EUR",
          grossMinor: 28_999,
          refundedMinor: 2_000,
          netMinor: 26_999,
          payments: 4,
        },
        { currency: "USD", grossMinor: 2_000, refundedMinor: 2_000, netMinor: 0, payments: 1 },
        { currency: "JPY", grossMinor: 1_200, refundedMinor: 0, netMinor: 1_200, payments: 1 },
      ],
    });
    expect(o.openDisputes).toBe(4);
    expect(o.disputesDueSoon).toBe(2);
    expect(o.activeAlerts).toBe(2);

    const test = await getOverviewComparison(analyst, "test", NOW);
    expect(figures(test.today)).toEqual({
      payments: 1,
      succeeded: 1,
      failed: 0,
      successRate: 1,
      revenue: [{ currency: "EUR", grossMinor: 777, refundedMinor: 0, netMinor: 777, payments: 1 }],
    });
    expect(test.openDisputes).toBe(1);
    expect(test.disputesDueSoon).toBe(1);
  });
});
