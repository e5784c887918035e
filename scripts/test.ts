// npm test — the whole suite, as CI runs it: typecheck, lint, unit and integration tests (on
// PGlite and on a fresh Postgres database), a production build, then Playwright against that
// build on both engines. Needs a reachable Postgres (PARLEY_TEST_PG_URL, default local trust).
import { spawnSync } from "node:child_process";
import pg from "pg";

const ADMIN_URL = process.env.PARLEY_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
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

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  try {
    await client.connect();
  } catch (error) {
    console.error(`✗ Postgres is not reachable at ${ADMIN_URL}: ${(error as Error).message}`);
    console.error("  Start it (see README) or set PARLEY_TEST_PG_URL.");
    process.exit(1);
  }
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

await withAdmin(async (c) => c.query("select 1"));
const npx = "npx";
step("typecheck", npx, ["tsc", "--noEmit"]);
step("lint", npx, ["eslint", "--max-warnings=0", "."]);
step("unit", npx, ["vitest", "run", "--project", "unit"]);
step("integration", npx, ["vitest", "run", "--project", "integration"], {
  PARLEY_TEST_PG_URL: ADMIN_URL,
});
step("build", npx, ["next", "build"], { NEXT_TELEMETRY_DISABLED: "1" });

if (!only.length || only.includes("e2e")) {
  const dbName = `parley_e2e_${Date.now().toString(36)}`;
  await withAdmin((c) => c.query(`create database ${dbName}`));
  const url = new URL(ADMIN_URL);
  url.pathname = `/${dbName}`;
  try {
    step("e2e", npx, ["playwright", "test"], {
      PARLEY_E2E_DATABASE_URL: url.toString(),
      NEXT_TELEMETRY_DISABLED: "1",
    });
  } finally {
    await withAdmin((c) => c.query(`drop database if exists ${dbName} with (force)`));
  }
}

console.log("\n✓ all green");
for (const [name, ms] of timings) console.log(`  ${name.padEnd(12)} ${(ms / 1000).toFixed(1)} s`);
