// Alert evaluation cost per 1,000 new payment events, on a seeded database (bench/monitoring.ts
// runs it after its HTTP figures, with no app process running: the app's job would evaluate too).
// The evaluator is loaded by a computed specifier, so this bench builds before the alerts domain
// exists and reports "skipped" then; once it does, it times evaluateMerchantAlerts: the first
// pass (sets the watermark at the newest event), a pass with nothing new, and passes after
// 1,000 new provider events each (85 % succeeded, 15 % failed, on recent live payments).
// The events it adds are deleted afterwards.
import { openPostgres, type Db } from "@/db/client";
import { existsSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { configureBenchEnv } from "./bench-env";

export interface AlertEvaluationResult {
  firstPassMs: number;
  idlePassMs: number;
  msPer1000Events: number;
  /** Each round's pass, in ms. */
  rounds: number[];
  folded: number;
}

type Evaluate = (
  db: Db,
  merchantId: string,
  now: Date,
  options?: { batch?: number },
) => Promise<{ evaluated: boolean; folded: number }>;

const ROOT = path.resolve(import.meta.dirname, "..");
const EVALUATOR = "lib/alerts/evaluate.ts";

async function loadEvaluator(): Promise<Evaluate | string> {
  if (!existsSync(path.join(ROOT, EVALUATOR))) return `${EVALUATOR} is not in this build`;
  const specifier = `@/${EVALUATOR.replace(/\.ts$/, "")}`;
  try {
    const mod = (await import(specifier)) as { evaluateMerchantAlerts?: unknown };
    return typeof mod.evaluateMerchantAlerts === "function"
      ? (mod.evaluateMerchantAlerts as Evaluate)
      : `${EVALUATOR} exports no evaluateMerchantAlerts`;
  } catch (error) {
    return `${EVALUATOR} failed to load: ${String(error)}`;
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];

export async function measureAlertEvaluation(
  databaseUrl: string,
  merchantId: string,
  options: { rounds?: number; log?: (line: string) => void } = {},
): Promise<AlertEvaluationResult | { skipped: string }> {
  const evaluate = await loadEvaluator();
  if (typeof evaluate === "string") return { skipped: evaluate };
  const log = options.log ?? (() => undefined);
  configureBenchEnv();
  const handle = openPostgres(databaseUrl, 2);
  const db = handle.db;
  const sqlClient = new pg.Client({ connectionString: databaseUrl });
  await sqlClient.connect();
  const pass = async () => {
    const t0 = performance.now();
    const summary = await evaluate(db, merchantId, new Date());
    return { ms: performance.now() - t0, ...summary };
  };
  try {
    const first = await pass();
    log(`alerts: first pass ${first.ms.toFixed(1)} ms`);
    const idle: number[] = [];
    for (let i = 0; i < 3; i++) idle.push((await pass()).ms);
    const rounds: number[] = [];
    let folded = 0;
    for (let round = 0; round < (options.rounds ?? 5); round++) {
      await sqlClient.query(
        `insert into payment_events (merchant_id, id, payment_id, connection_id, source,
           provider_event_id, type, raw_type, amount_minor, currency, status_after, detail,
           occurred_at, recorded_at)
         select p.merchant_id, 'pev_bench' || md5(random()::text), p.id, p.connection_id, 'provider',
           'evt_bench_' || md5(random()::text), t.type, t.type, p.amount_minor, p.currency, t.status,
           case when t.status = 'failed'
             then '{"failure":{"code":"card_declined","message":"Your card was declined."}}'::jsonb end,
           clock_timestamp() - interval '6 seconds', clock_timestamp() - interval '5 seconds'
         from (select * from payments where merchant_id = $1 and mode = 'live'
                order by created_at desc offset $2 limit 1000) p
         cross join lateral (select case when random() < 0.15 then 'payment.failed'
                                         else 'payment.succeeded' end as type) k
         cross join lateral (select k.type as type,
                                    case when k.type = 'payment.failed' then 'failed'
                                         else 'succeeded' end as status) t`,
        [merchantId, round * 1000],
      );
      await sleep(50);
      const result = await pass();
      rounds.push(result.ms);
      folded += result.folded;
      log(`alerts: 1,000 new events → pass ${result.ms.toFixed(1)} ms (folded ${result.folded})`);
    }
    return {
      firstPassMs: Number(first.ms.toFixed(1)),
      idlePassMs: Number(median(idle).toFixed(1)),
      msPer1000Events: Number(median(rounds).toFixed(1)),
      rounds: rounds.map((ms) => Number(ms.toFixed(1))),
      folded,
    };
  } finally {
    await sqlClient.query(`delete from payment_events where id like 'pev\\_bench%'`);
    await sqlClient.end();
    await handle.close();
  }
}
