import type { Db, DbHandle } from "@/db/client";
import {
  analyticsFlowStepsDaily,
  analyticsFunnelDaily,
  analyticsPaymentsDaily,
  analyticsPaymentsMonthly,
  analyticsRevenueDaily,
  jobs,
  merchants,
  MODES,
  type Mode,
} from "@/db/schema";
import type { DisputeStatus } from "@/db/schema/disputes";
import { PAID_STATUSES } from "@/lib/analytics/buckets";
import { recountFlowSteps, recountFunnel, recountPayments } from "@/lib/analytics/recount";
import {
  rebuildRollups,
  refreshRollups,
  ROLLUP_EVERY_MS,
  ROLLUP_JOB,
} from "@/lib/analytics/rollup-job";
import { PAYMENT_STATUSES, type PaymentStatus } from "@/lib/connections/providers/types";
import { ensureRecurringJobs, registerBuiltinJobHandlers } from "@/lib/jobs/builtin";
import { SYSTEM_MERCHANT_ID } from "@/lib/jobs/queue";
import { runDueJobs } from "@/lib/jobs/runner";
import { and, eq } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES, openTestDatabase } from "../helpers/test-db";
import { addConversation, addDispute, addMerchantInZone, addPayment, updatePayment } from "./facts";
import { FIXTURE_FLOW, FIXTURE_NOW, seedFixture } from "./fixture";

const sortKey = (row: Record<string, unknown>) =>
  JSON.stringify(
    Object.keys(row)
      .sort()
      .map((k) => [k, row[k]]),
  );
const sorted = <T extends Record<string, unknown>>(rows: T[]) =>
  rows.map((r) => ({ ...r })).sort((a, b) => sortKey(a).localeCompare(sortKey(b)));

async function stored(db: Db, merchantId: string) {
  const where = eq(analyticsPaymentsDaily.merchantId, merchantId);
  return {
    payments: sorted(await db.select().from(analyticsPaymentsDaily).where(where)),
    funnel: sorted(
      await db
        .select()
        .from(analyticsFunnelDaily)
        .where(eq(analyticsFunnelDaily.merchantId, merchantId)),
    ),
    steps: sorted(
      await db
        .select()
        .from(analyticsFlowStepsDaily)
        .where(eq(analyticsFlowStepsDaily.merchantId, merchantId)),
    ),
    monthly: sorted(
      await db
        .select()
        .from(analyticsPaymentsMonthly)
        .where(eq(analyticsPaymentsMonthly.merchantId, merchantId)),
    ),
    revenue: sorted(
      await db
        .select()
        .from(analyticsRevenueDaily)
        .where(eq(analyticsRevenueDaily.merchantId, merchantId)),
    ),
  };
}

type PaymentRow = Awaited<ReturnType<typeof recountPayments>>[number];
const DIMENSIONS = [
  "merchantId",
  "mode",
  "flowId",
  "flowVersionId",
  "channel",
  "connectionId",
  "provider",
  "method",
  "currency",
  "status",
  "failureCode",
] as const;
const METRICS = [
  "payments",
  "amountMinor",
  "refundedMinor",
  "refundedPayments",
  "disputes",
  "disputedMinor",
  "disputesWon",
  "disputesLost",
] as const;

/** The coarser levels as they must be: the recounted days summed per month, and per currency-day. */
function levelsOf(daily: PaymentRow[]) {
  const monthly = new Map<string, Record<string, unknown>>();
  const revenue = new Map<string, Record<string, unknown>>();
  const paid = (status: string) => (PAID_STATUSES as readonly string[]).includes(status);
  for (const { day, ...row } of daily) {
    const month = `${day.slice(0, 7)}-01`;
    const key = DIMENSIONS.map((k) => row[k]);
    const mKey = JSON.stringify([month, ...key]);
    const m = monthly.get(mKey) ?? {
      ...Object.fromEntries(DIMENSIONS.map((k) => [k, row[k]])),
      month,
      ...Object.fromEntries(METRICS.map((k) => [k, 0])),
    };
    for (const k of METRICS) m[k] = (m[k] as number) + row[k];
    monthly.set(mKey, m);
    const rKey = JSON.stringify([row.mode, row.currency, day]);
    const r = revenue.get(rKey) ?? {
      merchantId: row.merchantId,
      mode: row.mode,
      currency: row.currency,
      day,
      payments: 0,
      paid: 0,
      paidMinor: 0,
      refundedMinor: 0,
    };
    r.payments = (r.payments as number) + row.payments;
    r.paid = (r.paid as number) + (paid(row.status) ? row.payments : 0);
    r.paidMinor = (r.paidMinor as number) + (paid(row.status) ? row.amountMinor : 0);
    r.refundedMinor = (r.refundedMinor as number) + row.refundedMinor;
    revenue.set(rKey, r);
  }
  return { monthly: sorted([...monthly.values()]), revenue: sorted([...revenue.values()]) };
}

