// The transactions list through its URL contract (lib/payments/schemas.ts → listPayments): every
// filter against a hand-built fixture with the exact rows expected, names instead of ids, keyset
// paging both ways, bad input, and a property: paging visits every row exactly once while rows
// are being inserted.
import type { Db, DbHandle } from "@/db/client";
import { channels, connections, conversations, flows, payments } from "@/db/schema";
import type { ServiceContext } from "@/lib/auth/context";
import { newId } from "@/lib/ids";
import { decodePaymentCursor, encodePaymentCursor } from "@/lib/payments/list-cursor";
import {
  listPayments,
  transactionFilterOptions,
  type ListPaymentsOptions,
} from "@/lib/payments/queries";
import { parseTransactionSearch, toListPaymentsFilter } from "@/lib/payments/schemas";
import { sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configurePipelineEnv, merchantWithRoles } from "./helpers/pipeline-fixtures";
import { ENGINES, openTestDatabase } from "./helpers/test-db";

configurePipelineEnv();

// "Now" for the date presets: 10 June 2026, noon UTC.
const NOW = new Date("2026-06-10T12:00:00Z");
/** A cursor older than any row: paging newer from the very start. */
const OLDEST = { createdAt: "2000-01-01T00:00:00.000000Z", id: "a" };

interface Fixture {
  merchantId: string;
  analyst: ServiceContext;
  other: ServiceContext;
  ids: {
    stripe: string;
    paypal: string;
    sandbox: string;
    invoiceFlow: string;
    orderFlow: string;
    otherConnection: string;
    otherFlow: string;
    otherPayment: string;
  };
}

async function insertConnection(
  db: Db,
  merchantId: string,
  provider: "stripe" | "paypal" | "sandbox",
  label: string,
  mode: "test" | "live",
): Promise<string> {
  const id = newId("connection");
  await db.insert(connections).values({
    merchantId,
    id,
    provider,
    label,
    mode,
    status: "active",
    credentialsEncrypted: "not-used-by-these-reads",
    keyVersion: "v1",
  });
  return id;
}

async function insertFlow(db: Db, merchantId: string, name: string): Promise<string> {
  const id = newId("flow");
  await db
    .insert(flows)
    .values({ merchantId, id, name, template: "blank", publicKey: `pk_${id}`, draftGraph: {} });
  return id;
}

