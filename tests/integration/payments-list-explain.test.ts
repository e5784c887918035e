// The transactions list stays an index walk at scale: on a real Postgres with 1M seeded payments
// (generate_series, realistic skew, rare values included), the planner's plan for every filter
// the page offers, alone and in pairs, with and without a page cursor, has no sequential scan of
// payments. Postgres only: PGlite's planner is Postgres too, but 1M rows in WASM is too slow here.
import type { DbHandle } from "@/db/client";
import * as schema from "@/db/schema";
import { connections, flows, merchants } from "@/db/schema";
import { newId } from "@/lib/ids";
import {
  fetchListPage,
  paymentListQuery,
  SEARCH_WALK_WINDOW,
  searchBeyondWindowQuery,
  searchWindowEdgeQuery,
  searchWithinWindowQuery,
} from "@/lib/payments/list-query";
import {
  listPaymentsSchema,
  providerConnectionScope,
  type ListPaymentsOptions,
} from "@/lib/payments/queries";
import { drizzle } from "drizzle-orm/node-postgres";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES, openTestDatabase } from "./helpers/test-db";

const ROWS = 1_000_000;
const run = ENGINES.includes("postgres") ? describe : describe.skip;

run("transactions list plans at 1M payments (Postgres)", () => {
  let handle: DbHandle;
  let pool: pg.Pool;
  const merchantId = newId("merchant");
  const connectionIds = [
    newId("connection"),
    newId("connection"),
    newId("connection"),
    newId("connection"),
  ];
  const providers = ["stripe", "paypal", "adyen", "sandbox"] as const;
  const flowIds = [newId("flow"), newId("flow"), newId("flow"), newId("flow"), newId("flow")];

  beforeAll(async () => {
    handle = await openTestDatabase("postgres");
    pool = (handle.db as unknown as { $client: pg.Pool }).$client;
    const db = handle.db;
    await db
      .insert(merchants)
      .values({ id: merchantId, name: "Big", slug: merchantId.toLowerCase() });
    await db.insert(connections).values(
      connectionIds.map((id, i) => ({
        merchantId,
        id,
        provider: providers[i],
        label: providers[i],
        mode: providers[i] === "sandbox" ? ("test" as const) : ("live" as const),
        status: "active" as const,
        credentialsEncrypted: "x",
        keyVersion: "v1",
      })),
    );
    await db.insert(flows).values(
      flowIds.map((id) => ({
        merchantId,
        id,
        name: id,
        template: "blank",
        publicKey: `pk_${id}`,
        draftGraph: {},
      })),
    );
    const client = await pool.connect();
    try {
      await client.query("set maintenance_work_mem = '256MB'");
      // Indexes are built after the rows, as a restore would: much faster than maintaining them.
      // Only the indexes the list can use are rebuilt: fewer indexes can only make a sequential
      // scan more likely, so the check is no weaker for it.
      const { rows: indexes } = await client.query<{ name: string; def: string }>(
        `select indexname as name, indexdef as def from pg_indexes
          where tablename = 'payments'
            and indexname not in (select conname from pg_constraint)`,
      );
      for (const index of indexes) await client.query(`drop index "${index.name}"`);
      const listIndexes = indexes.filter(
        (i) => /^payments_(list|search)_/.test(i.name) || i.name === "payments_checkout_idx",
      );
      await client.query(
        `insert into payments (merchant_id, id, connection_id, provider, flow_id, channel,
            amount_minor, currency, method, status, idempotency_key, provider_checkout_id,
            provider_payment_id, description, customer_email, mode, created_at)
         select $1, 'pay_' || n, ($2::text[])[1 + c], ($3::text[])[1 + c],
                case when n % 5 = 0 then null else ($4::text[])[1 + (n % 997) % 5] end,
                case when n % 1000 = 7 then 'slack'
                     when n % 5 = 0 then null
                     else (array['web','telegram','messenger','whatsapp'])[1 + (n % 13) % 4] end,
                (n::bigint * 7919) % 200000,
                case when n % 10 = 3 then 'JPY' when n % 10 < 3 then 'USD' else 'EUR' end,
                case when n % 200 = 1 then 'installments'
                     when n % 4 = 0 then 'apple_pay' else 'card' end,
                (array['succeeded','succeeded','succeeded','succeeded','succeeded','failed',
                       'pending','expired','refunded','created'])[1 + (n % 10)],
                'k' || n, 'cs_' || n, 'pi_' || n,
                case when n % 3 = 0 then 'Invoice INV-' || n else 'Menu du jour' end,
                case when n % 3 = 0 then 'client' || n || '@example.com' end,
                case when c = 3 then 'test' else 'live' end,
                now() - (n * interval '31 seconds')
           from generate_series(1, $5::int) n, lateral (select (n % 17) % 4 as c) pick`,
        [merchantId, connectionIds, providers, flowIds, ROWS],
      );
      // A rare status: a handful of disputes.
      await client.query(
        `update payments set status = 'disputed' where merchant_id = $1 and id in
           (select 'pay_' || n from generate_series(1, $2::int, 50000) n)`,
        [merchantId, ROWS],
      );
      // Two builders at once: one per core.
      const queue = [...listIndexes];
      await Promise.all(
        [0, 1].map(async () => {
          const builder = await pool.connect();
          try {
            await builder.query("set maintenance_work_mem = '256MB'");
            for (let next = queue.shift(); next; next = queue.shift())
              await builder.query(next.def);
          } finally {
            builder.release();
          }
        }),
      );
      await client.query("analyze payments");
    } finally {
      client.release();
    }
  }, 240_000);

  afterAll(async () => {
    await handle?.close();
  });

  // Each dimension the filter bar offers, with common and rare values.
  const DIMENSIONS: Record<string, Partial<ListPaymentsOptions>[]> = {
    status: [{ status: "succeeded" }, { status: ["failed", "disputed"] }, { status: "disputed" }],
    connection: [{ connectionId: "" }],
    provider: [{ provider: "adyen" }],
    method: [{ method: "card" }, { method: "installments" }],
    amount: [
      { currency: "EUR" },
      { currency: "JPY", minAmountMinor: 150_000, maxAmountMinor: 150_500 },
    ],
    flow: [{ flowId: "" }],
    channel: [{ channel: "telegram" }, { channel: "slack" }],
    range: [
      { createdFrom: new Date(Date.now() - 86_400_000) },
      { createdFrom: new Date(Date.now() - 30 * 86_400_000) },
      {
        createdFrom: new Date(Date.now() - 200 * 86_400_000),
        createdBefore: new Date(Date.now() - 199 * 86_400_000),
      },
    ],
    q: [
      { q: "pay_4242" },
      { q: "pi_99999" },
      { q: "cs_123456" },
      { q: "client3003@example.com" },
      { q: "client3" },
      { q: "INV-300003" },
      { q: "menu" },
    ],
  };

  function combos(): [string, Partial<ListPaymentsOptions>][] {
    const reps = Object.entries(DIMENSIONS).flatMap(([dim, values]) =>
      values.map((v, i) => ({ dim, name: `${dim}#${i}`, options: v })),
    );
    const out: [string, Partial<ListPaymentsOptions>][] = [["none", {}]];
    for (const [i, a] of reps.entries()) {
      out.push([a.name, a.options]);
      for (const b of reps.slice(i + 1)) {
        if (a.dim !== b.dim) out.push([`${a.name} + ${b.name}`, { ...a.options, ...b.options }]);
      }
    }
    return out;
  }

  function filterFor(options: Partial<ListPaymentsOptions>) {
    const resolved = {
      ...options,
      ...(options.connectionId !== undefined && { connectionId: connectionIds[1] }),
      ...(options.flowId !== undefined && { flowId: flowIds[2] }),
    };
    return listPaymentsSchema.parse({ mode: "live", limit: 51, ...resolved });
  }

  // A search window's edge somewhere in the middle of the rows (the plans do not depend on it).
  const EDGE = {
    createdAt: new Date(Date.now() - 120 * 86_400_000).toISOString().replace("Z", "000Z"),
    id: "pay_334455",
  };

  /** The plans of every query the page may send for these options, one after another. */
  async function plan(options: Partial<ListPaymentsOptions>): Promise<string> {
    const filter = filterFor(options);
    // listPayments turns the provider filter into the merchant's connections of that provider
    // and sends no query when none can match.
    const ids = providerConnectionScope(
      filter,
      connectionIds.map((id, i) => ({ id, provider: providers[i] })),
    );
    if (ids?.length === 0) return "no query";
    const ctx = { db: handle.db, merchantId };
    const queries = [paymentListQuery(ctx, filter, ids).toSQL()];
    const q = filter.q;
    if (q) {
      const searched = { ...filter, q };
      queries.push(
        searchWindowEdgeQuery(ctx, filter, ids).toSQL(),
        searchWithinWindowQuery(ctx, searched, EDGE, ids).toSQL(),
        searchBeyondWindowQuery(ctx, searched, EDGE, 51, ids).toSQL(),
      );
    }
    const plans: string[] = [];
    for (const query of queries) {
      const { rows } = await pool.query<{ "QUERY PLAN": string }>(
        `explain ${query.sql}`,
        query.params,
      );
      plans.push(rows.map((r) => r["QUERY PLAN"]).join("\n"));
    }
    return plans.join("\n---\n");
  }

  it("never scans payments sequentially, for any filter alone or in pairs, on any page", async () => {
    const cursor = {
      createdAt: new Date(Date.now() - 100 * 86_400_000).toISOString().replace("Z", "000Z"),
      id: "pay_500000",
    };
    const seqScans: string[] = [];
    let planned = 0;
    for (const [name, options] of combos()) {
      for (const page of [{}, { before: cursor }, { after: cursor }]) {
        const text = await plan({ ...options, ...page });
        planned++;
        if (/Seq Scan on payments/.test(text))
          seqScans.push(`${name} ${Object.keys(page).join("")}\n${text}`);
      }
    }
    expect(planned).toBeGreaterThan(300);
    expect(seqScans).toEqual([]);
  }, 120_000);

  it("looks a search term up in the id, provider id and email indexes", async () => {
    for (const q of ["pi_99999", "cs_123456", "pay_4242"]) {
      const text = await plan({ q });
      expect(text, q).not.toMatch(/Seq Scan/);
      for (const index of [
        "payments_merchant_id_id_pk",
        "payments_search_provider_payment_idx",
        "payments_checkout_idx",
        "payments_search_email_idx",
        "payments_search_description_idx",
      ]) {
        expect(text, `${q}: ${index}`).toContain(index);
      }
    }
  });

  // A number in the description (an invoice number) matches a handful of the 1M rows, but
  // Postgres estimates any `word:*` prefix query at thousands of rows: as one query it walked
  // the whole list computing to_tsvector per row (3–9 s). The page's queries, run for real,
  // each read a bounded number of rows and return what a brute-force filter returns.
  it("finds a rare or a common term with bounded work, and the same rows as a full filter", async () => {
    const captured: { sql: string; params: unknown[] }[] = [];
    const logged = drizzle(pool, {
      schema,
      logger: { logQuery: (sql, params) => captured.push({ sql, params }) },
    });
    for (const [q, page] of [
      ["300003", {}],
      ["30000", {}],
      ["INV-300003", {}],
      ["client300003@example.com", {}],
      ["menu", {}],
      ["invoice", { before: { createdAt: EDGE.createdAt, id: EDGE.id } }],
      ["30000", { after: { createdAt: EDGE.createdAt, id: EDGE.id } }],
    ] as const) {
      const filter = filterFor({ q, ...page });
      captured.length = 0;
      const rows = await fetchListPage({ db: logged, merchantId }, filter);
      const expected = await paymentListQuery({ db: handle.db, merchantId }, filter);
      expect(
        rows.map((r) => r.id),
        q,
      ).toEqual(expected.map((r) => r.id));
      expect(rows.length, q).toBeGreaterThan(0);

      for (const query of captured) {
        const { rows: out } = await pool.query<{ "QUERY PLAN": unknown }>(
          `explain (analyze, timing off, format json) ${query.sql}`,
          query.params,
        );
        const read = rowsRead(out[0]["QUERY PLAN"]);
        expect(read, `${q}: ${query.sql}`).toBeLessThan(SEARCH_WALK_WINDOW * 3);
      }
    }
  }, 120_000);
});

/** Rows a plan's scans produced or threw away (actual rows + rows removed by filter/recheck). */
function rowsRead(plan: unknown): number {
  let total = 0;
  const visit = (node: Record<string, unknown>) => {
    if (/Scan/.test(String(node["Node Type"]))) {
      total += Number(node["Actual Rows"] ?? 0) * Number(node["Actual Loops"] ?? 1);
      total += Number(node["Rows Removed by Filter"] ?? 0);
      total += Number(node["Rows Removed by Index Recheck"] ?? 0);
    }
    for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) visit(child);
  };
  for (const entry of plan as { Plan: Record<string, unknown> }[]) visit(entry.Plan);
  return total;
}
