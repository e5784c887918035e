import type { Db, DbHandle } from "@/db/client";
import { csvLine } from "@/lib/analytics/csv";
import { chartExport, csvLines, MAX_EXPORT_ROWS, type ExportParams } from "@/lib/analytics/export";
import {
  conversationsStoppedAt,
  failureReasons,
  getFlowFunnel,
  revenueSeries,
  riskBy,
  successRates,
  summarizeByCurrency,
} from "@/lib/analytics/queries";
import { refreshRollups } from "@/lib/analytics/rollup-job";
import type { ReadContext } from "@/lib/auth/context";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ENGINES, openTestDatabase } from "../helpers/test-db";
import {
  FIXTURE_FLOW,
  FIXTURE_FROM,
  FIXTURE_NOW,
  FIXTURE_REVENUE,
  FIXTURE_TO,
  seedFixture,
} from "./fixture";

vi.mock("server-only", () => ({}));

const DAYS = { from: FIXTURE_FROM, to: FIXTURE_TO };

describe.each(ENGINES)("analytics reads and CSV on %s", (engine) => {
  let handle: DbHandle;
  let db: Db;
  let analyst: ReadContext;
  let support: ReadContext;

  beforeAll(async () => {
    handle = await openTestDatabase(engine);
    db = handle.db;
    const merchantId = await seedFixture(db);
    await refreshRollups(db, FIXTURE_NOW);
    analyst = { db, merchantId, role: "analyst" };
    support = { db, merchantId, role: "support" };
  });
  afterAll(async () => {
    await handle?.close();
  });

  async function csv(params: ExportParams): Promise<string> {
    let out = "";
    for await (const chunk of csvLines(await chartExport(analyst, "live", DAYS, params), csvLine))
      out += chunk;
    return out;
  }

  it("gives the hand-computed figures per currency, never mixing modes", async () => {
    const live = await summarizeByCurrency(analyst, "live", DAYS);
    expect(Object.fromEntries(live.map(({ currency, ...r }) => [currency, r]))).toEqual(
      FIXTURE_REVENUE,
    );
    expect((await summarizeByCurrency(analyst, "test", DAYS)).map((r) => r.currency)).toEqual([
      "EUR",
    ]);
    // Only 03-11 (Paris): the IDR payment made 23:31 UTC on 03-10.
    const day11 = await summarizeByCurrency(analyst, "live", { from: FIXTURE_TO, to: FIXTURE_TO });
    expect(day11.map((r) => [r.currency, r.payments, r.grossMinor])).toEqual([
      ["IDR", 2, 15_000_000],
    ]);
  });

  it("funnel, success, failures, revenue and risk read the rollups", async () => {
    const funnel = await getFlowFunnel(analyst, "live", DAYS, { flowId: FIXTURE_FLOW });
    expect(funnel?.counts).toEqual({
      started: 6,
      reachedPay: 5,
      confirmed: 4,
      methodChosen: 4,
      linkSent: 4,
      linkOpened: 4,
      paid: 3,
    });
    expect(funnel?.avgSecondsToPaid).toBe(340);
    expect(funnel?.channels).toEqual(["telegram", "web"]);
    const telegram = await getFlowFunnel(analyst, "live", DAYS, {
      flowId: FIXTURE_FLOW,
      channel: "telegram",
    });
    expect(telegram?.counts.paid).toBe(1);
    expect(
      await getFlowFunnel(analyst, "live", DAYS, { flowId: "flow_of_someone_else" }),
    ).toBeNull();

    expect(await successRates(analyst, "live", DAYS, "provider")).toEqual([
      { key: "sandbox", label: "sandbox", attempts: 5, reached: 4, succeeded: 3 },
      { key: "stripe", label: "stripe", attempts: 2, reached: 2, succeeded: 1 },
    ]);
    expect(await failureReasons(analyst, "live", DAYS)).toEqual([
      { code: "=card_declined", count: 1 },
    ]);
    expect(await revenueSeries(analyst, "live", DAYS, "JPY", "month")).toEqual([
      {
        period: "2026-03",
        payments: 3,
        paid: 2,
        grossMinor: 4000,
        refundedMinor: 2500,
        netMinor: 1500,
      },
    ]);
    const risk = await riskBy(analyst, "live", DAYS, "provider");
    expect(risk.map((r) => [r.key, r.currency, r.disputes, r.refundedPayments])).toEqual([
      ["sandbox", "IDR", 1, 0],
      ["sandbox", "JPY", 0, 1],
      ["stripe", "KWD", 0, 1],
    ]);
  });

  it("lists the unpaid conversations that stopped at a step", async () => {
    const range = { ...DAYS, timeZone: "Europe/Paris" };
    const at = (node: string) => conversationsStoppedAt(analyst, "live", range, FIXTURE_FLOW, node);
    expect((await at("ask_name")).map((c) => c.startedAt.toISOString())).toEqual([
      "2026-03-10T08:00:00.000Z",
    ]);
    expect((await at("choose")).map((c) => c.startedAt.toISOString())).toEqual([
      "2026-03-10T08:10:00.000Z",
    ]);
    expect((await at("pay")).map((c) => c.startedAt.toISOString())).toEqual([
      "2026-03-10T08:20:00.000Z",
    ]);
    expect(await at("start")).toEqual([]);
    expect(await conversationsStoppedAt(analyst, "test", range, FIXTURE_FLOW, "pay")).toEqual([]);
  });

  it("refuses a role without analytics.view or analytics.export", async () => {
    await expect(summarizeByCurrency(support, "live", DAYS)).rejects.toThrow(/role/);
    await expect(chartExport(support, "live", DAYS, { chart: "failures" })).rejects.toThrow(/role/);
  });

  it("writes CSV byte for byte: exponents, quoting and the formula guard", async () => {
    expect(await csv({ chart: "failures" })).toBe("failure_code,payments\r\n'=card_declined,1\r\n");
    expect(await csv({ chart: "revenue", currency: "KWD", granularity: "day" })).toBe(
      "period,currency,payments,paid,gross,refunds,net\r\n2026-03-10,KWD,2,1,12.345,0.345,12.000\r\n",
    );
    expect(await csv({ chart: "revenue", currency: "JPY", granularity: "day" })).toBe(
      "period,currency,payments,paid,gross,refunds,net\r\n2026-03-10,JPY,3,2,4000,2500,1500\r\n",
    );
    expect(await csv({ chart: "revenue", currency: "IDR", granularity: "week" })).toBe(
      "period,currency,payments,paid,gross,refunds,net\r\n2026-03-09,IDR,2,1,150000.00,0.00,150000.00\r\n",
    );
    expect(await csv({ chart: "risk", by: "provider" })).toBe(
      "provider,currency,paid,paid_amount,refunded_payments,refunded_amount,refund_rate_count,refund_rate_amount,disputes,disputed_amount,dispute_rate_count,dispute_rate_amount,disputes_won,disputes_lost\r\n" +
        "sandbox,IDR,1,150000.00,0,0.00,0.0000,0.0000,1,150000.00,1.0000,1.0000,0,1\r\n" +
        "sandbox,JPY,2,4000,1,2500,0.5000,0.6250,0,0,0.0000,0.0000,0,0\r\n" +
        "stripe,KWD,1,12.345,1,0.345,1.0000,0.0279,0,0.000,0.0000,0.0000,0,0\r\n",
    );
    expect(await csv({ chart: "funnel", flow: FIXTURE_FLOW })).toBe(
      "step,conversations,step_conversion,overall_conversion\r\n" +
        "Conversation started,6,1.0000,1.0000\r\n" +
        "Reached a pay step,5,0.8333,0.8333\r\n" +
        "Confirmed the amount,4,0.8000,0.6667\r\n" +
        "Method chosen,4,1.0000,0.6667\r\n" +
        "Payment link sent,4,1.0000,0.6667\r\n" +
        "Link opened (reached the provider),4,1.0000,0.6667\r\n" +
        "Paid,3,0.7500,0.5000\r\n",
    );
    expect(await csv({ chart: "steps", flow: FIXTURE_FLOW })).toBe(
      "node_id,node,reached,stopped_here,drop_off_rate\r\n" +
        "start,Welcome,6,0,0.0000\r\n" +
        "ask_name,Ask your name,6,1,0.1667\r\n" +
        "choose,Choose method (choose),5,1,0.2000\r\n" +
        "pay,Pay now,4,1,0.2500\r\n",
    );
    const byFlow = (await csv({ chart: "risk", by: "flow" })).split("\r\n");
    expect(byFlow).toContain(
      '"Order, ""quick"" pay",IDR,1,150000.00,0,0.00,0.0000,0.0000,1,150000.00,1.0000,1.0000,0,1',
    );
    const daily = await chartExport(analyst, "live", DAYS, { chart: "daily" });
    expect(daily.totalRows).toBe(7);
    let rows = 0;
    for await (const page of daily.pages) rows += page.length;
    expect(rows).toBe(7);
  });

  it("reads the same figures for a long range from whole months and the days at its edges", async () => {
    // March is whole inside this range (the monthly level), February and April are partial
    // (days); the fixture's facts are all in March, so every figure equals the 2-day range's.
    const long = { from: "2026-02-14", to: "2026-04-20" };
    for (const by of ["provider", "connection", "method"] as const)
      expect(await successRates(analyst, "live", long, by)).toEqual(
        await successRates(analyst, "live", DAYS, by),
      );
    expect(await failureReasons(analyst, "live", long)).toEqual(
      await failureReasons(analyst, "live", DAYS),
    );
    for (const by of ["flow", "provider"] as const)
      expect(await riskBy(analyst, "live", long, by)).toEqual(
        await riskBy(analyst, "live", DAYS, by),
      );
    expect(await summarizeByCurrency(analyst, "live", long)).toEqual(
      await summarizeByCurrency(analyst, "live", DAYS),
    );
    expect(await revenueSeries(analyst, "live", long, "KWD", "month")).toEqual(
      await revenueSeries(analyst, "live", DAYS, "KWD", "month"),
    );
    // March 11 to May 31 reads March less its first ten days: the 10th's figures are taken
    // back out, leaving exactly the 11th's (and a key left with no payments is not shown).
    const eleventh = { from: "2026-03-11", to: "2026-03-11" };
    const minusDays = { from: "2026-03-11", to: "2026-05-31" };
    for (const by of ["provider", "connection", "method"] as const)
      expect(await successRates(analyst, "live", minusDays, by)).toEqual(
        await successRates(analyst, "live", eleventh, by),
      );
    expect(await failureReasons(analyst, "live", minusDays)).toEqual(
      await failureReasons(analyst, "live", eleventh),
    );
    expect(await riskBy(analyst, "live", minusDays, "flow")).toEqual(
      await riskBy(analyst, "live", eleventh, "flow"),
    );
    expect(await successRates(analyst, "live", eleventh, "provider")).not.toEqual(
      await successRates(analyst, "live", DAYS, "provider"),
    );
    // A range holding only whole months reads no days at all; one with none reads only days.
    expect(await failureReasons(analyst, "live", { from: "2026-03-01", to: "2026-03-31" })).toEqual(
      await failureReasons(analyst, "live", DAYS),
    );
    expect(
      await successRates(analyst, "live", { from: "2026-04-01", to: "2026-06-30" }, "method"),
    ).toEqual([]);
  });

  it("refuses a daily export past the row limit with a message, and pages within it", async () => {
    // The route uses the defaults (2M rows, 2,000 a page); the same code path on a small cap.
    expect(MAX_EXPORT_ROWS).toBe(2_000_000);
    const refused = chartExport(
      analyst,
      "live",
      DAYS,
      { chart: "daily" },
      { maxRows: 6, pageRows: 3 },
    );
    await expect(refused).rejects.toMatchObject({
      status: 422,
      message: "This export would hold more than 6 rows, the limit. Pick a shorter range.",
    });
    const atCap = await chartExport(
      analyst,
      "live",
      DAYS,
      { chart: "daily" },
      { maxRows: 7, pageRows: 3 },
    );
    expect(atCap.totalRows).toBe(7);
    const pages: number[] = [];
    for await (const page of atCap.pages) pages.push(page.length);
    expect(pages).toEqual([3, 3, 1]);
    // Keyset pages of 3 give the file one page of 2,000 gives, byte for byte.
    const text = async (pageRows: number) => {
      const exp = await chartExport(
        analyst,
        "live",
        DAYS,
        { chart: "daily" },
        { maxRows: 7, pageRows },
      );
      let out = "";
      for await (const chunk of csvLines(exp, csvLine)) out += chunk;
      return out;
    };
    expect(await text(3)).toBe(await csv({ chart: "daily" }));
    expect(await text(3)).toBe(await text(2_000));
  });
});
