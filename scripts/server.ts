// npm start — Parley in production: one node:http server on PORT (or -p) and HOSTNAME (or -H, all
// interfaces by default). Provider webhooks are answered by the front (scripts/lib/front.ts)
// before Next's pipeline; every other request goes to Next's request handler for the production
// build in .next. Next's start-up runs instrumentation.ts (recovery, the job poller) once, in this
// process, and opens the database there: the front uses that same handle (db/client.ts keeps it on
// globalThis), so start-up fails if it is not open by then rather than open a second one (two
// PGlite instances on one folder lose writes). scripts/build-server.mjs compiles this file into
// .next/parley-server.mjs (`npm run build`), so production runs without tsx.
import { peekDbHandle } from "@/db/client";
import { stopEventBus } from "@/lib/events/bus";
import { stopJobPoller } from "@/lib/jobs/poller";
import http from "node:http";
import { createRequire } from "node:module";
import path from "node:path";
import { parseArgs } from "node:util";
import { frontListener } from "./lib/front";

// This file sits in scripts/, and its build in .next/: the app's folder is one up either way.
const ROOT = path.resolve(import.meta.dirname, "..");
// In-flight requests get this long to finish on SIGTERM before their connections are cut
// (server-sent event streams never finish on their own); then the process exits regardless.
const DRAIN_MS = 3_000;
const EXIT_AFTER_MS = 10_000;

const { values } = parseArgs({
  options: {
    port: { type: "string", short: "p" },
    hostname: { type: "string", short: "H" },
  },
});
// Set before Next (and lib/env.ts, on first use) reads them, as `next start` does. NEXT_RUNTIME is
// what instrumentation.ts checks before it starts recovery and the job poller.
(process.env as Record<string, string | undefined>).NODE_ENV ??= "production";
process.env.NEXT_RUNTIME = "nodejs";
if (values.port) process.env.PORT = values.port;
const port = Number(process.env.PORT ?? 3000);
const hostname = values.hostname ?? process.env.HOSTNAME;
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error(`[parley] not a port: ${process.env.PORT}`);
  process.exit(1);
}

/**
 * Waits for Next's one run of instrumentation.ts: a custom server's prepare() resolves before it,
 * and start-up recovery must not run beside the first deliveries. Next keeps the run in a module
 * it loads outside its bundles ("….external"), so this require shares its promise; should a Next
 * release move it, wait for what the run leaves instead (the database handle).
 */
interface Registration {
  ensureInstrumentationRegistered(dir: string, distDir: string): Promise<void>;
}

async function instrumentationRegistered(): Promise<void> {
  let registration: Registration;
  try {
    registration = createRequire(import.meta.url)(
      "next/dist/server/lib/router-utils/instrumentation-globals.external",
    ) as Registration;
  } catch {
    for (let waited = 0; !peekDbHandle() && waited < 60_000; waited += 100)
      await new Promise((resolve) => setTimeout(resolve, 100));
    return;
  }
  await registration.ensureInstrumentationRegistered(ROOT, ".next");
}

const { default: next } = await import("next");
const app = next({ dev: false, dir: ROOT, hostname: hostname ?? "localhost", port });
await app.prepare();
await instrumentationRegistered();
// instrumentation.ts has run in Next's bundle: its getDb() opened the process's one handle.
if (!peekDbHandle()) {
  console.error(
    "[parley] Next's start-up did not open the database in this process (see the errors above); " +
      "not opening a second handle.",
  );
  process.exit(1);
}

const server = http.createServer(frontListener(app.getRequestHandler()));
server.on("error", (error) => {
  console.error(`[parley] ${error.message}`);
  process.exit(1);
});
server.listen(port, hostname, () => {
  console.log(`[parley] ready on http://${hostname ?? "localhost"}:${port}`);
});

let stopping = false;
async function shutdown(signal: NodeJS.Signals): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`[parley] ${signal}: finishing requests, then stopping`);
  setTimeout(() => process.exit(1), EXIT_AFTER_MS).unref();
  const drained = setTimeout(() => server.closeAllConnections(), DRAIN_MS);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  clearTimeout(drained);
  await app.close().catch((error: unknown) => console.error("[parley] next close", error));
  await stopJobPoller();
  await stopEventBus().catch(() => {});
  await peekDbHandle()
    ?.close()
    .catch((error: unknown) => console.error("[parley] database close", error));
  process.exit(0);
}
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.on(signal, () => void shutdown(signal));
