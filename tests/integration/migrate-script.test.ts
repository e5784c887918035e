// `npm run db:migrate` where only the production dependencies are installed: the script and the
// migrations are copied into an empty folder beside a node_modules holding just the packages it
// imports (and what they need), each of which must be a runtime dependency in package.json, then
// run with plain `node` (no tsx, no drizzle-kit, nothing of the repo's own node_modules).
import { createFreshDatabase, type FreshDatabase } from "@/db/admin";
import { MIGRATIONS_FOLDER } from "@/db/client";
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_PG_URL, ENGINES } from "./helpers/test-db";

const run = promisify(execFile);
const ROOT = process.cwd();
// What scripts/migrate.mjs imports (node: built-ins aside).
const IMPORTED = ["pg", "drizzle-orm", "@electric-sql/pglite"];

interface Manifest {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}
const readManifest = (dir: string) =>
  JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as Manifest;

/** The packages `names` need at run time, as installed (hoisted) in the repo's node_modules. */
function runtimeClosure(names: string[]): string[] {
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    const dir = path.join(ROOT, "node_modules", name);
    if (!fs.existsSync(dir)) return; // an optional dependency for another platform
    seen.add(name);
    const manifest = readManifest(dir);
    for (const dep of Object.keys(manifest.dependencies ?? {})) visit(dep);
  };
  names.forEach(visit);
  return [...seen];
}

const journalLength = (
  JSON.parse(fs.readFileSync(path.join(MIGRATIONS_FOLDER, "meta", "_journal.json"), "utf8")) as {
    entries: unknown[];
  }
).entries.length;

let app: string;

beforeAll(() => {
  app = fs.mkdtempSync(path.join(os.tmpdir(), "parley-prod-migrate-"));
  fs.mkdirSync(path.join(app, "scripts"));
  fs.copyFileSync(
    path.join(ROOT, "scripts", "migrate.mjs"),
    path.join(app, "scripts", "migrate.mjs"),
  );
  fs.cpSync(MIGRATIONS_FOLDER, path.join(app, "db", "migrations"), { recursive: true });
  fs.writeFileSync(path.join(app, "package.json"), JSON.stringify({ type: "module" }));
  for (const name of runtimeClosure(IMPORTED)) {
    fs.cpSync(path.join(ROOT, "node_modules", name), path.join(app, "node_modules", name), {
      recursive: true,
    });
  }
});
afterAll(() => {
  if (app) fs.rmSync(app, { recursive: true, force: true });
});

/** `node scripts/migrate.mjs` in the production-only folder; no inherited loaders or paths. */
function migrate(env: Record<string, string>) {
  return run(process.execPath, ["scripts/migrate.mjs"], {
    cwd: app,
    env: { PATH: process.env.PATH ?? "", NODE_ENV: "production", ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
}

describe("the migrate script", () => {
  it("imports only runtime dependencies of package.json", () => {
    const manifest = readManifest(ROOT);
    for (const name of IMPORTED) expect(Object.keys(manifest.dependencies ?? {})).toContain(name);
    const source = fs.readFileSync(path.join(ROOT, "scripts", "migrate.mjs"), "utf8");
    const specifiers = [...source.matchAll(/(?:import\(|from )"([^"]+)"/g)].map((m) => m[1]);
    const packages = specifiers
      .filter((s) => !s.startsWith("node:"))
      .map((s) => (s.startsWith("@") ? s.split("/").slice(0, 2).join("/") : s.split("/")[0]));
    expect(new Set(packages)).toEqual(new Set(IMPORTED));
    expect(readManifest(ROOT).devDependencies).not.toHaveProperty("pg");
    // npm run db:migrate is exactly this script under plain node.
    expect(
      (
        JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
          scripts: Record<string, string>;
        }
      ).scripts["db:migrate"],
    ).toBe("node scripts/migrate.mjs");
  });

  it.runIf(ENGINES.includes("pglite"))(
    "migrates an embedded database from zero with node alone",
    async () => {
      const dataDir = path.join(app, "data");
      const { stdout } = await migrate({ PARLEY_DATA_DIR: dataDir });
      expect(stdout).toMatch(/migrations applied on pglite/);
      expect(fs.existsSync(path.join(dataDir, "pglite", "PG_VERSION"))).toBe(true);
      expect(fs.existsSync(`${path.join(dataDir, "pglite")}.lock`)).toBe(false);
    },
    60_000,
  );

  describe.runIf(ENGINES.includes("postgres"))("on Postgres", () => {
    let database: FreshDatabase;
    beforeAll(async () => {
      database = await createFreshDatabase(ADMIN_PG_URL, "parley_t");
    });
    afterAll(async () => {
      await database?.drop();
    });

    it("migrates a fresh database from zero, two hosts at once, each migration once", async () => {
      const [a, b] = await Promise.all([
        migrate({ DATABASE_URL: database.url }),
        migrate({ DATABASE_URL: database.url }),
      ]);
      expect(a.stdout + b.stdout).toMatch(
        /migrations applied on postgres.*\n.*applied on postgres/s,
      );
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        const applied = await client.query<{ n: number }>(
          "select count(*)::int as n from drizzle.__drizzle_migrations",
        );
        expect(applied.rows[0].n).toBe(journalLength);
        const tables = await client.query<{ n: number }>(
          "select count(*)::int as n from information_schema.tables where table_schema = 'public' and table_name in ('payments', 'global_lookups', 'rate_limit_windows')",
        );
        expect(tables.rows[0].n).toBe(3);
      } finally {
        await client.end();
      }
    }, 60_000);
  });
});
