// npm run bench — every benchmark, one after another, with figures and their ratio to target.
// Not part of `npm test`: timings depend on what else the machine is doing (load is printed).
import os from "node:os";
import {
  run as runAnalytics,
  runSeeded as runSeededAnalytics,
  type AnalyticsBenchRow,
  type CsvRun,
} from "./analytics";
import { run as runConversations } from "./conversations";
import { run as runFlowRuntime } from "./flow-runtime";
import { optionsFromArgs as liveLatencyOptions, run as runLiveLatency } from "./live-latency";
import { optionsFromArgs as monitoringOptions, run as runMonitoring } from "./monitoring";
import { optionsFromArgs as pagesOptions, run as runPages, TTFB_TARGET_MS } from "./pages";
import { argValue } from "./seed-payments";
import { run as runWebhooks } from "./webhooks";
import { run as runWebhooksNext, optionsFromArgs as webhooksNextOptions } from "./webhooks-next";

// `npm run bench -- monitoring --payments 1000000`: names pick benches, --flags go to them.
const args = process.argv.slice(2);
const only = args.filter((a, i) => !a.startsWith("--") && !args[i - 1]?.startsWith("--"));
const wanted = (name: string) => only.length === 0 || only.includes(name);
const rows: { bench: string; figure: string; value: number; target: string; ratio: string }[] = [];
const ratio = (value: number, target: number, higherIsBetter: boolean) =>
  `${(higherIsBetter ? value / target : target / value).toFixed(2)}×`;

console.log(`machine: ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(2)}`);

// A bench that throws is reported as a row and the others still run: one failure late in the
// run must not lose every figure printed so far (the tables come at the end).
const failed: string[] = [];
async function guarded(name: string, bench: () => Promise<void>): Promise<void> {
  try {
    await bench();
  } catch (error) {
    failed.push(name);
    console.error(`[${name}] FAILED:`, error);
    rows.push({ bench: name, figure: "FAILED (see above)", value: 0, target: "runs", ratio: "✗" });
  }
}

if (wanted("flow-runtime"))
  await guarded("flow-runtime", async () => {
    const r = runFlowRuntime({ durationMs: 3_000, warmupMs: 500 });
    rows.push({
      bench: "flow runtime (20 nodes, 1 core)",
      figure: "steps/s",
      value: Math.round(r.stepsPerSecond),
      target: "≥ 50,000",
      ratio: ratio(r.stepsPerSecond, 50_000, true),
    });
  });

if (wanted("webhooks"))
  await guarded("webhooks", async () => {
    const r = await runWebhooks({ payments: 2000, senders: 2 });
    for (const phase of r.phases) {
      rows.push({
        bench: `webhooks: ${phase.name}`,
        figure: "deliveries/s",
        value: Math.round(phase.deliveriesPerSecond),
        target: "≥ 500",
        ratio: ratio(phase.deliveriesPerSecond, 500, true),
      });
      rows.push({
        bench: `webhooks: ${phase.name}`,
        figure: "p99 ms",
        value: Number(phase.p99Ms.toFixed(1)),
        target: "< 50",
        ratio: ratio(phase.p99Ms, 50, false),
      });
      rows.push({
        bench: `webhooks: ${phase.name}`,
        figure: "SQL statements/delivery",
        value: phase.queriesPerDelivery,
        target: "—",
        ratio: "—",
      });
      if (!phase.correct)
        rows.push({
          bench: `webhooks: ${phase.name}`,
          figure: "INCORRECT FINAL STATE",
          value: 0,
          target: "correct",
          ratio: "✗",
        });
    }
  });

