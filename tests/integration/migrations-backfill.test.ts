// The test/live backfill of db/migrations/0005_mode_columns.sql on a database that already holds
// data: migrate to 0004 only (a copy of the migrations folder whose journal stops there), write
// pre-0005 rows with raw SQL, apply the rest from the real folder, and check every backfilled
// mode against the rules in 0005's header, then that the new constraints hold.
import { createFreshDatabase, type FreshDatabase } from "@/db/admin";
import { MIGRATIONS_FOLDER, openPglite, openPostgres, type DbHandle } from "@/db/client";
import { sql } from "drizzle-orm";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_PG_URL, ENGINES, type Engine } from "./helpers/test-db";

const LAST_BEFORE_MODES = "0004_bounded_refused_deliveries";

/** A copy of the migrations folder whose journal ends at `lastTag`. */
function migrationsUpTo(lastTag: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "parley-migrations-"));
  fs.cpSync(MIGRATIONS_FOLDER, dir, { recursive: true });
  const journalPath = path.join(dir, "meta", "_journal.json");
  const journal = JSON.parse(fs.readFileSync(journalPath, "utf8")) as {
    entries: { tag: string }[];
  };
  const end = journal.entries.findIndex((e) => e.tag === lastTag);
  if (end < 0) throw new Error(`no migration ${lastTag} in the journal`);
  journal.entries = journal.entries.slice(0, end + 1);
  fs.writeFileSync(journalPath, JSON.stringify(journal, null, 2));
  return dir;
}

/** An empty database (not migrated) and a migrate-from-folder for its engine. */
async function openUnmigrated(engine: Engine): Promise<{
  handle: DbHandle;
  migrateFrom(folder: string): Promise<void>;
  database?: FreshDatabase;
}> {
  if (engine === "pglite") {
    const handle = openPglite();
    return {
      handle,
      migrateFrom: (folder) => migratePglite(handle.db as never, { migrationsFolder: folder }),
    };
  }
  const database = await createFreshDatabase(ADMIN_PG_URL, "parley_t");
  const handle = openPostgres(database.url, 2);
  return {
    handle,
    database,
    migrateFrom: (folder) => migratePg(handle.db, { migrationsFolder: folder }),
  };
}

// Merchant A has a live Stripe connection; merchant B's only "live" connection is a Sandbox
// wrongly marked live, which the backfill must treat as test (so B has no live connection).
const A = "mer_backfill_a";
const B = "mer_backfill_b";

