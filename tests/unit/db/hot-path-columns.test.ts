// The hot paths' raw SQL carries every schema column it must: whole rows take their column lists
// from the schema, and where a statement writes a subset on purpose, the subset is named here
// against the schema, so a column added to a table either flows through or fails this test.
import { columnNames, decodeRow, insertableColumns, rowsJson } from "@/db/rows";
import {
  conversationEvents,
  conversationMessages,
  conversations,
  paymentEvents,
  payments,
} from "@/db/schema";
import { STEP_WRITE_KEYS } from "@/lib/conversations/engine/step-writer";
import { PAYMENT_VIEW_KEYS } from "@/lib/payments/status-write";
import { TIMELINE_KEYS, WRITE_PLAN } from "@/lib/webhooks/apply/write";
import { getTableColumns } from "drizzle-orm";
import { describe, expect, it } from "vitest";

const keysOf = (table: Parameters<typeof getTableColumns>[0]) =>
  Object.keys(getTableColumns(table));

describe("hot-path column lists", () => {
  it("inserts every payment_events column but recorded_at (the database's clock)", () => {
    expect([...TIMELINE_KEYS, "recordedAt"].sort()).toEqual(keysOf(paymentEvents).sort());
    const insert = /insert into payment_events \(([^)]*)\)/.exec(WRITE_PLAN.one.text)?.[1];
    expect(insert?.split(",").map((n) => n.trim().replaceAll('"', ""))).toEqual(
      columnNames(paymentEvents, TIMELINE_KEYS),
    );
  });

  it("rewrites exactly the payment columns of a view", () => {
    for (const name of columnNames(payments, PAYMENT_VIEW_KEYS))
      expect(WRITE_PLAN.many.text).toContain(`"${name}" = v."${name}"`);
  });

  it("writes every conversation column a step may change, and only those", () => {
    // Fixed when the conversation starts (step-writer.ts FIXED_AT_START); everything else is the step's.
    const fixed = [
      "merchantId",
      "id",
      "flowId",
      "flowVersionId",
      "channel",
      "channelId",
      "externalUserId",
      "externalChatId",
      "isSimulation",
      "startedAt",
    ];
    expect([...STEP_WRITE_KEYS, ...fixed].sort()).toEqual(keysOf(conversations).sort());
    expect(STEP_WRITE_KEYS).toEqual(
      expect.arrayContaining(["state", "status", "lang", "revision", "updatedAt", "completedAt"]),
    );
  });

  it("leaves only database-assigned columns out of whole-row inserts", () => {
    expect(insertableColumns(conversations)).toEqual(keysOf(conversations));
    expect(insertableColumns(conversationMessages)).toEqual(keysOf(conversationMessages));
    expect(insertableColumns(conversationEvents)).toEqual(
      keysOf(conversationEvents).filter((k) => k !== "seq"),
    );
  });
});

describe("the row decoder", () => {
  const json = {
    merchant_id: "mer_1",
    id: "pev_1",
    payment_id: null,
    connection_id: "con_1",
    source: "provider",
    provider_event_id: "evt_1",
    type: "payment.succeeded",
    raw_type: "charge.succeeded",
    amount_minor: "2500",
    currency: "EUR",
    status_after: "succeeded",
    detail: '{"a":1}',
    webhook_id: null,
    occurred_at: "2026-12-01 10:00:00.123+00",
    recorded_at: "2026-12-01T10:00:01.5+00:00",
  };

  it("maps text, bigint, jsonb and timestamptz the way drizzle's selects do, whatever form they come in", () => {
    const row = decodeRow(paymentEvents, json);
    expect(row).toMatchObject({
      merchantId: "mer_1",
      paymentId: null,
      amountMinor: 2500,
      detail: { a: 1 },
      occurredAt: new Date("2026-12-01T10:00:00.123Z"),
      recordedAt: new Date("2026-12-01T10:00:01.500Z"),
    });
    expect(decodeRow(paymentEvents, { ...json, amount_minor: 2500n, detail: { a: 1 } })).toEqual(
      row,
    );
    expect(decodeRow(paymentEvents, { ...json, amount_minor: 2500 }).amountMinor).toBe(2500);
  });

  it("reads a prefixed subset, and round-trips rows written as JSON", () => {
    const prefixed = Object.fromEntries(Object.entries(json).map(([k, v]) => [`x:${k}`, v]));
    expect(
      decodeRow(paymentEvents, prefixed, { prefix: "x:", keys: ["id", "occurredAt"] }),
    ).toEqual({ id: "pev_1", occurredAt: new Date("2026-12-01T10:00:00.123Z") });
    const row = decodeRow(paymentEvents, json);
    const [written] = JSON.parse(rowsJson(paymentEvents, TIMELINE_KEYS, [row])) as Record<
      string,
      unknown
    >[];
    expect(written).toMatchObject({ detail: { a: 1 }, occurred_at: "2026-12-01T10:00:00.123Z" });
    expect(decodeRow(paymentEvents, { ...written, recorded_at: json.recorded_at })).toEqual(row);
  });
});