// Stripe webhooks through the production server (and, for comparison, `next start`) beside a bare
// node:http floor (same run, same Postgres).
const webhooksNextRows: Record<string, string | number>[] = [];
if (wanted("webhooks-next"))
  await guarded("webhooks-next", async () => {
    const r = await runWebhooksNext(webhooksNextOptions(args));
    const cpu = (c: { server: number | null; database: number | null; senders: number | null }) =>
      `${c.server ?? "?"} + ${c.database ?? "?"} (senders ${c.senders ?? "?"})`;
    for (const c of r.comparisons) {
      const p99Aim = c.senders === r.aims.p99AtSenders;
      rows.push({
        bench: `webhooks via npm start, ${c.senders} senders (Stripe, 20% dup, 10% reordered)`,
        figure: "deliveries/s",
        value: c.parley.deliveriesPerSecond,
        target: `≥ ${r.aims.ratio} × floor ${c.floorDeliveriesPerSecond}/s`,
        ratio: `${c.ratio.toFixed(2)}× floor ${c.ratio >= r.aims.ratio ? "(met)" : "(not met)"}`,
      });
      rows.push({
        bench: `webhooks via npm start, ${c.senders} senders`,
        figure: "p99 ms",
        value: c.parley.p99Ms,
        target: p99Aim ? `≤ ${r.aims.p99Ms}` : "—",
        ratio: p99Aim
          ? `${ratio(c.parley.p99Ms, r.aims.p99Ms, false)} ${c.parley.p99Ms <= r.aims.p99Ms ? "(met)" : "(not met)"}`
          : "—",
      });
      rows.push({
        bench: `webhooks via next start (comparison), ${c.senders} senders`,
        figure: "deliveries/s",
        value: c.parleyNextStart.deliveriesPerSecond,
        target: `floor ${c.nextStartFloorDeliveriesPerSecond}/s`,
        ratio: `${c.nextStartRatio.toFixed(2)}× floor`,
      });
      for (const [server, phase] of [
        ["npm start", c.parley],
        ["next start", c.parleyNextStart],
      ] as const)
        if (!phase.correct)
          rows.push({
            bench: `webhooks via ${server}, ${c.senders} senders`,
            figure: `INCORRECT: ${phase.lost} lost, ${phase.doubleApplied} double-applied, ${phase.failedDeliveries} failed, ${phase.non200} non-200`,
            value: 0,
            target: "0 lost, 0 double-applied",
            ratio: "✗",
          });
      if (c.floors.some((f) => !f.correct))
        rows.push({
          bench: `webhooks floor, ${c.senders} senders`,
          figure: "INCORRECT floor",
          value: 0,
          target: "0 lost, 0 double-applied",
          ratio: "✗",
        });
      const [floor0, floor1, floor2] = c.floors;
      // Each Parley phase against the floors around it; the 404 against the last pair's mean.
      for (const [phase, floorMean] of [
        [floor0, c.floorDeliveriesPerSecond],
        [c.parley, c.floorDeliveriesPerSecond],
        [floor1, c.floorDeliveriesPerSecond],
        [c.parleyNextStart, c.nextStartFloorDeliveriesPerSecond],
        [floor2, c.nextStartFloorDeliveriesPerSecond],
        [c.next404, c.nextStartFloorDeliveriesPerSecond],
      ] as const)
        webhooksNextRows.push({
          [`webhooks, ${r.payments.toLocaleString("en")} payments per phase`]: phase.name,
          senders: c.senders,
          "deliveries/s": phase.deliveriesPerSecond,
          "× floor": (phase.deliveriesPerSecond / floorMean).toFixed(2),
          "p50 ms": phase.p50Ms,
          "p99 ms": phase.p99Ms,
          "max ms": phase.maxMs,
          "txns/delivery": phase.xactsPerDelivery ?? "—",
          "rows written/delivery": phase.rowsWrittenPerDelivery ?? "—",
          "CPU ms/delivery server + db": cpu(phase.cpuMsPerDelivery),
          load: `${phase.load.before}→${phase.load.after}`,
          correct: "correct" in phase ? (phase.correct ? "yes" : "INCORRECT") : "—",
        });
    }
  });

if (wanted("conversations"))
  await guarded("conversations", async () => {
    // 50 customers with no pause, then one conversation alone, each on a fresh database.
    const crowd = await runConversations();
    const alone = await runConversations({ conversations: 30, concurrency: 1 });
    const chat = "web chat, 50 concurrent, no pause";
    const cpu = (r: typeof crowd) =>
      (r.cpuMsPerMessage.server ?? 0) + (r.cpuMsPerMessage.database ?? 0);
    rows.push(
      {
        bench: chat,
        figure: "messages/s",
        value: crowd.messagesPerSecond,
        target: "—",
        ratio: "—",
      },
      { bench: chat, figure: "p50 ms", value: crowd.p50Ms, target: "—", ratio: "—" },
      {
        bench: chat,
        figure: "p99 ms, every message",
        value: crowd.p99Ms,
        target: "< 100",
        ratio: ratio(crowd.p99Ms, 100, false),
      },
      {
        bench: chat,
        figure: "p99 ms, the payment-link message",
        value: crowd.checkoutP99Ms,
        target: "< 100",
        ratio: ratio(crowd.checkoutP99Ms, 100, false),
      },
      {
        bench: chat,
        figure: "statements per message",
        value: crowd.statementsPerMessage,
        target: "—",
        ratio: "—",
      },
      {
        bench: chat,
        figure: "CPU ms per message (server + db)",
        value: Math.round(cpu(crowd) * 10) / 10,
        target: "—",
        ratio: "—",
      },
      {
        bench: chat,
        figure: `load ${crowd.loadAverage.before} → ${crowd.loadAverage.after}`,
        value: crowd.loadAverage.after,
        target: "—",
        ratio: "—",
      },
      {
        bench: "web chat, one conversation alone",
        figure: "p50 / p99 ms",
        value: alone.p99Ms,
        target: "< 100",
        ratio: `p50 ${alone.p50Ms}, ${ratio(alone.p99Ms, 100, false)}`,
      },
    );
    for (const r of [crowd, alone])
      if (!r.correct)
        rows.push({
          bench: `web chat (${r.concurrentConversations} concurrent)`,
          figure: `INCORRECT: ${r.failures.join("; ") || "payments or messages do not add up"}`,
          value: 0,
          target: "correct",
          ratio: "✗",
        });
  });

