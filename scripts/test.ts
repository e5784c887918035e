// npm test — the whole suite, as CI runs it: typecheck, lint, format, unit and integration tests (on
// PGlite, on a fresh Postgres database and through PgBouncer), a production build, then Playwright
// against that build on both engines. Needs a reachable Postgres (PARLEY_TEST_PG_URL, default local
// trust).
//
// The machine has two cores, and no step keeps both busy on its own (tsc, eslint and vitest's
// PGlite runs are one busy thread each; the Postgres runs wait on the server much of the time),
// so the steps run two at a time in stages: the checks, then the integration engines beside the
// build, then Playwright. Each line of a step's output is prefixed with its name; `npm test --
// <step> …` runs only the named steps (one at a time when only one is named).
import { createFreshDatabase, LOCAL_ADMIN_PG_URL, withAdminClient } from "@/db/admin";
import { spawn } from "node:child_process";
import readline from "node:readline";
import { pgbouncerBinary } from "../tests/integration/helpers/pgbouncer";

const ADMIN_URL = process.env.PARLEY_TEST_PG_URL ?? LOCAL_ADMIN_PG_URL;
const only = process.argv.slice(2);
const timings: [string, number][] = [];
const CONCURRENCY = 2;

interface Step {
  name: string;
  command: string;
  args: string[];
  env?: Record<string, string>;
}

function selected(step: Step): boolean {
  return !only.length || only.includes(step.name) || only.includes(step.name.split(":")[0]);
}

/** Runs one step with its output prefixed; resolves with its exit code. */
function run(step: Step, prefix: boolean): Promise<number> {
  const started = Date.now();
  console.log(`\n▶ ${step.name}: ${step.command} ${step.args.join(" ")}`);
  const child = spawn(step.command, step.args, {
    stdio: prefix ? ["ignore", "pipe", "pipe"] : "inherit",
    env: { ...process.env, ...step.env },
  });
  if (prefix) {
    for (const stream of [child.stdout, child.stderr]) {
      const lines = readline.createInterface({ input: stream! });
      lines.on("line", (line) => console.log(`[${step.name}] ${line}`));
    }
  }
  return new Promise((resolve) => {
    child.on("close", (code, signal) => {
      timings.push([step.name, Date.now() - started]);
      if (code !== 0) console.error(`\n✗ ${step.name} failed (exit ${code ?? signal})`);
      else console.log(`\n✓ ${step.name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      resolve(code ?? 1);
    });
  });
}

/**
 * Runs a stage's selected steps, CONCURRENCY at a time, in the order given. Every step of the
 * stage finishes, so every failure is printed; false when any failed.
 */
async function stage(steps: Step[]): Promise<boolean> {
  const waiting = steps.filter(selected);
  const prefix = waiting.length > 1;
  let failed = 0;
  async function lane(): Promise<void> {
    for (let step = waiting.shift(); step; step = waiting.shift()) {
      if ((await run(step, prefix)) !== 0) failed++;
    }
  }
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, waiting.length) }, lane));
  return failed === 0;
}

try {
  await withAdminClient(ADMIN_URL, (c) => c.query("select 1"));
} catch (error) {
  console.error(`✗ Postgres is not reachable at ${ADMIN_URL}: ${(error as Error).message}`);
  console.error("  Start it (see README) or set PARLEY_TEST_PG_URL.");
  process.exit(1);
}

const npx = "npx";
const checks = await stage([
  { name: "typecheck", command: npx, args: ["tsc", "--noEmit"] },
  { name: "lint", command: npx, args: ["eslint", "--max-warnings=0", "."] },
  { name: "format", command: npx, args: ["prettier", "--check", "."] },
  { name: "unit", command: npx, args: ["vitest", "run", "--project", "unit"] },
]);
if (!checks) process.exit(1);

// The same Postgres through PgBouncer in transaction mode (the tests start it; .ci/run installs
// it): the files where pooling can break Parley — every path with named statements (the webhook
// pipeline, checkout, refunds, chat, rollups), transaction advisory locks (chat, recovery,
// rollups), SKIP LOCKED jobs, LISTEN on the direct connection (the bus), the throttles' upserts
// and the two-process checks. Not the whole suite: it would add its Postgres share (minutes) to
// CI again for files that only read; this set takes about a minute.
const PGBOUNCER_FILES = [
  "tests/integration/prepared.test.ts",
  "tests/integration/webhooks-sandbox.test.ts",
  "tests/integration/webhooks-fast-path.test.ts",
  "tests/integration/webhooks-deliveries.test.ts",
  "tests/integration/webhooks-providers.test.ts",
  "tests/integration/checkout.test.ts",
  "tests/integration/refunds.test.ts",
  "tests/integration/reconcile.test.ts",
  "tests/integration/conversations/engine.test.ts",
  "tests/integration/conversations/web-chat.test.ts",
  "tests/integration/analytics/rollups.test.ts",
  "tests/integration/jobs.test.ts",
  "tests/integration/events/bus.test.ts",
  "tests/integration/auth-throttle.test.ts",
  "tests/integration/team.test.ts",
  "tests/integration/multi-process.test.ts",
];
// Every integration file runs on each engine; the two engines run side by side as two vitest
// processes (each still one file at a time: a file opens its own database), beside the build.
const integration = (engines: string): Record<string, string> => ({
  PARLEY_TEST_PG_URL: ADMIN_URL,
  PARLEY_TEST_ENGINES: engines,
});
const vitestIntegration = ["vitest", "run", "--project", "integration"];
const pgbouncer = pgbouncerBinary();
if (!pgbouncer && (!only.length || only.includes("pgbouncer")))
  console.warn(
    "\n! pgbouncer is not installed: the transaction-pooling run is skipped (apt-get install -y pgbouncer)",
  );
const integrated = await stage([
  {
    name: "integration:postgres",
    command: npx,
    args: vitestIntegration,
    env: integration("postgres"),
  },
  { name: "integration:pglite", command: npx, args: vitestIntegration, env: integration("pglite") },
  ...(pgbouncer
    ? [
        {
          name: "pgbouncer",
          command: npx,
          args: [...vitestIntegration, ...PGBOUNCER_FILES],
          env: integration("pgbouncer"),
        },
      ]
    : []),
  // npm run build: the same production build a merchant deploys.
  { name: "build", command: "npm", args: ["run", "build"], env: { NEXT_TELEMETRY_DISABLED: "1" } },
]);
if (!integrated) process.exit(1);

if (!only.length || only.includes("e2e")) {
  const database = await createFreshDatabase(ADMIN_URL, "parley_e2e");
  let passed = false;
  try {
    passed = await stage([
      {
        name: "e2e",
        command: npx,
        args: ["playwright", "test"],
        env: { PARLEY_E2E_DATABASE_URL: database.url, NEXT_TELEMETRY_DISABLED: "1" },
      },
    ]);
  } finally {
    await database.drop();
  }
  if (!passed) process.exit(1);
}

console.log("\n✓ all green");
for (const [name, ms] of timings) console.log(`  ${name.padEnd(22)} ${(ms / 1000).toFixed(1)} s`);
