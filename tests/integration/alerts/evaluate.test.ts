// Alert rules against crafted event sequences, on both engines: they fire once per episode,
// stay silent on near misses, resolve when the condition clears, honour snoozes, keep test and
// live apart, and each pass reads only the events recorded after the merchant's watermark.
import { setDbHandle, type Db, type DbHandle } from "@/db/client";
import {
  alertBuckets,
  alertCursors,
  alertRules,
  alerts,
  paymentEvents,
  payments,
  type Mode,
} from "@/db/schema";
import { evaluateMerchantAlerts, FOLD_LAG_MS, newEventsQuery } from "@/lib/alerts/evaluate";
import {
  acknowledgeAlert,
  createRule,
  deleteRule,
  setRuleEnabled,
  snoozeAlert,
  updateRule,
} from "@/lib/alerts/service";
import type { ServiceContext } from "@/lib/auth/context";
import { eventBusReady, stopEventBus, subscribeEvents, type ConsoleEvent } from "@/lib/events/bus";
import { newId } from "@/lib/ids";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  auditRows,
  configurePipelineEnv,
  contextFor,
  merchantWithRoles,
  sandboxConnection,
} from "../helpers/pipeline-fixtures";
import { ENGINES, openTestDatabase } from "../helpers/test-db";

vi.mock("server-only", () => ({}));
configurePipelineEnv();

const MINUTE = 60_000;

