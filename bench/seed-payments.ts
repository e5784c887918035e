// Millions of payments on a real Postgres, for the monitoring benchmarks:
// `npx tsx bench/seed-payments.ts --payments 1000000 [--keep]` (or through `npm run bench --
// monitoring --payments N`, which seeds, measures and drops).
//
// A fresh database, migrated with the repo's migrations and given the demo seed (db/seed/index.ts:
// two merchants, their team, connections, flows and ~90 days of hand-shaped activity), plus a
// third merchant that sells in KWD. Then, for the three, N payments over the 90 days before now,
// each with its conversation, its timeline (db/seed/payment-plan.ts decides statuses and provider
// events the way the demo does) and, for some, a refund — streamed with COPY FROM STDIN into
// payments, payment_events, conversations and refunds at once. Those tables' keys, indexes and
// foreign keys are dropped for the load and rebuilt after it (a B-tree built once from sorted
// input is much cheaper than one updated per row); their CHECK constraints stay, so every row is
// checked as the app's writes would be. VACUUM ANALYZE last, as autovacuum would do.
import { createFreshDatabase, LOCAL_ADMIN_PG_URL, type FreshDatabase } from "@/db/admin";
import { openPostgres } from "@/db/client";
import { DEMO_LOGINS, seedDemo } from "@/db/seed";
import { WideSeededRandom } from "@/db/seed/random";
import { pathToFileURL } from "node:url";
import pg from "pg";
import { configureBenchEnv } from "./bench-env";
import { CopyWriter } from "./copy-writer";
import {
  addSouqMerchant,
  cdfOf,
  draw,
  loadMerchants,
  SOUQ_OWNER,
  type MerchantRuntime,
} from "./seed-merchants";
import {
  CONVERSATION_COLUMNS,
  EVENT_COLUMNS,
  PAYMENT_COLUMNS,
  REFUND_COLUMNS,
  writeIdleConversation,
  writePayment,
  type Writers,
} from "./seed-rows";
const BULK_TABLES = ["payments", "payment_events", "conversations", "refunds"];

interface SavedDdl {
  constraints: { table: string; name: string; definition: string; kind: string }[];
  indexes: { name: string; definition: string }[];
}

/** Drops the bulk tables' keys, unique constraints, foreign keys and indexes; returns their DDL. */
async function dropKeysAndIndexes(client: pg.Client): Promise<SavedDdl> {
  const { rows: constraints } = await client.query<{
    table: string;
    name: string;
    definition: string;
    kind: string;
  }>(
    `select c.conrelid::regclass::text as table, c.conname as name,
            pg_get_constraintdef(c.oid) as definition, c.contype as kind
       from pg_constraint c
      where c.conrelid = any($1::regclass[]) and c.contype in ('p','u','f')`,
    [BULK_TABLES],
  );
  const { rows: indexes } = await client.query<{ name: string; definition: string }>(
    `select i.indexname as name, i.indexdef as definition
       from pg_indexes i
      where i.schemaname = 'public' and i.tablename = any($1::text[])
        and not exists (select 1 from pg_constraint c
                         where c.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass
                           and c.contype in ('p','u'))`,
    [BULK_TABLES],
  );
  for (const c of constraints.filter((c) => c.kind === "f"))
    await client.query(`alter table ${c.table} drop constraint "${c.name}"`);
  for (const c of constraints.filter((c) => c.kind !== "f"))
    await client.query(`alter table ${c.table} drop constraint "${c.name}"`);
  for (const i of indexes) await client.query(`drop index "${i.name}"`);
  return { constraints, indexes };
}

