import { env } from "@/lib/env";
import {
  listenOnPostgres,
  type ChannelListener,
  type NotificationHandler,
} from "@/lib/events/pg-listener";
import { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzlePg, type NodePgDatabase } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { runUnnamedOn } from "./prepared";
import * as schema from "./schema";

// One schema and one set of migrations on two engines: PGlite (embedded default, no
// DATABASE_URL) and Postgres through pg. Both drizzle flavours share the PgDatabase query API,
// so the rest of Parley is typed against the node-postgres one.
export type Db = NodePgDatabase<typeof schema>;
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
export type DbOrTx = Db | Tx;

export interface DbHandle {
  db: Db;
  kind: "pglite" | "postgres";
  migrate(): Promise<void>;
  /**
   * LISTENs on a channel (the event bus, lib/events/bus.ts): a dedicated connection on Postgres,
   * the instance's own LISTEN on PGlite. `onReconnect` runs after a lost connection is back.
   */
  listen(channel: string, onPayload: NotificationHandler, onReconnect: () => void): ChannelListener;
  close(): Promise<void>;
}

export const MIGRATIONS_FOLDER = path.join(process.cwd(), "db", "migrations");

export interface PostgresOptions {
  /**
   * A session connection to the same database, bypassing the pooler: LISTEN (the event bus)
   * needs one, and a transaction-mode pooler does not keep a session. Defaults to `url`.
   */
  directUrl?: string;
  /** False behind a transaction-mode pooler: statements go unnamed (db/prepared.ts). */
  namedStatements?: boolean;
}

export function openPostgres(url: string, poolSize = 10, options: PostgresOptions = {}): DbHandle {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  if (options.namedStatements === false) runUnnamedOn(pool);
  const directUrl = options.directUrl ?? url;
  // A dropped idle connection must not crash the process.
  pool.on("error", (error) => console.error("[db] idle client error", error.message));
  const db = drizzlePg(pool, { schema });
  const listeners = new Set<ChannelListener>();
  return {
    db,
    kind: "postgres",
    migrate: () => migratePg(db, { migrationsFolder: MIGRATIONS_FOLDER }),
    listen(channel, onPayload, onReconnect) {
      const listener = listenOnPostgres(directUrl, channel, onPayload, onReconnect);
      const tracked: ChannelListener = {
        ready: listener.ready,
        close: () => {
          listeners.delete(tracked);
          return listener.close();
        },
      };
      listeners.add(tracked);
      return tracked;
    },
    close: async () => {
      await Promise.all([...listeners].map((l) => l.close()));
      await pool.end();
    },
  };
}

/** PGlite in a folder (locked to this process) or in memory (dataDir undefined). */
export function openPglite(dataDir?: string): DbHandle {
  let releaseLock = () => {};
  if (dataDir) {
    fs.mkdirSync(dataDir, { recursive: true });
    releaseLock = acquireFolderLock(dataDir);
  }
  const client = new PGlite(dataDir);
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    db,
    kind: "pglite",
    migrate: () => migratePglite(db as never, { migrationsFolder: MIGRATIONS_FOLDER }),
    // PGlite's LISTEN/NOTIFY works within its instance and, like Postgres, delivers a NOTIFY
    // only when its transaction commits. One process owns the instance, so there is nothing to
    // re-connect.
    listen(channel, onPayload) {
      const unlisten = client.listen(channel, onPayload);
      return {
        ready: unlisten.then(() => undefined),
        close: async () => {
          if (!client.closed) await (await unlisten)();
        },
      };
    },
    close: async () => {
      await client.close();
      releaseLock();
    },
  };
}

/**
 * Two processes can open one PGlite folder without error and then silently lose writes, so one
 * process owns a folder at a time. A lock left by a dead process is taken over.
 */
function acquireFolderLock(dataDir: string): () => void {
  const lockPath = `${path.resolve(dataDir)}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockPath, String(process.pid), { flag: "wx" });
      const release = () => {
        try {
          if (fs.readFileSync(lockPath, "utf8") === String(process.pid)) fs.unlinkSync(lockPath);
        } catch {
          /* already gone */
        }
      };
      process.once("exit", release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = Number(fs.readFileSync(lockPath, "utf8"));
      if (holder === process.pid) return () => {};
      if (holder && isAlive(holder)) {
        throw new Error(
          `The embedded database in ${dataDir} is in use by process ${holder}. ` +
            `Stop that process, or set DATABASE_URL to use a shared Postgres.`,
        );
      }
      fs.unlinkSync(lockPath);
    }
  }
  throw new Error(`Could not lock ${dataDir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Opens the database the environment describes: Postgres with DATABASE_URL, else PGlite. */
export function openConfiguredDatabase(): DbHandle {
  const e = env();
  if (e.DATABASE_URL)
    return openPostgres(e.DATABASE_URL, 10, {
      directUrl: e.DATABASE_DIRECT_URL,
      namedStatements: e.PARLEY_DB_POOLER !== "transaction",
    });
  return openPglite(path.join(e.PARLEY_DATA_DIR, "pglite"));
}

// Survives Next's module reloading in development.
const globalForDb = globalThis as unknown as { __parleyDb?: DbHandle };

export function getDbHandle(): DbHandle {
  globalForDb.__parleyDb ??= openConfiguredDatabase();
  return globalForDb.__parleyDb;
}

/** True on a Postgres server (which other processes may share); false on the embedded PGlite. */
export function sharesServer(db: DbOrTx): boolean {
  return (db as { $client?: unknown }).$client instanceof pg.Pool;
}

/** The handle already open in this process, without opening one. */
export function peekDbHandle(): DbHandle | undefined {
  return globalForDb.__parleyDb;
}

export function getDb(): Db {
  return getDbHandle().db;
}

/** Tests and scripts install their own database. */
export function setDbHandle(handle: DbHandle | undefined): void {
  globalForDb.__parleyDb = handle;
}