async function recountAll(db: Db, merchantId: string) {
  const [m] = await db.select().from(merchants).where(eq(merchants.id, merchantId));
  const out = { payments: [] as object[], funnel: [] as object[], steps: [] as object[] };
  for (const mode of MODES) {
    const set = { merchantId, mode, timeZone: m.timezone, days: "all" as const };
    out.payments.push(...(await recountPayments(db, set)));
    out.funnel.push(...(await recountFunnel(db, set)));
    out.steps.push(...(await recountFlowSteps(db, set)));
  }
  return {
    payments: sorted(out.payments as Record<string, unknown>[]),
    funnel: sorted(out.funnel as Record<string, unknown>[]),
    steps: sorted(out.steps as Record<string, unknown>[]),
    ...levelsOf(out.payments as PaymentRow[]),
  };
}

const DISPUTE_STATUSES: DisputeStatus[] = [
  "needs_response",
  "under_review",
  "won",
  "lost",
  "accepted",
];
const ZONES = ["UTC", "Europe/Paris", "Asia/Tokyo", "America/Los_Angeles", "Asia/Kolkata"];
const CURRENCIES = ["JPY", "KWD", "IDR", "EUR"];

type Op =
  | { op: "conversation"; hours: number; steps: number; channel: "web" | "telegram"; mode: Mode }
  | { op: "payment"; conv: number; hours: number; currency: string; amount: number; mode: Mode }
  | { op: "status"; pay: number; status: PaymentStatus; late: boolean }
  | { op: "duplicate" }
  | { op: "refund"; pay: number; share: number }
  | { op: "dispute"; pay: number; status: DisputeStatus }
  | { op: "run" };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    op: fc.constant("conversation" as const),
    hours: fc.integer({ min: 0, max: 96 }),
    steps: fc.integer({ min: 1, max: 4 }),
    channel: fc.constantFrom("web" as const, "telegram" as const),
    mode: fc.constantFrom<Mode>("live", "test"),
  }),
  fc.record({
    op: fc.constant("payment" as const),
    conv: fc.integer({ min: -1, max: 20 }),
    hours: fc.integer({ min: 0, max: 96 }),
    currency: fc.constantFrom(...CURRENCIES),
    amount: fc.integer({ min: 1, max: 50_000_000 }),
    mode: fc.constantFrom<Mode>("live", "test"),
  }),
  fc.record({
    op: fc.constant("status" as const),
    pay: fc.nat(30),
    status: fc.constantFrom(...PAYMENT_STATUSES),
    late: fc.boolean(),
  }),
  fc.constant({ op: "duplicate" as const }),
  fc.record({
    op: fc.constant("refund" as const),
    pay: fc.nat(30),
    share: fc.double({ min: 0, max: 1, noNaN: true }),
  }),
  fc.record({
    op: fc.constant("dispute" as const),
    pay: fc.nat(30),
    status: fc.constantFrom(...DISPUTE_STATUSES),
  }),
  fc.constant({ op: "run" as const }),
);

const PATH = [
  { nodeId: "start", nodeType: "start" },
  { nodeId: "ask", nodeType: "ask" },
  { nodeId: "choose", nodeType: "choose_method", kinds: ["method_chosen"] },
  { nodeId: "pay", nodeType: "pay", kinds: ["payment_link_sent"] },
];

interface ModelPayment {
  id: string;
  mode: Mode;
  currency: string;
  amount: number;
  status: PaymentStatus;
  refunded: number;
  convMode: Mode | null;
}