describe.each(ENGINES)("alert rules that fire on %s", (engine) => {
  let handle: DbHandle;
  let db: Db;
  let merchantId: string;
  let owner: ServiceContext;
  let support: ServiceContext;
  let analyst: ServiceContext;
  let stranger: ServiceContext;
  // Crafted time: three hours ago, moved forward by each step (events are recorded "then").
  const base = Date.now() - 3 * 60 * MINUTE;
  const t = (minutes: number) => new Date(base + minutes * MINUTE);
  const published: ConsoleEvent[] = [];
  let unsubscribe: () => void;
  const paymentOf: Record<string, string> = {};

  async function addPayment(mode: Mode, email: string | null): Promise<string> {
    const id = newId("payment");
    await db.insert(payments).values({
      merchantId,
      id,
      connectionId: `con_${mode}`,
      provider: "sandbox",
      amountMinor: 1_000,
      currency: "EUR",
      idempotencyKey: id,
      customerEmail: email,
      mode,
      status: "pending",
    });
    return id;
  }

  async function addEvents(
    paymentId: string,
    type: string,
    n: number,
    at: Date,
    detail: Record<string, unknown> = {},
  ) {
    const rows = Array.from({ length: n }, (_, i) => ({
      merchantId,
      id: newId("paymentEvent"),
      paymentId,
      connectionId: "con_x",
      providerEventId: newId("paymentEvent"),
      type,
      detail,
      occurredAt: at,
      recordedAt: new Date(at.getTime() + i),
    }));
    await db.insert(paymentEvents).values(rows);
  }

  const evaluate = (minutes: number) =>
    evaluateMerchantAlerts(db, merchantId, new Date(t(minutes).getTime() + FOLD_LAG_MS + 1));

  async function cursor() {
    const [row] = await db
      .select()
      .from(alertCursors)
      .where(eq(alertCursors.merchantId, merchantId));
    return row;
  }

  async function alertsOf(mode?: Mode) {
    const rows = await db.select().from(alerts).where(eq(alerts.merchantId, merchantId));
    return mode ? rows.filter((a) => a.mode === mode) : rows;
  }

  beforeAll(async () => {
    handle = await openTestDatabase(engine);
    db = handle.db;
    ({ merchantId, owner, support, analyst } = await merchantWithRoles(db));
    stranger = await contextFor(db, (await merchantWithRoles(db, "Nusantara Batik")).merchantId);
    // The failure-rate series has no customer email (card testing reads emails).
    paymentOf.test = await addPayment("test", null);
    paymentOf.live = await addPayment("live", "ana@example.test");
    // The real bus: LISTEN on this test's database, delivered after commit.
    setDbHandle(handle);
    unsubscribe = subscribeEvents((e) => published.push(e));
    await eventBusReady();
  });
  afterAll(async () => {
    unsubscribe?.();
    await stopEventBus();
    setDbHandle(undefined);
    await handle?.close();
  });

  it("the first pass starts at the newest event (no replay of history) and adds the defaults", async () => {
    await addEvents(paymentOf.live, "payment.failed", 40, t(-60));
    const summary = await evaluate(0);
    expect(summary).toMatchObject({ evaluated: true, folded: 0, fired: [] });
    const rules = await db.select().from(alertRules).where(eq(alertRules.merchantId, merchantId));
    expect(
      rules
        .filter((r) => r.mode === "live")
        .map((r) => r.kind)
        .sort(),
    ).toEqual([
      "card_testing",
      "card_testing",
      "disputes_today",
      "failure_rate",
      "failure_rate",
      "webhook_silence",
    ]);
    expect(rules.filter((r) => r.mode === "test")).toHaveLength(6);
    expect((await cursor()).eventsFolded).toBe(0);
    expect(await alertsOf()).toEqual([]);
    // A second pass adds no second set of defaults.
    await evaluate(0);
    expect(
      await db.select().from(alertRules).where(eq(alertRules.merchantId, merchantId)),
    ).toHaveLength(12);
  });

  let spikeRuleId: string;

  it("a failure rate exactly at the threshold stays silent; one more failure fires", async () => {
    ({ id: spikeRuleId } = await createRule(owner, {
      kind: "failure_rate",
      name: "Test spike",
      mode: "test",
      enabled: true,
      scope: "overall",
      failureRateAbovePercent: 50,
      windowMinutes: 15,
      minAttempts: 4,
    }));
    await addEvents(paymentOf.test, "payment.failed", 2, t(1));
    await addEvents(paymentOf.test, "payment.succeeded", 2, t(2));
    const quiet = await evaluate(3);
    expect(quiet).toMatchObject({ folded: 4, fired: [] });

    await addEvents(paymentOf.test, "payment.failed", 1, t(4));
    const loud = await evaluate(5);
    expect(loud.folded).toBe(1); // only the new event was read
    expect(loud.fired).toHaveLength(1);
    const [alert] = await alertsOf("test");
    expect(alert).toMatchObject({
      ruleId: spikeRuleId,
      mode: "test",
      scopeKey: "all",
      status: "open",
      severity: "critical",
    });
    expect(alert.detail).toMatchObject({ attempts: 5, failed: 3, failureRatePercent: 60 });
    await expect
      .poll(() => published)
      .toContainEqual({ kind: "alert", merchantId, mode: "test", id: alert.id });
    expect(await auditRows(db, merchantId, "alert.fired")).toHaveLength(1);
  });

  it("test failures never raise a live alert, and live buckets stay empty", async () => {
    expect(await alertsOf("live")).toEqual([]);
    const live = await db
      .select()
      .from(alertBuckets)
      .where(and(eq(alertBuckets.merchantId, merchantId), eq(alertBuckets.mode, "live")));
    expect(live).toEqual([]);
  });

  it("fires once per episode: later passes and more failures keep the one alert", async () => {
    await addEvents(paymentOf.test, "payment.failed", 3, t(6));
    expect((await evaluate(7)).fired).toEqual([]);
    expect((await evaluate(8)).fired).toEqual([]);
    expect(await alertsOf("test")).toHaveLength(1);
    // The buckets hold the sums the rule reads: 8 outcomes, 6 of them failures.
    const [sums] = await db
      .select({
        attempts: sql<number>`sum(${alertBuckets.attempts})`.mapWith(Number),
        failures: sql<number>`sum(${alertBuckets.failures})`.mapWith(Number),
      })
      .from(alertBuckets)
      .where(
        and(
          eq(alertBuckets.merchantId, merchantId),
          eq(alertBuckets.mode, "test"),
          eq(alertBuckets.scopeKey, "all"),
        ),
      );
    expect(sums).toEqual({ attempts: 8, failures: 6 });
    expect((await cursor()).eventsFolded).toBe(8);
  });

  it("support acknowledges; an analyst may not, nor edit rules; another merchant gets 404", async () => {
    const [alert] = await alertsOf("test");
    await expect(acknowledgeAlert(analyst, alert.id)).rejects.toMatchObject({ status: 403 });
    await expect(setRuleEnabled(analyst, spikeRuleId, false)).rejects.toMatchObject({
      status: 403,
    });
    await expect(setRuleEnabled(support, spikeRuleId, false)).rejects.toMatchObject({
      status: 403,
    });
    await expect(acknowledgeAlert(stranger, alert.id)).rejects.toMatchObject({ status: 404 });
    await expect(setRuleEnabled(stranger, spikeRuleId, false)).rejects.toMatchObject({
      status: 404,
    });
    await acknowledgeAlert(support, alert.id);
    const [after] = await alertsOf("test");
    expect(after).toMatchObject({ status: "acknowledged", acknowledgedByUserId: support.user.id });
    const [entry] = await auditRows(db, merchantId, "alert.acknowledged");
    expect(entry).toMatchObject({ actorUserId: support.user.id, targetId: alert.id });
  });

  it("resolves itself once the failures leave the window", async () => {
    const summary = await evaluate(25);
    expect(summary.resolved).toHaveLength(1);
    const [alert] = await alertsOf("test");
    expect(alert).toMatchObject({ status: "resolved" });
    expect(await auditRows(db, merchantId, "alert.resolved")).toHaveLength(1);
  });

  it("a new spike is a new episode; while snoozed it neither resolves nor re-fires", async () => {
    await addEvents(paymentOf.test, "payment.failed", 4, t(30));
    const fired = await evaluate(31);
    expect(fired.fired).toHaveLength(1);
    const id = fired.fired[0];
    await snoozeAlert(support, id, 60, t(31));
    // The spike ends, and another starts, both inside the snooze.
    expect((await evaluate(50)).resolved).toEqual([]);
    await addEvents(paymentOf.test, "payment.failed", 4, t(55));
    expect((await evaluate(56)).fired).toEqual([]);
    expect((await alertsOf("test")).filter((a) => a.status !== "resolved")).toHaveLength(1);
    // After the snooze, with the condition gone, it resolves.
    const after = await evaluate(95);
    expect(after.resolved).toEqual([id]);
    expect(await auditRows(db, merchantId, "alert.snoozed")).toHaveLength(1);
  });

  it("turning a rule off resolves its open episode", async () => {
    await addEvents(paymentOf.test, "payment.failed", 4, t(100));
    const { fired } = await evaluate(101);
    expect(fired).toHaveLength(1);
    await setRuleEnabled(owner, spikeRuleId, false);
    expect((await evaluate(102)).resolved).toEqual(fired);
    expect(await auditRows(db, merchantId, "alert_rule.disabled")).toHaveLength(1);
  });

  it("editing a rule is audited with before and after; deleting it resolves its episode", async () => {
    const { id } = await createRule(owner, {
      kind: "card_testing",
      name: "Cards",
      mode: "test",
      enabled: true,
      key: "email",
      declinesAbove: 50,
      windowMinutes: 10,
    });
    expect(await auditRows(db, merchantId, "alert_rule.created")).toHaveLength(2);
    await updateRule(owner, id, {
      kind: "failure_rate",
      name: "Everything fails",
      mode: "test",
      enabled: true,
      scope: "overall",
      failureRateAbovePercent: 10,
      windowMinutes: 5,
      minAttempts: 1,
    });
    const [edit] = await auditRows(db, merchantId, "alert_rule.updated");
    expect(edit.before).toMatchObject({ kind: "card_testing", config: { declinesAbove: 50 } });
    expect(edit.after).toMatchObject({
      kind: "failure_rate",
      config: { scope: "overall", failureRateAbovePercent: 10, windowMinutes: 5, minAttempts: 1 },
    });
    await addEvents(paymentOf.test, "payment.failed", 1, t(104));
    const { fired } = await evaluate(105);
    const mine = (await alertsOf("test")).filter((a) => fired.includes(a.id) && a.ruleId === id);
    expect(mine).toHaveLength(1);
    await expect(deleteRule(support, id)).rejects.toMatchObject({ status: 403 });
    await deleteRule(owner, id);
    const [after] = (await alertsOf("test")).filter((a) => a.id === mine[0].id);
    expect(after.status).toBe("resolved");
    const [deleted] = await auditRows(db, merchantId, "alert_rule.deleted");
    expect(deleted.after).toEqual({ resolvedAlerts: [mine[0].id] });
  });

  it("card testing: five declines for one email are a near miss, the sixth fires (default rule)", async () => {
    await addEvents(paymentOf.live, "payment.failed", 5, t(110));
    expect((await evaluate(111)).fired).toEqual([]);
    await addEvents(paymentOf.live, "payment.failed", 1, t(112));
    const { fired } = await evaluate(113);
    const live = (await alertsOf("live")).filter((a) => fired.includes(a.id));
    expect(live.map((a) => [a.kind, a.scopeKey])).toContainEqual([
      "card_testing",
      "email:ana@example.test",
    ]);
  });

  it("card testing by fingerprint reads the card the provider reported", async () => {
    await addEvents(paymentOf.live, "payment.failed", 6, t(130), { cardFingerprint: "fp_42" });
    const { fired } = await evaluate(131);
    const rows = (await alertsOf("live")).filter((a) => fired.includes(a.id));
    expect(rows.map((a) => a.scopeKey)).toContain("fp:fp_42");
  });

  it("disputes today: three are a near miss, the fourth fires", async () => {
    await addEvents(paymentOf.test, "dispute.opened", 3, t(140));
    const quiet = await evaluate(141);
    const byKind = async (ids: string[]) =>
      (await alertsOf()).filter((a) => ids.includes(a.id)).map((a) => a.kind);
    expect(await byKind(quiet.fired)).not.toContain("disputes_today");
    await addEvents(paymentOf.test, "dispute.opened", 1, t(142));
    const loud = await evaluate(143);
    expect(await byKind(loud.fired)).toContain("disputes_today");
  });

  it("webhook silence: an active connection with a payment waiting and no webhook fires", async () => {
    const connection = await sandboxConnection(owner);
    const id = newId("payment");
    await db.insert(payments).values({
      merchantId,
      id,
      connectionId: connection.id,
      provider: "sandbox",
      amountMinor: 500,
      currency: "EUR",
      idempotencyKey: id,
      mode: "test",
      status: "pending",
      createdAt: new Date(Date.now() - 20 * MINUTE),
    });
    // 20 minutes of waiting is inside the 30-minute default: silent.
    const now = Date.now() + FOLD_LAG_MS + 1;
    const quiet = await evaluateMerchantAlerts(db, merchantId, new Date(now));
    const silence = async (ids: string[]) =>
      (await alertsOf("test")).filter((a) => ids.includes(a.id) && a.kind === "webhook_silence");
    expect(await silence(quiet.fired)).toEqual([]);
    const loud = await evaluateMerchantAlerts(db, merchantId, new Date(now + 15 * MINUTE));
    const [alert] = await silence(loud.fired);
    expect(alert).toMatchObject({ scopeKey: `conn:${connection.id}`, severity: "warning" });
  });

  it("the watermark keeps recorded_at's microseconds: an event is folded exactly once", async () => {
    const before = (await cursor()).eventsFolded;
    await db.insert(paymentEvents).values({
      merchantId,
      id: newId("paymentEvent"),
      paymentId: paymentOf.live,
      connectionId: "con_x",
      type: "payment.succeeded",
      occurredAt: new Date(),
    });
    const later = new Date(Date.now() + 60 * MINUTE);
    expect((await evaluateMerchantAlerts(db, merchantId, later)).folded).toBe(1);
    expect((await evaluateMerchantAlerts(db, merchantId, later)).folded).toBe(0);
    expect((await cursor()).eventsFolded).toBe(before + 1);
  });

  it.runIf(engine === "postgres")(
    "two processes evaluating at once fold each event once and open one episode",
    async () => {
      const { merchantId: other, owner: otherOwner } = await merchantWithRoles(db, "Twin");
      merchantId = other;
      await evaluate(0); // cursor + defaults
      await createRule(otherOwner, {
        kind: "failure_rate",
        name: "Any failure",
        mode: "test",
        enabled: true,
        scope: "overall",
        failureRateAbovePercent: 1,
        windowMinutes: 60,
        minAttempts: 1,
      });
      paymentOf.twin = await addPayment("test", null);
      await addEvents(paymentOf.twin, "payment.failed", 50, t(1));
      const results = await Promise.all([evaluate(2), evaluate(2), evaluate(2)]);
      expect(results.reduce((n, r) => n + r.folded, 0)).toBe(50);
      // Three rules fire (this one, and the default overall and per-connection rules): each once.
      const fired = results.flatMap((r) => r.fired);
      expect(fired).toHaveLength(3);
      expect(await alertsOf("test")).toHaveLength(3);
      expect((await cursor()).eventsFolded).toBe(50);
    },
  );

  it.runIf(engine === "postgres")(
    "a pass reads from the watermark by index: history before it is never scanned",
    async () => {
      const query = newEventsQuery(
        db,
        merchantId,
        { recordedAt: "2026-12-01 10:00:00.123456+00", eventId: "pev_x" },
        new Date("2026-12-02T10:00:00Z"),
        500,
      ).toSQL();
      const literal = (value: unknown) =>
        typeof value === "number"
          ? String(value)
          : `'${(value instanceof Date ? value.toISOString() : String(value)).replace(/'/g, "''")}'`;
      const explain = `explain ${query.sql.replace(/\$(\d+)/g, (_, n: string) => literal(query.params[Number(n) - 1]))}`;
      const plan = await db.transaction(async (tx) => {
        // A tiny table would be read whole anyway; ask for the plan an index-worthy one gets.
        await tx.execute(sql`set local enable_seqscan = off`);
        const explained = await tx.execute(sql.raw(explain));
        return explained.rows.map((r) => String(Object.values(r)[0])).join("\n");
      });
      expect(plan).toMatch(/payment_events_recorded_idx/);
      // The watermark is an index bound, not a filter over the merchant's whole history.
      expect(plan).toMatch(/Index Cond: .*recorded_at/);
    },
  );
});
