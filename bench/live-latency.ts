// Webhook applied on one app process → the row visible in a browser signed in on another:
// `npm run bench -- live-latency [--deliveries 40]` (or `npx tsx bench/live-latency.ts`).
//
// A fresh Postgres database with the migrations and the demo seed (bench/seed-payments.ts, no
// extra payments), `deliveries` new test-mode payments on Lumière's Sandbox connection (status
// "created", inserted before the page opens, so they are the newest rows of page 1), two
// `next start` processes of this worktree's build (bench/app-processes.ts). Chromium (the flags
// of playwright.config.ts) signs in on process A and opens /transactions in the test-mode view.
// Then, one payment at a time, a correctly signed `payment.succeeded` Sandbox webhook is POSTed
// to process B's /api/webhooks/<connectionId>:
//   t0  node's clock just before the POST;
//   t1  the page's clock when a MutationObserver sees that payment's `tr[data-payment-id]`
//       say "Succeeded" (the DOM is committed; the paint follows within a frame);
//   sse the page's clock when a raw EventSource of its own (same /api/events?mode=test stream,
//       no React) receives the `payment` event for it: the floor without the render.
// Page stamps are performance.timeOrigin + performance.now(), mapped to node's clock by an
// offset measured with page.evaluate round trips (the one with the smallest round trip wins),
// so Playwright's polling and CDP latency are not in the figures.
// Three first deliveries (cold route, stream and refresh path) are sent but not counted.
// Deliveries are spaced (the feed refreshes at most every MIN_REFRESH_GAP_MS of
// components/events/use-throttled-refresh.ts): this is one webhook's latency, not a burst's.
// A second floor, in the same run: a bare pg LISTEN/NOTIFY round trip between two clients.
import { openPostgres } from "@/db/client";
import { payments } from "@/db/schema";
import { openCredentials } from "@/lib/connections/credentials";
import {
  buildSandboxEvent,
  signedSandboxDelivery,
} from "@/lib/connections/providers/sandbox/webhooks";
import { newId, randomBase62 } from "@/lib/ids";
import { VIEW_MODE_COOKIE } from "@/lib/mode";
import { chromium, type Page } from "@playwright/test";
import os from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { pathToFileURL } from "node:url";
import pg from "pg";
import playwrightConfig from "../playwright.config";
import { ensureProductionBuild, signIn, startAppProcesses } from "./app-processes";
import { configureBenchEnv } from "./bench-env";
import { percentile } from "./monitoring";
import { argValue, createSeededDatabase, parseCount } from "./seed-payments";