describe.each(ENGINES)("analytics rollups on %s", (engine) => {
  let handle: DbHandle;
  let db: Db;

  beforeAll(async () => {
    handle = await openTestDatabase(engine);
    db = handle.db;
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("hold the hand-computed fixture: per-currency payments, funnel steps and drop-off", async () => {
    const m = await seedFixture(db);
    await refreshRollups(db, FIXTURE_NOW);
    const rows = await stored(db, m);
    const live = rows.payments.filter((r) => r.mode === "live");
    const byCurrency = (c: string) => live.filter((r) => r.currency === c);
    const total = (c: string, k: "payments" | "amountMinor" | "refundedMinor") =>
      byCurrency(c).reduce((s, r) => s + r[k], 0);
    expect([
      total("JPY", "payments"),
      total("JPY", "amountMinor"),
      total("JPY", "refundedMinor"),
    ]).toEqual([3, 4700, 2500]);
    expect([
      total("KWD", "payments"),
      total("KWD", "amountMinor"),
      total("KWD", "refundedMinor"),
    ]).toEqual([2, 13345, 345]);
    expect([total("IDR", "payments"), total("IDR", "amountMinor")]).toEqual([2, 15_500_000]);
    expect(byCurrency("EUR")).toEqual([]);
    // 23:31 UTC on 03-10 is 00:31 on 03-11 in Paris.
    expect(byCurrency("IDR").find((r) => r.status === "disputed")).toMatchObject({
      day: "2026-03-11",
      disputes: 1,
      disputedMinor: 15_000_000,
      disputesLost: 1,
      method: "bank_transfer",
    });
    expect(live.find((r) => r.status === "failed")).toMatchObject({
      failureCode: "=card_declined",
      provider: "stripe",
    });

    const funnel = rows.funnel.filter((r) => r.mode === "live" && r.flowId === FIXTURE_FLOW);
    const day10 = funnel.filter((r) => r.day === "2026-03-10");
    const sum = (list: typeof funnel, k: keyof (typeof funnel)[number]) =>
      list.reduce((s, r) => s + Number(r[k]), 0);
    expect(
      ["started", "reachedPay", "confirmed", "methodChosen", "linkSent", "linkOpened", "paid"].map(
        (k) => sum(day10, k as never),
      ),
    ).toEqual([5, 4, 3, 3, 3, 3, 2]);
    expect(sum(day10, "paidSecondsSum")).toBe(420);
    expect(funnel.find((r) => r.day === "2026-03-11")).toMatchObject({
      started: 1,
      paid: 1,
      paidSecondsSum: 600,
    });
    expect(rows.funnel.filter((r) => r.mode === "test")).toEqual([]); // the simulation

    const steps = new Map<string, { reached: number; stopped: number }>();
    for (const r of rows.steps.filter((s) => s.mode === "live")) {
      const s = steps.get(r.nodeId) ?? { reached: 0, stopped: 0 };
      steps.set(r.nodeId, { reached: s.reached + r.reached, stopped: s.stopped + r.stopped });
    }
    expect(Object.fromEntries(steps)).toEqual({
      start: { reached: 6, stopped: 0 },
      ask_name: { reached: 6, stopped: 1 },
      choose: { reached: 5, stopped: 1 },
      pay: { reached: 4, stopped: 1 },
    });
    // The rebuild lands on the same rows.
    await rebuildRollups(db, { merchantId: m });
    expect(await stored(db, m)).toEqual(rows);
  });

  it("are kept by a recurring durable job that recounts only the touched buckets", async () => {
    registerBuiltinJobHandlers();
    const m = await addMerchantInZone(db, "Asia/Jakarta");
    const t0 = new Date("2026-06-01T10:00:00Z");
    const id = await addPayment(db, m, {
      amountMinor: 5000,
      currency: "IDR",
      status: "pending",
      createdAt: t0,
      updatedAt: t0,
    });
    await ensureRecurringJobs(db, t0);
    await ensureRecurringJobs(db, t0); // still one
    await runDueJobs(db, t0);
    const job = await db
      .select()
      .from(jobs)
      .where(and(eq(jobs.merchantId, SYSTEM_MERCHANT_ID), eq(jobs.kind, ROLLUP_JOB)));
    expect(job).toHaveLength(1);
    expect(job[0]).toMatchObject({ status: "pending" });
    expect(job[0].runAt.getTime()).toBe(t0.getTime() + ROLLUP_EVERY_MS);
    expect((await stored(db, m)).payments.map((r) => [r.status, r.payments])).toEqual([
      ["pending", 1],
    ]);

    // The webhook path only writes the payment; the next pass picks the change up.
    const t1 = new Date(t0.getTime() + ROLLUP_EVERY_MS);
    await updatePayment(db, m, id, { status: "succeeded", succeededAt: t1 }, t1);
    await runDueJobs(db, t1);
    expect((await stored(db, m)).payments.map((r) => [r.status, r.payments])).toEqual([
      ["succeeded", 1],
    ]);
  });

  it("after random payments, state changes, late and duplicate events, refunds and disputes, equal a raw recount", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ZONES),
        fc.array(opArb, { minLength: 1, maxLength: 40 }),
        async (zone, ops) => {
          const m = await addMerchantInZone(db, zone);
          const base = new Date("2026-05-01T00:00:00Z").getTime();
          let clock = base + 100 * 3_600_000;
          const tick = () => new Date((clock += 60_000));
          const convs: { id: string; mode: Mode }[] = [];
          const pays: ModelPayment[] = [];
          let last: { id: string; status: PaymentStatus; refunded: number } | undefined;
          for (const op of ops) {
            const now = tick();
            if (op.op === "conversation") {
              const id = await addConversation(db, m, {
                flowId: "flow_p",
                mode: op.mode,
                channel: op.channel,
                startedAt: new Date(base + op.hours * 3_600_000),
                updatedAt: now,
                path: PATH.slice(0, op.steps),
              });
              convs.push({ id, mode: op.mode });
            } else if (op.op === "payment") {
              const conv = op.conv >= 0 && op.conv < convs.length ? convs[op.conv] : undefined;
              const mode = conv?.mode ?? op.mode;
              const createdAt = new Date(base + op.hours * 3_600_000);
              const id = await addPayment(db, m, {
                mode,
                conversationId: conv?.id ?? null,
                amountMinor: op.amount,
                currency: op.currency,
                status: "created",
                createdAt,
                updatedAt: now,
              });
              pays.push({
                id,
                mode,
                currency: op.currency,
                amount: op.amount,
                status: "created",
                refunded: 0,
                convMode: conv?.mode ?? null,
              });
            } else if (op.op === "status" && pays.length > 0) {
              const p = pays[op.pay % pays.length];
              p.status = op.status;
              const at = op.late ? new Date(now.getTime() - 5 * 60_000) : now;
              await updatePayment(
                db,
                m,
                p.id,
                {
                  status: op.status,
                  failureCode: op.status === "failed" ? "declined" : null,
                  succeededAt: op.status === "succeeded" ? at : null,
                },
                at,
              );
              last = { id: p.id, status: p.status, refunded: p.refunded };
            } else if (op.op === "duplicate" && last) {
              // The same event delivered again: the same write, a later updated_at.
              await updatePayment(
                db,
                m,
                last.id,
                { status: last.status, refundedMinor: last.refunded },
                now,
              );
            } else if (op.op === "refund" && pays.length > 0) {
              const p = pays[op.pay % pays.length];
              p.refunded = Math.min(p.amount, p.refunded + Math.floor(op.share * p.amount));
              p.status = p.refunded >= p.amount ? "refunded" : "partially_refunded";
              await updatePayment(
                db,
                m,
                p.id,
                { status: p.status, refundedMinor: p.refunded },
                now,
              );
              last = { id: p.id, status: p.status, refunded: p.refunded };
            } else if (op.op === "dispute" && pays.length > 0) {
              const p = pays[op.pay % pays.length];
              await addDispute(
                db,
                m,
                { id: p.id, mode: p.mode, amountMinor: p.amount, currency: p.currency },
                op.status,
                now,
              );
            } else if (op.op === "run") {
              await refreshRollups(db, now);
            }
          }
          await refreshRollups(db, tick());
          const rows = await stored(db, m);
          expect(rows).toEqual(await recountAll(db, m));
          // And an independent count from the model, per mode × currency × status.
          const model = new Map<string, { n: number; amount: number; refunded: number }>();
          for (const p of pays) {
            const k = `${p.mode}/${p.currency}/${p.status}`;
            const v = model.get(k) ?? { n: 0, amount: 0, refunded: 0 };
            model.set(k, {
              n: v.n + 1,
              amount: v.amount + p.amount,
              refunded: v.refunded + p.refunded,
            });
          }
          const rolled = new Map<string, { n: number; amount: number; refunded: number }>();
          for (const r of rows.payments) {
            const k = `${r.mode}/${r.currency}/${r.status}`;
            const v = rolled.get(k) ?? { n: 0, amount: 0, refunded: 0 };
            rolled.set(k, {
              n: v.n + r.payments,
              amount: v.amount + r.amountMinor,
              refunded: v.refunded + r.refundedMinor,
            });
          }
          expect(Object.fromEntries(rolled)).toEqual(Object.fromEntries(model));
          const started = rows.funnel.reduce((s, r) => s + r.started, 0);
          expect(started).toBe(convs.length);
        },
      ),
      { numRuns: engine === "pglite" ? 12 : 20 },
    );
  }, 240_000);
});
