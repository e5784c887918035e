// npm run db:migrate — applies the committed drizzle migrations (db/migrations) to the configured
// database: DATABASE_DIRECT_URL or DATABASE_URL (Postgres), else the embedded PGlite folder in
// PARLEY_DATA_DIR. Plain Node ESM on purpose: it must run where only the production dependencies
// are installed (`npm ci --omit=dev`, or `npm prune --omit=dev` after a build), so it imports
// nothing but drizzle-orm, pg and PGlite, which the app itself needs at run time.
// tests/integration/migrate-script.test.ts runs it with node alone and only those packages.
//
// On Postgres it holds a session advisory lock while migrating, so several app hosts started at
// once apply each migration exactly once; that lock needs a session, hence the direct URL when
// the app's own URL goes through a transaction-mode pooler (README: "Behind PgBouncer").
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const MIGRATIONS_FOLDER = fileURLToPath(new URL("../db/migrations", import.meta.url));
// Any fixed 64-bit key; it only has to be the same for every host running this script.
const MIGRATION_LOCK_KEY = "7354920813";

const started = Date.now();
const url = process.env.DATABASE_DIRECT_URL || process.env.DATABASE_URL;

if (url) {
  if (!/^postgres(ql)?:\/\//.test(url)) fail("DATABASE_URL must be a postgres:// URL");
  const { default: pg } = await import("pg");
  const { drizzle } = await import("drizzle-orm/node-postgres");
  const { migrate } = await import("drizzle-orm/node-postgres/migrator");
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("select pg_advisory_lock($1::bigint)", [MIGRATION_LOCK_KEY]);
    await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_FOLDER });
    await client.query("select pg_advisory_unlock($1::bigint)", [MIGRATION_LOCK_KEY]);
  } finally {
    await client.end();
  }
  done("postgres");
} else {
  const dataDir = path.join(process.env.PARLEY_DATA_DIR || ".data", "pglite");
  fs.mkdirSync(dataDir, { recursive: true });
  const release = lockFolder(dataDir);
  try {
    const { PGlite } = await import("@electric-sql/pglite");
    const { drizzle } = await import("drizzle-orm/pglite");
    const { migrate } = await import("drizzle-orm/pglite/migrator");
    const client = new PGlite(dataDir);
    await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_FOLDER });
    await client.close();
  } finally {
    release();
  }
  done("pglite");
}

function done(kind) {
  console.log(`[parley] migrations applied on ${kind} in ${Date.now() - started} ms`);
}

function fail(message) {
  console.error(`[parley] ${message}`);
  process.exit(1);
}

// The same lock file db/client.ts takes (one process per PGlite folder), with stale-pid takeover.
function lockFolder(dataDir) {
  const lockPath = `${path.resolve(dataDir)}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockPath, String(process.pid), { flag: "wx" });
      return () => fs.rmSync(lockPath, { force: true });
    } catch (error) {
      if (error.code !== "EEXIST") throw error;
      const holder = Number(fs.readFileSync(lockPath, "utf8"));
      if (holder && holder !== process.pid && isAlive(holder))
        fail(`the embedded database in ${dataDir} is in use by process ${holder}; stop it first`);
      fs.rmSync(lockPath, { force: true });
    }
  }
  fail(`could not lock ${dataDir}`);
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === "EPERM";
  }
}