// One row per scenario, in a table of its own (printed last): figure, floor, ratio, target.
let monitoringRows: Record<string, string | number>[] = [];
if (wanted("monitoring"))
  await guarded("monitoring", async () => {
    const r = await runMonitoring(monitoringOptions(args));
    const target = (ms: number, t: number | null) => (t ? ratio(ms, t, false) : "—");
    monitoringRows = r.scenarios.map((s) => ({
      [`transactions, ${r.payments.toLocaleString("en")} payments`]: s.name,
      "p50 ms": s.p50Ms,
      "p95 ms": s.p95Ms,
      "floor ms": s.floorMs,
      "× floor": s.ratioToFloor,
      target: s.targetMs ? `< ${s.targetMs}` : "—",
      "p95 vs target": target(s.p95Ms, s.targetMs),
      rows: s.rows,
    }));
    rows.push({
      bench: `transactions: walk by "Older →" to page ${r.deepWalk.pagesReached}`,
      figure: "p50 ms per page",
      value: r.deepWalk.p50Ms,
      target: "< 50",
      ratio: ratio(r.deepWalk.p50Ms, 50, false),
    });
    rows.push({
      bench: `transactions: bare node:http floor (${Math.round(r.httpFloor.bytes / 1024)} KB page)`,
      figure: "p50 ms",
      value: r.httpFloor.p50Ms,
      target: "—",
      ratio: "—",
    });
    rows.push({
      bench: "alert evaluation, per 1,000 new events",
      figure: r.alerts ? "ms per pass" : `skipped: ${r.alertsSkipped}`,
      value: r.alerts?.msPer1000Events ?? 0,
      target: "—",
      ratio: "—",
    });
    if (r.alerts)
      rows.push({
        bench: "alert evaluation, nothing new / first pass",
        figure: "ms per pass",
        value: r.alerts.idlePassMs,
        target: "—",
        ratio: `first ${r.alerts.firstPassMs} ms`,
      });
  });

// Every page of the navigation on the seeded database: TTFB beside a bare node:http floor.
let pagesRows: Record<string, string | number>[] = [];
if (wanted("pages"))
  await guarded("pages", async () => {
    const r = await runPages(pagesOptions(args));
    console.log(
      `pages: ${r.payments.toLocaleString("en")} payments, ${r.samplesAsked} samples after 3 warm-ups per page, load ${r.machine.loadBefore.toFixed(2)}→${r.machine.loadAfter.toFixed(2)}, job poller idle ${r.backgroundXactsPerSecond ?? "?"} txns/s`,
    );
    const cpu = (c: { server: number | null; database: number | null }) =>
      `${c.server ?? "?"} + ${c.database ?? "?"}`;
    pagesRows = r.pages.map((p) => ({
      [`pages, ${r.payments.toLocaleString("en")} payments`]: `${p.label}${p.view === "test" ? " (test view)" : ""}`,
      status: p.status,
      "HTML KB": Math.round(p.bytes / 1024),
      "TTFB p50 ms": p.ttfbP50Ms,
      "TTFB p95 ms": p.ttfbP95Ms,
      "total p95 ms": p.totalP95Ms,
      "floor TTFB p95 ms": p.floorTtfbP95Ms,
      "× floor": p.timesFloor,
      "p95 vs target": `${ratio(p.ttfbP95Ms, TTFB_TARGET_MS, false)} ${p.met ? "(met)" : "(not met)"}`,
      "CPU ms/req server + db": cpu(p.cpuMsPerRequest),
      "txns/req": p.xactsPerRequest ?? "—",
      load: `${p.load.before}→${p.load.after}`,
      samples: p.samples,
    }));
    const met = r.pages.filter((p) => p.met).length;
    const worst = r.pages.reduce((a, b) => (b.ttfbP95Ms > a.ttfbP95Ms ? b : a));
    rows.push({
      bench: `dashboard pages: ${met} of ${r.pages.length} meet it (worst: ${worst.label}${worst.view === "test" ? ", test view" : ""})`,
      figure: "worst TTFB p95 ms",
      value: worst.ttfbP95Ms,
      target: `TTFB p95 < ${TTFB_TARGET_MS} ms`,
      ratio: `${ratio(worst.ttfbP95Ms, TTFB_TARGET_MS, false)} ${met === r.pages.length ? "(met)" : "(not met)"}`,
    });
  });