async function buildFixture(db: Db): Promise<Fixture> {
  const { merchantId, analyst } = await merchantWithRoles(db);
  const stripe = await insertConnection(db, merchantId, "stripe", "Stripe EU", "live");
  const paypal = await insertConnection(db, merchantId, "paypal", "PayPal main", "live");
  const sandbox = await insertConnection(db, merchantId, "sandbox", "Sandbox", "test");
  const invoiceFlow = await insertFlow(db, merchantId, "Pay an invoice");
  const orderFlow = await insertFlow(db, merchantId, "Order and pay");
  const telegramChannel = newId("channel");
  await db.insert(channels).values({
    merchantId,
    id: telegramChannel,
    flowId: invoiceFlow,
    kind: "telegram",
    label: "Bistro Telegram",
    configEncrypted: "x",
  });
  const cvTelegram = newId("conversation");
  const cvWeb = newId("conversation");
  await db.insert(conversations).values([
    {
      merchantId,
      id: cvTelegram,
      flowId: invoiceFlow,
      channel: "telegram",
      channelId: telegramChannel,
      externalUserId: "u1",
      externalChatId: "c1",
      mode: "live",
    },
    {
      merchantId,
      id: cvWeb,
      flowId: orderFlow,
      channel: "web",
      externalUserId: "u2",
      externalChatId: "c2",
      mode: "live",
    },
  ]);
  const base = { merchantId, refundedMinor: 0, flags: [] as string[] };
  const at = (iso: string) => new Date(iso);
  await db.insert(payments).values([
    {
      ...base,
      id: "pay_a",
      connectionId: stripe,
      provider: "stripe",
      status: "succeeded",
      method: "card",
      currency: "EUR",
      amountMinor: 1250,
      flowId: invoiceFlow,
      conversationId: cvTelegram,
      channel: "telegram",
      customerEmail: "alice@example.com",
      description: "Invoice INV-1001 Lumière",
      providerCheckoutId: "cs_test_a",
      providerPaymentId: "pi_a",
      mode: "live",
      idempotencyKey: "a",
      createdAt: at("2026-06-10T10:00:00Z"),
    },
    {
      ...base,
      id: "pay_b",
      connectionId: stripe,
      provider: "stripe",
      status: "failed",
      method: "card",
      currency: "EUR",
      amountMinor: 5000,
      flowId: orderFlow,
      conversationId: cvWeb,
      channel: "web",
      customerEmail: "bob@shop.test",
      description: "Menu du jour",
      providerCheckoutId: "cs_test_b",
      providerPaymentId: "pi_b",
      mode: "live",
      idempotencyKey: "b",
      // The same instant as pay_a: the keyset's id breaks the tie.
      createdAt: at("2026-06-10T10:00:00Z"),
    },
    {
      ...base,
      id: "pay_c",
      connectionId: paypal,
      provider: "paypal",
      status: "succeeded",
      method: "paypal",
      currency: "USD",
      amountMinor: 999,
      flowId: orderFlow,
      conversationId: cvWeb,
      channel: "web",
      description: "Menu du jour",
      providerCheckoutId: "PAYID-C",
      mode: "live",
      idempotencyKey: "c",
      createdAt: at("2026-06-10T11:00:00Z"),
    },
    {
      ...base,
      id: "pay_d",
      connectionId: paypal,
      provider: "paypal",
      status: "pending",
      method: "paypal",
      currency: "JPY",
      amountMinor: 1200,
      description: "Donation",
      mode: "live",
      idempotencyKey: "d",
      // 10 June 00:30 in Paris, still 9 June in UTC.
      createdAt: at("2026-06-09T22:30:00Z"),
    },
    {
      ...base,
      id: "pay_e",
      connectionId: stripe,
      provider: "stripe",
      status: "refunded",
      method: "apple_pay",
      currency: "EUR",
      amountMinor: 100000,
      flowId: invoiceFlow,
      conversationId: cvTelegram,
      channel: "telegram",
      customerEmail: "ALICE.B@Example.com",
      description: "Invoice INV-1002",
      mode: "live",
      idempotencyKey: "e",
      createdAt: at("2026-06-01T09:00:00Z"),
    },
    {
      ...base,
      id: "pay_f",
      connectionId: sandbox,
      provider: "sandbox",
      status: "succeeded",
      method: "card",
      currency: "EUR",
      amountMinor: 1250,
      description: "Menu du jour",
      providerCheckoutId: "sbx_f",
      mode: "test",
      idempotencyKey: "f",
      createdAt: at("2026-06-10T10:00:00Z"),
    },
  ]);

  // A second merchant with rows of the same shape: its ids must find nothing for the first.
  const second = await merchantWithRoles(db, "Nusantara Batik");
  const otherConnection = await insertConnection(
    db,
    second.merchantId,
    "stripe",
    "Their Stripe",
    "live",
  );
  const otherFlow = await insertFlow(db, second.merchantId, "Their flow");
  await db.insert(payments).values({
    merchantId: second.merchantId,
    id: "pay_other",
    connectionId: otherConnection,
    provider: "stripe",
    status: "succeeded",
    method: "card",
    currency: "EUR",
    amountMinor: 1250,
    flowId: otherFlow,
    channel: "telegram",
    customerEmail: "alice@example.com",
    description: "Menu du jour",
    providerPaymentId: "pi_other",
    mode: "live",
    idempotencyKey: "other",
    refundedMinor: 0,
    flags: [],
    createdAt: at("2026-06-10T10:30:00Z"),
  });
  return {
    merchantId,
    analyst,
    other: second.analyst,
    ids: {
      stripe,
      paypal,
      sandbox,
      invoiceFlow,
      orderFlow,
      otherConnection,
      otherFlow,
      otherPayment: "pay_other",
    },
  };
}