async function restoreKeysAndIndexes(
  client: pg.Client,
  saved: SavedDdl,
  log: (line: string) => void,
): Promise<void> {
  await client.query("set maintenance_work_mem = '512MB'");
  const timed = async (label: string, ddl: string) => {
    const t0 = performance.now();
    await client.query(ddl);
    log(`  ${label} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  };
  for (const c of saved.constraints.filter((c) => c.kind !== "f"))
    await timed(
      `${c.table}: ${c.name}`,
      `alter table ${c.table} add constraint "${c.name}" ${c.definition}`,
    );
  for (const i of saved.indexes) await timed(i.name, i.definition);
  for (const c of saved.constraints.filter((c) => c.kind === "f"))
    await timed(
      `${c.table}: ${c.name}`,
      `alter table ${c.table} add constraint "${c.name}" ${c.definition}`,
    );
}

export interface SeedResult {
  payments: number;
  rows: Record<string, number>;
  merchants: { id: string; slug: string; name: string; payments: number }[];
  /** Owners to sign in as (Lumière's is the demo's first login). */
  logins: { email: string; password: string; merchant: string }[];
  seconds: { demo: number; copy: number; indexes: number; analyze: number; total: number };
}

export interface SeedOptions {
  /** A fresh, empty database. */
  url: string;
  payments: number;
  /** Deterministic rows for one seed number (ids included). */
  seed?: number;
  now?: Date;
  log?: (line: string) => void;
}

/** Migrates, seeds the demo, then COPYs `payments` payments (and what belongs to them) in. */
export async function seedPaymentsDatabase(options: SeedOptions): Promise<SeedResult> {
  configureBenchEnv();
  const log = options.log ?? ((line: string) => console.error(line));
  const started = performance.now();
  const now = options.now ?? new Date();
  const nowMs = now.getTime();
  const handle = openPostgres(options.url, 2);
  const clients: pg.Client[] = [];
  try {
    await handle.migrate();
    await seedDemo(handle.db, { now });
    await addSouqMerchant(handle.db, now);
    const merchantsRt = await loadMerchants(handle.db);
    const demoSeconds = (performance.now() - started) / 1000;
    log(`demo seed + migrations: ${demoSeconds.toFixed(1)} s`);

    const admin = new pg.Client({ connectionString: options.url });
    await admin.connect();
    clients.push(admin);
    const saved = await dropKeysAndIndexes(admin);

    const open = async (table: string, columns: [string, string][]) => {
      const client = new pg.Client({ connectionString: options.url });
      await client.connect();
      clients.push(client);
      await client.query("set synchronous_commit = off");
      const writer = new CopyWriter(
        client,
        table,
        columns.map(([, name]) => name),
      );
      writer.start();
      return writer;
    };
    const writers: Writers = {
      payments: await open("payments", PAYMENT_COLUMNS),
      events: await open("payment_events", EVENT_COLUMNS),
      conversations: await open("conversations", CONVERSATION_COLUMNS),
      refunds: await open("refunds", REFUND_COLUMNS),
    };
    const all: CopyWriter[] = Object.values(writers);
    const merchantCdf = cdfOf(merchantsRt.map((m): [MerchantRuntime, number] => [m, m.plan.share]));
    // 128-bit state: 10M payments take about 4 billion draws, past mulberry32's 2^32 cycle.
    const rng = new WideSeededRandom(options.seed ?? 0x5eed);
    const origin = process.env.PARLEY_APP_URL ?? "http://localhost:3000";

    const copyStarted = performance.now();
    let lastLog = copyStarted;
    const total = options.payments;
    const progress = (done: number) => {
      const elapsed = (performance.now() - copyStarted) / 1000;
      const rows = all.reduce((s, w) => s + w.rows, 0);
      const rate = done / elapsed;
      log(
        `  ${done.toLocaleString("en")} / ${total.toLocaleString("en")} payments (${((100 * done) / total).toFixed(1)} %)` +
          ` · ${Math.round(rate).toLocaleString("en")} payments/s · ${Math.round(rows / elapsed).toLocaleString("en")} rows/s` +
          ` · ${elapsed.toFixed(0)} s, ~${Math.max(0, (total - done) / rate).toFixed(0)} s left`,
      );
    };
    for (let done = 0; done < total;) {
      const batch = Math.min(2_000, total - done);
      for (let i = 0; i < batch; i++)
        writePayment(rng, draw(rng, merchantCdf), nowMs, origin, writers);
      done += batch;
      for (const w of all) await w.flush();
      if (performance.now() - lastLog > 2_000 || done === total) {
        lastLog = performance.now();
        progress(done);
      }
    }
    // Chats that never reached the pay step: about one in four.
    const idle = Math.round(total * 0.25);
    for (let i = 0; i < idle; i++) {
      writeIdleConversation(rng, draw(rng, merchantCdf), nowMs, writers);
      if (i % 2_000 === 0) await writers.conversations.flush();
    }
    await Promise.all(all.map((w) => w.end()));
    const copySeconds = (performance.now() - copyStarted) / 1000;
    const rowCounts = Object.fromEntries(all.map((w) => [w.table, w.rows]));
    const copied = all.reduce((s, w) => s + w.rows, 0);
    log(
      `COPY done: ${copied.toLocaleString("en")} rows in ${copySeconds.toFixed(1)} s (${Math.round(copied / copySeconds).toLocaleString("en")} rows/s) ${JSON.stringify(rowCounts)}`,
    );

    log("rebuilding keys and indexes:");
    const indexStarted = performance.now();
    await restoreKeysAndIndexes(admin, saved, log);
    const indexSeconds = (performance.now() - indexStarted) / 1000;
    const analyzeStarted = performance.now();
    for (const table of BULK_TABLES) await admin.query(`vacuum (analyze) ${table}`);
    const analyzeSeconds = (performance.now() - analyzeStarted) / 1000;
    log(`indexes ${indexSeconds.toFixed(1)} s, vacuum analyze ${analyzeSeconds.toFixed(1)} s`);

    return {
      payments: total,
      rows: rowCounts,
      merchants: merchantsRt.map((m) => ({
        id: m.id,
        slug: m.plan.slug,
        name: m.name,
        payments: m.payments,
      })),
      logins: [
        ...DEMO_LOGINS.filter((l) => l.role === "owner").map((l) => ({
          email: l.email,
          password: l.password,
          merchant: l.merchant,
        })),
        { ...SOUQ_OWNER, merchant: "souq-al-bahar" },
      ],
      seconds: {
        demo: demoSeconds,
        copy: copySeconds,
        indexes: indexSeconds,
        analyze: analyzeSeconds,
        total: (performance.now() - started) / 1000,
      },
    };
  } finally {
    for (const client of clients) await client.end().catch(() => undefined);
    await handle.close();
  }
}

/** A fresh database on the admin connection's server, seeded; drop it when done. */
export async function createSeededDatabase(options: {
  payments: number;
  adminUrl?: string;
  log?: (line: string) => void;
}): Promise<{ database: FreshDatabase; seed: SeedResult }> {
  const adminUrl = options.adminUrl ?? process.env.PARLEY_TEST_PG_URL ?? LOCAL_ADMIN_PG_URL;
  const database = await createFreshDatabase(adminUrl, "parley_bench_payments");
  try {
    const seed = await seedPaymentsDatabase({
      url: database.url,
      payments: options.payments,
      ...(options.log && { log: options.log }),
    });
    return { database, seed };
  } catch (error) {
    await database.drop();
    throw error;
  }
}

/**
 * The database a bench measures: the one given (`--database-url`, seeded earlier and kept), or a
 * fresh one seeded with `payments` — dropped by `drop` unless `keep`.
 */
export async function seededOrGivenDatabase(options: {
  payments: number;
  databaseUrl?: string;
  keep?: boolean;
  log: (line: string) => void;
}): Promise<{
  databaseUrl: string;
  drop: (() => Promise<void>) | undefined;
  seedSeconds: Record<string, number> | null;
}> {
  if (options.databaseUrl)
    return { databaseUrl: options.databaseUrl, drop: undefined, seedSeconds: null };
  options.log(`seeding ${options.payments.toLocaleString("en")} payments`);
  const seeded = await createSeededDatabase({ payments: options.payments, log: options.log });
  if (options.keep) options.log(`keeping ${seeded.database.url}`);
  return {
    databaseUrl: seeded.database.url,
    drop: options.keep ? undefined : () => seeded.database.drop(),
    seedSeconds: seeded.seed.seconds,
  };
}

/** `--payments 1_000_000` or `--payments 1e6` → 1000000. */
export function parseCount(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text.replace(/_/g, ""));
  if (!Number.isInteger(n) || n < 1) throw new Error(`not a positive whole number: ${text}`);
  return n;
}

export function argValue(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const payments = parseCount(argValue(args, "--payments"), 50_000);
  const keep = args.includes("--keep");
  const { database, seed } = await createSeededDatabase({ payments });
  console.log(JSON.stringify({ database: database.url, ...seed }, null, 2));
  if (keep)
    console.error(
      `kept: ${database.url} (drop it with: dropdb -h 127.0.0.1 -U postgres ${database.name})`,
    );
  else await database.drop();
}
