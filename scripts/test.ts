// npm test — the whole suite, as CI runs it: typecheck, lint, format, unit and integration tests (on
// PGlite and on a fresh Postgres database), a production build, then Playwright against that
// build on both engines. Needs a reachable Postgres (PARLEY_TEST_PG_URL, default local trust).
import { createFreshDatabase, LOCAL_ADMIN_PG_URL, withAdminClient } from "@/db/admin";
import { spawnSync } from "node:child_process";
import { pgbouncerBinary } from "../tests/integration/helpers/pgbouncer";

const ADMIN_URL = process.env.PARLEY_TEST_PG_URL ?? LOCAL_ADMIN_PG_URL;
const only = process.argv.slice(2);
const timings: [string, number][] = [];

function step(
  name: string,
  command: string,
  args: string[],
  env: Record<string, string> = {},
): void {
  if (only.length && !only.includes(name)) return;
  const started = Date.now();
  console.log(`\n▶ ${name}: ${command} ${args.join(" ")}`);
  const result = spawnSync(command, args, { stdio: "inherit", env: { ...process.env, ...env } });
  timings.push([name, Date.now() - started]);
  if (result.status !== 0) {
    console.error(`\n✗ ${name} failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
}

try {
  await withAdminClient(ADMIN_URL, (c) => c.query("select 1"));
} catch (error) {
  console.error(`✗ Postgres is not reachable at ${ADMIN_URL}: ${(error as Error).message}`);
  console.error("  Start it (see README) or set PARLEY_TEST_PG_URL.");
  process.exit(1);
}

const npx = "npx";
step("typecheck", npx, ["tsc", "--noEmit"]);
step("lint", npx, ["eslint", "--max-warnings=0", "."]);
step("format", npx, ["prettier", "--check", "."]);
step("unit", npx, ["vitest", "run", "--project", "unit"]);
step("integration", npx, ["vitest", "run", "--project", "integration"], {
  PARLEY_TEST_PG_URL: ADMIN_URL,
});
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
if (pgbouncerBinary()) {
  step("pgbouncer", npx, ["vitest", "run", "--project", "integration", ...PGBOUNCER_FILES], {
    PARLEY_TEST_PG_URL: ADMIN_URL,
    PARLEY_TEST_ENGINES: "pgbouncer",
  });
} else if (!only.length || only.includes("pgbouncer")) {
  console.warn(
    "\n! pgbouncer is not installed: the transaction-pooling run is skipped (apt-get install -y pgbouncer)",
  );
}
step("build", npx, ["next", "build"], { NEXT_TELEMETRY_DISABLED: "1" });

if (!only.length || only.includes("e2e")) {
  const database = await createFreshDatabase(ADMIN_URL, "parley_e2e");
  try {
    step("e2e", npx, ["playwright", "test"], {
      PARLEY_E2E_DATABASE_URL: database.url,
      NEXT_TELEMETRY_DISABLED: "1",
    });
  } finally {
    await database.drop();
  }
}

console.log("\n✓ all green");
for (const [name, ms] of timings) console.log(`  ${name.padEnd(12)} ${(ms / 1000).toFixed(1)} s`);
