// The Overview read from the analytics rollups is exact: on a hand-built fixture in the
// merchant's own days (Europe/Paris), its figures equal a raw recount of payments before the job
// has run, after a pass, with writes the pass has not folded in (a late-arriving payment stamped
// with an old updated_at, a refund of a rolled-up one, a test-mode payment) and after the next
// pass; test and live never mix. It really reads settled days from the rollups and days noted in
// the change feed raw: a tampered rollup row of a settled day shows, one of a noted day does not.
import type { Db, DbHandle } from "@/db/client";
import { analyticsPaymentsDaily, payments, type Mode } from "@/db/schema";
import { refreshRollups } from "@/lib/analytics/rollup-job";
import {
  CAPTURED_STATUSES,
  getOverviewComparison,
  type PeriodFigures,
} from "@/lib/overview/queries";
import { and, count, eq, gte, inArray, lt, sql, sum } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { insertModeConnection, insertPayment, paymentMaker } from "./helpers/mode-fixtures";
import { configurePipelineEnv, merchantWithRoles } from "./helpers/pipeline-fixtures";
import { ENGINES, openTestDatabase } from "./helpers/test-db";

vi.mock("server-only", () => ({}));
configurePipelineEnv();

// 16:00 in Paris: today began at 23:00Z yesterday, the 7 days at 23:00Z on 25 November.
const NOW = new Date("2026-12-02T15:00:00Z");
const MINUTE = 60_000;
const PASS = new Date(NOW.getTime() - 60 * MINUTE);
const MORNING = new Date("2026-12-02T07:00:00Z");

/** The old raw reading of a window, as the oracle: counts and revenue per currency. */
async function rawRecount(db: Db, merchantId: string, mode: Mode, from: Date, to: Date) {
  const scope = and(
    eq(payments.merchantId, merchantId),
    eq(payments.mode, mode),
    gte(payments.createdAt, from),
    lt(payments.createdAt, to),
  );
  const captured = inArray(payments.status, [...CAPTURED_STATUSES]);
  const [totals] = await db
    .select({
      payments: count(),
      succeeded: sql<number>`count(*) filter (where ${captured})`.mapWith(Number),
      failed: sql<number>`count(*) filter (where ${payments.status} = 'failed')`.mapWith(Number),
    })
    .from(payments)
    .where(scope);
  const revenue = await db
    .select({
      currency: payments.currency,
      grossMinor: sum(payments.amountMinor).mapWith(Number),
      refundedMinor: sum(payments.refundedMinor).mapWith(Number),
      payments: count(),
    })
    .from(payments)
    .where(and(scope, captured))
    .groupBy(payments.currency)
    .orderBy(sql`2 desc`, payments.currency);
  const { succeeded, failed } = totals;
  return {
    payments: totals.payments,
    succeeded,
    failed,
    successRate: succeeded + failed > 0 ? succeeded / (succeeded + failed) : null,
    revenueByCurrency: revenue.map((r) => ({ ...r, netMinor: r.grossMinor - r.refundedMinor })),
  };
}

const figures = ({ from: _from, to: _to, ...rest }: PeriodFigures) => rest;

