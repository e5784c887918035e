// Serves the production build for Playwright on a fresh database: a new PGlite folder, or the
// fresh Postgres database scripts/test.ts created. Migrate and seed first, then the production
// server (`npm start`: .next/parley-server.mjs, webhooks in front of Next, scripts/server.ts).
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { E2E_AUTH_SECRET, E2E_MASTER_KEYS } from "./lib/e2e-env";

if (process.env.PARLEY_E2E_ENGINE === "pglite") {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "parley-e2e-"));
  process.env.PARLEY_DATA_DIR = dir;
  delete process.env.DATABASE_URL;
}
process.env.PARLEY_DEMO = "1";
// Specs that connect a provider run its fake (tests/fakes) on 127.0.0.1 beside this server.
process.env.PARLEY_E2E_OPEN_API_BASE_URL = "1";
// A step-up code stays fresh 15 s instead of 5 min, so the two-factor spec sees the prompt without
// waiting minutes. Only enrolled accounts are affected: the demo logins are exempt in demo mode.
process.env.PARLEY_STEP_UP_MAX_AGE_S ??= "15";
process.env.AUTH_SECRET ??= E2E_AUTH_SECRET;
// Production mode on Postgres requires an explicit key ring; a fixed, test-only key is fine here.
process.env.PARLEY_MASTER_KEYS ??= E2E_MASTER_KEYS;
process.env.AUTH_TRUST_HOST = "true";

const { openConfiguredDatabase } = await import("@/db/client");
const { seedDemo } = await import("@/db/seed");
const handle = openConfiguredDatabase();
await handle.migrate();
await seedDemo(handle.db);
await handle.close();

const child = spawn(
  process.execPath,
  ["--enable-source-maps", ".next/parley-server.mjs", "-p", process.env.PORT ?? "3101"],
  {
    stdio: "inherit",
    // All interfaces, as next start: a container's HOSTNAME (its own name) would narrow the
    // server to that one address, away from the localhost Playwright calls.
    env: { ...process.env, HOSTNAME: undefined },
  },
);
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
child.on("exit", (code) => process.exit(code ?? 0));