describe.each(ENGINES)("transactions list on %s", (engine) => {
  let handle: DbHandle;
  let db: Db;
  let fx: Fixture;

  beforeAll(async () => {
    handle = await openTestDatabase(engine);
    db = handle.db;
    fx = await buildFixture(db);
  });
  afterAll(async () => {
    await handle?.close();
  });

  /** The ids the page would list for this query string, in order, and the messages it shows. */
  async function listed(
    query: string,
    options: { mode?: "test" | "live"; timeZone?: string; ctx?: ServiceContext } = {},
  ) {
    const parsed = parseTransactionSearch(Object.fromEntries(groupParams(query)));
    const rows = await listPayments(options.ctx ?? fx.analyst, {
      mode: options.mode ?? "live",
      ...toListPaymentsFilter(parsed.values, options.timeZone ?? "UTC", NOW),
      limit: 200,
    });
    return { ids: rows.map((r) => r.id), errors: parsed.errors, rows };
  }

  it("lists the mode's payments newest first, equal instants ordered by id", async () => {
    expect((await listed("")).ids).toEqual(["pay_c", "pay_b", "pay_a", "pay_d", "pay_e"]);
    expect((await listed("", { mode: "test" })).ids).toEqual(["pay_f"]);
  });

  it("filters by status (repeatable or comma-separated), connection, provider and method", async () => {
    expect((await listed("status=succeeded")).ids).toEqual(["pay_c", "pay_a"]);
    expect((await listed("status=succeeded,failed")).ids).toEqual(["pay_c", "pay_b", "pay_a"]);
    expect((await listed("status=succeeded&status=failed")).ids).toEqual([
      "pay_c",
      "pay_b",
      "pay_a",
    ]);
    expect((await listed(`connection=${fx.ids.stripe}`)).ids).toEqual(["pay_b", "pay_a", "pay_e"]);
    expect((await listed("provider=paypal")).ids).toEqual(["pay_c", "pay_d"]);
    expect((await listed("provider=adyen")).ids).toEqual([]);
    expect((await listed("method=card")).ids).toEqual(["pay_b", "pay_a"]);
    expect((await listed("method=apple_pay")).ids).toEqual(["pay_e"]);
    expect((await listed("status=succeeded&currency=EUR")).ids).toEqual(["pay_a"]);
    // The Sandbox connection is test: the live view never shows its payment.
    expect((await listed(`connection=${fx.ids.sandbox}`)).ids).toEqual([]);
  });

  it("filters by currency and an amount range in the currency's major units", async () => {
    expect((await listed("currency=EUR")).ids).toEqual(["pay_b", "pay_a", "pay_e"]);
    expect((await listed("currency=eur&min=12.50")).ids).toEqual(["pay_b", "pay_a", "pay_e"]);
    expect((await listed("currency=EUR&min=12.51")).ids).toEqual(["pay_b", "pay_e"]);
    expect((await listed("currency=EUR&max=50")).ids).toEqual(["pay_b", "pay_a"]);
    expect((await listed("currency=EUR&min=12,50&max=12.50")).ids).toEqual(["pay_a"]);
    // JPY has no minor unit: 1200 is 1200.
    expect((await listed("currency=JPY&min=1200&max=1200")).ids).toEqual(["pay_d"]);
    const decimalsInYen = await listed("currency=JPY&min=12.5");
    expect(decimalsInYen.errors.min).toBe("JPY amounts have no decimals");
    expect(decimalsInYen.ids).toEqual(["pay_d"]);
  });

  it("filters by flow and channel, and shows their names and the connection's label", async () => {
    expect((await listed(`flow=${fx.ids.invoiceFlow}`)).ids).toEqual(["pay_a", "pay_e"]);
    expect((await listed("channel=telegram")).ids).toEqual(["pay_a", "pay_e"]);
    expect((await listed("channel=web")).ids).toEqual(["pay_c", "pay_b"]);
    const { rows } = await listed("");
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get("pay_a")).toMatchObject({
      flowName: "Pay an invoice",
      channel: "telegram",
      channelLabel: "Bistro Telegram",
      connectionLabel: "Stripe EU",
    });
    expect(byId.get("pay_c")).toMatchObject({
      flowName: "Order and pay",
      channel: "web",
      channelLabel: null,
      connectionLabel: "PayPal main",
    });
    expect(byId.get("pay_d")).toMatchObject({ flowName: null, channel: null });
  });

  it("offers the viewed mode's connections and the merchant's flows, by name", async () => {
    const live = await transactionFilterOptions(fx.analyst, "live");
    expect(live.connections.map((c) => c.label)).toEqual(["PayPal main", "Stripe EU"]);
    expect(live.flows.map((f) => f.name)).toEqual(["Order and pay", "Pay an invoice"]);
    const test = await transactionFilterOptions(fx.analyst, "test");
    expect(test.connections.map((c) => c.label)).toEqual(["Sandbox"]);
    const theirs = await transactionFilterOptions(fx.other, "live");
    expect(theirs.connections.map((c) => c.label)).toEqual(["Their Stripe"]);
    expect(theirs.flows.map((f) => f.name)).toEqual(["Their flow"]);
  });

  it("filters by date presets and custom days in the merchant's time zone", async () => {
    expect((await listed("range=today")).ids).toEqual(["pay_c", "pay_b", "pay_a"]);
    expect((await listed("range=7d")).ids).toEqual(["pay_c", "pay_b", "pay_a", "pay_d"]);
    expect((await listed("range=30d")).ids).toEqual(["pay_c", "pay_b", "pay_a", "pay_d", "pay_e"]);
    const oneDay = "range=custom&from=2026-06-10&to=2026-06-10";
    expect((await listed(oneDay)).ids).toEqual(["pay_c", "pay_b", "pay_a"]);
    // 22:30 UTC on 9 June is 00:30 on 10 June in Paris.
    expect((await listed(oneDay, { timeZone: "Europe/Paris" })).ids).toEqual([
      "pay_c",
      "pay_b",
      "pay_a",
      "pay_d",
    ]);
    // Dates without a preset are custom dates; "to" alone is open at the start.
    expect((await listed("to=2026-06-05")).ids).toEqual(["pay_e"]);
  });

  it("searches one box: Parley id, provider ids, email prefix, description words", async () => {
    expect((await listed("q=pay_c")).ids).toEqual(["pay_c"]);
    expect((await listed("q=pi_a")).ids).toEqual(["pay_a"]);
    expect((await listed("q=cs_test_b")).ids).toEqual(["pay_b"]);
    expect((await listed("q=PAYID-C")).ids).toEqual(["pay_c"]);
    expect((await listed("q=alice")).ids).toEqual(["pay_a", "pay_e"]);
    expect((await listed("q=ALICE%40EXAMPLE.COM")).ids).toEqual(["pay_a"]);
    expect((await listed("q=menu+du")).ids).toEqual(["pay_c", "pay_b"]);
    expect((await listed("q=inv")).ids).toEqual(["pay_a", "pay_e"]);
    // An invoice number: Postgres' `simple` parser reads "INV-1001" as 'inv' and '-1001'.
    expect((await listed("q=1001")).ids).toEqual(["pay_a"]);
    expect((await listed("q=INV-1002")).ids).toEqual(["pay_e"]);
    expect((await listed("q=100")).ids).toEqual(["pay_a", "pay_e"]);
    expect((await listed("q=lumi%C3%A8re")).ids).toEqual(["pay_a"]);
    expect((await listed("q=menu&status=failed")).ids).toEqual(["pay_b"]);
    // LIKE wildcards are literal.
    expect((await listed("q=%25")).ids).toEqual([]);
    expect((await listed("q=_")).ids).toEqual([]);
  });

  it("treats SQL and HTML in the search box as text", async () => {
    for (const q of [
      "'; drop table payments; --",
      "<script>alert(1)</script>",
      "a' or '1'='1",
      "menu:* | donation",
      "\\",
    ]) {
      const result = await listed(`q=${encodeURIComponent(q)}`);
      expect(result.errors).toEqual({});
      expect(result.ids).toEqual([]);
    }
    const [{ count }] = await db.select({ count: sql<number>`count(*)::int` }).from(payments);
    expect(count).toBe(7);
  });

  it("returns nothing for another merchant's ids in any filter", async () => {
    expect((await listed(`connection=${fx.ids.otherConnection}`)).ids).toEqual([]);
    expect((await listed(`flow=${fx.ids.otherFlow}`)).ids).toEqual([]);
    expect((await listed(`q=${fx.ids.otherPayment}`)).ids).toEqual([]);
    expect((await listed("q=pi_other")).ids).toEqual([]);
    // And the other merchant never sees the first's rows.
    expect((await listed("q=alice", { ctx: fx.other })).ids).toEqual(["pay_other"]);
    expect((await listed(`connection=${fx.ids.stripe}`, { ctx: fx.other })).ids).toEqual([]);
  });

  it("explains bad input and ignores it instead of failing", async () => {
    const all = ["pay_c", "pay_b", "pay_a", "pay_d", "pay_e"];
    const cases: [string, string, string][] = [
      ["status=bogus", "status", 'Unknown status "bogus" ignored'],
      ["provider=venmo", "provider", "Choose a provider from the list"],
      ["method=cash", "method", "Choose a payment method from the list"],
      ["currency=XXX", "currency", "Choose a currency from the list"],
      ["channel=fax", "channel", "Choose a channel from the list"],
      ["connection=1%20or%201%3D1", "connection", "Choose a connection from the list"],
      ["flow=%3Cb%3E", "flow", "Choose a flow from the list"],
      ["min=10", "min", "Choose a currency to filter by amount"],
      ["currency=EUR&min=-5", "min", "Amounts cannot be negative"],
      ["currency=EUR&min=ten", "min", "Enter an amount like 12.50"],
      ["currency=EUR&max=1e9", "max", "Enter an amount like 12.50"],
      ["currency=EUR&min=99999999999999999999", "min", "This amount is too large"],
      ["currency=EUR&min=20&max=10", "max", "The maximum is below the minimum"],
      ["range=forever", "range", "Choose today, 7 days, 30 days or custom dates"],
      ["range=custom", "range", "Choose a start or end date"],
      ["from=2026-02-31", "from", "Use a date like 2026-03-31"],
      ["from=9999-01-01", "from", "Choose a date between 2000 and 2100"],
      ["from=yesterday", "from", "Use a date like 2026-03-31"],
      [`q=${"x".repeat(201)}`, "q", "Search for at most 200 characters"],
      ["limit=1000000", "limit", "At most 100 payments a page"],
      ["limit=abc", "limit", "The page size must be a whole number; showing 50 a page"],
    ];
    for (const [query, field, message] of cases) {
      const result = await listed(query);
      expect(result.errors, query).toEqual({ [field]: message });
      const expected = field === "min" || field === "max" ? ["pay_b", "pay_a", "pay_e"] : all;
      expect(result.ids, query).toEqual(query.startsWith("min=") ? all : expected);
    }
    // An inverted range keeps its start and drops its end.
    const inverted = await listed("range=custom&from=2026-06-09&to=2026-06-01");
    expect(inverted.errors).toEqual({ to: "The end date is before the start date" });
    expect(inverted.ids).toEqual(["pay_c", "pay_b", "pay_a", "pay_d"]);
    expect(parseTransactionSearch({ limit: "1000000" }).limit).toBe(100);
    // The query itself caps a page, whoever calls it.
    const capped = await listPayments(fx.analyst, { mode: "live", limit: 1_000_000 });
    expect(capped).toHaveLength(5);
  });

  it("refuses forged and malformed cursors", () => {
    const forged = [
      "garbage",
      Buffer.from("2026-13-45T00:00:00.000000Z|pay_a").toString("base64url"),
      Buffer.from("2026-06-10T10:00:00.000000Z|pay_a' or 1=1 --").toString("base64url"),
      Buffer.from("2026-06-10T10:00:00Z|pay_a").toString("base64url"),
      Buffer.from("2026-06-10T10:00:00.000000Z|pay_a|x").toString("base64url"),
      "%%%",
    ];
    for (const token of forged) expect(decodePaymentCursor(token), token).toBeUndefined();
    expect(parseTransactionSearch({ before: "not a token!" }).errors).toEqual({
      cursor: "This page link is not valid; showing the newest payments",
    });
    expect(parseTransactionSearch({ before: "abc", after: "def" }).cursor).toBeUndefined();
    const good = { createdAt: "2026-06-10T10:00:00.123456Z", id: "pay_a" };
    expect(decodePaymentCursor(encodePaymentCursor(good))).toEqual(good);
  });

  it("pages on (created_at, id) both ways, across equal instants", async () => {
    const page = (options: Partial<ListPaymentsOptions>) =>
      listPayments(fx.analyst, { mode: "live", limit: 2, ...options });
    const first = await page({});
    expect(first.map((r) => r.id)).toEqual(["pay_c", "pay_b"]);
    const cursorOf = (token: string) => decodePaymentCursor(token)!;
    const second = await page({ before: cursorOf(first[1].cursor) });
    expect(second.map((r) => r.id)).toEqual(["pay_a", "pay_d"]);
    const third = await page({ before: cursorOf(second[1].cursor) });
    expect(third.map((r) => r.id)).toEqual(["pay_e"]);
    // Back up from the oldest: newer pages come newest first too.
    const back = await page({ after: cursorOf(third[0].cursor) });
    expect(back.map((r) => r.id)).toEqual(["pay_a", "pay_d"]);
    const backAgain = await page({ after: cursorOf(back[0].cursor) });
    expect(backAgain.map((r) => r.id)).toEqual(["pay_c", "pay_b"]);
    // Filters hold across pages.
    const eur = await page({ currency: "EUR", before: cursorOf(first[1].cursor) });
    expect(eur.map((r) => r.id)).toEqual(["pay_a", "pay_e"]);
  });

  it("visits every row exactly once while rows are inserted between pages (property)", async () => {
    // Microsecond instants with many ties, so a page boundary often falls inside a tie.
    const instant = fc.integer({ min: 0, max: 40 }).map((n) => n * 250);
    await fc.assert(
      fc.asyncProperty(
        fc.array(instant, { minLength: 1, maxLength: 25 }),
        fc.array(instant, { maxLength: 12 }),
        fc.integer({ min: 1, max: 6 }),
        fc.boolean(),
        async (initial, inserted, pageSize, newerFirst) => {
          const { merchantId, analyst } = await merchantWithRoles(db, "Paging");
          const connectionId = await insertConnection(db, merchantId, "stripe", "S", "live");
          const insert = async (micros: number) => {
            const id = newId("payment");
            await db.insert(payments).values({
              merchantId,
              id,
              connectionId,
              provider: "stripe",
              status: "succeeded",
              currency: "EUR",
              amountMinor: 100,
              mode: "live",
              idempotencyKey: id,
              createdAt: sql`'2026-06-10T10:00:00Z'::timestamptz + ${`${micros} microseconds`}::interval`,
            });
            return id;
          };
          const existing: string[] = [];
          for (const micros of initial) existing.push(await insert(micros));
          const seen: string[] = [];
          const pending = [...inserted];
          let cursor: string | undefined;
          for (let guard = 0; guard < 200; guard++) {
            const rows = await listPayments(analyst, {
              mode: "live",
              limit: pageSize,
              ...(newerFirst
                ? cursor && { before: decodePaymentCursor(cursor)! }
                : { after: cursor ? decodePaymentCursor(cursor)! : OLDEST }),
            });
            if (rows.length === 0) break;
            // Pages are newest first whichever way they were fetched.
            const ordered = newerFirst ? rows : [...rows].reverse();
            seen.push(...ordered.map((r) => r.id));
            cursor = ordered.at(-1)!.cursor;
            // Another process inserts a row somewhere among the instants.
            const next = pending.shift();
            if (next !== undefined) await insert(next);
          }
          expect(new Set(seen).size).toBe(seen.length);
          expect(seen).toEqual(expect.arrayContaining(existing));
        },
      ),
      { numRuns: engine === "pglite" ? 12 : 20, seed: 8 },
    );
  });
});

function groupParams(query: string): Map<string, string | string[]> {
  const grouped = new Map<string, string | string[]>();
  for (const [key, value] of new URLSearchParams(query)) {
    const had = grouped.get(key);
    grouped.set(key, had === undefined ? value : [had, value].flat());
  }
  return grouped;
}