// With --database-url (a kept payments seed): the views on that seed's own rollups.
const seededDatabase = argValue(args, "--database-url");
if (wanted("analytics") && seededDatabase)
  await guarded("analytics", async () => {
    const r = await runSeededAnalytics({ databaseUrl: seededDatabase });
    console.log(
      `analytics on the seed: ${r.merchant}, ${r.payments.toLocaleString("en")} live payments; ${r.rollupRows.payments.toLocaleString("en")} payment + ${r.rollupRows.funnel.toLocaleString("en")} funnel + ${r.rollupRows.steps.toLocaleString("en")} step rollup rows; ${r.rollupRows.monthly.toLocaleString("en")} monthly + ${r.rollupRows.revenue.toLocaleString("en")} revenue-per-day rows${r.rebuildSeconds === null ? "" : `; rollups built here in ${r.rebuildSeconds.toFixed(0)} s`}`,
    );
    analyticsRows(r.views, r.csv, "analytics (seed)");
  });

function analyticsRows(views: AnalyticsBenchRow[], csv: CsvRun[], label: string) {
  for (const v of views) {
    rows.push({
      bench: `${label}: ${v.view}, ${v.days} d`,
      figure: "p50 / p95 ms",
      value: Number(v.p95Ms.toFixed(1)),
      target: "p95 < 100",
      ratio: `p50 ${v.p50Ms.toFixed(1)} · ${ratio(v.p95Ms, 100, false)}`,
    });
  }
  for (const c of csv) {
    rows.push({
      bench: `${label}: daily CSV (${c.rows.toLocaleString("en")} rows)`,
      figure: "rows/s",
      value: Math.round(c.rowsPerSecond),
      target: "flat memory",
      ratio: `held mid-export +${c.liveHeapDeltaMb.toFixed(1)} MB; peak RSS +${c.peakRssDeltaMb.toFixed(0)}, heap +${c.peakHeapDeltaMb.toFixed(0)} MB (with garbage); kept ${c.retainedHeapMb.toFixed(1)} MB`,
    });
  }
}

if (wanted("analytics") && !seededDatabase)
  await guarded("analytics", async () => {
    const r = await runAnalytics();
    const rollup = `${r.rollupRows.payments.toLocaleString("en")} payment + ${r.rollupRows.funnel.toLocaleString("en")} funnel + ${r.rollupRows.steps.toLocaleString("en")} step rollup rows; ${r.rollupRows.monthly.toLocaleString("en")} monthly + ${r.rollupRows.revenue.toLocaleString("en")} revenue-per-day rows`;
    console.log(`analytics: ${rollup}`);
    analyticsRows(r.views, r.csv, "analytics");
    rows.push({
      bench: "analytics: SQL statements added per webhook",
      figure: "statements",
      value: 0,
      target: "—",
      ratio: "triggers note changes in-transaction",
    });
    rows.push({
      bench: "analytics: single-row payment UPDATE with / without change-feed triggers",
      figure: "ms",
      value: Number(r.updateMsWithTriggers.toFixed(2)),
      target: "—",
      ratio: `without ${r.updateMsWithoutTriggers.toFixed(2)} ms (+${(r.updateMsWithTriggers - r.updateMsWithoutTriggers).toFixed(2)})`,
    });
    rows.push({
      bench: `analytics: rollup job pass, 200 changed payments (${r.jobBuckets} buckets)`,
      figure: "ms",
      value: Math.round(r.jobPassMs),
      target: "—",
      ratio: "—",
    });
  });