describe.each(ENGINES)("overview from the rollups on %s", (engine) => {
  let handle: DbHandle;
  let db: Db;

  beforeAll(async () => {
    handle = await openTestDatabase(engine);
    db = handle.db;
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("equals a raw recount before, between and after rollup passes, per mode", async () => {
    const { merchantId, analyst } = await merchantWithRoles(db);
    const other = await merchantWithRoles(db, "Nusantara Batik");
    const conn = {
      live: await insertModeConnection(db, merchantId, "live"),
      test: await insertModeConnection(db, merchantId, "test"),
    };
    const pay = paymentMaker(db, merchantId, conn);
    // At 16:00 in Paris yesterday's part is yesterday less its rest; at 08:00, the part itself.
    const check = async (mode: Mode, at: Date = NOW) => {
      const o = await getOverviewComparison(analyst, mode, at);
      for (const period of [o.today, o.yesterday, o.last7Days]) {
        expect(figures(period)).toEqual(
          await rawRecount(db, merchantId, mode, period.from, period.to),
        );
      }
      return o;
    };

    // Just outside the 7 days (23:00 on 25 November in Paris), and just inside (00:30 on the 26th).
    await pay("2026-11-25T22:00:00Z", "succeeded", "EUR", 50_000);
    await pay("2026-11-25T23:30:00Z", "succeeded", "EUR", 1_000);
    // 27 November: a USD payment refunded later (after the pass).
    const usd = await pay("2026-11-27T12:00:00Z", "succeeded", "USD", 3_000);
    await pay("2026-11-27T13:00:00Z", "failed", "EUR", 200);
    // 29 November.
    await pay("2026-11-29T10:00:00Z", "partially_refunded", "EUR", 2_500, { refundedMinor: 500 });
    await pay("2026-11-29T11:00:00Z", "pending", "EUR", 100);
    // Yesterday: two before this time of day, one after.
    await pay("2026-12-01T09:00:00Z", "succeeded", "EUR", 4_000);
    await pay("2026-12-01T14:59:00Z", "failed", "EUR", 500);
    await pay("2026-12-01T16:00:00Z", "succeeded", "EUR", 9_999);
    // Today (from 23:00Z yesterday, midnight in Paris).
    await pay("2026-12-01T23:10:00Z", "succeeded", "EUR", 10_000);
    await pay("2026-12-02T12:00:00Z", "failed", "EUR", 999);
    await pay("2026-12-02T13:00:00Z", "succeeded", "JPY", 1_200);
    // The test mode on the same days, and another merchant: never in the live figures.
    await pay("2026-11-29T10:00:00Z", "succeeded", "EUR", 777, { mode: "test" });
    await pay("2026-12-02T10:00:00Z", "failed", "EUR", 10, { mode: "test" });
    await pay("2026-11-29T10:00:00Z", "succeeded", "EUR", 555, { merchant: other.merchantId });

    // Before the job has ever run: raw throughout.
    const before = await check("live");
    expect(before.timeZone).toBe("Europe/Paris");
    expect(before.today.from).toEqual(new Date("2026-12-01T23:00:00Z"));
    expect(before.yesterday.to).toEqual(new Date("2026-12-01T15:00:00.001Z"));
    expect(before.last7Days.from).toEqual(new Date("2026-11-25T23:00:00Z"));
    expect(before.last7Days.payments).toBe(11);
    await check("test");

    await refreshRollups(db, PASS);
    const rolled = await check("live");
    expect(figures(rolled.last7Days)).toEqual(figures(before.last7Days));
    const test = await check("test");
    expect(test.last7Days).toMatchObject({ payments: 2, succeeded: 1, failed: 1 });

    // Written after the pass, not folded in yet: a late payment on 28 November (imported, its
    // updated_at as old as its creation), the USD one refunded, a test payment on 29 November.
    await pay("2026-11-28T09:00:00Z", "succeeded", "GBP", 700);
    await db
      .update(payments)
      .set({
        status: "refunded",
        refundedMinor: 3_000,
        updatedAt: new Date(NOW.getTime() - MINUTE),
      })
      .where(and(eq(payments.merchantId, merchantId), eq(payments.id, usd)));
    await pay("2026-11-29T12:00:00Z", "succeeded", "EUR", 333, { mode: "test" });
    const tail = await check("live");
    expect(tail.last7Days.payments).toBe(12);
    expect(tail.last7Days.revenueByCurrency.find((l) => l.currency === "USD")).toEqual({
      currency: "USD",
      grossMinor: 3_000,
      refundedMinor: 3_000,
      netMinor: 0,
      payments: 1,
    });
    expect((await check("test")).last7Days.payments).toBe(3);
    const morning = await check("live", MORNING);
    expect([morning.today.payments, morning.yesterday.payments]).toEqual([1, 0]);
    await check("test", MORNING);

    await refreshRollups(db, NOW);
    expect(figures((await check("live")).last7Days)).toEqual(figures(tail.last7Days));
    await check("test");
  });

  it("reads settled days from the rollups and days noted since the pass raw", async () => {
    const { merchantId, analyst } = await merchantWithRoles(db, "Casa Verde");
    const live = await insertModeConnection(db, merchantId, "live");
    const at = (iso: string) =>
      insertPayment(db, {
        merchantId,
        connectionId: live,
        amountMinor: 1_000,
        currency: "EUR",
        status: "succeeded",
        mode: "live",
        createdAt: new Date(iso),
        updatedAt: new Date(iso),
      });
    await at("2026-11-28T10:00:00Z");
    await at("2026-11-30T10:00:00Z");
    await refreshRollups(db, PASS);
    // A payment on 30 November written after the pass makes that day raw.
    await at("2026-11-30T11:00:00Z");
    const tamper = (day: string) =>
      db
        .update(analyticsPaymentsDaily)
        .set({ payments: sql`${analyticsPaymentsDaily.payments} + 100` })
        .where(
          and(
            eq(analyticsPaymentsDaily.merchantId, merchantId),
            eq(analyticsPaymentsDaily.mode, "live"),
            eq(analyticsPaymentsDaily.day, day),
          ),
        );
    await tamper("2026-11-28");
    await tamper("2026-11-30");
    const o = await getOverviewComparison(analyst, "live", NOW);
    // 3 payments, plus the tampered settled day's 100; the noted day was recounted.
    expect(o.last7Days.payments).toBe(103);
    expect((await getOverviewComparison(analyst, "test", NOW)).last7Days.payments).toBe(0);
  });
});
