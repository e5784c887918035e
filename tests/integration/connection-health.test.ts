// Connection health on a hand-built fixture with exact expected figures: the last hour's and the
// last day's volume, success rate, median time-to-pay, signature failures and failed deliveries,
// the hourly sparkline and the verdict. Rows outside the day, of the other mode or of another
// merchant must not count.
import type { Db, DbHandle } from "@/db/client";
import { connections, webhookInbox, type Mode } from "@/db/schema";
import { connectionHealth } from "@/lib/connections/health";
import type { PaymentStatus } from "@/lib/connections/providers/types";
import { newId } from "@/lib/ids";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertModeConnection, insertPayment } from "./helpers/mode-fixtures";
import { addMerchant } from "./helpers/pipeline-fixtures";
import { ENGINES, openTestDatabase } from "./helpers/test-db";

const NOW = new Date("2026-12-02T12:30:00Z");
const MIN = 60_000;
const ago = (minutes: number) => new Date(NOW.getTime() - minutes * MIN);

async function pay(
  db: Db,
  merchantId: string,
  connectionId: string,
  p: { status: PaymentStatus; minutesAgo: number; paidAfterS?: number; mode?: Mode },
) {
  const createdAt = ago(p.minutesAgo);
  await insertPayment(db, {
    merchantId,
    connectionId,
    provider: "sandbox",
    amountMinor: 1_000,
    currency: "EUR",
    status: p.status,
    mode: p.mode ?? "test",
    createdAt,
    succeededAt:
      p.paidAfterS === undefined ? null : new Date(createdAt.getTime() + p.paidAfterS * 1000),
  });
}

async function delivery(
  db: Db,
  merchantId: string,
  connectionId: string,
  d: {
    minutesAgo: number;
    verified: boolean;
    status: "applied" | "failed" | "rejected";
    repeats?: number;
  },
) {
  await db.insert(webhookInbox).values({
    merchantId,
    id: newId("webhook"),
    connectionId,
    provider: "sandbox",
    headers: {},
    rawBody: "{}",
    verified: d.verified,
    status: d.status,
    repeatCount: d.repeats ?? 1,
    receivedAt: ago(d.minutesAgo),
  });
}

describe.each(ENGINES)("connection health on %s", (engine) => {
  let handle: DbHandle;
  let db: Db;

  beforeAll(async () => {
    handle = await openTestDatabase(engine);
    db = handle.db;
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("counts the last hour and the last day exactly, and says why it is red", async () => {
    const merchantId = await addMerchant(db);
    const other = await addMerchant(db, "Nusantara Batik");
    const a = await insertModeConnection(db, merchantId, "test", { lastEventAt: ago(120) });
    const quiet = await insertModeConnection(db, merchantId, "live", { lastEventAt: null });

    // The last hour: 3 paid (60 s, 120 s, 300 s to pay), 1 failed, 1 too young to be pending.
    await pay(db, merchantId, a, { status: "succeeded", minutesAgo: 50, paidAfterS: 60 });
    await pay(db, merchantId, a, { status: "succeeded", minutesAgo: 40, paidAfterS: 120 });
    await pay(db, merchantId, a, { status: "refunded", minutesAgo: 30, paidAfterS: 300 });
    await pay(db, merchantId, a, { status: "failed", minutesAgo: 20 });
    await pay(db, merchantId, a, { status: "pending", minutesAgo: 5 });
    // Earlier in the day: 1 paid (30 s), 1 failed, 2 still waiting.
    await pay(db, merchantId, a, { status: "succeeded", minutesAgo: 180, paidAfterS: 30 });
    await pay(db, merchantId, a, { status: "failed", minutesAgo: 300 });
    await pay(db, merchantId, a, { status: "pending", minutesAgo: 120 });
    await pay(db, merchantId, a, { status: "created", minutesAgo: 23 * 60 });
    // Not counted: older than a day, the other mode, another merchant.
    await pay(db, merchantId, a, { status: "succeeded", minutesAgo: 25 * 60, paidAfterS: 5 });
    await pay(db, merchantId, a, { status: "failed", minutesAgo: 10, mode: "live" });
    await pay(db, other, a, { status: "failed", minutesAgo: 10 });

    await delivery(db, merchantId, a, {
      minutesAgo: 10,
      verified: false,
      status: "rejected",
      repeats: 3,
    });
    await delivery(db, merchantId, a, {
      minutesAgo: 360,
      verified: false,
      status: "rejected",
      repeats: 2,
    });
    await delivery(db, merchantId, a, { minutesAgo: 30, verified: true, status: "failed" });
    await delivery(db, merchantId, a, { minutesAgo: 120, verified: true, status: "applied" });
    await delivery(db, merchantId, a, { minutesAgo: 30 * 60, verified: false, status: "rejected" });
    await delivery(db, other, a, {
      minutesAgo: 10,
      verified: false,
      status: "rejected",
      repeats: 7,
    });

    const rows = await db.select().from(connections).where(eq(connections.merchantId, merchantId));
    const health = await connectionHealth(db, merchantId, rows, NOW);
    const h = health.get(a)!;

    expect(h.hour).toEqual({
      volume: 5,
      succeeded: 3,
      failed: 1,
      successRate: 0.75,
      medianTimeToPayMs: 120_000,
      signatureFailures: 3,
      errors: 1,
    });
    expect(h.day).toEqual({
      volume: 9,
      succeeded: 4,
      failed: 2,
      successRate: 4 / 6,
      // The median of 30, 60, 120 and 300 s, interpolated.
      medianTimeToPayMs: 90_000,
      signatureFailures: 5,
      errors: 1,
    });
    expect(h.pending).toBe(2);
    expect(h.lastWebhookAt).toEqual(ago(120));

    // 24 clock hours, the first starting at 13:00 yesterday, the last at 12:00 today.
    expect(h.hourly).toHaveLength(24);
    expect(h.hourly[0].start).toEqual(new Date("2026-12-01T13:00:00Z"));
    expect(h.hourly[23].start).toEqual(new Date("2026-12-02T12:00:00Z"));
    const volumes = Object.fromEntries(
      h.hourly.flatMap((b, i) => (b.volume ? [[i, [b.volume, b.succeeded]]] : [])),
    );
    expect(volumes).toEqual({
      0: [1, 0],
      18: [1, 0],
      20: [1, 1],
      21: [1, 0],
      22: [2, 2],
      23: [3, 1],
    });

    expect(h.verdict.level).toBe("red");
    expect(h.verdict.summary).toBe("Red: no webhook for 2 h while 2 payments are pending");
    expect(h.verdict.problems.map((p) => p.text)).toEqual([
      "no webhook for 2 h while 2 payments are pending",
      "3 signature failures in the last hour",
      "1 webhook delivery failed to apply in the last hour",
    ]);

    const q = health.get(quiet)!;
    expect(q.day.volume).toBe(0);
    expect(q.hour.medianTimeToPayMs).toBeNull();
    expect(q.hourly.every((b) => b.volume === 0)).toBe(true);
    expect(q.verdict.summary).toBe("Green: no problems, and no payments in the last day");
  });
});