export interface Distribution {
  samples: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

export interface LiveLatencyResult {
  deliveries: number;
  machine: { cores: number; loadBefore: number; loadAfter: number };
  /** t0 (before the POST to B) → the row says "Succeeded" in A's page. */
  rowVisible: Distribution;
  /** t0 → the raw EventSource in A's page receives the payment event (no render). */
  sseEvent: Distribution;
  /** t0 → B's response to the webhook POST (it answers once the delivery is applied). */
  webhookResponse: Distribution;
  /** NOTIFY on one pg client → the notification on another LISTENing client. */
  pgNotify: Distribution;
  /** Uncounted first deliveries (cold paths). */
  warmup: number;
  /**
   * Where the time after the SSE event goes, per delivery (page clock, resource timing of the
   * feed's router.refresh fetch): event → refresh sent (the throttle, React), the refresh request
   * (A renders /transactions), its response → the row in the DOM (RSC decode, React commit).
   */
  breakdown: {
    sseToRefresh: Distribution;
    refreshRequest: Distribution;
    responseToRow: Distribution;
    /** Median count of detail pages (/transactions/pay_…) prefetched between event and row. */
    prefetchesPerDelivery: number;
  };
  /** Deliveries whose row (or event) did not show within the wait (left out of the figures). */
  missed: { row: number; sse: number };
  /** Smallest evaluate round trip of the clock mapping: the error bound of page stamps. */
  clockRoundTripMs: number;
  targetMs: number;
}

const round = (n: number) => Number(n.toFixed(1));
function distribution(values: number[]): Distribution {
  return {
    samples: values.length,
    p50Ms: round(percentile(values, 50)),
    p95Ms: round(percentile(values, 95)),
    maxMs: round(values.length ? Math.max(...values) : NaN),
  };
}

const nodeNow = () => performance.timeOrigin + performance.now();

/** page clock − node clock, from the evaluate round trip with the smallest duration. */
async function clockOffset(page: Page): Promise<{ offsetMs: number; roundTripMs: number }> {
  let best = { offsetMs: 0, roundTripMs: Infinity };
  for (let i = 0; i < 20; i++) {
    const before = nodeNow();
    const pageAt = await page.evaluate(() => performance.timeOrigin + performance.now());
    const after = nodeNow();
    if (after - before < best.roundTripMs)
      best = { offsetMs: pageAt - (before + after) / 2, roundTripMs: after - before };
  }
  return best;
}

/**
 * In the page: stamps for each watched payment id, from the DOM and from a raw EventSource.
 * Plain JavaScript in a string: tsx would wrap named functions of a TypeScript callback in a
 * helper (`__name`) that does not exist in the page.
 */
const WATCHERS_SOURCE = `new Promise((resolve) => {
  const stamps = { row: {}, sse: {}, watched: new Set() };
  const now = () => performance.timeOrigin + performance.now();
  window.benchStamps = stamps;
  new MutationObserver(() => {
    for (const id of stamps.watched) {
      const row = document.querySelector('tr[data-payment-id="' + id + '"]');
      if (row && row.textContent.includes("Succeeded")) {
        stamps.row[id] = now();
        stamps.watched.delete(id);
      }
    }
  }).observe(document.body, { subtree: true, childList: true, characterData: true });
  // The feed's router.refresh: a fetch of /transactions (RSC), timed by the browser; and the
  // detail pages Next prefetches for the rows' links, which A serves at the same time.
  // (Read from the timeline when asked: an observer's callback can come after the row shows.)
  performance.setResourceTimingBufferSize(100000);
  window.benchFetches = () =>
    performance
      .getEntriesByType("resource")
      .filter((e) => e.initiatorType === "fetch" && e.name.includes("/transactions"))
      .map((e) => ({
        // /transactions itself is the refresh; /transactions/pay_… are Next's link prefetches.
        refresh: new URL(e.name).pathname === "/transactions",
        start: performance.timeOrigin + e.startTime,
        end: performance.timeOrigin + e.responseEnd,
      }));
  const source = new EventSource("/api/events?mode=test");
  source.addEventListener("payment", (message) => {
    const at = now();
    const id = JSON.parse(message.data).id;
    if (!(id in stamps.sse)) stamps.sse[id] = at;
  });
  source.addEventListener("ready", () => resolve());
})`;

/** The bare LISTEN/NOTIFY round trip between two pg clients, `samples` times. */
async function pgNotifyRoundTrips(databaseUrl: string, samples: number): Promise<number[]> {
  const listener = new pg.Client({ connectionString: databaseUrl });
  const notifier = new pg.Client({ connectionString: databaseUrl });
  await Promise.all([listener.connect(), notifier.connect()]);
  try {
    await listener.query("listen bench_live_latency");
    const times: number[] = [];
    for (let i = 0; i < samples; i++) {
      const arrived = new Promise<number>((resolve) =>
        listener.once("notification", () => resolve(performance.now())),
      );
      const t0 = performance.now();
      await notifier.query("select pg_notify('bench_live_latency', $1)", [String(i)]);
      times.push((await arrived) - t0);
      await sleep(20);
    }
    return times;
  } finally {
    await Promise.all([listener.end(), notifier.end()]);
  }
}

export async function run(
  options: {
    deliveries?: number;
    gapMs?: number;
    /** Log each delivery's stamps and the refresh fetches after its SSE event. */
    verbose?: boolean;
    log?: (line: string) => void;
  } = {},
): Promise<LiveLatencyResult> {
  const log = options.log ?? ((line: string) => console.error(`[live-latency] ${line}`));
  const deliveries = options.deliveries ?? 40;
  const gapMs = options.gapMs ?? 600;
  // First deliveries warm B's webhook route, A's SSE and the page's refresh path: not counted.
  const warmup = 3;
  const waitMs = 5_000;
  const loadBefore = os.loadavg()[0];
  await ensureProductionBuild(log);
  configureBenchEnv();

  log("fresh database: migrations + demo seed");
  const { database } = await createSeededDatabase({ payments: 0, log });
  const handle = openPostgres(database.url, 2);
  let apps: Awaited<ReturnType<typeof startAppProcesses>> | undefined;
  let browser: Awaited<ReturnType<typeof chromium.launch>> | undefined;
  try {
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    const { rows } = await admin
      .query<{ merchant_id: string; id: string; credentials_encrypted: string }>(
        `select c.merchant_id, c.id, c.credentials_encrypted from connections c
           join merchants m on m.id = c.merchant_id
          where m.slug = 'lumiere-bistro' and c.provider = 'sandbox' and c.mode = 'test'
          limit 1`,
      )
      .finally(() => admin.end());
    if (!rows[0]) throw new Error("the demo seed gave Lumière no Sandbox test connection");
    const merchantId = rows[0].merchant_id;
    const connectionId = rows[0].id;
    const { webhookSecret } = openCredentials(rows[0].credentials_encrypted, connectionId);

    const list = Array.from({ length: warmup + deliveries }, () => ({
      id: newId("payment"),
      ref: `sbxpi_${randomBase62(24)}`,
    }));
    await handle.db.insert(payments).values(
      list.map((p) => ({
        merchantId,
        id: p.id,
        connectionId,
        provider: "sandbox" as const,
        mode: "test" as const,
        amountMinor: 2500,
        currency: "EUR",
        idempotencyKey: `bench-live:${p.id}`,
        providerCheckoutId: p.ref.replace("sbxpi_", "sbxcs_"),
        providerPaymentId: p.ref,
        description: "Live latency bench",
      })),
    );

    log("starting two next start processes");
    apps = await startAppProcesses({ databaseUrl: database.url, count: 2 });
    const [a, b] = apps.apps;
    const cookieHeader = await signIn(a.url, "owner@parley.test", "parley-demo");

    browser = await chromium.launch({
      ...playwrightConfig.use?.launchOptions,
      headless: true,
    });
    const context = await browser.newContext();
    const cookies = cookieHeader.split("; ").map((pair) => {
      const eq = pair.indexOf("=");
      return { name: pair.slice(0, eq), value: pair.slice(eq + 1), url: a.url };
    });
    await context.addCookies([
      ...cookies,
      { name: "parley_merchant", value: merchantId, url: a.url },
      { name: VIEW_MODE_COOKIE, value: "test", url: a.url },
    ]);
    const page = await context.newPage();
    await page.goto(`${a.url}/transactions`);
    await page.getByTestId("live-feed-state").filter({ hasText: "Live" }).waitFor();
    const missing = await page.evaluate(
      (ids) => ids.filter((id) => !document.querySelector(`tr[data-payment-id="${id}"]`)),
      list.map((p) => p.id),
    );
    if (missing.length)
      throw new Error(`${missing.length} bench payments are not on A's first page (test mode)`);
    await page.mouse.move(0, 0);
    await page.evaluate(WATCHERS_SOURCE);
    const clock = await clockOffset(page);
    log(
      `page clock offset ${round(clock.offsetMs)} ms (round trip ${round(clock.roundTripMs)} ms)`,
    );

    const rowMs: number[] = [];
    const sseMs: number[] = [];
    const responseMs: number[] = [];
    const toRefreshMs: number[] = [];
    const refreshMs: number[] = [];
    const commitMs: number[] = [];
    const prefetchCounts: number[] = [];
    const missed = { row: 0, sse: 0 };
    for (const [i, p] of list.entries()) {
      const event = buildSandboxEvent({
        type: "payment.succeeded",
        providerPaymentId: p.ref,
        paymentId: p.id,
        amountMinor: 2500,
        currency: "EUR",
      });
      const delivery = signedSandboxDelivery(event, webhookSecret);
      await page.evaluate(
        (id) =>
          (window as unknown as { benchStamps: { watched: Set<string> } }).benchStamps.watched.add(
            id,
          ),
        p.id,
      );
      const t0 = nodeNow();
      const response = await fetch(`${b.url}/api/webhooks/${connectionId}`, {
        method: "POST",
        headers: delivery.headers,
        body: delivery.body,
      });
      await response.arrayBuffer();
      const answeredMs = nodeNow() - t0;
      if (response.status !== 200)
        throw new Error(`process B answered the webhook with ${response.status}`);
      const seen = await page
        .waitForFunction(
          (id) => {
            const w = window as unknown as {
              benchStamps: { row: Record<string, number>; sse: Record<string, number> };
              benchFetches(): { refresh: boolean; start: number; end: number }[];
            };
            const s = { ...w.benchStamps, fetches: w.benchFetches() };
            if (s.row[id] === undefined) return null;
            const sse = s.sse[id] ?? null;
            // The app's own EventSource can change the row before the bench's raw one hears the
            // same event: give that one a second before calling its event missed.
            if (sse === null && performance.timeOrigin + performance.now() - s.row[id] < 1_000)
              return null;
            // The refresh that brought the row: the last one to start before it showed.
            const refresh =
              s.fetches.filter((f) => f.refresh && f.start <= s.row[id]).at(-1) ?? null;
            const since = s.fetches.filter(
              (f) => sse !== null && f.start >= sse - 100 && f.start <= s.row[id],
            );
            const prefetches = since.filter((f) => !f.refresh).length;
            const refreshes = since.map((f) => [
              f.refresh ? "refresh" : "prefetch",
              Math.round(f.start - sse),
              Math.round(f.end - sse),
            ]);
            return { row: s.row[id], sse, refresh, prefetches, refreshes };
          },
          p.id,
          { timeout: waitMs, polling: 50 },
        )
        .then((handle) => handle.jsonValue())
        .catch(() => null);
      if (i < warmup) {
        await sleep(gapMs);
        continue;
      }
      responseMs.push(answeredMs);
      if (seen) rowMs.push(seen.row - clock.offsetMs - t0);
      else missed.row += 1;
      const sse = seen?.sse ?? null;
      if (sse !== null) sseMs.push(sse - clock.offsetMs - t0);
      else missed.sse += 1;
      const refresh = seen?.refresh;
      if (seen) prefetchCounts.push(seen.prefetches);
      if (seen && sse !== null && refresh && refresh.start >= sse - 100) {
        // The app's own EventSource may hear the event a little before the bench's: then ≤ 0.
        toRefreshMs.push(refresh.start - sse);
        refreshMs.push(refresh.end - refresh.start);
        commitMs.push(seen.row - refresh.end);
      }
      if (options.verbose && seen)
        log(
          `  ${p.id}: POST ${round(answeredMs)} · SSE +${round((seen.sse ?? NaN) - clock.offsetMs - t0)} · row +${round(seen.row - clock.offsetMs - t0)} · fetches after SSE [kind, start, end] ${JSON.stringify(seen.refreshes)}`,
        );
      if ((i + 1 - warmup) % 10 === 0)
        log(`  ${i + 1 - warmup}/${deliveries}: row ${round(rowMs.at(-1) ?? NaN)} ms`);
      await sleep(gapMs);
    }

    await apps.stop();
    const notify = await pgNotifyRoundTrips(database.url, deliveries);
    return {
      deliveries,
      warmup,
      machine: { cores: os.cpus().length, loadBefore, loadAfter: os.loadavg()[0] },
      rowVisible: distribution(rowMs),
      sseEvent: distribution(sseMs),
      webhookResponse: distribution(responseMs),
      pgNotify: distribution(notify),
      breakdown: {
        sseToRefresh: distribution(toRefreshMs),
        refreshRequest: distribution(refreshMs),
        responseToRow: distribution(commitMs),
        prefetchesPerDelivery: percentile(prefetchCounts, 50),
      },
      missed,
      clockRoundTripMs: round(clock.roundTripMs),
      targetMs: 300,
    };
  } finally {
    await browser?.close();
    await apps?.stop();
    await handle.close();
    await database.drop();
  }
}

/** Options from argv: --deliveries N, --gap-ms N, --verbose. */
export function optionsFromArgs(args: readonly string[]) {
  return {
    deliveries: parseCount(argValue(args, "--deliveries"), 40),
    gapMs: parseCount(argValue(args, "--gap-ms"), 600),
    verbose: args.includes("--verbose"),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await run(optionsFromArgs(process.argv.slice(2)));
  console.log(JSON.stringify(result, null, 2));
}