const PRE_0005_ROWS = [
  `insert into merchants (id, name, slug) values ('${A}', 'Lumière Bistro', 'lumiere-a'), ('${B}', 'Café Bleu', 'cafe-b')`,
  `insert into connections (merchant_id, id, provider, label, mode, status, credentials_encrypted, key_version) values
    ('${A}', 'con_a_stripe_live', 'stripe', 'Stripe live', 'live', 'active', 'x', 'v1'),
    ('${A}', 'con_a_stripe_test', 'stripe', 'Stripe test', 'test', 'active', 'x', 'v1'),
    ('${A}', 'con_a_sandbox', 'sandbox', 'Sandbox', 'live', 'active', 'x', 'v1'),
    ('${A}', 'con_a_sandbox_ok', 'sandbox', 'Sandbox 2', 'test', 'active', 'x', 'v1'),
    ('${B}', 'con_b_sandbox', 'sandbox', 'Sandbox', 'live', 'active', 'x', 'v1'),
    ('${B}', 'con_b_adyen_test', 'adyen', 'Adyen test', 'test', 'disabled', 'x', 'v1')`,
  `insert into payments (merchant_id, id, connection_id, provider, amount_minor, currency, status, idempotency_key, is_test) values
    ('${A}', 'pay_live', 'con_a_stripe_live', 'stripe', 2000, 'EUR', 'succeeded', 'k1', false),
    ('${A}', 'pay_live_flagged_test', 'con_a_stripe_live', 'stripe', 2100, 'EUR', 'succeeded', 'k2', true),
    ('${A}', 'pay_test', 'con_a_stripe_test', 'stripe', 2200, 'EUR', 'succeeded', 'k3', true),
    ('${A}', 'pay_test_flagged_live', 'con_a_stripe_test', 'stripe', 2300, 'EUR', 'succeeded', 'k4', false),
    ('${A}', 'pay_sandbox', 'con_a_sandbox', 'sandbox', 2400, 'EUR', 'succeeded', 'k5', false),
    ('${A}', 'pay_orphan_live', 'con_a_gone', 'paypal', 2500, 'EUR', 'succeeded', 'k6', false),
    ('${A}', 'pay_orphan_test', 'con_a_gone', 'paypal', 2600, 'EUR', 'succeeded', 'k7', true),
    ('${B}', 'pay_b_other_merchants_id', 'con_a_stripe_live', 'stripe', 2700, 'EUR', 'succeeded', 'k8', true),
    ('${B}', 'pay_b_sandbox', 'con_b_sandbox', 'sandbox', 2800, 'EUR', 'succeeded', 'k9', false)`,
  `insert into refunds (merchant_id, id, payment_id, amount_minor, currency, status, idempotency_key) values
    ('${A}', 'ref_live', 'pay_live', 500, 'EUR', 'succeeded', 'r1'),
    ('${A}', 'ref_live_flagged_test', 'pay_live_flagged_test', 500, 'EUR', 'pending', 'r2'),
    ('${A}', 'ref_test', 'pay_test', 500, 'EUR', 'succeeded', 'r3'),
    ('${A}', 'ref_sandbox', 'pay_sandbox', 500, 'EUR', 'succeeded', 'r4'),
    ('${A}', 'ref_orphan_live', 'pay_orphan_live', 500, 'EUR', 'succeeded', 'r5'),
    ('${A}', 'ref_orphan_test', 'pay_orphan_test', 500, 'EUR', 'failed', 'r6'),
    ('${A}', 'ref_gone_payment', 'pay_gone', 500, 'EUR', 'succeeded', 'r7'),
    ('${B}', 'ref_b_other_merchants_payment', 'pay_live', 500, 'EUR', 'succeeded', 'r8')`,
  `insert into disputes (merchant_id, id, payment_id, connection_id, provider_dispute_id, reason, amount_minor, currency) values
    ('${A}', 'dsp_live', 'pay_live', 'con_a_stripe_live', 'dp_1', 'fraudulent', 2000, 'EUR'),
    ('${A}', 'dsp_test', 'pay_test', 'con_a_stripe_test', 'dp_2', 'fraudulent', 2200, 'EUR'),
    ('${A}', 'dsp_sandbox', 'pay_sandbox', 'con_a_sandbox', 'dp_3', 'fraudulent', 2400, 'EUR'),
    ('${A}', 'dsp_orphan_live', 'pay_orphan_live', 'con_a_gone', 'dp_4', 'fraudulent', 2500, 'EUR'),
    ('${A}', 'dsp_orphan_test', 'pay_orphan_test', 'con_a_gone', 'dp_5', 'fraudulent', 2600, 'EUR'),
    ('${A}', 'dsp_gone_payment_live_conn', 'pay_gone', 'con_a_stripe_live', 'dp_6', 'fraudulent', 900, 'EUR'),
    ('${A}', 'dsp_gone_payment_sandbox_conn', 'pay_gone', 'con_a_sandbox', 'dp_7', 'fraudulent', 900, 'EUR'),
    ('${A}', 'dsp_gone_everything', 'pay_gone', 'con_a_gone', 'dp_8', 'fraudulent', 900, 'EUR')`,
  `insert into flows (merchant_id, id, name, public_key, status, draft_graph, published_version_id) values
    ('${A}', 'flow_a', 'Order coffee', 'pk_backfill_a', 'published', '{}'::jsonb, 'fv_a2'),
    ('${B}', 'flow_b', 'Book a table', 'pk_backfill_b', 'published', '{}'::jsonb, 'fv_b1')`,
  `insert into flow_versions (merchant_id, id, flow_id, version, graph) values
    ('${A}', 'fv_a1', 'flow_a', 1, '{}'::jsonb),
    ('${A}', 'fv_a2', 'flow_a', 2, '{}'::jsonb),
    ('${B}', 'fv_b1', 'flow_b', 1, '{}'::jsonb)`,
  `insert into conversations (merchant_id, id, flow_id, flow_version_id, channel, external_user_id, external_chat_id, is_simulation) values
    ('${A}', 'conv_a_simulated', 'flow_a', 'fv_a2', 'web', 'u1', 'c1', true),
    ('${A}', 'conv_a_simulated_draft', 'flow_a', null, 'web', 'u2', 'c2', true),
    ('${A}', 'conv_a_live', 'flow_a', 'fv_a1', 'telegram', 'u3', 'c3', false),
    ('${A}', 'conv_a_no_version', 'flow_a', null, 'web', 'u4', 'c4', false),
    ('${A}', 'conv_a_gone_version', 'flow_a', 'fv_gone', 'web', 'u5', 'c5', false),
    ('${B}', 'conv_b_on_version', 'flow_b', 'fv_b1', 'whatsapp', 'u6', 'c6', false),
    ('${B}', 'conv_b_other_merchants_version', 'flow_b', 'fv_a1', 'web', 'u7', 'c7', false)`,
];