// Webhook on process B → row visible in a browser on process A, beside its floors (same run).
let liveRows: Record<string, string | number>[] = [];
if (wanted("live-latency"))
  await guarded("live-latency", async () => {
    const r = await runLiveLatency(liveLatencyOptions(args));
    const row = (
      name: string,
      d: { p50Ms: number; p95Ms: number; maxMs: number; samples: number },
      floor: { name: string; p95Ms: number } | null,
      targetMs: number | null,
    ) => ({
      [`live feed, 2 app processes, ${r.deliveries} webhooks`]: name,
      "p50 ms": d.p50Ms,
      "p95 ms": d.p95Ms,
      "max ms": d.maxMs,
      floor: floor ? `${floor.name} p95 ${floor.p95Ms}` : "—",
      "p95 × floor": floor ? `${(d.p95Ms / floor.p95Ms).toFixed(1)}×` : "—",
      target: targetMs ? `< ${targetMs}` : "—",
      "p95 vs target": targetMs ? ratio(d.p95Ms, targetMs, false) : "—",
      samples: d.samples,
    });
    liveRows = [
      row("webhook → row visible on A", r.rowVisible, { name: "SSE", ...r.sseEvent }, r.targetMs),
      row(
        "webhook → SSE event on A (no render)",
        r.sseEvent,
        { name: "NOTIFY", ...r.pgNotify },
        null,
      ),
      // A status change is drawn from the event itself (live-status-store), before the refresh
      // that follows; the breakdown has samples only when a refresh brought the row.
      ...(r.breakdown.refreshRequest.samples > 0
        ? [
            row("  then: SSE event → refresh fetch sent", r.breakdown.sseToRefresh, null, null),
            row(
              "  then: refresh fetch (A renders the page)",
              r.breakdown.refreshRequest,
              null,
              null,
            ),
            row("  then: refresh response → row in DOM", r.breakdown.responseToRow, null, null),
          ]
        : [
            {
              ...row(
                "  then: the badge changed from the event, before any refresh",
                r.sseEvent,
                null,
                null,
              ),
              "p50 ms": "—",
              "p95 ms": "—",
              "max ms": "—",
              samples: 0,
            },
          ]),
      {
        ...row(
          "  beside it: detail pages prefetched on A",
          {
            p50Ms: r.breakdown.prefetchesPerDelivery,
            p95Ms: NaN,
            maxMs: NaN,
            samples: r.deliveries,
          },
          null,
          null,
        ),
        "p50 ms": `${r.breakdown.prefetchesPerDelivery} fetches`,
        "p95 ms": "—",
        "max ms": "—",
      },
      row("webhook POST answered by B", r.webhookResponse, null, null),
      row("pg LISTEN/NOTIFY, 2 clients", r.pgNotify, null, null),
    ];
    if (r.missed.row || r.missed.sse)
      rows.push({
        bench: "live feed",
        figure: `MISSED: ${r.missed.row} rows, ${r.missed.sse} SSE events`,
        value: r.missed.row,
        target: "0",
        ratio: "✗",
      });
  });

console.log(`load after: ${os.loadavg()[0].toFixed(2)}\n`);
if (rows.length) console.table(rows);
if (monitoringRows.length) {
  console.log(
    "floor = the same query straight on pg + a bare node:http server sending the same page; rows: same / same* (filter does not change page 1) / ignored (page does not read the parameter) / differs",
  );
  console.table(monitoringRows);
}
if (pagesRows.length) {
  console.log(
    `TTFB = headers + first body chunk, one kept-alive connection, sequential; floor = bare node:http sending the page's own bytes (same run); × floor = TTFB p95 ÷ floor p95; target TTFB p95 < ${TTFB_TARGET_MS} ms (ratio = target ÷ p95); CPU from /proc (next start tree + the database's backends); txns/req from pg_stat_database xact_commit + xact_rollback, the job poller's idle rate subtracted (page reads run outside transactions: ≈ statements)`,
  );
  console.table(pagesRows);
}
if (webhooksNextRows.length) {
  console.log(
    "floor = bare node:http: HMAC on the raw body + one statement (insert the delivery once, move the payment forward), run before, between and after the two Parley phases (npm start = the production server, webhooks in front of Next; next start = Next's route pipeline); × floor = ÷ the mean of the two floors around the phase; txns and rows from pg_stat_database (statements are not counted: no pg_stat_statements); CPU from /proc",
  );
  console.table(webhooksNextRows);
}
if (liveRows.length) {
  console.log(
    "t0 = just before the POST to B; row = MutationObserver in A's page; SSE = a raw EventSource in the same page; floors measured in the same run",
  );
  console.table(liveRows);
}
if (failed.length) process.exitCode = 1;
