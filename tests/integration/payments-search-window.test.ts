// The search box past its walk window (lib/payments/list-query.ts): with more rows than the
// window, a term is looked for inside the window first and beyond it through the search indexes.
// Whatever the term's density and the page's cursor, the page is exactly what one plain filter
// over all rows returns — on both engines.
import type { DbHandle } from "@/db/client";
import { merchants } from "@/db/schema";
import { newId } from "@/lib/ids";
import { fetchListPage, paymentListQuery, SEARCH_WALK_WINDOW } from "@/lib/payments/list-query";
import { listPaymentsSchema, type ListPaymentsOptions } from "@/lib/payments/queries";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertModeConnection } from "./helpers/mode-fixtures";
import { recordStatements } from "./helpers/statements";
import { ENGINES, openTestDatabase } from "./helpers/test-db";

const ROWS = SEARCH_WALK_WINDOW * 3;

describe.each(ENGINES)("search beyond the walk window on %s", (engine) => {
  let handle: DbHandle;
  const merchantId = newId("merchant");

  beforeAll(async () => {
    handle = await openTestDatabase(engine);
    const db = handle.db;
    await db
      .insert(merchants)
      .values({ id: merchantId, name: "Many", slug: merchantId.toLowerCase() });
    const connectionId = await insertModeConnection(db, merchantId, "live");
    // Every 7th row an invoice (dense), every 997th a "rare gift" (sparse), a few equal
    // timestamps so the (created_at, id) keyset matters.
    await db.execute(sql`
      insert into payments (merchant_id, id, connection_id, provider, amount_minor, currency,
          method, status, idempotency_key, description, customer_email, mode, created_at)
      select ${merchantId}, 'pay_w' || lpad(n::text, 6, '0'), ${connectionId}, 'stripe', 100 + n,
             'EUR', 'card', 'succeeded', 'kw' || n,
             case when n % 997 = 0 then 'Rare gift card G-' || n
                  when n % 7 = 0 then 'Invoice INV-' || n
                  else 'Menu du jour' end,
             'buyer' || n || '@example.com', 'live',
             timestamptz '2026-11-01T00:00:00Z' - ((n / 3) * interval '1 minute')
        from generate_series(1, ${ROWS}) n`);
    await db.execute(sql`analyze payments`);
  }, 120_000);

  afterAll(async () => {
    await handle?.close();
  });

  async function same(options: Partial<ListPaymentsOptions>) {
    const filter = listPaymentsSchema.parse({ mode: "live", limit: 20, ...options });
    const ctx = { db: handle.db, merchantId };
    const page = await fetchListPage(ctx, filter);
    const plain = await paymentListQuery(ctx, filter);
    expect(
      page.map((r) => r.id),
      JSON.stringify(options),
    ).toEqual(plain.map((r) => r.id));
    return page;
  }

  it("returns the plain filter's page for sparse, dense and absent terms, on every cursor", async () => {
    const rare = await same({ q: "rare gift" });
    expect(rare.length).toBe(Math.floor(ROWS / 997));
    expect(await same({ q: "G-1994" })).toHaveLength(1);
    expect((await same({ q: "1994" })).map((r) => r.id)).toEqual(["pay_w001994"]);
    expect(await same({ q: "invoice" })).toHaveLength(20);
    expect(await same({ q: "nothing-like-this" })).toHaveLength(0);
    expect(await same({ q: "buyer2991@example.com" })).toHaveLength(1);

    // Pages on either side of a row deep in the list: the window starts at the cursor.
    const deep = (await same({ q: "menu", limit: 200 })).at(-1)!;
    const cursor = { createdAt: deep.cursorTime, id: deep.id };
    for (const q of ["rare", "invoice", "menu", "997"]) {
      await same({ q, before: cursor });
      await same({ q, after: cursor });
      await same({ q, before: cursor, limit: 3 });
    }
  }, 60_000);

  // A pasted id is that payment, in one lookup: its words are not also searched as description
  // prefixes (`pay:*` would match this merchant's "Payment pay_w000007 …" note), and an id-shaped
  // term that is no payment's id is searched like any other (here an email prefix).
  it("finds a pasted id in one statement, and an id-shaped term that is no id by the full search", async () => {
    const ctx = { db: handle.db, merchantId };
    const connectionId = await insertModeConnection(handle.db, merchantId, "live");
    await handle.db.execute(sql`
      insert into payments (merchant_id, id, connection_id, provider, amount_minor, currency,
          method, status, idempotency_key, description, customer_email, mode, created_at)
      values (${merchantId}, 'pay_note01', ${connectionId}, 'stripe', 500, 'EUR', 'card',
              'succeeded', 'kw-note', 'Payment pay_w000007 follow-up', 'ops_team42@example.com',
              'live', timestamptz '2026-11-02T00:00:00Z')`);
    const page = (q: string) =>
      fetchListPage(ctx, listPaymentsSchema.parse({ mode: "live", limit: 20, q }));

    const { result, statements } = await recordStatements(() => page("pay_w000007"));
    expect(result.map((r) => r.id)).toEqual(["pay_w000007"]);
    if (engine === "postgres") expect(statements).toHaveLength(1);

    expect((await page("ops_team42")).map((r) => r.id)).toEqual(["pay_note01"]);
    // In test mode the id is not there: the term falls through to the search, which finds nothing.
    const testMode = await fetchListPage(
      ctx,
      listPaymentsSchema.parse({ mode: "test", limit: 20, q: "pay_w000007" }),
    );
    expect(testMode).toEqual([]);
  });
});