// What 0005's header says each row must become.
const EXPECTED: Record<string, Record<string, "test" | "live">> = {
  connections: {
    // Sandbox is always test; every other connection keeps its mode.
    con_a_stripe_live: "live",
    con_a_stripe_test: "test",
    con_a_sandbox: "test",
    con_a_sandbox_ok: "test",
    con_b_sandbox: "test",
    con_b_adyen_test: "test",
  },
  payments: {
    // The mode of the connection that created them; is_test only where it is gone.
    pay_live: "live",
    pay_live_flagged_test: "live",
    pay_test: "test",
    pay_test_flagged_live: "test",
    pay_sandbox: "test",
    pay_orphan_live: "live",
    pay_orphan_test: "test",
    // Another merchant's connection id is not this payment's connection: its is_test decides.
    pay_b_other_merchants_id: "test",
    pay_b_sandbox: "test",
  },
  refunds: {
    // Their payment's mode ('test' when the payment itself is gone).
    ref_live: "live",
    ref_live_flagged_test: "live",
    ref_test: "test",
    ref_sandbox: "test",
    ref_orphan_live: "live",
    ref_orphan_test: "test",
    ref_gone_payment: "test",
    ref_b_other_merchants_payment: "test",
  },
  disputes: {
    // Their payment's mode; with the payment gone, their connection's; else 'test'.
    dsp_live: "live",
    dsp_test: "test",
    dsp_sandbox: "test",
    dsp_orphan_live: "live",
    dsp_orphan_test: "test",
    dsp_gone_payment_live_conn: "live",
    dsp_gone_payment_sandbox_conn: "test",
    dsp_gone_everything: "test",
  },
  flow_versions: {
    // 'live' when the merchant has a live connection (a wrongly-live Sandbox is not one).
    fv_a1: "live",
    fv_a2: "live",
    fv_b1: "test",
  },
  conversations: {
    // Simulations test; others their flow version's mode, 'test' without one.
    conv_a_simulated: "test",
    conv_a_simulated_draft: "test",
    conv_a_live: "live",
    conv_a_no_version: "test",
    conv_a_gone_version: "test",
    conv_b_on_version: "test",
    conv_b_other_merchants_version: "test",
  },
};

describe.each(ENGINES)("the 0005 test/live backfill on %s", (engine) => {
  let opened: Awaited<ReturnType<typeof openUnmigrated>>;
  let partialFolder: string;

  async function rows(query: string) {
    return (await opened.handle.db.execute(sql.raw(query))).rows;
  }

  async function modes(table: string): Promise<Record<string, string>> {
    const result = await rows(`select id, mode from ${table} order by id`);
    return Object.fromEntries(result.map((r) => [r.id as string, r.mode as string]));
  }

  beforeAll(async () => {
    partialFolder = migrationsUpTo(LAST_BEFORE_MODES);
    opened = await openUnmigrated(engine);
    await opened.migrateFrom(partialFolder);
    for (const statement of PRE_0005_ROWS) await rows(statement);
    await opened.migrateFrom(MIGRATIONS_FOLDER);
  });
  afterAll(async () => {
    await opened?.handle.close();
    await opened?.database?.drop();
    if (partialFolder) fs.rmSync(partialFolder, { recursive: true, force: true });
  });

  it("started from a database at 0004, then applied every later migration", async () => {
    const applied = await rows(`select count(*)::int as n from drizzle.__drizzle_migrations`);
    const journal = JSON.parse(
      fs.readFileSync(path.join(MIGRATIONS_FOLDER, "meta", "_journal.json"), "utf8"),
    ) as { entries: unknown[] };
    expect(applied[0].n).toBe(journal.entries.length);
    // payments.is_test was the pre-0005 shape; it is gone now.
    const isTest = await rows(
      `select 1 from information_schema.columns where table_name = 'payments' and column_name = 'is_test'`,
    );
    expect(isTest).toHaveLength(0);
  });

  it.each(Object.keys(EXPECTED))("backfills %s exactly per 0005's rules", async (table) => {
    expect(await modes(table)).toEqual(EXPECTED[table]);
  });

  it("keeps every row it found (nothing dropped or duplicated)", async () => {
    for (const [table, expected] of Object.entries(EXPECTED)) {
      const count = await rows(`select count(*)::int as n from ${table}`);
      expect(count[0].n, table).toBe(Object.keys(expected).length);
    }
  });

  it("then holds the constraints it added", async () => {
    const refused = async (statement: string, constraint: RegExp | string) => {
      await expect(rows(statement)).rejects.toSatisfy((error: unknown) => {
        const text = collectMessages(error);
        return typeof constraint === "string" ? text.includes(constraint) : constraint.test(text);
      });
    };
    await refused(
      `insert into connections (merchant_id, id, provider, label, mode, credentials_encrypted, key_version) values ('${A}', 'con_new_sandbox', 'sandbox', 'S', 'live', 'x', 'v1')`,
      "connections_sandbox_test_check",
    );
    await refused(
      `update conversations set mode = 'live' where id = 'conv_a_simulated'`,
      "conversations_simulation_test_check",
    );
    for (const table of ["payments", "refunds", "disputes", "flow_versions", "conversations"]) {
      await refused(`update ${table} set mode = 'staging'`, `${table}_mode_check`);
      await refused(`update ${table} set mode = null`, /null value|not-null/i);
    }
    // A row written without a mode is refused too: no default hides a forgotten mode.
    await refused(
      `insert into payments (merchant_id, id, connection_id, provider, amount_minor, currency, idempotency_key) values ('${A}', 'pay_no_mode', 'con_a_stripe_live', 'stripe', 100, 'EUR', 'k_no_mode')`,
      /null value|not-null/i,
    );
    // And what the rules allow still goes in.
    await rows(
      `insert into payments (merchant_id, id, connection_id, provider, amount_minor, currency, idempotency_key, mode) values ('${A}', 'pay_after', 'con_a_stripe_live', 'stripe', 100, 'EUR', 'k_after', 'live')`,
    );
  });
});

/** The messages of an error and its causes (drizzle wraps the driver's error). */
function collectMessages(error: unknown): string {
  const parts: string[] = [];
  let e: unknown = error;
  for (let depth = 0; depth < 5 && e && typeof e === "object"; depth++) {
    const { message, constraint } = e as { message?: unknown; constraint?: unknown };
    if (typeof message === "string") parts.push(message);
    if (typeof constraint === "string") parts.push(constraint);
    e = (e as { cause?: unknown }).cause;
  }
  return parts.join(" | ");
}
